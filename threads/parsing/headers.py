"""Mail header helpers: RFC 2047 words, addresses, dates and Message-IDs.

Pure functions on ``str``/``bytes``; the rules follow what real archives contain rather than
what RFC 5322 allows (git's mailinfo and Patchwork met the same mails).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

# ``=?ISO8859-1?Q?Andr=E9?=`` (git t5100 rfc2047 samples): charset, encoding, text.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*?)\?=")
# Lines of a raw header block: ``Name: value`` (RFC 5322 ftext is 33-126 minus ':').
_FIELD_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")


def decode_bytes(data: bytes, charset: str | None = None) -> tuple[str, bool]:
    """Bytes to text: the declared charset, else UTF-8, else cp1252/latin-1.

    Returns the text and whether a fallback was needed (a wrong or missing charset).
    ``decode_bytes(b"K\\xe5gedal")`` -> ``("Kågedal", True)``.
    """
    if charset:
        try:
            codec = codecs.lookup(charset.strip().strip('"').lower())
        except (LookupError, ValueError):  # unknown name, or a NUL in it (Patchwork fuzz)
            codec = None
        if codec is not None and codec.name not in ("us-ascii", "ascii"):
            try:
                return data.decode(codec.name), False
            except (UnicodeDecodeError, ValueError):
                pass
    try:
        return data.decode("utf-8"), bool(charset) and charset.lower() not in (
            "us-ascii", "ascii", "utf-8", "utf8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), True
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


def _decode_q(text: str) -> bytes:
    raw = text.replace("_", " ").encode("latin-1", "replace")
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] == b"=" and re.fullmatch(rb"[0-9A-Fa-f]{2}", raw[i + 1 : i + 3]):
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def _decode_b(text: str) -> bytes | None:
    data = text.strip().encode("ascii", "ignore")
    data += b"=" * (-len(data) % 4)
    try:
        return base64.b64decode(data)
    except (binascii.Error, ValueError):
        return None


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words the way git's mailinfo does.

    Text before a word is kept, white space *between* two words is dropped, and a word in an
    unknown or wrong charset still decodes (UTF-8, then latin-1).
    ``decode_words("(=?ISO8859-1?Q?a?= =?ISO8859-2?Q?_b?=)")`` -> ``"(a b)"``.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pos = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        if between and not (previous_was_word and not between.strip()):
            out.append(between)
        charset, encoding, text = match.groups()
        charset = charset.split("*", 1)[0]  # RFC 2231 language suffix: =?utf-8*en?Q?...?=
        data = _decode_q(text) if encoding in "qQ" else _decode_b(text)
        if data is None:
            out.append(match.group(0))
            previous_was_word = False
        else:
            out.append(decode_bytes(data, charset)[0])
            previous_was_word = True
        pos = match.end()
    out.append(value[pos:])
    return "".join(out)


def clean_space(value: str) -> str:
    """Collapse runs of white space (folded headers) into one space and trim."""
    return " ".join(value.split())


def split_header_block(raw: bytes) -> tuple[list[tuple[str, bytes]], bytes]:
    """Cut a raw mail into ``[(name, raw value)]`` and the body bytes.

    The header block ends at the first empty line, or, as in git's mailinfo, at the first line
    that is neither a header nor a continuation (that line then starts the body). A leading
    mbox ``From `` line is skipped.
    """
    headers: list[tuple[str, bytearray]] = []
    pos = 0
    length = len(raw)
    first = True
    while pos < length:
        end = raw.find(b"\n", pos)
        end = length if end < 0 else end + 1
        line = raw[pos:end]
        stripped = line.rstrip(b"\r\n")
        if first and (stripped.startswith((b"From ", b">From "))):
            first = False
            pos = end
            continue
        first = False
        if not stripped:
            pos = end
            break
        if stripped[:1] in (b" ", b"\t") and headers:
            headers[-1][1].extend(b"\n" + stripped)
            pos = end
            continue
        match = _FIELD_NAME.match(stripped)
        if not match:
            break
        headers.append((match.group(1).decode("ascii"), bytearray(stripped[match.end():])))
        pos = end
    return [(name, bytes(value)) for name, value in headers], raw[pos:]


def header_text(value: bytes) -> str:
    """A raw header value to text: 8-bit bytes as UTF-8 (else latin-1), then RFC 2047."""
    text, _ = decode_bytes(value)
    return decode_words(clean_space(text))


# --- Message-IDs -----------------------------------------------------------------------------

# ``<20240425113746.335530-6-kernel@pankajraghav.com>`` in Message-ID/References
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")


def find_message_id(value: str | None) -> str | None:
    """The first ``<id>`` of a header, without brackets; bare tokens are accepted too.

    ``<xnzgy1de8d.fsf@rhel8.vm> (message ID with a comment)`` -> ``xnzgy1de8d.fsf@rhel8.vm``;
    a broken ``5899d592-...@radware.com>`` (Patchwork's test mail) -> ``5899d592-...@radware.com``.
    """
    if not value:
        return None
    match = _ANGLE_ID.search(value)
    if match:
        return match.group(1)
    for token in value.split():
        token = token.strip("<>")
        if "@" in token:
            return token
    token = value.strip().split()[0].strip("<>") if value.strip() else ""
    return token or None


def find_message_ids(value: str | None) -> list[str]:
    """Every ``<id>`` of a References: header in order, duplicates dropped."""
    if not value:
        return []
    seen: dict[str, None] = {}
    for match in _ANGLE_ID.finditer(value):
        seen.setdefault(match.group(1), None)
    if not seen:
        for token in value.split():
            token = token.strip("<>,")
            if "@" in token:
                seen.setdefault(token, None)
    return list(seen)


# --- Dates ---------------------------------------------------------------------------------

_ZONES = {"UT": 0, "GMT": 0, "UTC": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "CET": 1, "CEST": 2, "MET": 1,
          "MEST": 2, "BST": 1, "IST": 5.5, "JST": 9, "KST": 9}


# "+0200", "-0500" after the time (RFC 5322 zone)
_NUMERIC_ZONE = re.compile(r"\d\d:\d\d(?::\d\d)?\s*[+-]\d{4}\b")
# "10:00:00 CEST", "22:54:20 GMT" (obsolete zone names)
_ALPHA_ZONE = re.compile(r"\d\d:\d\d(?::\d\d)?\s+\(?([A-Za-z]{1,5})\b")


def parse_date(value: str | None) -> tuple[datetime | None, str | None]:
    """An RFC 5322 date (and the usual sloppy variants) as an aware UTC datetime.

    Returns ``(date, warning)``; a date without zone is taken as UTC and says so.
    ``parse_date("Thu,  2 Dec 2004 12:27:25 -0500 (EST)")`` -> 2004-12-02 17:27:25 UTC.
    """
    if not value or not value.strip():
        return None, None
    text = clean_space(value)
    parsed = parsedate_tz(text)
    warning = None
    if parsed is None:
        # ``2024-04-30 19:27:25 +0000`` (ISO-ish, seen from some web mailers)
        try:
            result = datetime.fromisoformat(text.replace(" +", "+").replace(" -", "-"))
        except ValueError:
            return None, f"unparseable date: {text[:80]}"
        if result.tzinfo is None:
            result = result.replace(tzinfo=UTC)
            warning = "date without zone taken as UTC"
        return result.astimezone(UTC), warning
    year, month, day, hour, minute, second = parsed[:6]
    offset = parsed[9]
    if not _NUMERIC_ZONE.search(text):
        # email.utils gives 0 for a missing or unknown zone name ("CEST"): look for one.
        zone = _ALPHA_ZONE.search(text)
        if zone and zone.group(1).upper() in _ZONES:
            offset = int(_ZONES[zone.group(1).upper()] * 3600)
        else:
            offset = 0
            warning = "date without zone taken as UTC"
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        local = datetime(year, month, day, hour, minute, min(second, 59),
                         tzinfo=timezone(timedelta(seconds=offset)))
        return local.astimezone(UTC), warning
    except (ValueError, OverflowError):
        return None, f"date out of range: {text[:80]}"
