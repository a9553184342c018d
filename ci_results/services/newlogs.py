"""New console logs -> crash reports, a chunk of runs at a time.

After a commit that stored runs with logs, the poster calls ``newlogs_wakeup``: it
publishes a drain task only when none is queued yet. The drain (``newlogs_parse``) claims
the oldest runs never parsed, up to a chunk, with their row locks (``SKIP LOCKED``: two
drains on two worker processes take different runs), parses their logs and stores every
report with a few statements. A burst of posts thus costs one broker message and one
task per chunk instead of one per log; a quiet system parses each log at once, in a chunk
of one.

The same drain, given run ids, parses exactly those runs (tasks run inline without a
broker); the periodic one picks up runs whose drain was lost (a broker restart).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from ci_results.models import ParseWakeup, Run
from ci_results.models.runs import UNPARSED_LOG
from ci_results.parsing.types import KernelInfo, LogAnalysis
from ci_results.services import reports

logger = logging.getLogger(__name__)

# Runs per drain: one transaction holds their row locks while their logs are parsed (25
# logs of 20 KB: about 20 ms). Big logs make smaller chunks: a chunk stops before the run
# that would take it past CHUNK_BYTES of log (it always holds one run), so that no drain
# holds its rows for more than a second or two, and the runs after it go to another.
CHUNK = 25
CHUNK_BYTES = 64 << 20
# A requested drain not started after this long is taken for lost and requested again.
WAKEUP_STALE = timedelta(seconds=60)
_WAKEUP_ID = 1


@dataclass(frozen=True)
class Drained:
    runs: int  # runs whose log was parsed (and marked parsed)
    reports: int  # crash reports stored for them
    full: bool  # a whole chunk was claimed: more runs may be waiting


def newlogs_wakeup() -> bool:
    """Record that runs with new logs were committed; True when the caller must publish a
    drain (none is queued, or the one queued is older than WAKEUP_STALE).

    One statement: it inserts the row when absent, replaces it when stale, and returns
    nothing (writes nothing, locks nothing) when a fresh one is there. Two posters racing
    may both get True: one drain then finds nothing to do.
    """
    now = timezone.now()
    table = connection.ops.quote_name(ParseWakeup._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, requested_at) SELECT %s, %s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} WHERE id = %s AND requested_at >= %s) "
            f"ON CONFLICT (id) DO UPDATE SET requested_at = excluded.requested_at RETURNING id",
            [_WAKEUP_ID, adapt(now), _WAKEUP_ID, adapt(now - WAKEUP_STALE)],
        )
        return cursor.fetchone() is not None


def newlogs_wakeup_clear() -> None:
    """No drain is queued (any more): the next ``newlogs_wakeup`` publishes one. Called by
    the drain as it starts, and by a poster whose publish failed."""
    # One statement: a queryset delete() would first collect what cascades (nothing here).
    table = connection.ops.quote_name(ParseWakeup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [_WAKEUP_ID])


def newlogs_parse(
    *,
    pks: Sequence[int] | None = None,
    limit: int = CHUNK,
    on_full: Callable[[], None] | None = None,
) -> Drained:
    """Parse the logs of runs never parsed: the runs ``pks`` (all of them, a chunk at a
    time), or, when None, the oldest waiting chunk of ``limit`` runs.

    ``on_full`` is called when a whole chunk was claimed, before it is parsed, so that the
    caller can start another drain beside this one. A log that cannot be read is logged
    and the run marked parsed without reports (``manage.py reclassify`` reads it again):
    one bad file must not stop every drain after it.
    """
    if pks is None:
        newlogs_wakeup_clear()  # before looking for runs: see newlogs_wakeup
        return _parse_chunk(None, limit, on_full)[0]
    runs = found = 0
    for i in range(0, len(pks), limit):
        part = list(pks[i:i + limit])
        cut = True
        while cut:  # big logs make several chunks of one part
            step, cut = _parse_chunk(part, limit, None)
            runs, found = runs + step.runs, found + step.reports
    return Drained(runs, found, False)


def _within_budget(runs: list[Run]) -> int:
    """How many of ``runs`` make a chunk: those whose logs fit in CHUNK_BYTES, one at least."""
    total = 0
    for n, run in enumerate(runs):
        total += run.log_size or 0
        if total > CHUNK_BYTES and n:
            return n
    return len(runs)


@transaction.atomic
def _parse_chunk(pks: list[int] | None, limit: int,
                 on_full: Callable[[], None] | None) -> tuple[Drained, bool]:
    """The chunk's outcome, and whether CHUNK_BYTES left some of the runs claimed."""
    waiting = Run.objects.filter(UNPARSED_LOG)
    if pks is not None:
        waiting = waiting.filter(pk__in=pks)
    claim = waiting.select_for_update(skip_locked=True).order_by("pk").only(
        "pk", "log_path", "log_size", "started_at")
    savepoint = transaction.savepoint()
    runs = list(claim[:limit])
    if not runs:
        return Drained(0, 0, False), False
    keep = _within_budget(runs)
    cut = keep < len(runs)  # big logs: the runs after these wait for another chunk
    if cut:
        # Undo the claim (the rows it locked are free again for another drain), then
        # claim again just the runs that fit.
        transaction.savepoint_rollback(savepoint)
        runs = list(claim.filter(pk__in=[run.pk for run in runs[:keep]]))
    else:
        transaction.savepoint_commit(savepoint)
    full = cut or len(runs) == limit
    if full and on_full is not None:
        on_full()
    if not runs:  # another drain took them between the two claims
        return Drained(0, 0, full), cut
    parsed = [(run, _analysis(run)) for run in runs]
    stored = reports.runs_store_first_reports(parsed=parsed)
    Run.objects.filter(pk__in=[run.pk for run in runs]).update(parsed_at=timezone.now())
    return Drained(len(runs), stored, full), cut


def _analysis(run: Run) -> LogAnalysis:
    try:
        return reports.parse_stored_log(path=run.log_path)
    except Exception:  # the parser never raises on content: this is the file
        logger.exception("run %s: cannot parse its log %s", run.pk, run.log_path)
        return LogAnalysis(contains_crash=False, kernel=KernelInfo())
