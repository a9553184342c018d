"""WSGI entry point (gunicorn dashboard.wsgi)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

application = get_wsgi_application()

# Load the URL map, and with it every view module, now (in gunicorn's master with --preload,
# else as a worker starts) rather than inside the first requests a worker serves.
resolve("/healthz")

# With a broker, import its client now too (kombu's transport and redis-py, about 0.3 s of
# CPU): else each worker imports it inside the first post that queues a task.
if settings.CELERY_BROKER_URL:
    from dashboard.celery import app

    _ = app.connection_for_write().transport, app.amqp  # objects only: nothing connects yet
