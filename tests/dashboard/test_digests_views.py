"""Subscribe, confirm by the mailed link, preview, unsubscribe: through the pages."""

import re

import pytest

from dashboard.models import Subscription
from tests.dashboard.digest_data import ingest_mail, subscriber


def link_in(text: str, path: str) -> str:
    match = re.search(rf"http://127\.0\.0\.1:8000(/digests/{path}/\S+/)", text)
    assert match, f"no /digests/{path}/ link in:\n{text}"
    return match.group(1)


@pytest.mark.django_db
def test_it_subscribes_only_after_the_mailed_link_is_opened(client, smtp_sink):
    thread = ingest_mail("sub@nvidia.com", subject="[PATCH] mm: x", body="b\n").message.thread
    response = client.post("/digests/subscribe/", {
        "email": "Dev@Example.org", "period": "weekly", "threads": [thread.pk],
    })
    assert response.status_code == 200
    assert "Check your mail" in response.content.decode()
    sub = Subscription.objects.get()
    assert sub.email == "dev@example.org" and sub.confirmed_at is None
    [mail] = smtp_sink.messages()
    assert mail["To"] == "dev@example.org"
    text = mail.get_body(("plain",)).get_content()

    confirmed = client.get(link_in(text, "confirm"))

    assert confirmed.status_code == 200
    sub.refresh_from_db()
    assert sub.active and list(sub.threads.all()) == [thread]


@pytest.mark.django_db
def test_it_rejects_a_subscription_without_topics(client, smtp_sink):
    response = client.post("/digests/subscribe/", {"email": "a@example.org", "period": "daily"})
    assert "Choose at least one" in response.content.decode()
    assert Subscription.objects.count() == 0
    assert smtp_sink.messages() == []


@pytest.mark.django_db
def test_it_refuses_a_forged_confirmation_link(client):
    sub = subscriber()
    response = client.get(f"/digests/confirm/{sub.pk}:forged/")
    assert response.status_code == 400
    assert "does not work" in response.content.decode()


@pytest.mark.django_db
def test_it_previews_the_next_digest_without_claiming_it(client):
    from dashboard.digests.subscriptions import preview_url

    sub = subscriber()
    ingest_mail("preview@nvidia.com", subject="Re: [PATCH] mm: <script>alert(1)</script>",
                body="javascript:alert(1)\n")
    response = client.get(preview_url(sub).replace("http://127.0.0.1:8000", ""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert sub.deliveries.count() == 0


@pytest.mark.django_db
def test_it_asks_before_unsubscribing_on_get(client):
    from dashboard.digests.subscriptions import unsubscribe_url

    sub = subscriber()
    path = unsubscribe_url(sub).replace("http://127.0.0.1:8000", "")
    page = client.get(path)
    assert page.status_code == 200 and "<form" in page.content.decode()
    sub.refresh_from_db()
    assert sub.unsubscribed_at is None
    client.post(path)
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None


@pytest.mark.django_db
def test_it_says_none_yet_for_an_empty_list_to_choose_from(client):
    page = client.get("/digests/subscribe/").content.decode()
    for name in ("threads", "signatures", "configs", "reproducers"):
        assert f'<select name="{name}"' not in page
    assert page.count('<span class="muted none-yet">none yet</span>') == 4
    ingest_mail("a@example.org", subject="[PATCH] mm: a fix", body="the patch\n")
    page = client.get("/digests/subscribe/").content.decode()
    assert '<select name="threads"' in page and page.count("none yet</span>") == 3
