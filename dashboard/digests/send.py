"""Send each subscriber's digest exactly once per period.

Invariant: a ``DigestDelivery`` row per (subscription, period) is the claim. A sender owns it
only while its random ``claim_token`` is the stored one (set by an INSERT that the unique
constraint lets through once, or by a conditional UPDATE that takes over a failed or stale
claim). Only the owner marks it ``sent``, after the SMTP server accepted the mail, so a crash
or an SMTP failure leaves the row re-claimable and nothing is marked sent that was not.
Beat and cron may both run this at once: the second sender finds every row claimed.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from dashboard.digests import subscriptions
from dashboard.digests.changes import WindowChanges, window_changes
from dashboard.digests.content import Digest, Interests, digest_for
from dashboard.digests.render import render_html, render_subject, render_text
from dashboard.models import DigestDelivery, Subscription

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)  # a sender that held a claim this long has died
BATCH = 500


@dataclass
class SendSummary:
    period_key: str
    sent: int = 0
    empty: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another sender, or already done this period
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.period_key}: {self.sent} sent, {self.empty} with nothing new, "
                f"{self.failed} failed (retried next run), {self.skipped} already handled")


def period_key(period: str, now: datetime) -> str:
    if period == Subscription.Period.WEEKLY:
        year, week, _ = now.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"daily:{now:%Y-%m-%d}"


def _claim(subscription: Subscription, key: str, now: datetime) -> DigestDelivery | None:
    token = secrets.token_hex(16)
    start = subscription.covered_until or subscription.confirmed_at
    fields = {"state": DigestDelivery.State.CLAIMED, "claim_token": token, "claimed_at": now,
              "window_start": start, "window_end": now}
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(
                subscription=subscription, period_key=key, attempts=1, **fields
            )
    except IntegrityError:
        pass
    retryable = Q(state=DigestDelivery.State.FAILED) | Q(
        state=DigestDelivery.State.CLAIMED, claimed_at__lt=now - STALE_CLAIM
    )
    taken = DigestDelivery.objects.filter(retryable, subscription=subscription,
                                          period_key=key).update(
        attempts=F("attempts") + 1, **fields
    )
    if taken != 1:
        return None
    return DigestDelivery.objects.get(subscription=subscription, period_key=key,
                                      claim_token=token)


def _finish(delivery: DigestDelivery, state: str, *, now: datetime, items: int = 0,
            error: str = "") -> bool:
    """Record the outcome if we still own the claim; advance the subscriber's window."""
    with transaction.atomic():
        owned = DigestDelivery.objects.filter(
            pk=delivery.pk, claim_token=delivery.claim_token,
            state=DigestDelivery.State.CLAIMED,
        ).update(state=state, sent_at=now if state == DigestDelivery.State.SENT else None,
                 item_count=items, last_error=error[:2000])
        if owned and state != DigestDelivery.State.FAILED:
            Subscription.objects.filter(pk=delivery.subscription_id).update(
                covered_until=delivery.window_end
            )
    return bool(owned)


def build_mail(subscription: Subscription, digest: Digest, *, since: datetime | None,
               now: datetime) -> EmailMultiAlternatives:
    unsubscribe = subscriptions.unsubscribe_url(subscription)
    preview = subscriptions.preview_url(subscription)
    text = render_text(digest, since=since, unsubscribe_url=unsubscribe, preview_url=preview)
    mail = EmailMultiAlternatives(
        render_subject(digest, period=subscription.period, day=now), text,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    mail.attach_alternative(
        render_html(digest, since=since, unsubscribe_url=unsubscribe, preview_url=preview),
        "text/html",
    )
    return mail


def interests_of(subscription: Subscription) -> Interests:
    """Uses the prefetched relations (see ``_due``): no query per subscriber."""
    return Interests(
        everything=subscription.everything,
        threads=frozenset(t.pk for t in subscription.threads.all()),
        signatures=frozenset(s.pk for s in subscription.signatures.all()),
        configs=frozenset(c.pk for c in subscription.configs.all()),
        reproducers=frozenset(r.pk for r in subscription.reproducers.all()),
    )


def _due(period: str, key: str) -> list[Subscription]:
    done = DigestDelivery.objects.filter(period_key=key).exclude(
        state=DigestDelivery.State.FAILED
    ).exclude(state=DigestDelivery.State.CLAIMED)
    return list(
        Subscription.objects.filter(period=period, confirmed_at__isnull=False,
                                    unsubscribed_at__isnull=True)
        .exclude(pk__in=done.values("subscription_id"))
        .prefetch_related("threads", "signatures", "configs", "reproducers")
        .order_by("pk")
    )


def _send_one(subscription: Subscription, key: str, now: datetime,
              windows: dict[tuple, WindowChanges], connection, summary: SendSummary) -> None:
    delivery = _claim(subscription, key, now)
    if delivery is None:
        summary.skipped += 1
        return
    since = delivery.window_start or now
    window = (since, now)
    if window not in windows:
        windows[window] = window_changes(start=since, end=now)
    digest = digest_for(windows[window], interests_of(subscription))
    if digest.empty:
        _finish(delivery, DigestDelivery.State.EMPTY, now=now)
        summary.empty += 1
        return
    mail = build_mail(subscription, digest, since=since, now=now)
    mail.connection = connection
    try:
        mail.send()
    except Exception as exc:  # any SMTP or socket error: keep the claim retryable
        error = f"{type(exc).__name__}: {exc}"
        _finish(delivery, DigestDelivery.State.FAILED, now=now, error=error)
        summary.failed += 1
        summary.errors.append(f"{subscription.email}: {exc}")
        log.warning("digest to %s failed: %s", subscription.email, exc)
        return
    _finish(delivery, DigestDelivery.State.SENT, now=now, items=digest.item_count)
    summary.sent += 1


def digests_send(*, period: str, now: datetime | None = None) -> SendSummary:
    """Send this period's digest to every confirmed subscriber who has not had it yet.

    Safe to run often and from several places at once (beat and cron): each subscriber gets
    at most one digest per period; a failed one is retried by the next run.
    """
    now = now or timezone.now()
    key = period_key(period, now)
    summary = SendSummary(period_key=key)
    windows: dict[tuple, WindowChanges] = {}
    connection = get_connection()
    try:
        connection.open()  # one SMTP session for the whole run
    except Exception as exc:  # the server is down: each send below fails and is retried later
        log.warning("SMTP connection failed: %s", exc)
    try:
        for subscription in _due(period, key):
            _send_one(subscription, key, now, windows, connection, summary)
    finally:
        connection.close()
    return summary


def digest_preview(*, subscription: Subscription, now: datetime | None = None) -> Digest:
    """What the next digest would contain if it were sent now (nothing is claimed)."""
    now = now or timezone.now()
    since = subscription.covered_until or subscription.confirmed_at or subscription.created_at
    return digest_for(window_changes(start=since, end=now), interests_of(subscription))
