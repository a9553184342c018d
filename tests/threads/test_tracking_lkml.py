"""Tracking from an lkml.iu.edu page: walk its links, join each page to the lore message."""

import re

import pytest

from tests.threads.upstream import SEED_MSGID, Upstream, fixture, point_settings
from threads.models import Message, Source
from threads.services.fetching import Recorder
from threads.services.lkml_pages import lkml_walk
from threads.services.tracking import TrackError, thread_refresh, thread_track

pytestmark = pytest.mark.django_db

ZI_YAN_MSGID = "1E7A16FB-5A80-4C3E-9E5F-7A34C2B1D2A4@nvidia.com"
PAGES = "/lkml/hypermail/linux/kernel/2404.3"


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    return Upstream(httpserver, point_settings(settings, httpserver))


def test_it_stores_each_message_once_with_both_sources(upstream):
    upstream.serve_seed()
    url = f"{upstream.urls['LKML_BASE_URL']}/hypermail/linux/kernel/2404.3/07010.html"
    thread = thread_track(url_or_msgid=url)
    assert thread.messages.filter(is_placeholder=False).count() == 6  # no lkml duplicates
    seed = Message.objects.get(msgid=SEED_MSGID)
    assert seed.source == "lore" and seed.source_url == url  # joined by X-Message-Id
    # The page without MHonArc comments joined by subject + author + date.
    zi = Message.objects.get(msgid=ZI_YAN_MSGID)
    assert zi.source_url.endswith("/2404.3/06812.html")
    pages = Source.objects.filter(kind=Source.Kind.LKML_PAGE).order_by("key")
    assert [(p.key, p.thread_id, p.last_error) for p in pages] == [
        ("2404.3/06812", thread.pk, ""), ("2404.3/07010", thread.pk, "")]


def test_it_accepts_the_real_lkml_host_in_the_pasted_url(upstream):
    upstream.serve_seed()
    thread = thread_track(
        url_or_msgid="https://lkml.iu.edu/hypermail/linux/kernel/2404.3/07010.html")
    assert thread.messages.filter(msgid=SEED_MSGID).exists()


def test_it_stores_a_page_lore_does_not_have(upstream):
    upstream.server.expect_request(re.compile("^/lore/")).respond_with_data(b"", status=404)
    upstream.serve_lkml_pages()
    thread = thread_track(
        url_or_msgid=f"{upstream.urls['LKML_BASE_URL']}/hypermail/linux/kernel/2404.3/07010.html")
    seed = Message.objects.get(msgid=SEED_MSGID)
    assert seed.source == "lkml" and seed.thread == thread
    lore = Source.objects.get(kind=Source.Kind.LORE_THREAD)
    assert "not found" in lore.last_error


def test_it_records_a_page_whose_layout_changed(upstream):
    upstream.server.expect_request(f"{PAGES}/06812.html").respond_with_data(
        fixture("0007-lkml-changed-layout.html"), content_type="text/html")
    upstream.serve_seed()
    thread = thread_track(
        url_or_msgid=f"{upstream.urls['LKML_BASE_URL']}/hypermail/linux/kernel/2404.3/07010.html")
    page = Source.objects.get(kind=Source.Kind.LKML_PAGE, key="2404.3/06812")
    assert "layout changed" in page.last_error and page.thread == thread
    assert thread.messages.filter(is_placeholder=False).count() == 6


def test_it_explains_a_page_it_cannot_read(upstream):
    upstream.server.expect_request(f"{PAGES}/07010.html").respond_with_data(b"", status=404)
    with pytest.raises(TrackError, match="not found"):
        thread_track(url_or_msgid=f"{upstream.urls['LKML_BASE_URL']}/hypermail/linux/kernel/"
                                  "2404.3/07010.html")


def test_it_reads_a_failed_page_again_on_refresh(upstream, settings):
    settings.FETCH_RETRIES = 0
    upstream.server.expect_oneshot_request(f"{PAGES}/06812.html").respond_with_data(
        b"", status=503)
    upstream.serve_seed()
    thread = thread_track(
        url_or_msgid=f"{upstream.urls['LKML_BASE_URL']}/hypermail/linux/kernel/2404.3/07010.html")
    page = Source.objects.get(kind=Source.Kind.LKML_PAGE, key="2404.3/06812")
    assert "HTTP 503" in page.last_error
    thread_refresh(thread=thread, force=True)
    page.refresh_from_db()
    assert page.last_error == "" and page.last_success_at
    assert Message.objects.get(msgid=ZI_YAN_MSGID).source_url.endswith("/06812.html")


def test_it_follows_no_more_links_than_the_bound(upstream):
    upstream.serve_lkml_pages()
    _, outcomes = lkml_walk(start="2404.3/07010", thread=None, recorder=Recorder(), limit=1)
    assert [o.source.key for o in outcomes] == ["2404.3/07010"]
    assert len(upstream.server.log) == 1  # "In reply to" 06812 was not followed
