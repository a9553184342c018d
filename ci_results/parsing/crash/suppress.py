"""Logs whose report is the fuzzer's own failure (out of memory, executor crash)."""

from __future__ import annotations

from .oops import SUPPRESSIONS

_WINDOW = 2_000_000


def is_suppressed(text: str, begin: int = 0) -> bool:
    """``"fatal error: runtime: out of memory"`` anywhere near the report -> True."""
    lo = max(0, begin - _WINDOW)
    window = text[lo:begin + _WINDOW]
    return any(s.search(window) for s in SUPPRESSIONS)
