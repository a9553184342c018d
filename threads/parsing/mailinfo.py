"""What ``git mailinfo`` takes from a patch mail: author, subject, commit message, patch.

Written from git's documented behaviour and its t5100 cases: in-body ``From:``/``Subject:``/
``Date:`` lines at the top of the body override the mail's headers, every leading ``[...]``
group and ``Re:`` is stripped from the subject, and the patch starts at the first ``---``
line, ``diff -`` line or ``Index:`` line.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass

from threads.parsing.addresses import parse_address_git
from threads.parsing.headers import decode_bytes, decode_words
from threads.parsing.mime import find_body, part_text

_HEADERS = ("From", "Subject", "Date")
# git format-patch's separator, quoted by an mbox writer: ">From <40 hex> Mon Sep 17 00:00:00 2001"
_FORMAT_PATCH_FROM = re.compile(r"^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$")
# git's is_rfc2822_header(): "Name:" with RFC 5322 ftext characters
_FIELD = re.compile(r"^([!-9;-~]+):")


@dataclass(frozen=True)
class MailInfo:
    author_name: str
    author_email: str
    subject: str
    date: str
    message: str  # the commit message (git's "msg" file)
    patch: str  # from the first patch line on (git's "patch" file)
    message_id: str | None = None
    has_author: bool = False  # a From: was found (git prints Author:/Email: lines only then)
    has_subject: bool = False
    has_date: bool = False


def is_patch_break(line: str) -> bool:
    """git's patchbreak(): ``diff -``, ``Index: ``, ``--- <file>`` or a ``---`` line."""
    if line.startswith(("diff -", "Index: ")):
        return True
    if len(line) < 4 or not line.startswith("---"):
        return False
    if line[3] == " " and not line[4:5].isspace() and line[4:5]:
        return True
    rest = line[3:]
    return rest.endswith("\n") and not rest.strip()


def is_scissors_line(line: str) -> bool:
    """A ``-- >8 --`` cut line: scissors plus dashes filling most of the visible line."""
    scissors = gap = perforation = 0
    in_perforation = False
    first = last = -1
    i = 0
    while i < len(line):
        c = line[i]
        if c.isspace():
            if in_perforation:
                perforation += 1
                gap += 1
            i += 1
            continue
        last = i
        if first < 0:
            first = i
        if c == "-":
            in_perforation = True
            perforation += 1
        elif line[i : i + 2] in (">8", "8<", ">%", "%<"):
            in_perforation = True
            perforation += 2
            scissors += 2
            i += 1
        else:
            in_perforation = False
        i += 1
    visible = last - first + 1 if first >= 0 else 0
    return bool(scissors) and 8 <= visible < perforation * 3 and gap * 2 < perforation


def _skip_header(line: str, name: str) -> str | None:
    if line[: len(name)].lower() == name.lower() and line[len(name) : len(name) + 1] == ":":
        return line[len(name) + 1 :].lstrip()
    return None


def _cleanup_space(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def clean_subject(subject: str, *, keep_non_patch_brackets: bool = False) -> str:
    """git's default subject cleanup: drop leading ``Re:``, blanks, ``:`` and ``[...]`` groups.

    ``clean_subject("[Navy-patches] [PATCH] Изменён список")`` -> ``"Изменён список"``.
    """
    at = 0
    while at < len(subject):
        c = subject[at]
        if c in "rR":
            if len(subject) > at + 3 and subject[at + 1] in "eE" and subject[at + 2] == ":":
                subject = subject[:at] + subject[at + 3 :]
                continue
            break
        if c in " \t:":
            subject = subject[:at] + subject[at + 1 :]
            continue
        if c == "[":
            end = subject.find("]", at)
            if end < 0:
                break
            group = subject[at : end + 1]
            if not keep_non_patch_brackets or (len(group) >= 7 and "PATCH" in group):
                subject = subject[:at] + subject[end + 1 :]
            else:
                at = end + 1
                if at < len(subject) and subject[at].isspace():
                    at += 1
            continue
        break
    return _cleanup_space(subject.strip())


def _read_headers(raw: str) -> tuple[dict[str, str], list[str]]:
    """git's header loop: unfold, stop at the first line that is not a header."""
    lines = raw.split("\n")
    headers: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip("\r") or not (
            line.startswith(("From ", ">From ")) or _FIELD.match(line)
        ):
            break
        i += 1
        while i < len(lines) and lines[i][:1] in (" ", "\t"):
            line += " " + lines[i][1:].rstrip()
            i += 1
        for name in (*_HEADERS, "Message-ID"):
            value = _skip_header(line, name)
            if value is not None:
                headers[name] = decode_words(value) if name != "Message-ID" else value
                break
    return headers, lines[i:]


def mailinfo(raw: bytes, *, keep_subject: bool = False, keep_non_patch_brackets: bool = False,
             scissors: bool = False, inbody_headers: bool = True,
             add_message_id: bool = False) -> MailInfo:
    """Run git's mailinfo logic over one raw mail (default options = ``git mailinfo -u``)."""
    head_text, _ = decode_bytes(raw.split(b"\n\n", 1)[0] if b"\n\n" in raw else raw)
    headers, _ = _read_headers(head_text.replace("\r\n", "\n"))
    body = _body(raw)
    inbody: dict[str, str] = {}
    message, patch = _split(body, inbody, scissors=scissors, inbody_headers=inbody_headers)
    if add_message_id and headers.get("Message-ID") and patch:
        message += f"Message-ID: {headers['Message-ID']}\n"
    fields = dict(headers)
    if patch:
        fields.update(inbody)
    subject = fields.get("Subject")
    if subject is not None and not keep_subject:
        subject = clean_subject(subject, keep_non_patch_brackets=keep_non_patch_brackets)
    name = email = ""
    if fields.get("From") is not None:
        name, email = parse_address_git(_cleanup_space(fields["From"]))
    date = fields.get("Date")
    return MailInfo(
        author_name=name, author_email=email, subject=subject or "",
        date=_cleanup_space(date) if date is not None else "", message=message, patch=patch,
        message_id=headers.get("Message-ID"), has_author="From" in fields,
        has_subject=subject is not None, has_date=date is not None)


def _body(raw: bytes) -> str:
    """git reads every MIME part in turn (attachments too) as one stream of lines."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if not msg.is_multipart():
        return find_body(raw)[0]
    texts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        text = part_text(part, [])
        texts.append(text if text.endswith("\n") or not text else text + "\n")
    return "".join(texts)


def split_patch(body: str, *, scissors: bool = False) -> tuple[str, str]:
    """Commit message and patch of a mail body, as git mailinfo cuts them.

    ``split_patch("Fix it.\\n\\nSigned-off-by: A <a@b>\\n---\\n x | 1 +\\n")`` ->
    ``("Fix it.\\n\\nSigned-off-by: A <a@b>\\n", "---\\n x | 1 +\\n")``. In-body headers are
    removed from the message (see :func:`mailinfo` to read them).
    """
    return _split(body, {}, scissors=scissors, inbody_headers=True)


def _split(body: str, inbody: dict[str, str], *, scissors: bool,
           inbody_headers: bool) -> tuple[str, str]:
    lines = body.splitlines(keepends=True)
    message: list[str] = []
    header_stage = True
    holder = [""]  # an in-body header being read (it may continue on the next line)
    for index, line in enumerate(lines):
        if header_stage and not line.strip("\n"):
            if holder[0]:
                _flush_holder(holder, inbody)
                header_stage = False
            continue
        if inbody_headers and header_stage:
            header_stage = _inbody_header(line, inbody, holder)
            if header_stage:
                continue
        else:
            header_stage = False
        if scissors and is_scissors_line(line):
            message = []
            header_stage = True
            inbody.clear()
            continue
        if is_patch_break(line):
            return "".join(message), "".join(lines[index:])
        message.append(line)
    _flush_holder(holder, inbody)
    return "".join(message), ""


def _inbody_header(line: str, inbody: dict[str, str], holder: list[str]) -> bool:
    """git's check_inbody_header(): True while the line belongs to in-body headers."""
    if holder[0] and line[:1] in (" ", "\t"):
        holder[0] = holder[0].rstrip("\n") + line
        return True
    _flush_holder(holder, inbody)
    if line.startswith(">From") and line[5:6].isspace():
        return bool(_FORMAT_PATCH_FROM.match(line[1:].rstrip("\n")))
    if line.startswith("[PATCH]") and line[7:8].isspace():
        inbody["Subject"] = line.rstrip("\n")
        return True
    for name in _HEADERS:
        if name not in inbody and _skip_header(line, name) is not None:
            holder[0] = line
            return True
    return False


def _flush_holder(holder: list[str], inbody: dict[str, str]) -> None:
    if not holder[0]:
        return
    for name in _HEADERS:
        if name in inbody:
            continue
        value = _skip_header(holder[0], name)
        if value is not None:
            inbody[name] = decode_words(value)
            break
    holder[0] = ""
