"""Use cases: subscribe (with a confirmation mail), confirm, unsubscribe."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from dashboard.digests import tokens
from dashboard.digests.render import site_url
from dashboard.models import Subscription


def confirm_url(subscription: Subscription) -> str:
    token = tokens.make_token(subscription.pk, subscription.email, salt=tokens.CONFIRM_SALT)
    return site_url(f"/digests/confirm/{token}/")


def unsubscribe_url(subscription: Subscription) -> str:
    token = tokens.make_token(subscription.pk, subscription.email, salt=tokens.UNSUBSCRIBE_SALT)
    return site_url(f"/digests/unsubscribe/{token}/")


def preview_url(subscription: Subscription) -> str:
    token = tokens.make_token(subscription.pk, subscription.email, salt=tokens.UNSUBSCRIBE_SALT)
    return site_url(f"/digests/preview/{token}/")


def _send_confirmation(subscription: Subscription) -> None:
    context = {"subscription": subscription, "confirm_url": confirm_url(subscription)}
    subject = render_to_string("digests/confirm_subject.txt", context).strip()
    mail = EmailMultiAlternatives(
        subject, render_to_string("digests/confirm_body.txt", context), to=[subscription.email]
    )
    mail.attach_alternative(render_to_string("digests/confirm_body.html", context), "text/html")
    mail.send()


def subscription_request(
    *, email: str, period: str, everything: bool, threads: Iterable = (),
    signatures: Iterable = (), configs: Iterable = (), reproducers: Iterable = (),
) -> Subscription:
    """Create or update the subscription of ``email`` and mail a confirmation link.

    Asking again (say, with other topics) needs a new confirmation: a form anyone can post
    must not change what an address receives without the owner's click.
    """
    with transaction.atomic():
        subscription, _ = Subscription.objects.select_for_update().get_or_create(
            email=email.strip().lower()
        )
        subscription.period = period
        subscription.everything = everything
        subscription.confirmed_at = None
        subscription.unsubscribed_at = None
        subscription.save()
        subscription.threads.set(threads)
        subscription.signatures.set(signatures)
        subscription.configs.set(configs)
        subscription.reproducers.set(reproducers)
    _send_confirmation(subscription)
    return subscription


def subscription_confirm(*, token: str) -> Subscription | None:
    found = tokens.read_token(token, salt=tokens.CONFIRM_SALT, max_age=tokens.CONFIRM_MAX_AGE)
    if found is None:
        return None
    subscription = Subscription.objects.filter(pk=found[0], email=found[1]).first()
    if subscription is None:
        return None
    if subscription.confirmed_at is None or subscription.unsubscribed_at is not None:
        now = timezone.now()
        subscription.confirmed_at = now
        subscription.unsubscribed_at = None
        subscription.covered_until = now  # the first digest starts from the confirmation
        subscription.save(update_fields=["confirmed_at", "unsubscribed_at", "covered_until"])
    return subscription


def subscription_from_token(*, token: str) -> Subscription | None:
    found = tokens.read_token(token, salt=tokens.UNSUBSCRIBE_SALT)
    if found is None:
        return None
    return Subscription.objects.filter(pk=found[0], email=found[1]).first()


def subscription_unsubscribe(*, token: str) -> Subscription | None:
    subscription = subscription_from_token(token=token)
    if subscription is not None and subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription
