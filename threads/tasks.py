"""Thin Celery wrappers around the tracking services (the same ones the commands call)."""

from celery import shared_task

from threads.models import Thread
from threads.services.tracking import thread_refresh, thread_track, threads_refresh_due


@shared_task
def refresh_due_threads() -> str:
    """Beat runs this every 15 minutes; each source keeps its own schedule and backoff."""
    summary = threads_refresh_due()
    return f"{summary.threads} threads refreshed, {summary.failed} sources failed"


@shared_task
def refresh_thread(thread_id: int) -> str:
    """An explicit refresh of one thread: its schedule and backoff are ignored."""
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        return f"thread {thread_id} no longer exists"
    return thread_refresh(thread=thread, force=True).summary


@shared_task
def track_thread(url_or_msgid: str, user_id: int | None = None) -> int:
    """Tracks a thread in the background; returns its id (TrackError propagates)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return thread_track(url_or_msgid=url_or_msgid, user=user).pk
