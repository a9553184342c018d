"""Runs list (keyset-paginated, 2 queries per page) and one run with a window of its log."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from ci_results.models import CrashReport, Run

PAGE_SIZE = 50
LOG_WINDOW = 64 * 1024  # bytes of a console log shown per page
FILTERS = ("kernel", "config", "reproducer", "origin")


@dataclass(frozen=True)
class RunFilter:
    kernel: int | None = None
    config: int | None = None
    reproducer: int | None = None
    origin: int | None = None
    outcome: str | None = None
    signature: int | None = None
    since: date | None = None  # runs started on or after this day (UTC)


@dataclass(frozen=True)
class RunPage:
    runs: list[Run]
    next_cursor: str | None  # "<started_at iso>|<id>" of the last run shown


def _cursor(run: Run) -> str:
    return f"{run.started_at.isoformat()}|{run.pk}"


def parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    if not value or "|" not in value:
        return None
    when, _, pk = value.rpartition("|")
    started = parse_datetime(when)
    return (started, int(pk)) if started is not None and pk.isdigit() else None


def runs_page(flt: RunFilter, *, cursor: str | None = None, size: int = PAGE_SIZE) -> RunPage:
    """Newest first; ``cursor`` continues after the last run of the previous page. One query.

    Ordered by (started_at, id) so the indexes on (kernel, config, reproducer, started_at),
    (outcome, started_at) and (started_at) serve it. With a signature, the order is that of
    its reports' ``seen_at`` (a run's start), walking the (signature, seen_at) index instead.
    """
    runs = Run.objects.select_related("kernel", "config", "reproducer", "origin")
    for name in FILTERS:
        value = getattr(flt, name)
        if value is not None:
            runs = runs.filter(**{f"{name}_id": value})
    if flt.outcome:
        runs = runs.filter(outcome=flt.outcome)
    if flt.since is not None:
        runs = runs.filter(started_at__gte=datetime.combine(flt.since, time.min, tzinfo=UTC))
    started_field, order = "started_at", ("-started_at", "-id")
    if flt.signature is not None:
        runs = runs.filter(crash_reports__signature_id=flt.signature)
        started_field, order = "crash_reports__seen_at", ("-crash_reports__seen_at", "-id")
    after = parse_cursor(cursor)
    if after is not None:
        started, pk = after
        runs = runs.filter(Q(**{f"{started_field}__lt": started})
                           | Q(**{started_field: started, "pk__lt": pk}))
    found = list(dict.fromkeys(runs.order_by(*order)[: size + 1]))  # a run may hold 2 reports
    more = len(found) > size
    found = found[:size]
    return RunPage(found, _cursor(found[-1]) if more and found else None)


@dataclass(frozen=True)
class Highlight:
    start: int  # character offsets inside the window text
    end: int
    report: CrashReport


@dataclass(frozen=True)
class LogWindow:
    offset: int  # byte offset of the window in the uncompressed log
    end: int  # byte offset just after it
    size: int  # the whole log, uncompressed bytes
    text: str
    highlights: list[Highlight]
    pieces: list[tuple[str, CrashReport | None]]  # text cut at the highlights, in order

    @property
    def prev_offset(self) -> int | None:
        return max(0, self.offset - LOG_WINDOW) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.end if self.end < self.size else None


def _read_window(path: Path, offset: int, size: int) -> tuple[int, bytes, int]:
    """Bytes from ``offset`` (moved to the next line start unless it is one) up to a line end
    past ``offset + LOG_WINDOW``: gzip seeks forward by decompressing, never holding the log."""
    base = max(0, offset - 1)  # one byte back: is ``offset`` already a line start?
    with gzip.open(path, "rb") as fh:
        fh.seek(base)
        data = fh.read(LOG_WINDOW + 4097)
    start = 0
    if offset > 0:
        newline = data.find(b"\n", 0, 4097)
        start = newline + 1 if newline >= 0 else 1
    end = len(data)
    if base + len(data) < size:
        cut = data.rfind(b"\n", start, start + LOG_WINDOW)
        end = cut + 1 if cut >= start else min(len(data), start + LOG_WINDOW)
    return base + start, data[start:end], base + end


def _pieces(text: str, highlights: list[Highlight]) -> list[tuple[str, CrashReport | None]]:
    pieces: list[tuple[str, CrashReport | None]] = []
    pos = 0
    for h in highlights:
        if h.start > pos:
            pieces.append((text[pos:h.start], None))
        pieces.append((text[max(pos, h.start):h.end], h.report))
        pos = max(pos, h.end)
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces


def log_window(run: Run, reports: list[CrashReport], *, offset: int = 0) -> LogWindow | None:
    """One page of a run's console log with its crash reports marked.

    Report offsets are characters; they equal bytes for the ASCII text kernels print, and a
    non-ASCII byte before a report only shifts its mark, never the text shown.
    """
    if not run.log_path:
        return None
    path = Path(settings.CONSOLE_LOG_DIR) / run.log_path
    if not path.exists():
        return None
    size = run.log_size or 0
    offset = max(0, min(offset, max(0, size - 1)))
    start, data, end = _read_window(path, offset, size)
    text = data.decode("utf-8", errors="replace")
    highlights = []
    for report in sorted(reports, key=lambda r: r.start):
        if report.end > start and report.start < end and report.end > report.start:
            lo, hi = max(report.start, start) - start, min(report.end, end) - start
            highlights.append(Highlight(lo, hi, report))
    return LogWindow(start, end, size, text, highlights, _pieces(text, highlights))


def run_detail(pk: int) -> tuple[Run, list[CrashReport]]:
    """A run with its dimensions (1 query) and its crash reports with signatures (1 query)."""
    run = Run.objects.select_related("kernel", "config", "reproducer", "origin").get(pk=pk)
    reports = list(CrashReport.objects.filter(run=run).select_related("signature")
                   .order_by("index", "id"))
    return run, reports
