"""Logs whose report is the fuzzer's own failure (out of memory, executor crash)."""

from __future__ import annotations

from .lines import MAX_LINE
from .oops import SUPPRESSIONS


def is_suppressed(text: str) -> bool:
    """``"fatal error: runtime: out of memory"`` anywhere in the log -> True."""
    for literal, regex in SUPPRESSIONS:
        pos = text.find(literal)
        while pos != -1:
            begin = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            line = text[begin:end if end != -1 else len(text)]
            if regex.search(line[: MAX_LINE * 4]):
                return True
            pos = text.find(literal, end) if end != -1 else -1
    return False
