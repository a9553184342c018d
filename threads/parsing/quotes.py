"""The structure of a mail body: new text, quoted blocks by depth, attributions, signature.

Pure. ``parse_body`` cuts a body into segments (text, quote, attribution, diff, signature,
crash) and links each quoted block to the attribution line that introduced it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from threads.parsing.attribution import parse_attribution
from threads.parsing.crashtext import find_crash_text
from threads.parsing.diff import find_diffs
from threads.parsing.quotemarks import QuotedLine, find_quoted_lines
from threads.parsing.types import Attribution, BodySegment, BodyStructure

# Attributions wrapped by the mailer over two lines, e.g. Claws Mail's
# "On Mon, 29 Apr 2024 22:43:16 -0400" / "Zi Yan <ziy@nvidia.com> wrote:" and Gmail's
# "On Tue, Apr 30, 2024 at 3:27 PM Luis Chamberlain <" / "mcgrof@kernel.org> wrote:".
_WRAPPED_START = re.compile(r"^(?:On|Am|Le|El|Il)\s+\S", re.I)
# The signature separator is "-- " (RFC 3676); lkml.iu.edu and some mailers drop the blank.
_SIG = re.compile(r"^-- ?$")
_SIG_MAX_LINES = 15  # a bare "--" only counts when this little follows (else it is text)


@dataclass
class _Line:
    line: QuotedLine
    kind: str = ""
    attribution: Attribution | None = None  # set on attribution lines
    owner: Attribution | None = None  # who wrote a quoted line, when known


def _next_content_depth(lines: Sequence[QuotedLine], start: int) -> int:
    for line in lines[start:]:
        if not line.blank:
            return line.depth
    return -1


def _find_attributions(
    lines: Sequence[QuotedLine], skip: set[int]
) -> dict[int, tuple[int, Attribution]]:
    """Line index -> (number of lines it spans, Attribution); only lines that introduce a quote."""
    found: dict[int, tuple[int, Attribution]] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in skip or line.blank:
            i += 1
            continue
        span, attribution = 1, parse_attribution(line.text, line.depth)
        if attribution is None and _WRAPPED_START.match(line.text.strip()) and i + 1 < len(lines):
            nxt = lines[i + 1]
            if nxt.depth == line.depth and not nxt.blank and i + 1 not in skip:
                glue = "" if line.text.rstrip().endswith("<") else " "
                joined = line.text.rstrip() + glue + nxt.text.strip()
                attribution = parse_attribution(joined, line.depth)
                span = 2
        # "X wrote:" alone must introduce a deeper quote to count; a dated "On <date>, X
        # wrote:" counts even when the replier cut the quote below it ("> [...]").
        if attribution is not None and (
            attribution.date_text or _next_content_depth(lines, i + span) > line.depth
        ):
            found[i] = (span, attribution)
            i += span
            continue
        i += 1
    return found


def _signature_range(
    lines: Sequence[QuotedLine], skip: set[int], attributions: dict[int, tuple[int, Attribution]]
) -> range:
    """Lines of the signature: from "-- " to the end, or to a quote a top-poster put below it."""
    for line in lines:
        if line.depth or line.index in skip or not _SIG.match(line.text):
            continue
        end = next(
            (x.index for x in lines[line.index + 1 :] if x.depth or x.index in attributions),
            len(lines),
        )
        rest = [x for x in lines[line.index + 1 : end] if not x.blank]
        if line.text == "-- " or len(rest) <= _SIG_MAX_LINES:
            return range(line.index, end)
    return range(0)


@lru_cache(maxsize=32)  # parse_body and find_quoted_ancestors read the same classification
def classify_lines(text: str) -> tuple[_Line, ...]:
    """Every line with its kind and, for quoted lines, the attribution of their author.

    ``"> > This is only true for linux-next"`` after ``"> On 29 Apr 2024, at 20:31, Luis
    Chamberlain wrote:"`` is a "quote" line at depth 2 owned by Luis's attribution.
    """
    lines = find_quoted_lines(text)
    marked = [_Line(line) for line in lines]
    special: set[int] = set()
    for diff in find_diffs(text):
        for k in range(diff.start_line, diff.end_line):
            marked[k].kind = "diff"
            special.add(k)
    for crash in find_crash_text(text):
        for k in range(crash.start_line, crash.end_line):
            if not marked[k].kind:
                marked[k].kind = "crash"
                special.add(k)
    attributions = _find_attributions(lines, special)
    signature = _signature_range(lines, special, attributions)
    by_depth: dict[int, Attribution] = {}
    k = 0
    while k < len(marked):
        item = marked[k]
        if k in signature:
            item.kind = item.kind or "signature"
        if k in attributions and item.kind != "signature":
            span, attribution = attributions[k]
            by_depth = {d: a for d, a in by_depth.items() if d < item.line.depth}
            by_depth[item.line.depth] = attribution
            for j in range(k, k + span):
                marked[j].kind, marked[j].attribution = "attribution", attribution
                marked[j].owner = by_depth.get(item.line.depth - 1)
            k += span
            continue
        if not item.kind:
            item.kind = "quote" if item.line.depth else "text"
        if item.line.depth:
            item.owner = by_depth.get(item.line.depth - 1)
        k += 1
    return tuple(marked)


def _segments(marked: Sequence[_Line]) -> list[BodySegment]:
    """Runs of lines with one kind, depth and author; blank lines join the run they are in."""
    runs: list[tuple[tuple[str, int, int], Attribution | None, list[str]]] = []
    for item in marked:
        attr = item.attribution if item.kind == "attribution" else item.owner
        key = (item.kind, item.line.depth, id(attr) if attr is not None else 0)
        if runs and (item.line.blank or runs[-1][0] == key):
            runs[-1][2].append(item.line.text)
        elif not item.line.blank:
            runs.append((key, attr, [item.line.text]))
    return [
        BodySegment(kind=key[0], depth=key[1], text="\n".join(texts).strip("\n"), attribution=attr)
        for key, attr, texts in runs
    ]


def parse_body(text: str) -> BodyStructure:
    """Cut a mail body into new text, quotes (with their authors), diffs, crashes, signature.

    Example input (the top of the seed)::

        On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:
        > On 29 Apr 2024, at 20:31, Luis Chamberlain wrote:
        >
        > > On Mon, Apr 29, 2024 at 10:29:29AM -0400, Zi Yan wrote:
        > >> On 28 Apr 2024, at 23:56, Luis Chamberlain wrote:

    The depth-1 block is linked to Zi Yan's attribution (depth 0), the depth-2 block to
    Luis's (depth 1), and so on.
    """
    marked = classify_lines(text)
    new_lines = [
        item.line.text
        for item in marked
        if item.line.depth == 0 and item.kind in ("text", "diff", "crash")
    ]
    sig_lines = [item.line.text for item in marked if item.kind == "signature"]
    attributions = tuple(
        dict.fromkeys(item.attribution for item in marked if item.attribution is not None)
    )
    signature = "\n".join(sig_lines[1:]).strip("\n") if sig_lines else None
    return BodyStructure(
        segments=tuple(_segments(marked)),
        new_text=_squeeze("\n".join(new_lines)),
        signature=signature,
        attributions=attributions,
    )


def _squeeze(text: str) -> str:
    """Strip blank lines at both ends and keep at most one blank line between paragraphs."""
    # Runs of blank lines left where quoted blocks were cut out of the seed's new text.
    return re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", text).strip("\n")
