"""Is a cut-out report truncated or interleaved beyond use?"""

from __future__ import annotations

import re

from .body import Body
from .frames import STACK_START, is_frame
from .oops import Format

# "WARNING in foo[   60.123456]": a timestamp merged into the middle of a title.
_CORRUPTED_TITLES = (re.compile(r"\[ *[0-9]+\.[0-9]+\]"),)
# A literal each STACK_START regex needs: most reports lack most of them, and "[^k] backtrace"
# has no literal prefix for the regex engine to skip ahead with.
_STACK_START_LITERALS = ("race", "Allocated:", "Allocated by task ", "Freed:", "Freed by task ",
                         " backtrace", "Backtrace:", "Uninit was stored to memory at")


_TRACE_WORDS = ("Call Trace", "backtrace", "Allocated:", "Freed:", "Call trace", "Backtrace")


def _first_key_line(body: Body, words: list[int], literal: str, key: re.Pattern[str]) -> int:
    """The line where ``key`` first matches the report text (its match may start at the
    newline before a line: "[^k] backtrace"), looking only at lines with a trace word."""
    lines, text, starts = body.lines, body.text, body.starts
    for i in words:
        ln = lines[i]
        if literal not in ln:
            continue
        if i > 0 and ln[:1] == " " and key.match(text, starts[i] - 1):
            return i - 1  # the match starts at the newline ending line i - 1
        if key.search(ln):
            return i
    return -1


def find_corruption(title: str, body: Body, fmt: Format | None) -> str:
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
    lines = body.lines
    words = body.trace_word_lines  # a line holding any literal below is one of these
    if not any(k in lines[i] for i in words for k in _TRACE_WORDS):
        return "no stack trace in report"
    if fmt.stack is None:
        return ""
    has_trace = False
    starts = body.stack_starts
    for literal, key in zip(_STACK_START_LITERALS, STACK_START, strict=True):
        i = _first_key_line(body, words, literal, key)
        if i == -1:
            continue
        if i + 1 >= len(lines) or not lines[i + 1]:
            return "call trace is missing"
        # One of the next 15 lines, before another trace starts, must be a frame. A line
        # that is no frame for the trace readers can still pass for one here (a powerpc
        # "(unreliable)" slot).
        hi = min(i + 16, len(lines))
        s = body.next_of(starts, i + 1)
        if s != -1 and s < hi:
            hi = s
        if body.next_frame(i + 1, hi) == -1 and not any(
                "(stack is not available)" in ln or (ln.endswith("(unreliable)") and is_frame(ln))
                for ln in lines[i + 1:hi]):
            return "no frames in a stack trace"
        has_trace = True
    if not has_trace:
        return "no stack trace in report"
    return ""
