"""The tracking tasks: in-process by default, and through a real worker on the broker."""

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import UPSTREAM_PORT, upstream_worker_env
from tests.threads.upstream import (
    NEW_REPLY_MSGID,
    SEED_MSGID,
    Upstream,
    base_urls,
    point_settings,
)
from threads.models import Message, Source, Thread
from threads.services.tracking import thread_track
from threads.tasks import refresh_due_threads, refresh_thread, track_thread

CONDITIONAL = ("If-None-Match", "If-Modified-Since")


@pytest.fixture(scope="session")
def worker_upstream_server() -> Iterator[HTTPServer]:
    """The loopback server a Celery worker's settings point at (see tests/conftest.py)."""
    server = HTTPServer(host="localhost", port=UPSTREAM_PORT)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    up.serve_seed()
    return up


@pytest.mark.django_db
def test_it_tracks_and_refreshes_in_process(upstream):
    thread_id = track_thread.delay(SEED_MSGID).get(timeout=10)
    upstream.publish_new_reply()
    summary = refresh_thread.delay(thread_id).get(timeout=10)
    assert "1 new message" in summary
    assert Message.objects.get(msgid=NEW_REPLY_MSGID).thread_id == thread_id


@pytest.mark.django_db
def test_it_refreshes_due_threads_in_process(upstream):
    thread = thread_track(url_or_msgid=SEED_MSGID)
    Source.objects.filter(thread=thread).update(next_check_at=None, last_success_at=None)
    assert refresh_due_threads.delay().get(timeout=10).startswith("1 threads refreshed, 0")


@pytest.mark.django_db
def test_it_says_when_the_thread_is_gone():
    assert refresh_thread.delay(987654).get(timeout=5) == "thread 987654 no longer exists"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_refreshes_through_a_worker_then_asks_only_conditionally(
    worker_upstream_server, celery_broker, settings
):
    urls = base_urls(worker_upstream_server.url_for("/"))
    assert urls["LORE_BASE_URL"] == upstream_worker_env()["LORE_BASE_URL"]
    for name, value in urls.items():
        setattr(settings, name, value)
    settings.FETCH_RETRIES, settings.FETCH_BACKOFF = 1, 0.0
    worker_upstream_server.clear()
    upstream = Upstream(worker_upstream_server, urls)
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)  # here; the refreshes run in the worker
    upstream.publish_new_reply()
    summary = refresh_thread.delay(thread.pk).get(timeout=60)
    assert "1 new message" in summary, summary
    assert Message.objects.get(msgid=NEW_REPLY_MSGID).thread_id == thread.pk
    worker_upstream_server.clear_log()
    summary = refresh_thread.delay(thread.pk).get(timeout=60)
    assert "failed" not in summary, summary
    assert worker_upstream_server.log, "the second refresh asked nothing"
    for request, response in worker_upstream_server.log:
        assert any(h in request.headers for h in CONDITIONAL), request.path
        assert response.status_code == 304, request.path
    assert Thread.objects.get(pk=thread.pk).messages.filter(msgid=NEW_REPLY_MSGID).count() == 1
