"""A log's lines from a report start on, split once: offsets, contexts, stripped text.

Cutting the eight reports of a log with eight hung tasks must not match the console
prefix regex on the same lines eight times: a ``LineTable`` holds the lines of a log from
one offset on (up to a few thousand), without their console prefix, and what context
printed each (``"T2148"``, ``"console"`` or ``""``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import itemgetter

from .frames import match_frame
from .lines import CONSOLE, MAX_LINE, is_questionable, line_starts, lines_holding

# How much of a log one report may span (a report is a few hundred lines at most; a
# bounded window keeps every regex linear in the input).
MAX_REPORT_LINES = 1500
# Log lines after the start of the next report that still belong to this one's text.
KEEP_AFTER_SECOND = 200
# Lines looked at after a report start when no second report comes (see cut.py).
STOP_AT = MAX_REPORT_LINES * 4
# Lines a table holds, and how many a cut needs after its start for the table to serve it.
TABLE_LINES = STOP_AT + KEEP_AFTER_SECOND + 100
NEEDED_LINES = STOP_AT + KEEP_AFTER_SECOND + 2
PANIC = "Kernel panic - not syncing"
TAINT = "Disabling lock debugging due to kernel taint"

# One console line: optional syslog header, "host login: ", printk-dropped note, "<6>",
# "[   60.002464]" and "[ T2148]" (see lines.py); matched over all lines of a table.
_SYSLOG = r"(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [\w.-]{1,64} kernel: )?"
_LOGIN = r"(?:[\w.-]{1,64} login: )?"
_CONSOLE = (
    r"(?:(?:\*\* \d{1,9} printk messages dropped \*\* )?(?:<\d{1,3}>)?"
    r"(\[ {0,20}\d{1,9}\.\d{1,9}\])(?:\[ {0,20}([TC]\d{1,9})\])? ?)?"
    r"([^\n]*)"
)
_LINE_RE = re.compile("^" + _SYSLOG + _LOGIN + _CONSOLE, re.M)
# The same without the syslog and login parts, for the (most) logs without " kernel: " or
# " login: ": trying them costs a third of the matching.
_LINE_RES = {
    (True, True): _LINE_RE,
    (True, False): re.compile("^" + _SYSLOG + _CONSOLE, re.M),
    (False, True): re.compile("^" + _LOGIN + _CONSOLE, re.M),
    (False, False): re.compile("^" + _CONSOLE, re.M),
}
_NO_CALLER = {True: CONSOLE, False: ""}
# A log shorter than this from the table's start is taken whole without counting lines.
_TABLE_BYTES = 1 << 20
# The next TABLE_LINES complete lines (a 30 MB CI log is never split whole).
_SPAN_RE = re.compile(rf"(?:[^\n]*\n){{0,{TABLE_LINES}}}")


def _clean(stripped: str) -> str:
    if len(stripped) > MAX_LINE:
        stripped = stripped[:MAX_LINE]
    return stripped.rstrip("\r") if stripped.endswith("\r") else stripped


def _split_lines(chunk: str, at_end: bool) -> tuple[list[str], list[str]]:
    """Each line's text without its console prefix, and its context."""
    rows = _LINE_RES[" kernel: " in chunk, " login: " in chunk].findall(chunk)
    if not at_end:
        rows.pop()
    strs = list(map(itemgetter(2), rows))
    if any(map(itemgetter(1), rows)):
        contexts = [c or (CONSOLE if s else "") for s, c, _ in rows]
    else:  # no caller ids: "console" for a timestamped line, "" for another
        contexts = list(map(_NO_CALLER.__getitem__, map(bool, map(itemgetter(0), rows))))
    return strs, contexts


# Most logs give every line the same console prefix: "[   60.002464] " (15 characters) or
# "[   60.002464][ T2148] " (23). Then the lines are cut at that width, after the heads of
# all lines have been checked at once; any other log goes through _LINE_RES line by line.
# The check maps every digit to "0" and "C" to "T" and looks the heads up in the set of the
# forms a right-aligned number can take ("[   00.000000] ", "[ 0000.000000][    T0] "):
# a translate, a split and a set in C, no regex step per character. (Searching the
# heads for each form instead is slow: a block of "[ 0000.000000]" defeats str.find's
# skips.)
_TO_ZERO = bytes.maketrans(b"123456789C", b"000000000T")
_STAMPS = [f"[{' ' * k}{'0' * (5 - k)}.000000]".encode() for k in range(5)]
_CALLERS = [f"[{' ' * k}T{'0' * (5 - k)}]".encode() for k in range(5)]
_HEADS = {
    15: frozenset(stamp + b" " for stamp in _STAMPS),
    23: frozenset(stamp + caller + b" " for stamp in _STAMPS for caller in _CALLERS),
}


def _bad_heads(lines: list[str], width: int) -> list[int]:
    """Indexes of the lines whose first ``width`` characters are no console head."""
    # As bytes: a 256-entry table translates a byte in a step, a str's translate looks
    # every character up in a dict. Any non-ASCII character (or lone surrogate) turns into
    # bytes that are no head, as the character itself would.
    heads = "\n".join([ln[:width] for ln in lines]).encode("utf-8", "surrogatepass")
    rows = heads.translate(_TO_ZERO).split(b"\n")
    valid = _HEADS[width]
    if valid.issuperset(rows):
        return []
    return [i for i, head in enumerate(rows) if head not in valid]


def _split_uniform(raw: list[str]) -> tuple[list[str], list[str]] | None:
    """``_split_lines`` for lines that (nearly) all have one fixed-width prefix, else None.

    The few lines whose head is not the prefix (a "..." the fuzzer printed, a line from
    user space) are split by _LINE_RES one by one.
    """
    lines = raw[:-1] if raw and not raw[-1] else raw  # "" after a final newline
    if not lines or lines[0][:1] != "[":
        return None
    width = 23 if lines[0][14:15] == "[" else 15
    if _bad_heads(lines[:16], width):
        return None  # the first lines already differ: not worth checking them all
    bad = _bad_heads(lines, width)
    if len(bad) > 8 + len(lines) // 8:
        return None  # not a uniform log after all
    strs = [ln[width:] for ln in raw]
    if width == 15:
        contexts = [CONSOLE] * len(lines)
    else:  # "[ T2148]" -> "T2148"
        contexts = [ln[15:21].lstrip() for ln in lines]
    for i in bad:  # a syslog or "login: " prefix can only be on one of these
        line = lines[i]
        line_re = _LINE_RES[" kernel: " in line, " login: " in line]
        ts, caller, strs[i] = line_re.match(line).groups()  # type: ignore[union-attr]
        contexts[i] = caller or (CONSOLE if ts else "")
    if len(lines) < len(raw):
        contexts.append("")
    return strs, contexts


class LineTable:
    """Lines of ``text`` from offset ``begin`` (a line start): offsets, contexts, text."""

    def __init__(self, text: str, begin: int) -> None:
        raw: list[str] | None = None
        if len(text) - begin <= _TABLE_BYTES:  # split whole, then count its lines
            chunk = text[begin:]
            raw = chunk.split("\n")
            self.at_end = len(raw) <= TABLE_LINES  # fewer than TABLE_LINES newlines
            end = len(text)
        else:
            self.at_end = text.count("\n", begin, begin + _TABLE_BYTES) < TABLE_LINES and (
                text.count("\n", begin) < TABLE_LINES)
        if not self.at_end:
            m = _SPAN_RE.match(text, begin)
            end = m.end() if m else begin
            chunk = text[begin:end]
            raw = chunk.split("\n")
            raw.pop()  # the empty "line" after the chunk's last newline
        elif raw is None:
            end = len(text)
            chunk = text[begin:]
            raw = chunk.split("\n")
        # A line that starts with "[   60.002464] " has no syslog or "login: " prefix: the
        # uniform split needs no look for them in the whole chunk.
        split = _split_uniform(raw)
        if split is None:
            strs, self.contexts = _split_lines(chunk, self.at_end)
        else:
            strs, self.contexts = split
        if "\r" in chunk or max(map(len, strs), default=0) > MAX_LINE:
            strs = [_clean(s) for s in strs]
        self.lines = strs
        # offsets[i]: where line i starts; offsets[i + 1] - 1: where its text ends.
        self.offsets = line_starts(raw, begin)
        self.text, self.begin, self.end = text, begin, end
        self.panics = lines_holding(text, self.offsets, (PANIC,), begin, end)
        self.taints = lines_holding(text, self.offsets, (TAINT,), begin, end)
        self._questionable: set[int] | None = None
        self._holding: dict[tuple[str, ...], tuple[list[int], int]] = {}
        # The frame each line holds (match_frame), once ``_matched``.
        self._frames: list[re.Match[str] | None] = [None] * len(strs)
        self._matched = [False] * len(strs)
        self._frameless = (0, 0)  # see next_frame

    def questionable(self) -> set[int]:
        """Indexes of the ``? func+0x1/0x2`` lines (computed once per log)."""
        if self._questionable is None:
            self._questionable = {
                i for i, line in enumerate(self.lines)
                if "?" in line[:40] and is_questionable(line)
            } if self.text.find("?", self.begin, self.end) != -1 else set()
        return self._questionable

    def lines_holding(self, literals: tuple[str, ...], upto: int) -> list[int]:
        """Indexes of the lines before line ``upto`` whose raw text (console prefix
        included) holds one of ``literals`` (and maybe of lines after it). The reports cut
        from the table share the answer: each line is searched once, when a report first
        reaches it."""
        found = self._holding.get(literals)
        if found is None:
            found = self._holding[literals] = ([], 0)
        hits, scanned = found
        if upto > scanned:
            hits += lines_holding(self.text, self.offsets, literals, self.offsets[scanned],
                                  self.offsets[upto])
            self._holding[literals] = (hits, upto)
        return hits

    def frame(self, row: int) -> re.Match[str] | None:
        """The frame line ``row`` holds (``match_frame``), matched once for all the reports
        cut from the table."""
        if not self._matched[row]:
            self._frames[row] = match_frame(self.lines[row])
            self._matched[row] = True
        return self._frames[row]

    def frames(self, rows: list[int]) -> list[re.Match[str] | None]:
        return [self.frame(row) for row in rows]

    def next_frame(self, lo: int, hi: int) -> int:
        """The first line in ``[lo, hi)`` that holds a frame, or -1.

        The reports of a crash-dense log ask this from their trace starts, each a few
        lines after the one before, over the same frameless lines (register dumps, the
        next report's header): the last run of lines found to hold no frame is kept, and
        a look that starts in (or just after) it goes on from its end."""
        a, b = self._frameless  # lines a .. b - 1 hold no frame
        if not a <= lo <= b:
            a = b = lo
        row = b
        while row < hi and self.frame(row) is None:
            row += 1
        self._frameless = (a, row)
        return row if row < hi else -1

    def index(self, pos: int) -> int:
        """Index of the line starting at ``pos`` with enough lines after it, or -1."""
        i = bisect_left(self.offsets, pos)
        if i >= len(self.lines) or self.offsets[i] != pos:
            return -1
        if not self.at_end and len(self.lines) - i < NEEDED_LINES:
            return -1
        return i
