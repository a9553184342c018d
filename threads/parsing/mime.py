"""The text of a mail: MIME parts, transfer encodings, charsets and format=flowed."""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import html
import re
from email.message import Message

from threads.parsing.headers import decode_bytes

# Attachments that carry the patch itself (Patchwork's AttachmentPatchTest / XDiff test).
PATCH_TYPES = ("text/x-patch", "text/x-diff", "text/x-patch-file")


def _payload_bytes(part: Message, warnings: list[str]) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        raw = part.get_payload()
        if isinstance(raw, str):
            data = raw.encode("utf-8", "surrogateescape")
        else:
            data = b""
        warnings.append("undecodable transfer encoding kept as is")
    if part.defects:
        for defect in part.defects:
            name = type(defect).__name__
            if "Base64" in name or "Padding" in name:
                warnings.append(f"transfer encoding defect: {name}")
    return data


def part_text(part: Message, warnings: list[str]) -> str:
    data = _payload_bytes(part, warnings)
    charset = part.get_content_charset()
    text, fallback = decode_bytes(data, charset)
    if fallback:
        warnings.append(f"charset {_printable(charset)} did not fit; decoded as best could")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    params = {k.lower(): (v or "").lower() for k, v in part.get_params(failobj=[]) or []}
    if params.get("format") == "flowed":
        text = unflow(text, delsp=params.get("delsp") == "yes")
    return text


def _printable(charset: str | None) -> str:
    if not charset:
        return "undeclared"
    return "".join(c if c.isprintable() else "?" for c in charset)[:40]


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join RFC 3676 format=flowed lines (a trailing space means "continued").

    ``unflow("Hello \\nworld\\n")`` -> ``"Hello world\\n"``; the ``-- `` signature line stays.
    """
    out: list[str] = []
    pending = ""
    for line in text.split("\n"):
        if line == "-- ":
            if pending:
                out.append(pending)
                pending = ""
            out.append(line)
            continue
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if content.endswith(" ") and content != "":
            piece = content[:-1] if delsp else content
            pending = (pending or ">" * depth + (" " if depth else "")) + piece
            continue
        prefix = ">" * depth + (" " if depth and content else "")
        out.append((pending + content) if pending else prefix + content)
        pending = ""
    if pending:
        out.append(pending)
    return "\n".join(out)


# HTML-only mails (Outlook replies in Patchwork's 0020-multipart-comment): tags, line breaks
_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)


def html_to_text(source: str) -> str:
    """A crude text rendering of an HTML-only part (tags dropped, entities decoded)."""
    source = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", source)
    source = _BLOCK.sub("\n", source)
    return html.unescape(_TAG.sub("", source))


# Content-Type parameters: ``text/plain; charset="iso-8859-1"; format=flowed; delsp=yes``
_PARAM = re.compile(r';\s*([A-Za-z-]+)\s*=\s*"?([^";\s]*)"?')


def find_simple_body(content_type: str | None, encoding: str | None,
                     body: bytes) -> tuple[str, list[str]] | None:
    """The text of a single-part text mail without the ``email`` package (the common case).

    Returns ``None`` when the mail needs the full MIME walk (multipart, non-text, unknown
    transfer encoding).
    """
    content_type = content_type or "text/plain"
    main = content_type.split(";", 1)[0].strip().lower() or "text/plain"
    if main not in ("text/plain", "text/html", "text/x-patch", "text/x-diff", "text"):
        return None
    params = {k.lower(): v for k, v in _PARAM.findall(content_type)}
    encoding = (encoding or "7bit").strip().lower()
    warnings: list[str] = []
    if encoding in ("7bit", "8bit", "binary", ""):
        data = body
    elif encoding == "quoted-printable":
        data = binascii.a2b_qp(body)
    elif encoding == "base64":
        try:
            data = base64.b64decode(body)
        except (binascii.Error, ValueError):
            return None
    else:
        return None
    charset = params.get("charset") or None
    text, fallback = decode_bytes(data, charset)
    if fallback:
        warnings.append(f"charset {_printable(charset)} did not fit; decoded as best could")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if params.get("format", "").lower() == "flowed":
        text = unflow(text, delsp=params.get("delsp", "").lower() == "yes")
    if main == "text/html":
        text = html_to_text(text)
    return text, warnings


def find_body(raw: bytes) -> tuple[str, list[str], Message]:
    """The body text of a raw mail and the warnings met on the way.

    The first text/plain part is the body; text/x-patch and text/x-diff parts are appended;
    an HTML-only mail is reduced to text.
    """
    warnings: list[str] = []
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if not msg.is_multipart():
        ctype = msg.get_content_type()
        text = part_text(msg, warnings)
        if ctype == "text/html":
            text = html_to_text(text)
        return text, warnings, msg
    plain: str | None = None
    html_text: str | None = None
    patches: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if ctype in PATCH_TYPES or (
            ctype in ("text/plain", "application/octet-stream")
            and filename.endswith((".patch", ".diff"))
            and plain is not None
        ):
            patches.append(part_text(part, warnings))
        elif ctype == "text/plain" and plain is None:
            plain = part_text(part, warnings)
        elif ctype == "text/html" and html_text is None:
            html_text = html_to_text(part_text(part, warnings))
    body = plain if plain is not None else (html_text or "")
    for patch in patches:
        if body and not body.endswith("\n"):
            body += "\n"
        body += patch
    return body, warnings, msg
