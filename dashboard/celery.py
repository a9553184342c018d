"""The Celery application.

With CELERY_BROKER_URL unset, settings turn on ``task_always_eager`` so every task runs
in-process; the same code runs on real workers when a broker URL is given.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

app = Celery("dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    """Between tasks, treat database connections as Django does between requests: drop a
    broken one or one older than ``CONN_MAX_AGE``, keep the others. (Celery's own Django
    fixup would close every connection around every task, a new PostgreSQL connection per
    parsed log; ``CELERY_DB_REUSE_MAX`` in settings turns that off.) An eager task runs
    inside its caller's request and transaction: its connection is left alone."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
