"""Quote markers of mail bodies: how deep each line is quoted, and the line without markers.

Shared by the body parsers (quotes, diff, trailers, links, crashtext); pure, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# The seed mixes marker styles on one line: "> >>>>>>>> From: Pankaj Raghav" is depth 9,
# "> >>>> diff --git" depth 5; mutt writes "> > text", others ">> text". One optional blank
# after each ">" belongs to the marker; a leading blank or two (" > text", Outlook) is tolerated.
_QUOTE_PREFIX = re.compile(r"^[ \t]{0,2}((?:>[ \t]?)+)")


@dataclass(frozen=True)
class QuotedLine:
    """One body line: quote depth, the text without markers, and its 0-based index."""

    index: int
    depth: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[str]:
    """``"On Mon ...\\r\\n> text"`` -> ``["On Mon ...", "> text"]``; a lone \\r ends a line too."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def clean_quote_markers(line: str) -> tuple[int, str]:
    """``"> >>>> if (x)"`` -> ``(5, "if (x)")``: the quote depth and the line without markers."""
    match = _QUOTE_PREFIX.match(line)
    if not match:
        return 0, line
    return match.group(1).count(">"), line[match.end() :]


# Outlook quotes the mail it answers below the reply without ">" markers, after a separator
# ("-----Original Message-----") or a header block whose "Sent:" line no other mailer writes:
#   From: Luis Chamberlain <mcgrof@kernel.org>
#   Sent: Tuesday, April 30, 2024 10:38 AM
_OUTLOOK_SEPARATOR = re.compile(r"^\s*-{3,}\s*Original Message\s*-{3,}\s*$", re.I)
_OUTLOOK_FROM = re.compile(r"^\s*From:\s+\S")
_OUTLOOK_SENT = re.compile(r"^\s*Sent:\s+\S")
_OUTLOOK_HEADERS = 4  # "Sent:" comes within this many lines after "From:"


def _outlook_starts(lines: list[tuple[int, str]]) -> set[int]:
    """Indexes of the lines where an Outlook-quoted mail begins."""
    starts = set()
    for i, (depth, text) in enumerate(lines):
        if _OUTLOOK_SEPARATOR.match(text):
            starts.add(i)
        elif _OUTLOOK_FROM.match(text) and not starts.intersection(range(i - 2, i)) and any(
                d == depth and _OUTLOOK_SENT.match(t)
                for d, t in lines[i + 1:i + 1 + _OUTLOOK_HEADERS]):
            starts.add(i)
    return starts


# Each body parser starts from these lines; ingest runs all of them on the same body in a row.
@lru_cache(maxsize=32)
def find_quoted_lines(text: str) -> tuple[QuotedLine, ...]:
    """Every line of a body with its quote depth, e.g. ``"> > On Mon ..."`` -> depth 2.

    A mail Outlook quoted (below "-----Original Message-----" or a "From:"/"Sent:" header
    block, without markers) is one level deeper than the line before it, to the end of
    the body; each further quoted mail in the chain is one more.
    """
    cleaned = [clean_quote_markers(line) for line in split_lines(text)]
    starts = _outlook_starts(cleaned) if "Original Message" in text or "Sent:" in text else ()
    out, extra = [], 0
    for index, (depth, line) in enumerate(cleaned):
        extra += index in starts
        out.append(QuotedLine(index, depth + extra, line))
    return tuple(out)
