"""One refresh of a thread at a time: a refresh claims the thread, a second one leaves it."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.threads.upstream import SEED_MSGID, Upstream, point_settings
from threads.models import FetchLog, Thread
from threads.services.tracking import REFRESH_CLAIM, thread_refresh, thread_track


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


@pytest.mark.django_db
def test_it_leaves_a_thread_alone_while_another_refresh_holds_it(upstream, thread):
    held = timezone.now() + timedelta(minutes=5)
    Thread.objects.filter(pk=thread.pk).update(refreshing_until=held)
    fetches = FetchLog.objects.count()
    result = thread_refresh(thread=thread, force=True)
    assert result.busy and result.outcomes == []
    assert "another refresh of this thread is running" in result.summary
    assert upstream.server.log == [] and FetchLog.objects.count() == fetches
    assert Thread.objects.get(pk=thread.pk).refreshing_until == held  # not taken over


@pytest.mark.django_db
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
