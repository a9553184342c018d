"""Small helpers shared by the ingest services: text cleaning and name matching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

# PostgreSQL text cannot hold NUL; a mail with a stray \x00 must still be stored.
_NUL = "\x00"
# "Pankaj Raghav (Samsung)" and "Pankaj Raghav" are one person in attribution lines.
_PAREN = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^\w]+")
# Reply prefixes in thread titles: "Re: Re: [PATCH]", "AW: ...", "Fwd: ...".
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|fwd?|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)

# An attribution line gives a date to the second or only to the minute ("at 20:31").
DATE_TOLERANCE = timedelta(minutes=2)
PLACEHOLDER_DOMAIN = "@placeholder.invalid"
# The parsers make "kbd-<sha1>@kbd.invalid" / "lkml-text-<sha1>@kbd.invalid" when a mail (the
# copied text of an lkml.iu.edu page) has no Message-ID; the real mail may replace it later.
SYNTHETIC_DOMAIN = "@kbd.invalid"


def clean(text: str | None) -> str:
    return (text or "").replace(_NUL, "")


def clean_all(values: Iterable[str]) -> list[str]:
    return [clean(v) for v in values if v]


def name_key(name: str) -> str:
    """``"Pankaj Raghav (Samsung)"`` -> ``"pankaj raghav"``."""
    return " ".join(_NON_WORD.sub(" ", _PAREN.sub(" ", name or "")).lower().split())


def names_match(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka == kb or ka.startswith(kb + " ") or kb.startswith(ka + " ")


def thread_title(subject: str) -> str:
    """``"Re: [PATCH v4 05/11] mm: x"`` -> ``"[PATCH v4 05/11] mm: x"``."""
    return _REPLY_PREFIX.sub("", subject or "").strip()


def is_synthetic_msgid(msgid: str) -> bool:
    return msgid.endswith((PLACEHOLDER_DOMAIN, SYNTHETIC_DOMAIN))


def is_placeholder_msgid(msgid: str) -> bool:
    return msgid.endswith(PLACEHOLDER_DOMAIN)
