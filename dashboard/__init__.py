"""Project package: settings, URLs, WSGI, the Celery app, and the dashboard pages."""

from dashboard.celery import app as celery_app

__all__ = ("celery_app",)
