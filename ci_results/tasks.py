"""Celery tasks of ci_results: thin wrappers around services, owning the retry policy."""

from celery import shared_task
from django.db import OperationalError

from ci_results.models import Run
from ci_results.services import crashtexts, logs, reports


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def parse_run_log(run_pk: int) -> int:
    """Parse a stored run's console log into crash reports; returns how many it found."""
    try:
        run = Run.objects.get(pk=run_pk)
    except Run.DoesNotExist:  # deleted since it was enqueued
        return 0
    return reports.run_parse_log(run=run).reports


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


def crash_texts_enqueue(ids: list[int]) -> None:
    """threads' seam handler (registered in CiResultsConfig.ready): runs after the commit."""
    classify_crash_texts.delay(list(ids))
