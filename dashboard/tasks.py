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


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_digests(self, period: str = "daily") -> str:
    """Beat runs this hourly; each subscriber still gets one digest per period (see send.py)."""
    from dashboard.digests.send import digests_send

    return str(digests_send(period=period))
