"""The "track a thread" form, and the sources partial the thread page includes."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.template.loader import render_to_string

from tests.threads.upstream import GIST_CRASH, SEED_MSGID, Upstream, point_settings
from threads.models import Thread
from threads.selectors_tracking import message_seen_in, thread_sources
from threads.services.tracking import thread_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    return Upstream(httpserver, point_settings(settings, httpserver))


@pytest.fixture
def maintainer(client):
    user = get_user_model().objects.create_user("luis", password="pw")
    client.force_login(user)
    return user


def test_it_asks_to_sign_in_first(client):
    response = client.get("/threads/track/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_the_form(client, maintainer):
    response = client.get("/threads/track/")
    assert response.status_code == 200 and b'id="track-form"' in response.content


def test_it_tracks_the_thread_and_goes_to_its_page(client, maintainer, upstream):
    upstream.serve_seed()
    response = client.post("/threads/track/", {"target": f"<{SEED_MSGID}>"})
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/threads/{thread.pk}/"
    assert thread.tracked and thread.tracked_by == maintainer


def test_it_explains_what_it_cannot_track(client, maintainer, upstream):
    response = client.post("/threads/track/", {"target": "not a thread"})
    assert response.status_code == 200
    assert b"Give a lore.kernel.org URL, an lkml.iu.edu URL or a Message-ID." in response.content
    response = client.post("/threads/track/", {"target": "nobody@example.org"})  # lore: 500
    assert response.status_code == 200 and b"failed with HTTP 500" in response.content
    assert not Thread.objects.exists()


def test_it_shows_each_source_with_its_error(upstream):
    upstream.server.expect_request(f"/api/gists/{GIST_CRASH}").respond_with_data(b"", status=404)
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    rows = thread_sources(thread=thread)
    assert rows[0].failing and rows[0].source.key == GIST_CRASH  # failing first
    html = render_to_string("threads/_sources.html", {"sources": rows})
    assert f'data-key="{GIST_CRASH}"' in html and 'class="source-error small"' in html
    assert "HTTP 404" in html and "not modified" not in html
    seed = thread.messages.get(msgid=SEED_MSGID)
    assert message_seen_in(message=seed)[0][0] == "lore.kernel.org"


def test_it_shows_a_failed_gist_on_the_thread_page(client, upstream):
    upstream.server.expect_request(f"/api/gists/{GIST_CRASH}").respond_with_data(b"", status=410)
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    page = client.get(f"/threads/{thread.pk}/").content.decode()
    assert "fetch failed" in page and "is gone (HTTP 410)" in page


def test_it_offers_template_tags_for_the_thread_page(upstream):
    upstream.serve_seed()
    url = f"{upstream.urls['LKML_BASE_URL']}/hypermail/linux/kernel/2404.3/07010.html"
    thread = thread_track(url_or_msgid=url)
    seed = thread.messages.get(msgid=SEED_MSGID)
    html = Template("{% load tracking_tags %}{% thread_sources thread %}{% message_seen_in m %}"
                    ).render(Context({"thread": thread, "m": seed}))
    assert 'id="thread-sources"' in html and 'data-kind="lkml-page"' in html
    assert ">lore.kernel.org</a> and <a" in html and f'href="{url}"' in html


@pytest.mark.django_db
def test_it_offers_tracking_from_the_thread_list(client, django_user_model):
    assert "Sign in</a> to track a thread" in client.get("/threads/").content.decode()
    user = django_user_model.objects.create_user("maintainer", password="pw")
    client.force_login(user)
    assert 'href="/threads/track/">Track a thread</a>' in client.get("/threads/").content.decode()
