"""Find the lines of a log where a crash report starts (``BUG:``, ``WARNING:``, ...)."""

from __future__ import annotations

import re

from .lines import MAX_LINE
from .oops import LINUX_OOPSES, Oops


def _line_window(text: str, begin: int, end: int, at: int) -> str:
    """The line, or MAX_LINE characters of it around ``at`` when it is huge."""
    if end - begin <= MAX_LINE:
        return text[begin:end]
    lo = max(begin, at - MAX_LINE // 2)
    return text[lo:min(end, lo + MAX_LINE)]


_HEADERS_RE = re.compile("|".join(re.escape(o.header) for o in LINUX_OOPSES))


def match_oops(line: str) -> Oops | None:
    """The first oops (in table order) whose header the line holds and does not suppress."""
    audit = line.find("audit: type=")
    if audit != -1:
        line = line[:audit]  # the record quotes user strings; text before it may be a report
    if _HEADERS_RE.search(line) is None:
        return None
    for oops in LINUX_OOPSES:
        if oops.header in line and not any(s.search(line) for s in oops.suppressions):
            return oops
    return None


# Fewer needles than headers: every header contains one of these, so a hit is a candidate
# line that ``match_oops`` then checks.
_TRIGGERS = (
    "BUG", "WARNING:", "INFO:", "Unable to handle kernel", "fault", "stack segment: ",
    "Kernel panic", "error:", "UBSAN:", "Booting the kernel.", "unregister_netdevice: waiting",
    "VFS: ", "Alignment trap:", "panic", "SYZFA",
)
assert all(any(t in o.header for t in _TRIGGERS) for o in LINUX_OOPSES)


class OopsScanner:
    """Finds report starts in one log, remembering the next occurrence of every header.

    ``str.find`` per header is several times faster than one regex alternation over a
    30 MB log; caching the next hit keeps the total work linear in the log size.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._next: dict[str, int] = {}
        self.table: object | None = None  # the log's lines, kept by cut.py between reports

    def _find(self, header: str, pos: int) -> int:
        hit = self._next.get(header, -2)
        if hit == -1 or hit >= pos:
            return hit
        hit = self.text.find(header, pos)
        self._next[header] = hit
        return hit

    def first(self, start: int = 0) -> tuple[Oops, int, int] | None:
        """(oops, line begin, line end) of the first report start at or after ``start``."""
        text = self.text
        n = len(text)
        pos = start
        while pos < n:
            hits = [h for h in (self._find(t, pos) for t in _TRIGGERS) if h != -1]
            if not hits:
                return None
            at = min(hits)
            begin = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            if end == -1:
                end = n
            oops = match_oops(_line_window(text, begin, end, at))
            if oops is not None:
                return oops, begin, end
            pos = end + 1
        return None


def find_first_oops(text: str, start: int = 0) -> tuple[Oops, int, int] | None:
    """Return (oops, line begin, line end) of the first report start at or after ``start``.

    ``"[ 60.0] BUG: kernel NULL pointer dereference, address: 36"`` -> the "BUG:" oops.
    """
    return OopsScanner(text).first(start)
