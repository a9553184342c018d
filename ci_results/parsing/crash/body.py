"""One cut-out report's lines, with what each line is found once for every reader.

The title formats, the guilty-frame search, the frame list and the corruption checks all
ask the same questions of the same lines ("is this a frame?", "does a call trace start
here?"). A ``Body`` answers them once per report: frames by one pass over the lines,
trace starts and fault-injection lines by ``str.find`` of their literals (most lines hold
none). ``[" dump_stack+0x1/0x2", "Call Trace:"]`` -> ``frames[0]`` is a match,
``stack_starts == [1]``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from .frames import STACK_START_WORDS, is_corrupted_line, is_stack_start, match_frame
from .lines import line_starts, lines_holding
from .table import LineTable

# A literal of every corrupted line (trace starts: frames.STACK_START_WORDS).
_CORRUPTED_LITERAL = "should_fail"
_CHUNK_BITS = 5  # frames are matched 32 lines at a time


class Body:
    """The stripped lines of one report and the text they join into (one ``\\n`` each)."""

    def __init__(self, lines: list[str], rows: tuple[LineTable, list[int]] | None = None) -> None:
        self.lines = lines
        # Where the lines come from (a log's table and the table index of each line):
        # lines holding a literal are then looked up in the table, once for all reports.
        self.rows = rows
        self.text = "\n".join(lines) + "\n"
        # starts[i]: offset of line i in ``text``; starts[len(lines)]: the text's length.
        self.starts = line_starts(lines, 0)
        self._frames: list[re.Match[str] | None] = [None] * len(lines)
        self._filled = [False] * ((len(lines) >> _CHUNK_BITS) + 1)
        self._stack_starts: list[int] | None = None
        self._trace_words: list[int] | None = None
        self._corrupted_lines: list[int] | None = None

    def line_at(self, pos: int) -> int:
        """Index of the line holding offset ``pos`` of ``text``."""
        return bisect_right(self.starts, pos) - 1

    def end_of(self, n: int) -> int:
        """Offset just past the newline of line ``n - 1`` (the text of the first n lines)."""
        return self.starts[min(n, len(self.lines))]

    def frame(self, i: int) -> re.Match[str] | None:
        """The frame line ``i`` holds (``" ip6_fragment+0x1052/0x2d80"``), or None."""
        if not self._filled[i >> _CHUNK_BITS]:
            self._fill(i >> _CHUNK_BITS)
        return self._frames[i]

    def iter_frames(self, lo: int, hi: int) -> Iterator[tuple[int, re.Match[str]]]:
        """(index, match) of the frame lines in ``[lo, hi)``, in order."""
        frames, filled = self._frames, self._filled
        for c in range(lo >> _CHUNK_BITS, ((hi - 1) >> _CHUNK_BITS) + 1):
            if not filled[c]:
                self._fill(c)
            for j in range(max(lo, c << _CHUNK_BITS), min(hi, (c + 1) << _CHUNK_BITS)):
                m = frames[j]
                if m is not None:
                    yield j, m

    def _fill(self, c: int) -> None:
        # Frames are matched a chunk of lines at a time, when first asked for: a guilty
        # frame is usually found a few lines into the first trace.
        # Lines cut from a log's table are matched there, once for all reports.
        lo = c << _CHUNK_BITS
        hi = lo + (1 << _CHUNK_BITS)
        if self.rows is None:
            self._frames[lo:hi] = [match_frame(ln) for ln in self.lines[lo:hi]]
        else:
            self._frames[lo:hi] = self.rows[0].frames(self.rows[1][lo:hi])
        self._filled[c] = True

    def next_frame(self, i: int, hi: int = -1) -> int:
        """Index of the first frame line in ``[i, hi)`` (``hi`` -1: to the end), or -1."""
        n = len(self.lines) if hi == -1 else min(hi, len(self.lines))
        if self.rows is not None and i < n:
            table, rows = self.rows
            last = n - 1
            if rows[last] - rows[i] == last - i:  # lines i .. last are the table's, in a row
                row = table.next_frame(rows[i], rows[last] + 1)
                return -1 if row == -1 else i + row - rows[i]
        frames, filled = self._frames, self._filled
        while i < n:
            c = i >> _CHUNK_BITS
            if not filled[c]:
                self._fill(c)
            for j in range(i, min(n, (c + 1) << _CHUNK_BITS)):
                if frames[j] is not None:
                    return j
            i = (c + 1) << _CHUNK_BITS
        return -1

    def _lines_with(self, literals: tuple[str, ...]) -> list[int]:
        if self.rows is None:
            return lines_holding(self.text, self.starts, literals)
        table, rows = self.rows
        if not rows:
            return []
        hits = table.lines_holding(literals, rows[-1] + 1)
        lines = self.lines
        out: list[int] = []
        # A table line holds a literal in its raw text: it still has to in the stripped
        # text (not in a syslog prefix, not past the cut at MAX_LINE).
        for row in hits[bisect_left(hits, rows[0]):bisect_right(hits, rows[-1])]:
            j = bisect_left(rows, row)
            if rows[j] == row and any(lit in lines[j] for lit in literals):
                out.append(j)
        return out

    @property
    def trace_word_lines(self) -> list[int]:
        """Indexes of the lines holding a word of a trace start ("race", "llocated",
        "reed", "Uninit"): every line that starts a call trace is one of them."""
        if self._trace_words is None:
            self._trace_words = self._lines_with(STACK_START_WORDS)
        return self._trace_words

    @property
    def stack_starts(self) -> list[int]:
        """Indexes of the lines where a call trace starts (``"Call Trace:"``, ...)."""
        if self._stack_starts is None:
            lines = self.lines
            self._stack_starts = [i for i in self.trace_word_lines if is_stack_start(lines[i])]
        return self._stack_starts

    @property
    def corrupted_lines(self) -> list[int]:
        """Indexes of fault-injection lines (``should_failslab+0x5/0x10``) in the report."""
        if self._corrupted_lines is None:
            lines = self.lines
            self._corrupted_lines = [i for i in self._lines_with((_CORRUPTED_LITERAL,))
                                     if is_corrupted_line(lines[i])]
        return self._corrupted_lines

    def next_of(self, kind: list[int], i: int) -> int:
        """The first index in ``kind`` (``stack_starts``...) at or after ``i``, or -1."""
        j = bisect_left(kind, i)
        return kind[j] if j < len(kind) else -1
