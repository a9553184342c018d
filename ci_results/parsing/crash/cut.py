"""Cut one report's lines out of a log: its context's lines, up to the next report.

The lines come from the log's ``LineTable`` (split once per log, see table.py); the cut
itself is list work.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, compress

from .lines import CONSOLE, MAX_LINE, clean_line, is_questionable
from .scan import OopsScanner, match_oops
from .table import (
    KEEP_AFTER_SECOND,
    MAX_REPORT_LINES,
    STOP_AT,
    LineTable,
)

MAX_REPORT_CHARS = 300_000
MAX_PREFIX_LINES = 5
_UNREGISTER = "unregister_netdevice: waiting for"

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
    table: LineTable  # the log's lines ``lines`` were taken from
    rows: list[int]  # the table's index of each of ``lines``
    title_lines: int  # how many of ``lines`` belong to this report (before a second one)
    end: int  # character offset where this report ends in the log
    next_start: int  # where to look for the next report


def _prefix(text: str, start: int, context: str, questionable: bool,
            table: LineTable, k0: int) -> list[str]:
    """Up to MAX_PREFIX_LINES same-context lines before the report (50 lines back at most).

    The report starts at line ``k0`` of ``table``: the lines before it in the table are
    taken from there when the table split them as ``clean_line`` would (a line that starts
    with its timestamp and is not cut at MAX_LINE), the others are split here."""
    prefix: list[str] = []
    lines, ctxs, offs = table.lines, table.contexts, table.offsets
    row = k0 - 1
    back = start
    seen = 0
    while back > 0 and seen < 50 and len(prefix) < MAX_PREFIX_LINES:
        if row >= 0:
            b = offs[row]
            ctx = ctxs[row]
            if ctx and text[b] == "[" and back - 1 - b <= MAX_LINE:
                stripped = lines[row]
            else:
                ctx, stripped = clean_line(text[b:back - 1][:MAX_LINE])
            row -= 1
        else:
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
    KEEP_AFTER_SECOND log lines past the start of the next report; lines after a
    ``Kernel panic`` past the 24th and "Disabling lock debugging" are left out.
    """
    scanner = scanner or OopsScanner(text)
    first_end = text.find("\n", start)
    second_at = -1 if first_end == -1 else _second_report(scanner, first_end + 1)
    table, k0 = _table(scanner, start)
    prefix = _prefix(text, start, context, questionable, table, k0)
    lines, ctxs, offs = table.lines, table.contexts, table.offsets
    # Line index of the next report, relative to the start (it is never line 0).
    ks = -1
    if second_at != -1:
        j = bisect_left(offs, second_at)
        if j < len(lines) and offs[j] == second_at and j - k0 <= STOP_AT:
            ks = j - k0
    # Past the next report, its lines only matter to the corrupted check for a while;
    # stopping keeps a log with many reports linear.
    stop = (ks + KEEP_AFTER_SECOND if ks != -1 else STOP_AT) + 1
    hi = min(len(lines), k0 + stop)
    end = offs[k0 + stop] if k0 + stop < len(lines) else len(text)
    stop_line = k0 + stop  # the line the cut stops before
    run = ctxs[k0 + 1:hi]
    if run.count(context) == len(run):  # the usual case: one context throughout
        sel = list(range(k0 + 1, hi))
    else:
        sel = list(compress(range(k0 + 1, hi), map(context.__eq__, run)))
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
    # The lines' span in the log bounds their stripped length: most reports need no sum.
    if len(taken) > MAX_REPORT_LINES or (
            offs[taken[-1] + 1] - offs[k0] > MAX_REPORT_CHARS
            and sum(map(len, map(lines.__getitem__, taken))) > MAX_REPORT_CHARS):
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
    if taken[-1] - k0 == len(taken) - 1:  # no line left out: a slice
        out = lines[k0:taken[-1] + 1]
    else:
        out = [lines[i] for i in taken]
    title = bisect_left(taken, limit)
    if not second or context not in ("", CONSOLE):
        title = len(out)
    return Cut(out, prefix, table, taken, title, second or end, second or end)
