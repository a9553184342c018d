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


# Each body parser starts from these lines; ingest runs all of them on the same body in a row.
@lru_cache(maxsize=32)
def find_quoted_lines(text: str) -> tuple[QuotedLine, ...]:
    """Every line of a body with its quote depth, e.g. ``"> > On Mon ..."`` -> depth 2."""
    return tuple(
        QuotedLine(index, *clean_quote_markers(line))
        for index, line in enumerate(split_lines(text))
    )
