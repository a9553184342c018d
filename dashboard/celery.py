"""The Celery application.

With CELERY_BROKER_URL unset, settings turn on ``task_always_eager`` so every task runs
in-process; the same code runs on real workers when a broker URL is given.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

app = Celery("dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
