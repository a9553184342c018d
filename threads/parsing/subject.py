"""Subject lines taken apart: reply markers, list tags, ``[PATCH vN m/n]`` prefixes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from threads.parsing.headers import clean_space, decode_words
from threads.parsing.types import SubjectInfo

# Reply markers in many mail clients' languages: Re, RE, AW (de), SV (sv/da/no), Antw (nl),
# Odp (pl), VS (fi), also "Re[2]:" (The Bat!). Patchwork's subject_check counts "Re meep"
# (no colon) as a reply too.
_REPLY = re.compile(r"^(?:re|aw|sv|antw|odp|vs|r)(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
_BARE_RE = re.compile(r"^re\s+(?=\S)", re.IGNORECASE)  # only as the very first word
_FORWARD = re.compile(r"^(?:fwd?|fw|wg|tr|doorst)\s*:\s*", re.IGNORECASE)
# One leading bracket group: "[PATCH v4 05/11]", "[Patch 2/2]:" (a colon may follow).
_GROUP = re.compile(r"^\[([^\[\]]*)\]\s*:?\s*")
# Counters: "05/11", hg's "0 of 2" ("[PATCH 0 of 2] Sample Mercurial patches").
_COUNTER = re.compile(r"^(\d+)/(\d+)$")
_OF = re.compile(r"(\d+)\s+of\s+(\d+)", re.IGNORECASE)
# "v4" of "[PATCH v4 05/11]", "V6", "v2.3"
_VERSION = re.compile(r"^v(\d+)(?:\.\d+)*$", re.IGNORECASE)
# Glued forms: "PATCHv3", "PATCH1/8", "v2PATCH1/4", "v2.3PATCH1/4", "PATCH-v2" (Patchwork
# test_series_markers).
_GLUED = re.compile(
    r"^(?:v(?P<v1>\d+)(?:\.\d+)*)?(?P<word>PATCH|RFC)-?(?:v(?P<v2>\d+)(?:\.\d+)*)?"
    r"(?:(?P<n>\d+)/(?P<t>\d+))?$",
    re.IGNORECASE,
)
# "(v2)" in the subject text (Patchwork test_version: "Hello, world (V6)").
_PAREN_VERSION = re.compile(r"\(v(\d+)\)", re.IGNORECASE)
# A mailing-list tag: "[linux-mm]", "[openib-general]", "[Navy-patches]".
_LIST_TAG = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+$")
_PATCH_WORDS = {"PATCH", "RFC", "RESEND"}


def split_prefixes(prefix: str) -> list[str]:
    """The words of one bracket group: ``"PATCH 1/2"`` -> ``["PATCH", "1/2"]``.

    hg's ``"PATCH 0 of 2"`` keeps ``"0/2"`` as one word.
    """
    prefix = _OF.sub(r"\1/\2", prefix)
    return [word for word in re.split(r"[,\s]+", prefix) if word]


def parse_series_marker(words: Iterable[str]) -> tuple[int | None, int | None]:
    """``["PATCH", "05/11"]`` -> ``(5, 11)``; also ``"1 of 2"``, ``"PATCH1/8"``, ``"v2PATCH1/4"``.
    """
    for word in words:
        word = _OF.sub(r"\1/\2", word).replace(" ", "")
        match = _COUNTER.match(word)
        if match:
            return int(match.group(1)), int(match.group(2))
        match = _GLUED.match(word)
        if match and match.group("n"):
            return int(match.group("n")), int(match.group("t"))
    return None, None


def parse_version(name: str, words: Iterable[str]) -> int | None:
    """``v4`` among the words, or ``(v2)`` in the subject text; ``None`` when not given."""
    for word in words:
        match = _VERSION.match(word)
        if match:
            return int(match.group(1))
        match = _GLUED.match(word)
        if match and (match.group("v1") or match.group("v2")):
            return int(match.group("v1") or match.group("v2"))
    match = _PAREN_VERSION.search(name)
    return int(match.group(1)) if match else None


def _is_patch_word(word: str) -> bool:
    match = _GLUED.match(word)
    return bool(match) and match.group("word").upper() == "PATCH"


def _classify(words: list[str]) -> tuple[list[str], bool, bool]:
    """Prefix words kept (without versions/counters), is_patch, is_resend."""
    kept: list[str] = []
    is_patch = is_resend = False
    for word in words:
        upper = word.upper()
        if _COUNTER.match(word) or _VERSION.match(word):
            continue
        glued = _GLUED.match(word)
        if glued:
            upper = glued.group("word").upper()
            is_patch = is_patch or upper == "PATCH"
            if upper not in kept:
                kept.append(upper)
            continue
        if upper == "RESEND":
            is_resend = True
            word = "RESEND"
        kept.append(word)
    return kept, is_patch, is_resend


def parse_subject(subject: str, *, list_tags: Iterable[str] = ()) -> SubjectInfo:
    """Take a subject apart.

    ``parse_subject("Re: [PATCH v4 05/11] mm: do not split a folio if it has minimum folio
    order requirement")`` -> name ``"mm: do not split a folio if ..."``, is_reply, version 4,
    number 5, total 11, prefixes ``("PATCH",)``. ``list_tags`` names tags to drop whatever
    their position ("[foo]" for a list that tags its mails so).
    """
    raw = subject
    text = clean_space(decode_words(subject or ""))
    known_tags = {tag.lower() for tag in list_tags}
    is_reply = is_forward = False
    words: list[str] = []
    dropped: list[str] = []
    bare = _BARE_RE.match(text)
    if bare:
        is_reply = True
        text = text[bare.end():]
    while True:
        match = _REPLY.match(text)
        if match:
            is_reply = True
            text = text[match.end():]
            continue
        match = _FORWARD.match(text)
        if match:
            is_forward = True
            text = text[match.end():]
            continue
        match = _GROUP.match(text)
        if not match:
            break
        content = match.group(1).strip()
        rest = text[match.end():]
        group_words = split_prefixes(content)
        if _is_list_tag(content, group_words, rest, known_tags):
            dropped.append(content)
        else:
            words.extend(group_words)
        text = rest
    name = text.strip()
    number, total = parse_series_marker(words)
    version = parse_version(name, words)
    kept, is_patch, is_resend = _classify(words)
    return SubjectInfo(
        raw=raw,
        name=name,
        is_reply=is_reply,
        prefixes=tuple(kept),
        version=version or 1,
        number=number,
        total=total,
        is_patch=is_patch,
        is_resend=is_resend,
        has_version=version is not None,
        is_forward=is_forward,
        list_tags=tuple(dropped),
        tags=tuple(words),
    )


def _is_list_tag(content: str, words: list[str], rest: str, known: set[str]) -> bool:
    if content.lower() in known:
        return True
    if len(words) != 1 or not _LIST_TAG.match(content):
        return False
    if any(_is_patch_word(w) or w.upper() in _PATCH_WORDS for w in words):
        return False
    # Mailman puts its tag first: "[openib-general] Re: [PATCH]...", "[Navy-patches] [PATCH]".
    following = _GROUP.match(rest)
    if following:
        return any(_is_patch_word(w) or w.upper() in _PATCH_WORDS
                   for w in split_prefixes(following.group(1)))
    return bool(_REPLY.match(rest) or _FORWARD.match(rest))


def patchwork_prefixes(info: SubjectInfo) -> list[str]:
    """The bracket words Patchwork keeps: all but PATCH, in order (``["RFC", "v2", "1/2"]``)."""
    return [word for word in info.tags if word.lower() != "patch"]


def patchwork_name(info: SubjectInfo) -> str:
    """The series/patch name as Patchwork shows it: ``"[RFC,1/2] meep"``."""
    shown = patchwork_prefixes(info)
    return f"[{','.join(shown)}] {info.name}" if shown else info.name
