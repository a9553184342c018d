"""Is a cut-out report truncated or interleaved beyond use?"""

from __future__ import annotations

import re

from .frames import STACK_START, is_frame, is_stack_start
from .oops import Format

# "WARNING in foo[   60.123456]": a timestamp merged into the middle of a title.
_CORRUPTED_TITLES = (re.compile(r"\[ *[0-9]+\.[0-9]+\]"),)
# A literal each STACK_START regex needs: most reports lack most of them, and "[^k] backtrace"
# has no literal prefix for the regex engine to skip ahead with.
_STACK_START_LITERALS = ("race", "Allocated:", "Allocated by task ", "Freed:", "Freed by task ",
                         " backtrace", "Backtrace:", "Uninit was stored to memory at")


def find_corruption(title: str, report: str, fmt: Format | None) -> str:
    """Return why the report is corrupted, or "" when it is usable.

    A report that should have a stack trace must contain a trace keyword ("Call Trace",
    "backtrace", ...) followed within a few lines by at least one frame.
    """
    if any(r.search(title) for r in _CORRUPTED_TITLES):
        return "title matches corrupted regexp"
    if fmt is None:
        return ""
    if fmt.corrupted:
        return "report format is marked as corrupted"
    if fmt.no_stack_trace:
        return ""
    if not any(k in report for k in ("Call Trace", "backtrace", "Allocated:", "Freed:",
                                     "Call trace", "Backtrace")):
        return "no stack trace in report"
    if fmt.stack is None:
        return ""
    has_trace = False
    for literal, key in zip(_STACK_START_LITERALS, STACK_START, strict=True):
        m = key.search(report) if literal in report else None
        if m is None:
            continue
        rest = report[m.start():].split("\n", 17)
        if len(rest) < 2 or not rest[1]:
            return "call trace is missing"
        ok = False
        for ln in rest[1:16]:
            if is_stack_start(ln):
                break
            if "(stack is not available)" in ln or is_frame(ln):
                ok = has_trace = True
                break
        if not ok:
            return "no frames in a stack trace"
    if not has_trace:
        return "no stack trace in report"
    return ""
