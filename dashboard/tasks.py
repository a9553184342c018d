"""Thin Celery wrappers around dashboard services."""

import socket

from celery import shared_task

from dashboard import services


@shared_task
def heartbeat() -> str:
    """Proves a worker is consuming: writes the worker's host name and the time."""
    hostname = heartbeat.request.hostname or socket.gethostname()
    services.heartbeat_record(hostname=hostname)
    return hostname
