"""Reading trailers (Reviewed-by:, Fixes:, Link: ...) out of one mail body.

Pure. Import from ``threads.parsing.trailers``, which also offers the follow-up collector.
"""

from __future__ import annotations

import re

from threads.parsing.diff import find_diffs
from threads.parsing.quotemarks import find_quoted_lines
from threads.parsing.types import ParsedTrailer

# Canonical spellings, looked up case-insensitively: "reviewed-BY:" -> "Reviewed-by".
_KNOWN = {
    k.lower(): k
    for k in (
        "Signed-off-by", "Reviewed-by", "Acked-by", "Tested-by", "Reported-by", "Suggested-by",
        "Nacked-by", "Co-developed-by", "Fixes", "Link", "Closes", "Cc",
        "Reported-and-tested-by", "Requested-by", "Bisected-by", "Debugged-by", "Analyzed-by",
    )
}
# NAK spellings seen on LKML: "NACKed-by:", "Nak-by:", "NACK-by:" all mean Nacked-by.
_NAK = re.compile(r"^na(?:c)?k(?:ed)?-by$", re.I)
_UTILITY = {"Fixes", "Link", "Closes"}
# A NAK given as a line of its own ("NAK." / "Nack") names no one: the sender is meant, and
# ``collect_followup_trailers`` fills the sender in.
_BARE_NAK = re.compile(r"^\s*na(?:c)?k(?:ed)?\s*[.!]?\s*$", re.I)

# "Reviewed-by: Zi Yan <ziy@nvidia.com>" - the key is one or more words joined by "-"
# (b4's sample "Signed-off-by: Wrapped Persontrailer" starts a wrapped one).
_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):[ \t]*(?P<value>.*?)\s*$")
# b4's extinfo sample: "Link: https://msgid.link/some@msgid.here  # initial submission"
_HASH_COMMENT = re.compile(r"^(?P<value>.*?)\s+(?P<comment>#.*)$")
# A note after the address on the same line: "Acked-by: Mark <m@x.org> [for the SPI part]"
_BRACKET_SUFFIX = re.compile(r"^(?P<value>.*>)\s*(?P<comment>\[.*\])$")
# b4's sample "[for the parts that are bogus]" (also indented) on the line after a trailer.
_NOTE_LINE = re.compile(r"^\s*\[.*\]\s*$")
# "Reviewed-by: Followup Reviewer1 (corporate) <followup-reviewer1@example.com>" (b4) and
# '"Doe, Jane" <jane@example.com>' (b4): the address is the last <...> holding an "@".
_ANGLE_ADDR = re.compile(r"^(?P<name>.*?)\s*<(?P<addr>[^<>\s]+@[^<>\s]+)>\s*$")
# One address token: "stable@vger.kernel.org" in "Cc: stable@vger.kernel.org # 6.8+" (checked
# token by token: one search over a 100 kB "Reviewed-by: aaaa..." line took a minute).
_ADDR_TOKEN = re.compile(r"[\w.+=/-]+@[\w-]+(?:\.[\w-]+)+")
_TOKEN_SPLIT = re.compile(r"[\s<>,;()\[\]\"']+")
_MAX_LINE = 1000  # trailers are short; longer lines are text (and cost regexes time)


def _find_address(value: str) -> str:
    """The first token that is an address: ``"Cc: stable@vger.kernel.org # 6.8+"``."""
    if "@" not in value:
        return ""
    for token in _TOKEN_SPLIT.split(value):
        if "@" in token and _ADDR_TOKEN.fullmatch(token):
            return token
    return ""
# "Fixes: abcdef012345 ("This is the commit subject")" (b4); 12+ hex is the kernel's rule and
# "Fixes: some description with no hash" (b4) is not a trailer.
_FIXES = re.compile(r"^[0-9a-f]{12,64}\b", re.I)
# "Link: <https://lore.kernel.org/r/...>" and "Closes: https://bugzilla.kernel.org/..."
_URLISH = re.compile(r"^<?(?:https?|ftp|git)://\S+", re.I)
# A patch's commit message ends at "---" (git format-patch); notes and diffstat follow.
_CUT = re.compile(r"^---\s*$")
_SIG = re.compile(r"^-- ?$")


def canonical_kind(key: str) -> str | None:
    """``"reviewed-BY"`` -> ``"Reviewed-by"``; None for keys that are not trailers."""
    low = key.lower()
    if low in _KNOWN:
        return _KNOWN[low]
    if _NAK.match(low):
        return "Nacked-by"
    if low.endswith("-by") and low.count("-") <= 4:
        return low[0].upper() + low[1:]
    return None


def parse_person(value: str) -> tuple[str, str]:
    """``'"Doe, Jane" <Jane@Example.com>'`` -> ``("Doe, Jane", "jane@example.com")``."""
    value = value.strip()
    if m := _ANGLE_ADDR.match(value):
        name = m.group("name").strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1]
        return name.strip(), m.group("addr").lower()
    if address := _find_address(value):
        return " ".join(value.replace(address, " ").split()), address.lower()
    return value, ""


def _is_person(kind: str) -> bool:
    return kind not in _UTILITY


def _complete(kind: str, value: str) -> bool:
    if _is_person(kind):
        return bool(_find_address(value))
    if kind == "Fixes":
        return value.count("(") <= value.count(")") and value.count('"') % 2 == 0
    return True


def _valid(kind: str, value: str) -> bool:
    if not value:
        return False
    if kind == "Fixes":
        return bool(_FIXES.match(value))
    if kind in ("Link", "Closes"):
        return bool(_URLISH.match(value))
    return bool(_find_address(value))


def _make(kind: str, value: str, comment: str) -> ParsedTrailer:
    value = " ".join(value.split())
    if m := _HASH_COMMENT.match(value):
        value, comment = m.group("value"), (m.group("comment") + " " + comment).strip()
    elif m := _BRACKET_SUFFIX.match(value):
        value, comment = m.group("value"), (m.group("comment") + " " + comment).strip()
    if kind in ("Link", "Closes") and value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    name = address = ""
    if _is_person(kind):
        name, address = parse_person(value)
        # b4: "Cc: <bare@example.com>" has the value "bare@example.com"
        if re.fullmatch(r"<[^<>\s]+@[^<>\s]+>", value):
            value = value[1:-1]
    return ParsedTrailer(kind=kind, value=value, name=name, address=address, comment=comment)


def _candidate_lines(text: str) -> list[str]:
    """Unquoted lines that may hold trailers: no diff, no signature, nothing after ``---``."""
    lines = find_quoted_lines(text)
    in_diff: set[int] = set()
    for diff in find_diffs(text):
        in_diff.update(range(diff.start_line, diff.end_line))
    result: list[str] = []
    for line in lines:
        if line.index in in_diff:
            result.append("")
            continue
        if line.depth == 0 and (_CUT.match(line.text) or _SIG.match(line.text)):
            break
        result.append(line.text if line.depth == 0 and len(line.text) <= _MAX_LINE else "")
    return result


def find_trailers(text: str) -> tuple[ParsedTrailer, ...]:
    """Trailers written in this body (quoted ones do not count), in order.

    Example input::

        Reviewed-by: Bogus Bupkes <bogus@example.com>
        [for the parts that are bogus]
        Fixes: abcdef012345 ("mm: do not split a folio")
        Signed-off-by: Wrapped Persontrailer
        <broken@example.com>

    Wrapped trailers are joined, ``# comment`` suffixes and ``[note]`` lines become the
    comment, keys get their canonical spelling, and lines that only look like trailers
    (``Fixes: some description``) are dropped. A bare ``NAK`` line gives a ``Nacked-by``
    with an empty value (the sender is meant).
    """
    lines = _candidate_lines(text)
    found: list[tuple[str, str, str]] = []  # kind, value, comment
    i = 0
    while i < len(lines):
        if _BARE_NAK.match(lines[i]):
            found.append(("Nacked-by", "", "NAK"))
            i += 1
            continue
        m = _LINE.match(lines[i])
        kind = canonical_kind(m.group("key")) if m else None
        if m is None or kind is None:
            i += 1
            continue
        value, comment, joined = m.group("value"), "", 0
        i += 1
        while i < len(lines) and lines[i].strip():
            nxt = lines[i]
            if _NOTE_LINE.match(nxt):
                comment = (comment + " " + nxt.strip()).strip()
                i += 1
                continue
            nm = _LINE.match(nxt)
            if nm and canonical_kind(nm.group("key")):
                break
            folded = nxt[:1] in (" ", "\t")
            if joined < 2 and (not _complete(kind, value) or folded):
                joined += 1
                glue = "" if value.endswith("<") else " "
                value = (value + glue + nxt.strip()).strip()
                i += 1
                continue
            break
        if _valid(kind, value):
            found.append((kind, value, comment))
    return tuple(_make(kind, value, comment) for kind, value, comment in found)

