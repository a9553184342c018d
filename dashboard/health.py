"""Health probes for /healthz: is the database answering, is the broker reachable."""

from django.conf import settings
from django.db import connection

from ci_results.selectors import parse_backlog as _backlog
from dashboard.models import WorkerHeartbeat


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message is the evidence
        return False, f"{type(exc).__name__}: {exc}"
    return True, connection.vendor


def check_broker() -> tuple[bool, str]:
    if not settings.CELERY_BROKER_URL:
        return True, "in-process (no broker configured)"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many families; all mean unreachable
        return False, f"{type(exc).__name__}: {exc}"
    return True, settings.CELERY_BROKER_URL.split("://", 1)[0] + " broker reachable"


def worker_heartbeats() -> list[dict]:
    """When each worker last ran the heartbeat task (beat sends it every minute)."""
    return [
        {"hostname": beat.hostname, "seen_at": beat.seen_at.isoformat()}
        for beat in WorkerHeartbeat.objects.order_by("-seen_at")[:20]
    ]


def parse_backlog() -> dict:
    """Console logs posted but not parsed yet, and since when the oldest waits."""
    backlog = _backlog()
    return {"logs_waiting": backlog.waiting,
            "oldest_waiting_since": backlog.oldest.isoformat() if backlog.oldest else None}
