"""Console line prefixes: timestamps, printk caller ids, syslog headers, ``\\r``.

A kernel console line looks like ``[   60.002464][ T2148] BUG: ...``: the timestamp is
optional, the caller id (``[ T2148]`` for a task, ``[    C1]`` for a CPU in interrupt
context) appears with CONFIG_PRINTK_CALLER. A syslog/journal copy looks like
``Apr 30 10:38:04 host kernel: BUG: ...``. The *context* of a line (the caller id, or
``CONSOLE`` for a timestamped line without one) tells which lines belong to one report
when several CPUs print at once.
"""

from __future__ import annotations

import re
from bisect import bisect_right

CONSOLE = "console"

# Longest line we look at; a longer one (a 1 MB binary blob on the console) is cut here so
# that no regex ever runs over more than this many characters.
MAX_LINE = 4096

# "[   60.002464][ T2148] " / "[   60.002464] " / "<6>[   60.0] " / "** 3 printk messages
# dropped ** [  61.1] " / "syzkaller login: [  60.1] " (syzkaller console logs).
_CONSOLE_RE = re.compile(
    r"(?:\*\* \d{1,9} printk messages dropped \*\* )?"
    r"(?:<\d{1,3}>)?"
    r"\[ {0,20}\d{1,9}\.\d{1,9}\]"
    r"(?:\[ {0,20}([TC]\d{1,9})\])? ?"
)

# "Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: " (the seed: journalctl -k output).
_SYSLOG_RE = re.compile(r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [\w.-]{1,64} kernel: ")


def clean_line(line: str) -> tuple[str, str]:
    """Strip the console prefix of one line, return (context, stripped text).

    ``"[   60.002464][ T2148] BUG: x"`` -> ``("T2148", "BUG: x")``;
    ``"[ 1.0] a"`` -> ``("console", "a")``; ``"plain"`` -> ``("", "plain")``.
    """
    if len(line) > MAX_LINE:
        line = line[:MAX_LINE]
    if line.endswith("\r"):
        line = line.rstrip("\r")
    if line[:1].isupper() and " kernel: " in line[:100]:
        m = _SYSLOG_RE.match(line)
        if m:
            line = line[m.end():]
    if "[" not in line[:40]:
        return "", line
    m = _CONSOLE_RE.match(line)
    if m is None and "login: " in line[:200]:
        m = _CONSOLE_RE.match(line, line.index("login: ") + 7)
    if m:
        return (m.group(1) or CONSOLE), line[m.end():]
    return "", line


_QUESTIONABLE_TAIL = r"\? +[a-zA-Z0-9_.]+(?:\+0x[0-9a-f]+/|\s\()"
_QUESTIONABLE_RE = re.compile(r"(?:\[<[0-9a-f]+>\])? " + _QUESTIONABLE_TAIL)
# The usual shape, " ? func+0x1/0x2" from the line's start: one anchored match instead of
# a search from every position (a match here is a match of the search, whose text starts
# with a space: this one lets the line itself start with "? ").
_QUESTIONABLE_START_RE = re.compile(r"(?: *(?:\[<[0-9a-f]+>\])? )?" + _QUESTIONABLE_TAIL)


def is_questionable(stripped: str) -> bool:
    """A ``? func+0x1/0x2`` frame: a stale address the unwinder was unsure about."""
    if "?" not in stripped[:40]:
        return False
    return (_QUESTIONABLE_START_RE.match(stripped, 0, 200) is not None
            or _QUESTIONABLE_RE.search(" " + stripped[:200]) is not None)


def line_starts(lines: list[str], begin: int) -> list[int]:
    """Where each of ``lines`` starts when they are joined with newlines from offset
    ``begin``, and where a line after the last would: ``(["ab", "c"], 0)`` -> ``[0, 3, 5]``.
    (A plain loop: as fast as ``accumulate`` in Python, twice as fast compiled.)"""
    starts = [begin] * (len(lines) + 1)
    pos = begin
    i = 0
    for line in lines:
        i += 1
        pos += len(line) + 1
        starts[i] = pos
    return starts


def first_of(text: str, literals: tuple[str, ...], pos: int = 0, end: int = -1) -> int:
    """Where the first of ``literals`` starts in ``text[pos:end]`` (``end`` -1: to the end),
    or -1: ``first_of("a pc IP", ("IP", "pc "))`` -> 2. Once one is found, the others are
    only looked for before it."""
    end = len(text) if end == -1 else end
    first = -1
    for literal in literals:
        # An occurrence that starts before ``first`` ends before first + len(literal).
        at = text.find(literal, pos, end if first == -1 else min(end, first + len(literal)))
        if at != -1 and (first == -1 or at < first):
            first = at
    return first


def lines_holding(
    text: str, offsets: list[int], literals: tuple[str, ...], begin: int = 0,
    end: int | None = None,
) -> list[int]:
    """Indexes of the lines whose text holds one of ``literals``, in order: line i starts at
    ``offsets[i]`` in ``text``; only ``text[begin:end]`` is searched. One ``str.find`` per
    hit, so a log with few such lines costs a scan per literal, not a look at every line.
    """
    end = len(text) if end is None else end
    found: set[int] = set()
    for literal in literals:
        pos = text.find(literal, begin, end)
        while pos != -1:
            i = bisect_right(offsets, pos) - 1
            found.add(i)
            if i + 1 >= len(offsets):
                break
            pos = text.find(literal, offsets[i + 1], end)
    return sorted(found)
