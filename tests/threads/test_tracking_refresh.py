"""Refreshing a tracked thread: new replies through lore's search, then only 304s; one
refresh of a thread at a time."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.threads.upstream import NEW_REPLY_MSGID, SEED_MSGID, Upstream, point_settings
from threads.models import FetchLog, Message, Source, Thread
from threads.services.tracking import (
    REFRESH_CLAIM,
    thread_refresh,
    thread_track,
    threads_refresh_due,
)

pytestmark = pytest.mark.django_db

CONDITIONAL = ("If-None-Match", "If-Modified-Since")


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    up.serve_seed()
    return up


@pytest.fixture
def thread(upstream):
    thread = thread_track(url_or_msgid=SEED_MSGID)
    upstream.server.clear_log()
    return thread


def paths(upstream) -> list[str]:
    return [f"{request.method} {request.path}" for request, _ in upstream.server.log]


def test_it_takes_new_replies_from_the_search_not_the_whole_thread(upstream, thread):
    upstream.publish_new_reply()
    result = thread_refresh(thread=thread, force=True)
    assert Message.objects.filter(msgid=NEW_REPLY_MSGID, thread=thread).exists()
    # The same-subject mail of the v3 thread was in the search results but is not taken.
    assert not Message.objects.filter(msgid="20240430171000.1234-1-someone@example.org").exists()
    assert "POST /lore/all/" in paths(upstream)
    assert not any(p.endswith("t.mbox.gz") for p in paths(upstream))
    assert "1 new message" in result.summary
    reply = Message.objects.get(msgid=NEW_REPLY_MSGID)
    assert reply.parent.msgid == SEED_MSGID and reply.source == "lore"


def test_it_makes_only_conditional_requests_when_nothing_is_new(upstream, thread):
    thread_refresh(thread=thread, force=True)  # learns the feed's ETag
    upstream.server.clear_log()
    before = Message.objects.count()
    result = thread_refresh(thread=thread, force=True)
    assert upstream.server.log, "the refresh asked nothing"
    for request, response in upstream.server.log:
        assert any(h in request.headers for h in CONDITIONAL), request.path
        assert response.status_code == 304, request.path  # the feed's list URL was kept
    assert result.errors == [] and result.not_modified == len(upstream.server.log) == 3
    assert Message.objects.count() == before
    assert set(FetchLog.objects.order_by("-pk")[: len(upstream.server.log)]
               .values_list("status", flat=True)) == {304}


def test_it_refreshes_only_threads_with_a_source_due(upstream, thread):
    later = timezone.now() + timedelta(minutes=1)
    assert threads_refresh_due(now=later).threads == 0
    assert upstream.server.log == []
    summary = threads_refresh_due(now=timezone.now() + timedelta(minutes=16))
    assert summary.threads == 1 and summary.failed == 0


def test_it_records_when_each_source_was_checked_and_what_changed(upstream, thread):
    upstream.publish_new_reply()
    thread_refresh(thread=thread, force=True)
    lore = Source.objects.get(kind=Source.Kind.LORE_THREAD)
    assert lore.last_checked_at and lore.last_status == 200 and lore.etag
    assert lore.last_change_summary == "1 new message"
    thread.refresh_from_db()
    assert thread.last_refreshed_at >= lore.last_checked_at


def test_it_prunes_the_fetch_log_after_thirty_days(upstream, thread):
    old = FetchLog.objects.count()
    assert old > 0
    FetchLog.objects.update(fetched_at=timezone.now() - timedelta(days=31))
    threads_refresh_due(now=timezone.now() + timedelta(minutes=16))
    assert FetchLog.objects.filter(fetched_at__lt=timezone.now() - timedelta(days=30)).count() == 0
    assert FetchLog.objects.count() > 0  # this run's requests are logged


# One refresh of a thread at a time: a refresh claims the thread, a second one leaves it.


def test_it_leaves_a_thread_alone_while_another_refresh_holds_it(upstream, thread):
    held = timezone.now() + timedelta(minutes=5)
    Thread.objects.filter(pk=thread.pk).update(refreshing_until=held)
    fetches = FetchLog.objects.count()
    result = thread_refresh(thread=thread, force=True)
    assert result.busy and result.outcomes == []
    assert "another refresh of this thread is running" in result.summary
    assert upstream.server.log == [] and FetchLog.objects.count() == fetches
    assert Thread.objects.get(pk=thread.pk).refreshing_until == held  # not taken over


def test_a_lapsed_claim_is_taken_over_and_released_after_the_refresh(upstream, thread):
    lapsed = timezone.now() - timedelta(seconds=1)
    Thread.objects.filter(pk=thread.pk).update(refreshing_until=lapsed)
    result = thread_refresh(thread=thread, force=True)
    assert not result.busy and upstream.server.log
    thread.refresh_from_db()
    assert thread.refreshing_until is None and thread.last_refreshed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_refresh_claims_the_thread_for_a_bounded_time(upstream, thread):
    seen = []

    def look():  # from the upstream server's thread, on a connection of its own
        try:
            seen.append(Thread.objects.get(pk=thread.pk).refreshing_until)
        finally:
            connection.close()

    # While the refresh fetches, the thread is claimed, for REFRESH_CLAIM at most.
    upstream.on_atom = look
    before = timezone.now()
    thread_refresh(thread=thread, force=True)
    assert seen and seen[0] is not None
    assert before + REFRESH_CLAIM <= seen[0] <= timezone.now() + REFRESH_CLAIM
    assert Thread.objects.get(pk=thread.pk).refreshing_until is None


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_started_together_fetch_once(upstream, thread):
    started, go = threading.Event(), threading.Event()

    def hold():
        started.set()
        go.wait(10)  # hold the first refresh inside its fetch

    upstream.on_atom = hold

    def refresh():
        try:
            return thread_refresh(thread=Thread.objects.get(pk=thread.pk), force=True)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(refresh)
        assert started.wait(10), "the first refresh never reached the upstream"
        second = pool.submit(refresh).result(timeout=10)  # returns while the first waits
        go.set()
        first = first.result(timeout=30)
    assert second.busy and not first.busy
    assert Thread.objects.get(pk=thread.pk).refreshing_until is None
