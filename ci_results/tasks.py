"""Celery tasks of ci_results: thin wrappers around services, owning the retry policy."""

import logging

from celery import shared_task
from django.db import OperationalError

from ci_results.models import Run
from ci_results.services import crashtexts, logs, newlogs, reports

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def parse_run_log(run_pk: int) -> int:
    """(Re-)parse one stored run's console log into crash reports; returns how many it
    found. New logs go through ``parse_new_logs``; this stays for explicit re-parses."""
    try:
        run = Run.objects.get(pk=run_pk)
    except Run.DoesNotExist:  # deleted since it was enqueued
        return 0
    return reports.run_parse_log(run=run).reports


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def parse_new_logs(run_pks: list[int] | None = None) -> str:
    """Parse new logs: of these runs, or (None: a drain, or beat) the oldest chunk waiting;
    a full chunk starts one more drain beside this one."""
    more = _another_drain if run_pks is None else None
    done = newlogs.newlogs_parse(pks=run_pks, on_full=more)
    return f"{done.runs} logs parsed, {done.reports} crash reports"


def _another_drain() -> None:
    try:
        parse_new_logs.delay()
    except Exception:  # the broker went away: this chunk goes on, beat's drain does the rest
        logger.warning("could not queue another drain of new logs", exc_info=True)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def classify_crash_texts(ids: list[int] | None = None) -> str:
    """Crash text from mail and gists -> signatures; ids from threads' seam, None (beat):
    every text not classified yet."""
    summary = crashtexts.crash_texts_classify(ids=ids)
    return f"{summary.texts} crash texts classified, {summary.reports} reports"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def prune_logs() -> str:
    """Stored logs no run refers to (rejected uploads) -> deleted, once a day."""
    summary = logs.logs_prune()
    return f"{summary.deleted} log files deleted ({summary.freed} bytes), {summary.kept} kept"


def new_logs_enqueue(run_pks: list[int]) -> None:
    """After the commit that stored runs with logs: without a broker, parse them now
    (inline); with one, wake a drain unless one is queued already."""
    if parse_new_logs.app.conf.task_always_eager:
        parse_new_logs.delay(list(run_pks))
    elif newlogs.newlogs_wakeup():
        try:
            parse_new_logs.delay()
        except Exception:  # the broker is down: let the next post try again
            newlogs.newlogs_wakeup_clear()
            raise


def crash_texts_enqueue(ids: list[int]) -> None:
    """threads' seam handler (registered in CiResultsConfig.ready): runs after the commit."""
    classify_crash_texts.delay(list(ids))
