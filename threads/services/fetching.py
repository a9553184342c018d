"""Bookkeeping around every fetch: the fetch log, a source's state, and backoff.

Invariant: a failed fetch changes only its Source row (error, failure count, next check) and
adds FetchLog rows; what was stored before stays as it was, so the next refresh simply tries
again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from threads.fetchers.errors import FetchError, NotModified, RateLimited
from threads.fetchers.http import Exchange, HttpClient, Validators
from threads.models import FetchLog, Source, Thread

# How often a healthy lore thread or gist is polled; failures back off from BACKOFF_BASE,
# doubling per consecutive failure up to BACKOFF_MAX.
POLL_INTERVAL = timedelta(minutes=15)
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(days=1)
# Once fetched, these never change (a commit by SHA, an archived lkml page).
STATIC_KINDS = {Source.Kind.GITHUB_COMMIT, Source.Kind.LKML_PAGE}


@dataclass
class Outcome:
    """What one source's check did, for the refresh summary."""

    source: Source
    changed: list[str] = field(default_factory=list)  # "1 new message", "2 files updated"
    not_modified: bool = False
    error: str = ""


class Recorder:
    """Collects the HTTP exchanges of one job and writes them as FetchLog rows per source."""

    def __init__(self) -> None:
        self.pending: list[Exchange] = []
        self.client = HttpClient(on_exchange=self.pending.append)

    def flush(self, source: Source | None) -> None:
        FetchLog.objects.bulk_create(
            FetchLog(source=source, url=e.url[:2000], status=e.status, bytes=e.bytes,
                     duration_ms=e.duration_ms, error=e.error)
            for e in self.pending
        )
        self.pending.clear()


def source_get_or_create(
    *, kind: str, key: str, url: str, thread: Thread | None = None
) -> Source:
    source, created = Source.objects.get_or_create(
        kind=kind, key=key[:512], defaults={"url": url[:2000], "thread": thread}
    )
    if not created and thread is not None and source.thread_id is None:
        source.thread = thread
        source.save(update_fields=["thread"])
    return source


def validators_of(source: Source) -> Validators:
    return Validators(source.etag, source.last_modified)


def source_is_due(source: Source, *, now: datetime) -> bool:
    if source.kind in STATIC_KINDS and source.last_success_at and not source.last_error:
        return False
    return source.next_check_at is None or source.next_check_at <= now


def backoff(failures: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(failures - 1, 0)), BACKOFF_MAX)


@contextmanager
def source_check(
    source: Source, recorder: Recorder, *, now: datetime | None = None
) -> Iterator[Outcome]:
    """Runs one source's fetch-and-store; records success, 304 or the error on the source.

    The body raises fetch errors freely: they end up in ``source.last_error`` with backoff.
    """
    now = now or timezone.now()
    outcome = Outcome(source)
    try:
        yield outcome
    except NotModified:
        outcome.not_modified = True
        _succeeded(source, now, status=304, summary="not modified")
    except FetchError as exc:
        outcome.error = str(exc)
        _failed(source, now, exc)
    else:
        _succeeded(source, now, status=200,
                   summary="; ".join(outcome.changed) or "checked, nothing new")
    finally:
        recorder.flush(source)


def _succeeded(source: Source, now: datetime, *, status: int, summary: str) -> None:
    source.last_checked_at = source.last_success_at = now
    source.last_status = status
    source.last_error = ""
    source.consecutive_failures = 0
    source.next_check_at = None if source.kind in STATIC_KINDS else now + POLL_INTERVAL
    if status != 304 or not source.last_change_summary:
        source.last_change_summary = summary[:2000]
    source.save()


def _failed(source: Source, now: datetime, exc: FetchError) -> None:
    source.last_checked_at = now
    source.last_status = exc.status
    source.consecutive_failures += 1
    retry = "; will retry" if exc.retryable else "; will check again"
    source.last_error = f"{exc}{retry} (failure {source.consecutive_failures})"[:4000]
    wait = backoff(source.consecutive_failures)
    if not exc.retryable:
        wait = max(wait, BACKOFF_BASE * 4)  # a 404 rarely heals in minutes
    source.next_check_at = now + wait
    if isinstance(exc, RateLimited) and exc.retry_at and exc.retry_at > source.next_check_at:
        source.next_check_at = exc.retry_at
    source.save()


def store_validators(source: Source, validators: Validators) -> None:
    source.etag = validators.etag[:512]
    source.last_modified = validators.last_modified[:128]

