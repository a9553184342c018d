"""Table building blocks: a report start (``Oops``), its title formats (``Format``).

A ``Format`` has a title regex, an optional regex over the whole report that captures the
title's arguments, a Go-like format (``%[1]v`` is the first argument; the guilty frame,
when the format has a stack, is the last one), alternative title formats, and flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from ..frames import CALL_TRACE, PARSE_STACK, RIP_FRAME, StackFmt, compile_re


@dataclass(frozen=True)
class Format:
    title: re.Pattern[str]
    fmt: str
    report: re.Pattern[str] | None = None
    alt: tuple[str, ...] = ()
    stack: StackFmt | None = None
    no_stack_trace: bool = False
    corrupted: bool = False
    # The literal every title match starts with ("BUG: KASAN:"): see ``literal_prefix``.
    prefix: str = ""


@dataclass(frozen=True)
class Oops:
    """A report start and its title formats, indexed by the literal each title starts with.

    Every title of an oops starts with a literal that starts with the oops header
    (``"BUG: KASAN:"`` for ``"BUG:"``), so a title can only match where the header is, and
    there only if its literal is there: ``longest`` finds the longest literal at a header,
    and ``candidates`` maps it to every format whose literal it starts with (table order).
    """

    header: str
    formats: tuple[Format, ...]
    suppressions: tuple[re.Pattern[str], ...] = ()
    # Derived from ``formats`` (see __post_init__).
    longest: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    candidates: dict[str, list[int]] = field(init=False, repr=False, compare=False)
    # Formats whose literal does not start with the header: searched over the whole text.
    searched: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        formats = self.formats
        anchored = [i for i, f in enumerate(formats) if f.prefix.startswith(self.header)]
        prefixes = sorted({formats[i].prefix for i in anchored}, key=len, reverse=True)
        derived = {
            # Longest first: the first alternative that matches is the longest literal there.
            "longest": re.compile("|".join(map(re.escape, prefixes))) if prefixes else None,
            "candidates": {p: [i for i in anchored if p.startswith(formats[i].prefix)]
                           for p in prefixes},
            "searched": [i for i in range(len(formats)) if i not in anchored],
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


_META = frozenset(".^$*+?{}[]|()")


def literal_prefix(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with: ``r"BUG: KASAN: ([a-z]+)"``
    -> ``"BUG: KASAN: "``; ``""`` when the pattern has a top-level ``|``."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return ""
        i += 1
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 < len(pattern) and not pattern[i + 1].isalnum():
                out.append(pattern[i + 1])
                i += 2
                continue
            break
        if ch in _META:
            break
        out.append(ch)
        i += 1
    if i < len(pattern) and pattern[i] in "?*{" and out:  # "ab?": the "b" is optional
        out.pop()
    return "".join(out)


def F(title: str, fmt: str, **kw: object) -> Format:
    report = kw.pop("report", None)
    return Format(
        title=compile_re(title),
        fmt=fmt,
        report=compile_re(report) if isinstance(report, str) else None,
        prefix=literal_prefix(compile_re(title).pattern),
        **kw,  # type: ignore[arg-type]
    )


def S(*parts: re.Pattern[str] | str, **kw: object) -> StackFmt:
    compiled = tuple(p if isinstance(p, re.Pattern) else compile_re(p) for p in parts)
    parts2 = cast("tuple[re.Pattern[str] | str, ...]", kw.pop("parts2", ()))
    kw["parts2"] = tuple(p if isinstance(p, re.Pattern) else compile_re(p) for p in parts2)
    return StackFmt(parts=compiled, **kw)  # type: ignore[arg-type]


TRACE = (CALL_TRACE, PARSE_STACK)
RIP_TRACE = (RIP_FRAME, CALL_TRACE, PARSE_STACK)
BAD = ("bad-access in %[1]v",)
AT_FUNC = "at: (?:{{PC}} +)?{{FUNC}}"


def c(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


# "BUG: KASAN: use-after-free in aead_recvmsg+0x1758/0x1bc0 ... Read of size 8 at addr"
