"""WSGI entry point (gunicorn dashboard.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

application = get_wsgi_application()

# Load the URL map, and with it every view module, now (in gunicorn's master with --preload,
# else as a worker starts) rather than inside the first requests a worker serves.
resolve("/healthz")
