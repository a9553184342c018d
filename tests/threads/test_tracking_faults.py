"""Every upstream fault during track and refresh: recorded on the source, nothing lost,
retried on the next refresh, with backoff for a source that keeps failing."""

import gzip
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from tests.threads.upstream import (
    COMMIT,
    GIST_CRASH,
    LIST,
    NEW_REPLY_MSGID,
    SEED_MSGID,
    Upstream,
    fixture,
    point_settings,
)
from threads.models import Commit, FetchLog, GistFile, Link, Message, Source
from threads.services.tracking import TrackError, thread_refresh, thread_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    settings.FETCH_RETRIES = 0  # one answer per request: each fault is seen as served
    return up


def heal(upstream: Upstream) -> None:
    upstream.server.clear_all_handlers()
    upstream.serve_seed()


def stored() -> tuple[int, int, int]:
    return (Message.objects.filter(is_placeholder=False).count(), GistFile.objects.count(),
            Commit.objects.count())


@pytest.mark.parametrize(("status", "words"), [(404, "was not found (HTTP 404)"),
                                               (410, "is gone (HTTP 410)")])
def test_it_records_a_deleted_gist_and_keeps_the_rest(upstream, status, words):
    upstream.server.expect_request(f"/api/gists/{GIST_CRASH}").respond_with_json(
        {"message": "Not Found"}, status=status)
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    gist = Source.objects.get(kind=Source.Kind.GIST, key=GIST_CRASH)
    assert words in gist.last_error and gist.last_status == status
    assert gist.consecutive_failures == 1 and gist.next_check_at > timezone.now()
    assert {link.source for link in Link.objects.filter(key=GIST_CRASH)} == {gist}  # shown
    assert stored() == (6, 1, 1)
    heal(upstream)
    result = thread_refresh(thread=thread, force=True)
    gist.refresh_from_db()
    assert result.errors == [] and gist.last_error == "" and gist.consecutive_failures == 0
    assert stored() == (6, 2, 1)


def test_it_waits_for_a_rate_limit_before_asking_again(upstream):
    owner, repo, sha = COMMIT
    reset = int(time.time()) + 3000
    upstream.server.expect_request(f"/api/repos/{owner}/{repo}/commits/{sha}").respond_with_data(
        fixture("0014-github-rate-limited.json"), status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    commit = Source.objects.get(kind=Source.Kind.GITHUB_COMMIT)
    assert "rate-limited" in commit.last_error
    assert commit.next_check_at.timestamp() == reset
    upstream.server.clear_log()
    thread_refresh(thread=thread, now=timezone.now() + timedelta(minutes=20))
    assert not any("/commits/" in r.path for r, _ in upstream.server.log)


def test_it_keeps_trying_a_search_that_fails_and_loses_nothing(upstream):
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    upstream.publish_new_reply()
    upstream.server.expect_oneshot_request("/lore/all/", method="POST").respond_with_data(
        b"Internal Server Error", status=500)
    result = thread_refresh(thread=thread, force=True)
    lore = Source.objects.get(kind=Source.Kind.LORE_THREAD)
    assert "failed with HTTP 500" in lore.last_error and result.errors
    assert lore.etag == ""  # the feed's ETag is kept only after a successful search
    assert stored() == (6, 2, 1)
    thread_refresh(thread=thread, force=True)
    assert Message.objects.filter(msgid=NEW_REPLY_MSGID).count() == 1
    assert stored() == (7, 2, 1)


def test_it_records_a_truncated_gzip_search_result(upstream):
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    upstream.publish_new_reply()
    packed = gzip.compress(fixture("0003-lore-search-new-since.mbox"))
    upstream.server.expect_oneshot_request("/lore/all/", method="POST").respond_with_data(
        packed[: len(packed) - 40], content_type="application/gzip")
    thread_refresh(thread=thread, force=True)
    lore = Source.objects.get(kind=Source.Kind.LORE_THREAD)
    assert "truncated gzip" in lore.last_error
    assert not Message.objects.filter(msgid=NEW_REPLY_MSGID).exists()
    thread_refresh(thread=thread, force=True)
    assert Message.objects.filter(msgid=NEW_REPLY_MSGID).exists()


def test_it_records_a_timeout(upstream, settings):
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    settings.FETCH_TIMEOUT = 0.3  # only for the refresh: the slow feed below takes 0.6 s

    def slow(request):
        time.sleep(0.6)
        return Response(b"late")

    upstream.server.expect_oneshot_request(
        f"/lore/{LIST}/{SEED_MSGID}/t.atom").respond_with_handler(slow)
    thread_refresh(thread=thread, force=True)
    lore = Source.objects.get(kind=Source.Kind.LORE_THREAD)
    assert "did not answer in time" in lore.last_error and lore.last_status is None
    assert FetchLog.objects.filter(source=lore, status__isnull=True).exists()


def test_it_refuses_to_track_through_a_bot_wall(upstream):
    upstream.server.expect_request(f"/lore/all/{SEED_MSGID}/t.mbox.gz").respond_with_data(
        fixture("0008-lore-bot-wall.html"), content_type="text/html")
    upstream.serve_seed()
    with pytest.raises(TrackError, match="bot-check"):
        thread_track(url_or_msgid=SEED_MSGID)
    assert stored() == (0, 0, 0)


def test_it_records_a_bot_wall_met_on_refresh(upstream):
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    upstream.server.expect_oneshot_request(
        f"/lore/{LIST}/{SEED_MSGID}/t.atom").respond_with_data(
        fixture("0008-lore-bot-wall.html"), content_type="text/html")
    thread_refresh(thread=thread, force=True)
    lore = Source.objects.get(kind=Source.Kind.LORE_THREAD)
    assert "bot-check HTML page" in lore.last_error and "will retry" in lore.last_error


def test_it_backs_off_a_source_that_keeps_failing(upstream):
    upstream.server.expect_request(f"/api/gists/{GIST_CRASH}").respond_with_data(
        b"", status=503)
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    gist = Source.objects.get(kind=Source.Kind.GIST, key=GIST_CRASH)
    gaps = [gist.next_check_at - gist.last_checked_at]
    for _ in range(2):
        thread_refresh(thread=thread, now=gist.next_check_at + timedelta(seconds=1))
        gist.refresh_from_db()
        gaps.append(gist.next_check_at - gist.last_checked_at)
    assert gaps == [timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60)]
    assert gist.consecutive_failures == 3 and "HTTP 503" in gist.last_error
