"""Digests through a real SMTP server on loopback (aiosmtpd), parsed as a mail client would."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dashboard.digests.send import STALE_CLAIM, digests_send, period_key
from dashboard.models import DigestDelivery, Subscription
from tests.conftest import free_port, require_service
from tests.dashboard.digest_data import ROOT_ID, ingest_mail, record_runs, subscriber

LONG_BODY = (
    "Hmm, I misunderstood the issue above. To clarify it, the error comes out when a page "
    "cache folio with minorder is split to order-0, and I wonder if you can isolate the "
    "issue by just splitting a dirty minorder page cache folio.\n\n> quoted words\n"
)


def urls_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


@pytest.mark.django_db
def test_it_sends_a_plain_text_digest_with_html_and_unsubscribe_headers(smtp_sink, client):
    sub = subscriber()
    ingest_mail(ROOT_ID, subject="[PATCH v4 05/11] mm: do not split a folio", body="patch\n",
                author="Pankaj Raghav", address="kernel@pankajraghav.com")
    ingest_mail("reply-1@nvidia.com", subject="Re: [PATCH v4 05/11] mm: do not split a folio",
                body=LONG_BODY, in_reply_to=ROOT_ID)

    summary = digests_send(period="daily")

    assert (summary.sent, summary.failed) == (1, 0)
    [mail] = smtp_sink.messages()
    assert mail["To"] == "maintainer@example.org"
    assert mail["Subject"].startswith("[kbd] daily digest")
    assert "2 new messages" in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Zi Yan" in text and "Pankaj Raghav" in text
    assert "Hmm, I misunderstood the issue above." in text
    for line in text.splitlines():
        assert len(line) <= 72 or urls_in(line), f"line over 72 columns: {line!r}"
    assert "<blockquote" in html and "Zi Yan" in html
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe in text

    response = client.post(unsubscribe.replace("http://127.0.0.1:8000", ""),
                           data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None


@pytest.mark.django_db
def test_it_sends_nothing_when_nothing_changed(smtp_sink):
    sub = subscriber()
    summary = digests_send(period="daily")
    assert (summary.sent, summary.empty) == (0, 1)
    assert smtp_sink.messages() == []
    sub.refresh_from_db()
    assert DigestDelivery.objects.get(subscription=sub).state == "empty"


@pytest.mark.django_db
def test_it_sends_each_digest_once_per_period(smtp_sink):
    subscriber()
    ingest_mail("once@nvidia.com", subject="Re: [PATCH] mm: once", body="new words\n")
    first = digests_send(period="daily")
    ingest_mail("twice@nvidia.com", subject="Re: [PATCH] mm: twice", body="more words\n")
    second = digests_send(period="daily")

    assert first.sent == 1
    assert second.sent == 0
    assert len(smtp_sink.messages()) == 1
    # The next period's digest carries what came after the first one, and only that.
    tomorrow = timezone.now() + timedelta(days=1)
    third = digests_send(period="daily", now=tomorrow)
    assert third.sent == 1
    text = smtp_sink.messages()[-1].get_body(("plain",)).get_content()
    assert "mm: twice" in text and "mm: once" not in text


@pytest.mark.django_db
def test_it_only_includes_followed_threads(smtp_sink):
    followed = ingest_mail("followed@nvidia.com", subject="[PATCH] followed", body="x\n")
    ingest_mail("other@nvidia.com", subject="[PATCH] not followed", body="y\n")
    sub = subscriber(everything=False)
    sub.threads.add(followed.message.thread)

    digests_send(period="daily")

    text = smtp_sink.messages()[0].get_body(("plain",)).get_content()
    assert "followed" in text
    assert "not followed" not in text


@pytest.mark.django_db
def test_it_retries_after_an_smtp_failure_and_marks_nothing_sent_before(smtp_sink, settings):
    sub = subscriber()
    ingest_mail("retry@nvidia.com", subject="Re: [PATCH] mm: retry", body="words\n")
    covered = sub.covered_until
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there

    failed = digests_send(period="daily")

    assert (failed.sent, failed.failed) == (0, 1)
    delivery = DigestDelivery.objects.get(subscription=sub)
    assert delivery.state == "failed" and delivery.sent_at is None
    assert "Connection refused" in delivery.last_error or delivery.last_error
    sub.refresh_from_db()
    assert sub.covered_until == covered  # the window did not move

    settings.EMAIL_PORT = working_port
    recovered = digests_send(period="daily")

    assert recovered.sent == 1
    assert len(smtp_sink.messages()) == 1
    delivery.refresh_from_db()
    assert delivery.state == "sent" and delivery.attempts == 2


@pytest.mark.django_db
def test_it_takes_over_a_claim_left_by_a_dead_sender(smtp_sink):
    sub = subscriber()
    ingest_mail("stale@nvidia.com", subject="Re: [PATCH] mm: stale", body="words\n")
    now = timezone.now()
    DigestDelivery.objects.create(
        subscription=sub, period_key=period_key("daily", now), state="claimed",
        claim_token="dead-worker", claimed_at=now - STALE_CLAIM - timedelta(minutes=1),
        window_start=sub.covered_until, window_end=now,
    )
    assert digests_send(period="daily", now=now).sent == 1
    assert len(smtp_sink.messages()) == 1


@pytest.mark.django_db
def test_it_leaves_a_fresh_claim_to_its_owner(smtp_sink):
    sub = subscriber()
    ingest_mail("fresh@nvidia.com", subject="Re: [PATCH] mm: fresh", body="words\n")
    now = timezone.now()
    DigestDelivery.objects.create(
        subscription=sub, period_key=period_key("daily", now), state="claimed",
        claim_token="busy-worker", claimed_at=now, window_start=sub.covered_until,
        window_end=now,
    )
    summary = digests_send(period="daily", now=now)
    assert (summary.sent, summary.skipped) == (0, 1)
    assert smtp_sink.messages() == []


@pytest.mark.django_db
def test_it_reports_significant_crash_rate_changes_with_intervals(smtp_sink):
    kernel = {"tree": "mainline", "version": "6.9.0-rc6", "tag": "v6.9-rc6"}
    now = timezone.now()
    record_runs(kernel=kernel, config="xfs-16k-lbs", outcomes=["pass"] * 40,
                day=now - timedelta(days=5), prefix="before")
    record_runs(kernel=kernel, config="xfs-16k-lbs", outcomes=["crash"] * 15 + ["pass"] * 25,
                day=now - timedelta(minutes=50), prefix="during")
    subscriber(covered_until=now - timedelta(hours=1))

    digests_send(period="daily", now=now + timedelta(minutes=1))

    text = smtp_sink.messages()[0].get_body(("plain",)).get_content()
    assert "Crash rates that changed significantly" in text
    assert "xfs-16k-lbs" in text
    assert "15/40 runs failed: 37.5% (95% CI" in text


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_under_concurrent_senders(smtp_sink):
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "concurrent senders need a database with row locking across connections")
    for i in range(5):
        subscriber(f"dev{i}@example.org")
    ingest_mail("concurrent@nvidia.com", subject="Re: [PATCH] mm: race", body="words\n")
    now = datetime.now(UTC)
    results, errors = [], []

    def send() -> None:
        try:
            results.append(digests_send(period="daily", now=now))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert sum(r.sent for r in results) == 5
    recipients = sorted(m["To"] for m in smtp_sink.messages())
    assert recipients == [f"dev{i}@example.org" for i in range(5)]
    assert Subscription.objects.filter(deliveries__state="sent").count() == 5


@pytest.mark.django_db
def test_it_reports_new_signatures_verdict_changes_and_failing_sources(
    smtp_sink, seed_text, django_capture_on_commit_callbacks
):
    from threads.models import Source, Thread

    start = seed_text.index("Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: BUG:")
    log = seed_text[start:seed_text.index("</TASK>", start) + len("</TASK>")] + "\n"
    base = {"tree": "mainline", "version": "6.9.0-rc6", "tag": "v6.9-rc6"}
    fix = {**base, "patches": [{"kind": "series", "ref": "fix@example.org"}]}
    now = timezone.now()
    sub = subscriber(covered_until=now - timedelta(hours=1))
    record_runs(kernel=base, config="xfs-4k", outcomes=["pass"] * 3,
                day=now - timedelta(days=3), prefix="old")
    with django_capture_on_commit_callbacks(execute=True):
        record_runs(kernel=base, config="xfs-4k", outcomes=["crash"] * 10 + ["pass"] * 10,
                    day=now - timedelta(minutes=40), prefix="base", log=log)
    record_runs(kernel=fix, config="xfs-4k", outcomes=["pass"] * 40,
                day=now - timedelta(minutes=30), prefix="fix")
    thread = ingest_mail("src@nvidia.com", subject="[PATCH] mm: src", body="b\n").message.thread
    Source.objects.create(thread=thread, kind="gist", url="https://gist.github.com/x/1",
                          key="1", last_checked_at=now - timedelta(minutes=5), last_status=404,
                          last_error="gist 1 was deleted (404)", consecutive_failures=2)
    assert Thread.objects.count() == 1

    digests_send(period="daily", now=now + timedelta(minutes=1))

    text = " ".join(smtp_sink.messages()[0].get_body(("plain",)).get_content().split())
    assert ("BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag "
            "[new]") in text
    assert '"Is it fixed?" verdicts that changed' in text
    assert "not enough runs -> fixed" in text
    assert "gist 1 was deleted (404)" in text and "(2 failures in a row)" in text
    assert sub.deliveries.get().item_count >= 3
