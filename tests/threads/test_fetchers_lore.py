"""lore fetchers against a local server answering in lore's shapes."""

import gzip
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug import Response

from tests.threads.upstream import (
    LIST,
    NEW_REPLY_MSGID,
    SEED_MSGID,
    Upstream,
    fixture,
    point_settings,
)
from threads.fetchers import errors, lore


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    return Upstream(httpserver, point_settings(settings, httpserver))


def test_it_fetches_a_thread_mbox_through_lores_redirect(upstream):
    upstream.serve_lore_thread(SEED_MSGID)
    fetched = lore.fetch_thread_mbox(SEED_MSGID)
    assert fetched.url.endswith(f"/lore/{LIST}/{SEED_MSGID}/t.mbox.gz")
    assert fetched.content == fixture("0001-lore-thread-seed.mbox")
    assert fetched.validators.last_modified


def test_it_answers_not_modified_for_an_unchanged_thread(upstream):
    upstream.serve_lore_thread(SEED_MSGID)
    first = lore.fetch_thread_mbox(SEED_MSGID)
    with pytest.raises(errors.NotModified):
        lore.fetch_thread_mbox(SEED_MSGID, validators=first.validators)


def test_it_reports_a_truncated_thread_mbox(upstream, httpserver):
    packed = gzip.compress(fixture("0001-lore-thread-seed.mbox"))
    httpserver.expect_request(f"/lore/all/{SEED_MSGID}/t.mbox.gz").respond_with_data(
        packed[:-200], content_type="application/gzip")
    with pytest.raises(errors.Truncated, match="truncated gzip") as caught:
        lore.fetch_thread_mbox(SEED_MSGID)
    assert caught.value.retryable


def test_it_recognises_the_bot_wall_page(upstream, httpserver):
    httpserver.expect_request(f"/lore/all/{SEED_MSGID}/t.mbox.gz").respond_with_data(
        fixture("0008-lore-bot-wall.html"), content_type="text/html; charset=utf-8")
    with pytest.raises(errors.BotWall, match="bot-check HTML page instead of a thread mbox"):
        lore.fetch_thread_mbox(SEED_MSGID)


def test_it_refuses_an_answer_that_is_no_mbox(upstream, httpserver):
    httpserver.expect_request(f"/lore/all/{SEED_MSGID}/t.mbox.gz").respond_with_data(
        gzip.compress(b"<?xml version='1.0'?><error/>"), content_type="application/gzip")
    with pytest.raises(errors.BadContent, match="no mbox 'From ' line"):
        lore.fetch_thread_mbox(SEED_MSGID)


def test_it_fetches_a_raw_message(upstream):
    upstream.serve_raw(NEW_REPLY_MSGID, fixture("0002-lore-raw-new-reply.eml"))
    fetched = lore.fetch_raw_message(NEW_REPLY_MSGID)
    assert fetched.content.startswith(b"From: Zi Yan <ziy@nvidia.com>")


def test_it_searches_for_messages_received_since_a_time(upstream, httpserver):
    upstream.serve_search()
    upstream.publish_new_reply()
    since = datetime(2024, 4, 30, 19, 0, tzinfo=UTC)
    name = "mm: do not split a folio if it has minimum folio order requirement"
    fetched = lore.fetch_new_since(subjects=[name, 'say "hi"'], since=since)
    assert fetched.content == fixture("0003-lore-search-new-since.mbox")
    request, _ = httpserver.log[0]
    assert request.method == "POST"
    query = parse_qs(urlsplit(request.url).query)
    assert query["x"] == ["m"]
    assert query["q"] == [
        f'(s:"{name}" OR s:"say hi") AND rt:{int(since.timestamp())}..']


def test_it_answers_an_empty_mbox_when_the_search_matches_nothing(upstream):
    upstream.serve_search()
    fetched = lore.fetch_new_since(subjects=["anything"], since=datetime.now(UTC))
    assert fetched.content == b""


def test_it_probes_the_thread_feed_conditionally(upstream):
    upstream.serve_lore_thread(SEED_MSGID)
    feed = lore.fetch_thread_feed(SEED_MSGID)
    assert feed.validators.etag
    with pytest.raises(errors.NotModified):
        lore.fetch_thread_feed(SEED_MSGID, validators=feed.validators)
    upstream.publish_new_reply()
    assert lore.fetch_thread_feed(SEED_MSGID, validators=feed.validators).validators.etag != (
        feed.validators.etag)


def test_it_reports_a_changed_feed_layout(upstream, httpserver):
    httpserver.expect_request(f"/lore/all/{SEED_MSGID}/t.atom").respond_with_response(
        Response(b'{"entries": []}', content_type="application/json"))
    with pytest.raises(errors.BadContent, match="layout changed"):
        lore.fetch_thread_feed(SEED_MSGID)


def test_it_escapes_slashes_in_message_ids(settings):
    settings.LORE_BASE_URL = "https://lore.kernel.org"
    assert lore.message_url("a/b@c", "raw") == "https://lore.kernel.org/all/a%2Fb@c/raw"


def test_it_names_the_list_lore_redirected_to(settings):
    settings.LORE_BASE_URL = "https://lore.kernel.org"
    assert lore.inbox_of(f"https://lore.kernel.org/linux-mm/{SEED_MSGID}/t.atom") == "linux-mm"
    assert lore.inbox_of(f"https://lore.kernel.org/all/{SEED_MSGID}/") == "all"
    assert lore.inbox_of("https://example.org/x/") == "all"
