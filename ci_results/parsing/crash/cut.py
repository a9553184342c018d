"""Cut one report's lines out of a log: its context's lines, up to the next report.

The lines of a log are split and stripped of their console prefix once per log (a
``LineTable``), so cutting the eight reports of a log with eight hung tasks does not match
the prefix regex on the same lines eight times; the cut itself is then list work.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, compress, count, islice
from operator import add, itemgetter

from .lines import CONSOLE, MAX_LINE, clean_line, is_questionable
from .scan import OopsScanner, match_oops

# How much of a log one report may span (a report is a few hundred lines at most; a
# bounded window keeps every regex below linear in the input).
MAX_REPORT_LINES = 1500
MAX_REPORT_CHARS = 300_000
MAX_PREFIX_LINES = 5

_PANIC = "Kernel panic - not syncing"
_TAINT = "Disabling lock debugging due to kernel taint"
_UNREGISTER = "unregister_netdevice: waiting for"
# Log lines after the start of the next report that still belong to this one's text.
_KEEP_AFTER_SECOND = 200
# Lines looked at after a report start when no second report comes (see _cut_lines).
_STOP_AT = MAX_REPORT_LINES * 4
# Lines a table holds: enough for one report's cut (_STOP_AT + _KEEP_AFTER_SECOND + 2).
_TABLE_LINES = _STOP_AT + _KEEP_AFTER_SECOND + 100

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
# The next _TABLE_LINES complete lines (a 30 MB CI log is never split whole).
_SPAN_RE = re.compile(rf"(?:[^\n]*\n){{0,{_TABLE_LINES}}}")


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
        self.at_end = text.count("\n", begin, begin + _TABLE_BYTES) < _TABLE_LINES and (
            begin + _TABLE_BYTES >= len(text) or text.count("\n", begin) < _TABLE_LINES)
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
        self.panics = self._lines_with(_PANIC)
        self.taints = self._lines_with(_TAINT)
        self._questionable: set[int] | None = None

    def _lines_with(self, needle: str) -> list[int]:
        """Indexes of the lines that hold ``needle``, in order (one ``find`` per hit)."""
        found: list[int] = []
        text, offsets, end = self.text, self.offsets, self.end
        pos = text.find(needle, self.begin, end)
        while pos != -1:
            i = bisect_right(offsets, pos) - 1
            found.append(i)
            if i + 1 >= len(offsets):
                break
            pos = text.find(needle, offsets[i + 1], end)
        return found

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
        if not self.at_end and len(self.lines) - i < _STOP_AT + _KEEP_AFTER_SECOND + 2:
            return -1
        return i


def _table(scanner: OopsScanner, start: int) -> tuple[LineTable, int]:
    table = scanner.table if isinstance(scanner.table, LineTable) else None
    i = table.index(start) if table is not None else -1
    if i == -1:
        table = scanner.table = LineTable(scanner.text, start)
        i = 0
    assert table is not None
    return table, i


def _is_second_report(line: str) -> bool:
    # A panic that follows a report ("Kernel panic - not syncing: panic_on_warn set") is
    # part of it, not a new one.
    # "unregister_netdevice: waiting for lo to become free" repeats during hangs.
    oops = match_oops(line)
    return oops is not None and oops.header not in ("Kernel panic", _UNREGISTER)


def _second_report(scanner: OopsScanner, after: int) -> int:
    """Start of the next line that begins another report, or -1."""
    while True:
        found = scanner.first(after)
        if found is None:
            return -1
        if _is_second_report(scanner.text[found[1]:min(found[2], found[1] + MAX_LINE)]):
            return found[1]
        after = found[2] + 1


@dataclass
class Cut:
    lines: list[str]  # stripped report lines, from the oops line on
    prefix: list[str]  # up to 5 same-context lines before it
    title_lines: int  # how many of ``lines`` belong to this report (before a second one)
    end: int  # character offset where this report ends in the log
    next_start: int  # where to look for the next report


def _prefix(text: str, start: int, context: str, questionable: bool) -> list[str]:
    """Up to MAX_PREFIX_LINES same-context lines before the report (50 lines back at most)."""
    prefix: list[str] = []
    back = start
    seen = 0
    while back > 0 and seen < 50 and len(prefix) < MAX_PREFIX_LINES:
        b = text.rfind("\n", 0, back - 1) + 1
        ctx, stripped = clean_line(text[b:back - 1][:MAX_LINE])
        seen += 1
        if ctx == context and stripped and (questionable or not is_questionable(stripped)):
            prefix.insert(0, stripped)
        back = b
    return prefix


def _without_skipped(taken: list[int], table: LineTable) -> list[int]:
    """``taken`` without "Disabling lock debugging" lines, and without a ``Kernel panic``
    line past the 24th and all after it (the panic only repeats the report)."""
    taints = set(table.taints) if table.taints else ()
    if table.panics and len(taken) > 24:
        first = taken[24]
        for p in table.panics[bisect_left(table.panics, first):]:
            t = bisect_left(taken, p)
            if t < len(taken) and taken[t] == p and p not in taints:
                taken = taken[:t]
                break
    return [i for i in taken if i not in taints] if taints else taken


def cut_report(
    text: str, start: int, context: str, questionable: bool, scanner: OopsScanner | None = None
) -> Cut:
    """The report starting at line offset ``start``, printed in ``context`` ("T2148").

    Its lines are those of the same context (without ``? func+0x1/0x2`` frames unless
    ``questionable``) until MAX_REPORT_LINES lines or MAX_REPORT_CHARS characters, or
    _KEEP_AFTER_SECOND log lines past the start of the next report; lines after a
    ``Kernel panic`` past the 24th and "Disabling lock debugging" are left out.
    """
    scanner = scanner or OopsScanner(text)
    prefix = _prefix(text, start, context, questionable)
    first_end = text.find("\n", start)
    second_at = -1 if first_end == -1 else _second_report(scanner, first_end + 1)
    table, k0 = _table(scanner, start)
    lines, ctxs, offs = table.lines, table.contexts, table.offsets
    # Line index of the next report, relative to the start (it is never line 0).
    ks = -1
    if second_at != -1:
        j = bisect_left(offs, second_at)
        if j < len(lines) and offs[j] == second_at and j - k0 <= _STOP_AT:
            ks = j - k0
    # Past the next report, its lines only matter to the corrupted check for a while;
    # stopping keeps a log with many reports linear.
    stop = (ks + _KEEP_AFTER_SECOND if ks != -1 else _STOP_AT) + 1
    hi = min(len(lines), k0 + stop)
    end = offs[k0 + stop] if k0 + stop < len(lines) else len(text)
    stop_line = k0 + stop  # the line the cut stops before
    sel = list(compress(range(k0 + 1, hi), map(context.__eq__, islice(ctxs, k0 + 1, hi))))
    if not questionable and context:
        skip = table.questionable()
        if skip:
            sel = [i for i in sel if i not in skip]
    if hi - k0 > MAX_REPORT_LINES + 1:
        # Past MAX_REPORT_LINES, a line of another context ends the report.
        j = bisect_left(sel, k0 + MAX_REPORT_LINES + 1)
        i = k0 + MAX_REPORT_LINES + 1
        while j < len(sel) and sel[j] == i:
            j += 1
            i += 1
        if i < hi:
            stop_line, end = i, offs[i]
            del sel[j:]
    taken = [k0, *sel]
    if len(taken) > MAX_REPORT_LINES or sum(map(len, map(lines.__getitem__, taken))) > (
            MAX_REPORT_CHARS):
        cum = list(accumulate(map(len, map(lines.__getitem__, taken))))
        over = min(bisect_right(cum, MAX_REPORT_CHARS), MAX_REPORT_LINES)
        if over < len(taken):  # this line is still part of the report, the next is not
            del taken[over + 1:]
            stop_line = taken[-1]
            end = offs[stop_line + 1] - 1
    second = offs[k0 + ks] if ks != -1 and k0 + ks <= stop_line else 0
    limit = k0 + ks if second else len(lines)
    if table.panics or table.taints:
        taken = _without_skipped(taken, table)
    out = list(map(lines.__getitem__, taken))
    title = bisect_left(taken, limit)
    if not second or context not in ("", CONSOLE):
        title = len(out)
    return Cut(out, prefix, title, second or end, second or end)
