"""A log's lines from a report start on, split once: offsets, contexts, stripped text.

Cutting the eight reports of a log with eight hung tasks must not match the console
prefix regex on the same lines eight times: a ``LineTable`` holds the lines of a log from
one offset on (up to a few thousand), without their console prefix, and what context
printed each (``"T2148"``, ``"console"`` or ``""``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate, count
from operator import add, itemgetter

from .lines import CONSOLE, MAX_LINE, is_questionable, lines_holding

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
# "[   60.002464][ T2148] " (23). Then the lines are cut at that width, after one regex has
# checked the heads of all lines at once; any other log goes through _LINE_RES line by line.
_TS = r"\[(?: {4}\d| {3}\d\d|  \d{3}| \d{4}|\d{5})\.\d{6}\]"  # "[   60.002464]"
_CALLER = r"\[(?: {4}[TC]\d| {3}[TC]\d\d|  [TC]\d{3}| [TC]\d{4}|[TC]\d{5})\]"  # "[ T2148]"
_HEADS = {
    15: re.compile(rf"(?:{_TS} \n)*"),
    23: re.compile(rf"(?:{_TS}{_CALLER} \n)*"),
}


def _split_uniform(raw: list[str]) -> tuple[list[str], list[str]] | None:
    """``_split_lines`` for lines that (nearly) all have one fixed-width prefix, else None.

    The heads of all lines are checked by one regex; the few lines that fail it (a "..."
    the fuzzer printed, a line from user space) are split by _LINE_RES one by one.
    """
    lines = raw[:-1] if raw and not raw[-1] else raw  # "" after a final newline
    if not lines or lines[0][:1] != "[":
        return None
    width = 23 if lines[0][14:15] == "[" else 15
    heads_re = _HEADS[width]
    if heads_re.fullmatch("\n".join([ln[:width] for ln in lines[:16]]) + "\n") is None:
        return None  # the first lines already differ: not worth checking them all
    heads = "\n".join([ln[:width] for ln in lines]) + "\n"
    bad: list[int] = []
    pos = i = 0
    while True:
        m = heads_re.match(heads, pos)
        i += (m.end() - pos) // (width + 1)  # every good head is width + 1 characters
        if m.end() == len(heads):
            break
        bad.append(i)
        if len(bad) > 8 + len(lines) // 8:
            return None  # not a uniform log after all
        pos = m.end() + min(len(lines[i]), width) + 1
        i += 1
    strs = [ln[width:] for ln in raw]
    if width == 15:
        contexts = [CONSOLE] * len(lines)
    else:  # "[ T2148]" -> "T2148"
        contexts = [ln[15:21].lstrip() for ln in lines]
    if bad:
        line_re = _LINE_RES[False, False]
        for i in bad:
            ts, caller, strs[i] = line_re.match(lines[i]).groups()  # type: ignore[union-attr]
            contexts[i] = caller or (CONSOLE if ts else "")
    if len(lines) < len(raw):
        contexts.append("")
    return strs, contexts


class LineTable:
    """Lines of ``text`` from offset ``begin`` (a line start): offsets, contexts, text."""

    def __init__(self, text: str, begin: int) -> None:
        self.at_end = text.count("\n", begin, begin + _TABLE_BYTES) < TABLE_LINES and (
            begin + _TABLE_BYTES >= len(text) or text.count("\n", begin) < TABLE_LINES)
        if self.at_end:
            end = len(text)
            chunk = text[begin:]
        else:
            m = _SPAN_RE.match(text, begin)
            end = m.end() if m else begin
            chunk = text[begin:end]
        raw = chunk.split("\n")
        if not self.at_end:  # the empty "line" after the chunk's last newline
            raw.pop()
        split = None
        if (" kernel: " not in chunk and " login: " not in chunk
                and chunk.count("\n[") * 8 >= len(raw) * 7):  # most lines start with "["
            split = _split_uniform(raw)
        if split is None:
            strs, self.contexts = _split_lines(chunk, self.at_end)
        else:
            strs, self.contexts = split
        if "\r" in chunk or max(map(len, strs), default=0) > MAX_LINE:
            strs = [_clean(s) for s in strs]
        self.lines = strs
        # offsets[i]: where line i starts; offsets[i + 1] - 1: where its text ends.
        self.offsets = list(map(add, accumulate(map(len, raw), initial=begin), count()))
        self.text, self.begin, self.end = text, begin, end
        self.panics = lines_holding(text, self.offsets, (PANIC,), begin, end)
        self.taints = lines_holding(text, self.offsets, (TAINT,), begin, end)
        self._questionable: set[int] | None = None

    def questionable(self) -> set[int]:
        """Indexes of the ``? func+0x1/0x2`` lines (computed once per log)."""
        if self._questionable is None:
            self._questionable = {
                i for i, line in enumerate(self.lines)
                if "?" in line[:40] and is_questionable(line)
            } if self.text.find("?", self.begin, self.end) != -1 else set()
        return self._questionable

    def index(self, pos: int) -> int:
        """Index of the line starting at ``pos`` with enough lines after it, or -1."""
        i = bisect_left(self.offsets, pos)
        if i >= len(self.lines) or self.offsets[i] != pos:
            return -1
        if not self.at_end and len(self.lines) - i < NEEDED_LINES:
            return -1
        return i
