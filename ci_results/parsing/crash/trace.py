"""Read call traces out of a report body: the guilty frame and the list of frames.

Both walk the report line by line in meaning, but use the ``Body``'s per-line facts, so
the work is per frame and per trace start, not per regex per line:

    >>> body = Body(["Call Trace:", " dump_stack+0x1/0x2", " tipc_mon_reinit_self+0x1/0x2"])
    >>> find_frames(body)
    ['dump_stack', 'tipc_mon_reinit_self']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .body import Body
from .frames import (
    CALL_TRACE,
    PARSE_STACK,
    RIP_FRAME,
    RIP_LITERALS,
    Frame,
    StackFmt,
    append_frame,
    default_extractor,
    is_corrupted_line,
    is_stack_start,
    match_frame,
    skip_regex,
)
from .lines import first_of

_CORRUPTED = "corrupted line in stack"
# Regexes whose match on a line could depend on where the line ends or what surrounds it:
# these are searched line by line, all others over the joined text.
_CONTEXT_SENSITIVE = re.compile(r"\^|\$|\\A|\\Z|\(\?[=!<]")
# Literals one of which every match of a common stack part holds, on the line it matches
# (these parts match within one line): the regex search starts at the first line with one.
_NEEDLES = {CALL_TRACE.pattern: ("race:",), RIP_FRAME.pattern: RIP_LITERALS}
_TRACE_MARKERS = ("<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "<NMI>", "</NMI>", "<EOI>")


@lru_cache(maxsize=512)
def _linewise(pattern: str) -> bool:
    return _CONTEXT_SENSITIVE.search(pattern) is not None


def _as_body(lines: Body | Sequence[str]) -> Body:
    return lines if isinstance(lines, Body) else Body(list(lines))


def _search_lines(
    body: Body, part: re.Pattern[str], lo: int, hi: int,
) -> tuple[int, re.Match[str] | None]:
    """The first line in ``[lo, hi)`` that ``part`` matches (searched within that line)."""
    lines = body.lines
    if _linewise(part.pattern):
        for j in range(lo, hi):
            m = part.search(lines[j])
            if m:
                return j, m
        return -1, None
    text, starts = body.text, body.starts
    pos, end = starts[lo], body.end_of(hi)
    needles = _NEEDLES.get(part.pattern)
    if needles is not None:  # no match before the first line holding a needle
        first = first_of(text, needles, pos, end)
        if first == -1:
            return -1, None
        pos = starts[body.line_at(first)]
    while pos < end:
        m = part.search(text, pos, end)
        if m is None:
            return -1, None
        j = body.line_at(m.start())
        if m.end() < starts[j + 1]:  # within line j: the same match as on the line alone
            return j, m
        m = part.search(lines[j])  # it ran past the line's end: look at the line alone
        if m:
            return j, m
        pos = starts[j + 1]
    return -1, None


class _Walk:
    """One pass of a ``StackFmt``'s parts over report lines ``first`` .. ``stop - 1``.

    Line ``first`` is read from ``head`` on (the title match may start mid-line).
    """

    def __init__(
        self, body: Body, first: int, head: str, stop: int, skip: re.Pattern[str],
        first_only: bool,
    ) -> None:
        self.body, self.first, self.head, self.stop, self.skip = body, first, head, stop, skip
        self.first_only = first_only  # only the first frame matters (the default extractor)
        self.frames: list[Frame] = []
        self.corrupted = ""

    def line(self, i: int) -> str:
        return self.head if i == self.first else self.body.lines[i]

    def find_part(self, part: re.Pattern[str], i: int) -> int:
        """Match ``part`` on the first line from ``i`` that has it; a fault-injection line
        before it marks the stack corrupted. Returns where to go on from (``i`` itself when
        the part is nowhere: a missing part is skipped without consuming lines)."""
        at = i
        if at == self.first:
            if is_corrupted_line(self.head):
                self.corrupted = _CORRUPTED
                return at + 1
            m = part.search(self.head)
            if m:
                append_frame(self.frames, m, self.skip)
                return at + 1
            at += 1
        if at >= self.stop:
            return i
        j, m = _search_lines(self.body, part, at, self.stop)
        c = self.body.next_of(self.body.corrupted_lines, at)
        if c != -1 and c < self.stop and (j == -1 or c <= j):
            self.corrupted = _CORRUPTED
            return c + 1
        if m is not None:
            append_frame(self.frames, m, self.skip)
            return j + 1
        return i

    def stack(self, i: int) -> int:
        """Frames from line ``i`` up to a fault-injection line, the next trace or the end."""
        if i == self.first:
            i += 1
            if is_corrupted_line(self.head):
                if not self.frames:
                    self.corrupted = _CORRUPTED
                return i
            if is_stack_start(self.head):
                return i
            append_frame(self.frames, match_frame(self.head), self.skip)
        body, stop = self.body, self.stop
        if i >= stop:
            return i
        end = stop
        c = body.next_of(body.corrupted_lines, i)
        if c != -1 and c < end:
            end = c
        s = body.next_of(body.stack_starts, i)
        if s != -1 and s < end:
            end = s
        for _, m in body.iter_frames(i, end):
            append_frame(self.frames, m, self.skip)
            if self.first_only and self.frames:
                break  # later frames cannot change the first one
        if end == stop:
            return stop
        if end == c and not self.frames:
            self.corrupted = _CORRUPTED
        return end + 1

    def stack_until(self, i: int, part: re.Pattern[str]) -> tuple[int, bool]:
        """Like ``stack`` but ending early at a line that matches the next ``part``."""
        while i < self.stop:
            ln = self.line(i)
            i += 1
            if is_corrupted_line(ln):
                if not self.frames:
                    self.corrupted = _CORRUPTED
                return i, False
            if is_stack_start(ln):
                return i, False
            m = part.search(ln)
            if m:
                append_frame(self.frames, m, self.skip)
                return i, True
            append_frame(self.frames, match_frame(ln), self.skip)
        return i, False


def _walk(
    body: Body, first: int, head: str, stop: int, parts: Sequence[re.Pattern[str]],
    skip: re.Pattern[str], first_only: bool,
) -> _Walk:
    """Match ``parts`` against consecutive lines, collecting frames on the way.

    A part that never matches is skipped (a report may lack "Call Trace:" or print it
    before the RIP line); frames collected before it still count. Only the first
    ``PARSE_STACK`` is read.
    """
    walk = _Walk(body, first, head, stop, skip, first_only)
    i = first
    part_idx = 0
    stacks = 0
    while part_idx < len(parts):
        part = parts[part_idx]
        if part is PARSE_STACK:
            if stacks:
                break
            stacks += 1
            following = parts[part_idx + 1] if part_idx + 1 < len(parts) else PARSE_STACK
            if following is PARSE_STACK:
                i = walk.stack(i)
            else:
                i, matched = walk.stack_until(i, following)
                part_idx += matched
        else:
            i = walk.find_part(part, i)
        part_idx += 1
    return walk


def find_guilty_frame(
    stack: StackFmt, lines: Body | Sequence[str], start: int = 0, stop: int | None = None,
) -> tuple[Frame | None, str]:
    """Return ((canonical, raw) frame or None, corruption reason) for report lines.

    The search starts at offset ``start`` of the body's text (where the title matched)
    and ends before line ``stop`` (the report's own lines, not a next report's).
    """
    body = _as_body(lines)
    stop = len(body.lines) if stop is None else min(stop, len(body.lines))
    extractor = stack.extractor or default_extractor
    first = body.line_at(start) if body.lines else 0
    if first >= stop:
        return extractor([])
    head = body.text[start:body.starts[first + 1] - 1]
    skip = skip_regex(stack.skip)
    first_only = stack.extractor is None
    walk = _walk(body, first, head, stop, stack.parts, skip, first_only)
    frame, reason = extractor(walk.frames)
    reason = walk.corrupted or reason
    if frame is None and stack.parts2:
        walk = _walk(body, first, head, stop, stack.parts2, skip, first_only)
        frame, reason = extractor(walk.frames)
        reason = walk.corrupted or reason
    return frame, reason


def find_frames(lines: Body | Sequence[str]) -> list[str]:
    """All frames of the first call trace in ``lines``, offsets stripped, innermost first."""
    body = _as_body(lines)
    if not body.stack_starts:
        return []
    lines_, frame = body.lines, body.frame
    starts = set(body.stack_starts)
    out: list[str] = []
    # Until the first frame nothing can end the trace: start there.
    first = body.next_frame(body.stack_starts[0] + 1)
    if first == -1:
        return out
    for i in range(first, len(lines_)):
        if out and i in starts:
            break
        m = frame(i)
        if m is not None:
            out.append(m[1] or m[2] or m[3])  # the one alternative of FRAME_RE that matched
            continue
        ln = lines_[i].strip()
        if out and ln not in _TRACE_MARKERS and not ln.startswith("?"):
            if len(out) > 2 and not ln.startswith(("RIP", "R", "Code")):
                break
    return out
