"""Re-parse stored logs when the parser improves; moves are recorded as ReclassifyEvents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from ci_results.models import Run
from ci_results.models.runs import UNPARSED_LOG
from ci_results.services import reports


@dataclass
class ReclassifySummary:
    runs: int = 0
    moved: int = 0
    failed: int = 0


def runs_reclassify(
    *,
    since: datetime | None = None,
    only_unparsed: bool = False,
    note: str = "reclassify",
    progress: Callable[[str], None] | None = None,
) -> ReclassifySummary:
    """Re-parse the logs of runs received since a time (all when ``since`` is None)."""
    # Never parsed: the drain's condition (and its partial index); else every run with a log.
    runs = Run.objects.filter(UNPARSED_LOG if only_unparsed else ~Q(log_path="")).order_by("pk")
    if since is not None:
        runs = runs.filter(received_at__gte=since)
    summary = ReclassifySummary()
    for run in runs.iterator(chunk_size=200):
        try:
            events = reports.run_parse_log(run=run, note=note).events
        except OSError as exc:  # a log file missing from CONSOLE_LOG_DIR
            summary.failed += 1
            if progress:
                progress(f"run {run.pk}: cannot read {run.log_path}: {exc}")
            continue
        summary.runs += 1
        summary.moved += len(events)
        if progress:
            for event in events:
                progress(f"run {run.pk}: {event.old_title or '-'!s} -> {event.new_title or '-'!s}")
    return summary
