"""Tracking threads: add one by URL or Message-ID, refresh it, refresh every due one.

The same functions serve the form, ``manage.py track``/``refresh`` and the Celery tasks.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from threads.fetchers import lkml
from threads.models import FetchLog, Message, Source, Thread
from threads.parsing.links import classify_url
from threads.services.artifacts import (
    link_sources_ensure,
    source_fetch_commit,
    source_fetch_gist,
)
from threads.services.common import is_synthetic_msgid
from threads.services.fetching import Outcome, Recorder, source_is_due
from threads.services.lkml_pages import lkml_page_read, lkml_pages_retry, lkml_walk
from threads.services.lore_threads import lore_source, lore_thread_fetch, lore_thread_refresh

__all__ = ["RefreshResult", "TrackError", "source_fetch_commit", "source_fetch_gist",
           "thread_refresh", "thread_track", "threads_refresh_due", "track_target"]

log = logging.getLogger(__name__)
FETCH_LOG_KEPT = timedelta(days=30)  # the beat run prunes older fetch log rows
# How long a refresh's claim on its thread holds: one that died without releasing it (a
# killed worker) stops blocking the thread after this.
REFRESH_CLAIM = timedelta(minutes=15)
# "<ZjFGzS9pZ9Dk6Dyt@bombadil.infradead.org>" or the same without brackets.
BARE_MSGID = re.compile(r"^<?(?P<msgid>[^\s<>/@]+@[^\s<>/@]+)>?$")


class TrackError(ValueError):
    """The input names no thread, or the thread could not be read (the message says why)."""


@dataclass
class RefreshResult:
    thread: Thread
    outcomes: list[Outcome] = field(default_factory=list)
    busy: bool = False  # another refresh of the thread was running: this one did nothing

    @property
    def errors(self) -> list[str]:
        return [o.error for o in self.outcomes if o.error]

    @property
    def not_modified(self) -> int:
        return sum(o.not_modified for o in self.outcomes)

    @property
    def summary(self) -> str:
        if self.busy:
            return "another refresh of this thread is running; nothing was fetched"
        parts = [f"{o.source.kind} {o.source.key}: {'; '.join(o.changed)}"
                 for o in self.outcomes if o.changed and not o.error]
        parts += [f"{o.source.kind} {o.source.key} not modified"
                  for o in self.outcomes if o.not_modified]
        parts += [f"{o.source.kind} {o.source.key} failed: {o.error}"
                  for o in self.outcomes if o.error]
        return "\n".join(parts) or "nothing was due"


def track_target(text: str) -> tuple[str, str]:
    """``("msgid", id)`` for a lore URL or a bare Message-ID, ``("lkml", "2404.3/07010")``."""
    text = text.strip()
    key = lkml.find_page_key(text)
    if key:
        return "lkml", key
    lore_base = settings.LORE_BASE_URL
    if text.startswith(lore_base + "/"):
        parts = [p for p in urlsplit(text).path[len(urlsplit(lore_base).path):].split("/") if p]
        if len(parts) >= 2 and "@" in unquote(parts[1]):
            return "msgid", unquote(parts[1]).strip("<>")
    if text.lower().startswith(("http://", "https://")):
        kind, found = classify_url(text)
        if kind == "lore":
            return "msgid", found
        raise TrackError("Not a lore.kernel.org or lkml.iu.edu message URL.")
    match = BARE_MSGID.match(text)
    if match:
        return "msgid", match["msgid"]
    raise TrackError("Give a lore.kernel.org URL, an lkml.iu.edu URL or a Message-ID.")


def thread_track(*, url_or_msgid: str, user=None) -> Thread:
    """Reads the whole thread, its lkml.iu.edu pages when given one, its gists and commits."""
    kind, key = track_target(url_or_msgid)
    recorder, thread, msgid, first = Recorder(), None, key, None
    if kind == "lkml":  # the page names the Message-ID; lore is read first, pages join it
        first = lkml_page_read(key=key, recorder=recorder)
        outcome, page = first
        if page is None:
            raise TrackError(outcome.error or "The page could not be read.")
        msgid = page.message.message_id
    if not is_synthetic_msgid(msgid):
        source = lore_source(msgid=msgid)
        outcome = lore_thread_fetch(source=source, recorder=recorder)
        found = Message.objects.filter(msgid=msgid).select_related("thread").first()
        if found is not None:
            thread = found.thread
            Source.objects.filter(pk=source.pk).update(thread=thread)
        elif kind != "lkml":
            Source.objects.filter(pk=source.pk, last_success_at__isnull=True).delete()
            raise TrackError(outcome.error or f"lore has no message <{msgid}> "
                             f"({'; '.join(outcome.changed)}).")
    if kind == "lkml":
        thread, _ = lkml_walk(start=key, thread=thread, recorder=recorder, first=first)
        Source.objects.filter(kind=Source.Kind.LORE_THREAD, key=msgid, thread__isnull=True
                              ).update(thread=thread)
    if thread is None:
        raise TrackError(f"Nothing could be read for {url_or_msgid.strip()}.")
    thread.refresh_from_db()
    thread.tracked = True
    if user is not None and getattr(user, "is_authenticated", False) and not thread.tracked_by_id:
        thread.tracked_by = user
    thread.save(update_fields=["tracked", "tracked_by", "updated_at"])
    artifacts_fetch(thread=thread, recorder=recorder, now=timezone.now())
    Thread.objects.filter(pk=thread.pk).update(last_refreshed_at=timezone.now())
    thread.refresh_from_db()
    return thread


def artifacts_fetch(*, thread: Thread, recorder: Recorder, now: datetime,
                    force: bool = False) -> list[Outcome]:
    """Gists and commits the thread links to, when due (new ones always are)."""
    outcomes = []
    for source in link_sources_ensure(thread=thread):
        if not (source_is_due(source, now=now) or (force and _forceable(source))):
            continue
        fetch = source_fetch_gist if source.kind == Source.Kind.GIST else source_fetch_commit
        outcomes.append(fetch(source=source, recorder=recorder))
    return outcomes


def _forceable(source: Source) -> bool:
    """An explicit refresh re-checks gists and failed sources, but still waits out a rate
    limit (asking again early only prolongs it)."""
    if source.last_status in (403, 429):
        return False
    return source.kind == Source.Kind.GIST or bool(source.last_error)


def thread_refresh(*, thread: Thread, now: datetime | None = None,
                   force: bool = False) -> RefreshResult:
    """New messages since the last poll, changed gists, and another try for failed sources.

    ``force`` ignores the schedule and the backoff (an explicit request for this thread).
    """
    now = now or timezone.now()
    recorder, result = Recorder(), RefreshResult(thread)
    if not _claim(thread, now):
        result.busy = True
        return result
    try:
        sources = list(thread.sources.filter(kind=Source.Kind.LORE_THREAD))
        if not sources and not is_synthetic_msgid(thread.root_msgid):
            sources = [lore_source(msgid=thread.root_msgid, thread=thread)]
        for source in sources:
            if force or source_is_due(source, now=now):
                result.outcomes.append(lore_thread_refresh(
                    source=source, thread=thread, recorder=recorder, now=now))
        result.outcomes += lkml_pages_retry(
            thread=thread, recorder=recorder, now=now, force=force)
        result.outcomes += artifacts_fetch(
            thread=thread, recorder=recorder, now=now, force=force)
    except BaseException:
        Thread.objects.filter(pk=thread.pk).update(refreshing_until=None)
        raise
    Thread.objects.filter(pk=thread.pk).update(refreshing_until=None, last_refreshed_at=now)
    return result


def _claim(thread: Thread, now: datetime) -> bool:
    """Take the thread for one refresh: one conditional UPDATE, so of two refreshes that
    start together exactly one gets it; a claim older than REFRESH_CLAIM has lapsed."""
    free = Q(refreshing_until__isnull=True) | Q(refreshing_until__lte=now)
    return Thread.objects.filter(free, pk=thread.pk).update(
        refreshing_until=now + REFRESH_CLAIM) == 1


@dataclass
class DueSummary:
    threads: int = 0
    changed_sources: int = 0
    not_modified: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)


def threads_refresh_due(*, now: datetime | None = None, limit: int = 200) -> DueSummary:
    """Refreshes tracked threads with a source due now (the beat task and the cron command)."""
    now = now or timezone.now()
    due = (
        Thread.objects.filter(tracked=True)
        .filter(Q(sources__next_check_at__lte=now) | Q(sources__isnull=True)
                | Q(sources__next_check_at__isnull=True, sources__last_success_at__isnull=True))
        .distinct().order_by("last_refreshed_at", "pk")[:limit]
    )
    summary = DueSummary()
    for thread in due:
        try:
            result = thread_refresh(thread=thread, now=now)
        except Exception:  # one broken thread must not stop the others; fetch faults don't
            log.exception("refreshing thread %s failed", thread.pk)
            summary.failed += 1
            summary.lines.append(f"thread {thread.pk}: refresh failed (see the log)")
            continue
        if result.busy:
            summary.lines.append(f"thread {thread.pk}: {result.summary}")
            continue
        summary.threads += 1
        summary.not_modified += result.not_modified
        summary.failed += len(result.errors)
        summary.changed_sources += sum(1 for o in result.outcomes if o.changed)
        summary.lines.append(f"thread {thread.pk}: {result.summary}")
    FetchLog.objects.filter(fetched_at__lt=now - FETCH_LOG_KEPT).delete()
    return summary
