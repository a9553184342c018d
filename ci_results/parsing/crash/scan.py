"""Find the lines of a log where a crash report starts (``BUG:``, ``WARNING:``, ...)."""

from __future__ import annotations

import re
from heapq import heapify, heappop, heapreplace

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
    "error:", "UBSAN:", "Booting the kernel.", "unregister_netdevice: waiting",
    "VFS: ", "Alignment trap:", "panic", "SYZFA",
)
assert all(any(t in o.header for t in _TRIGGERS) for o in LINUX_OOPSES)


class OopsScanner:
    """Finds report starts in one log, remembering the next occurrence of every trigger.

    ``str.find`` per trigger is several times faster than one regex alternation over a
    30 MB log; a heap of the next hits keeps the total work linear in the log size and
    each step to the next candidate line one ``find``.

    One scanner serves one parse of a log, so it also keeps what the log's reports share:
    the split lines (cut.py), literal hits (``find``) and cleaned titles (report.py).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._heap: list[tuple[int, int]] | None = None  # (next hit, index in _TRIGGERS)
        # The last answer of ``first``: asked again from a start between that start and the
        # report found, the answer is the same (cutting a report looks for the next one,
        # then the log walk asks from where the first one ends).
        self._last: tuple[int, tuple[Oops, int, int] | None] | None = None
        self.table: object | None = None  # the log's lines, kept by cut.py between reports
        # literal -> (searched from, first hit there or -1), see ``find``.
        self._found: dict[str, tuple[int, int]] = {}
        # Raw title -> its clean_title(), kept by report.py: the reports of a crash-dense
        # log repeat their titles (a recursive oops, the same WARNING on every CPU).
        self.clean_titles: dict[str, str] = {}

    def _next_hit(self, pos: int) -> int:
        """The first trigger hit at or after ``pos`` (hits found for an earlier ``pos`` stand)."""
        text = self.text
        heap = self._heap
        if heap is None:
            heap = [(h, i) for i, t in enumerate(_TRIGGERS) if (h := text.find(t, pos)) != -1]
            heapify(heap)
            self._heap = heap
        while heap and heap[0][0] < pos:
            i = heap[0][1]
            hit = text.find(_TRIGGERS[i], pos)
            if hit == -1:
                heappop(heap)
            else:
                heapreplace(heap, (hit, i))
        return heap[0][0] if heap else -1

    def find(self, literal: str, pos: int) -> int:
        """``text.find(literal, pos)``, remembered: asked again from a later ``pos`` up to
        the hit, the answer is the same (every report of a log looks for the panic after
        it; without this a log with many reports would be searched once per report)."""
        known = self._found.get(literal)
        if known is not None and known[0] <= pos and (known[1] == -1 or pos <= known[1]):
            return known[1]
        hit = self.text.find(literal, pos)
        self._found[literal] = (pos, hit)
        return hit

    def first(self, start: int = 0) -> tuple[Oops, int, int] | None:
        """(oops, line begin, line end) of the first report start at or after ``start``."""
        last = self._last
        if last is not None and last[0] <= start and (last[1] is None or start <= last[1][1]):
            return last[1]
        found = self._first(start)
        self._last = (start, found)
        return found

    def _first(self, start: int) -> tuple[Oops, int, int] | None:
        text = self.text
        n = len(text)
        pos = start
        while pos < n:
            at = self._next_hit(pos)
            if at == -1:
                return None
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
