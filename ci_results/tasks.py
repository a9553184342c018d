"""Celery tasks of ci_results: thin wrappers around services, owning the retry policy."""

from celery import shared_task
from django.db import OperationalError

from ci_results.models import Run
from ci_results.services import reports


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def parse_run_log(run_pk: int) -> int:
    """Parse a stored run's console log into crash reports; returns how many it found."""
    run = Run.objects.filter(pk=run_pk).first()
    if run is None:  # deleted since it was enqueued
        return 0
    reports.run_parse_log(run=run)
    return run.crash_reports.count()
