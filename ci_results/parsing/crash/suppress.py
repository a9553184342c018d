"""Logs whose report is the fuzzer's own failure (out of memory, executor crash)."""

from __future__ import annotations

import re

from .lines import MAX_LINE
from .oops import SUPPRESSIONS

# Regexes by the literal each one contains: one pass over the log per literal.
_BY_LITERAL: dict[str, list[re.Pattern[str]]] = {}
for _literal, _regex in SUPPRESSIONS:
    _BY_LITERAL.setdefault(_literal, []).append(_regex)


def is_suppressed(text: str) -> bool:
    """``"fatal error: runtime: out of memory"`` anywhere in the log -> True."""
    for literal, regexes in _BY_LITERAL.items():
        pos = text.find(literal)
        while pos != -1:
            begin = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            line = text[begin:end if end != -1 else len(text)][: MAX_LINE * 4]
            if any(regex.search(line) for regex in regexes):
                return True
            pos = text.find(literal, end) if end != -1 else -1
    return False
