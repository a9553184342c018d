"""CI tokens: created for one origin, shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ci_results.models import CIToken, Origin

TOKEN_PREFIX = "kbd_"
# last_used_at is a hint for humans; writing it on every request would cost a row lock.
LAST_USED_RESOLUTION = timedelta(minutes=5)
# Tokens looked up in the last few seconds are trusted without a query (the ingest hot path).
# A revocation takes effect at once in the process that revokes and within this many seconds
# in every other (gunicorn workers).
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, CIToken]] = {}


@dataclass(frozen=True)
class NewToken:
    token: CIToken
    secret: str  # the only time the plain token exists


class TokenInvalid(Exception):
    """No such token: the request is unauthenticated (401)."""


class TokenRevoked(Exception):
    """The token exists but was revoked (403)."""


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", errors="surrogateescape")).hexdigest()


def token_create(*, origin_name: str, note: str = "") -> NewToken:
    """Create a token for an origin (created if new); the secret is returned once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        origin, _ = Origin.objects.get_or_create(name=origin_name)
        token = CIToken.objects.create(
            origin=origin, token_hash=hash_token(secret), prefix=secret[:12], note=note
        )
    return NewToken(token=token, secret=secret)


def token_revoke(*, prefix: str = "", origin_name: str = "") -> int:
    """Revoke the active tokens matching a displayed prefix, or all of an origin's."""
    tokens = CIToken.objects.filter(revoked_at__isnull=True)
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix)
    if origin_name:
        tokens = tokens.filter(origin__name=origin_name)
    if not prefix and not origin_name:
        return 0
    _cache.clear()
    return tokens.update(revoked_at=timezone.now())


def token_authenticate(*, secret: str) -> CIToken:
    """The active token behind a bearer secret, with its origin loaded."""
    digest = hash_token(secret)
    cached = _cache.get(digest)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        token = CIToken.objects.select_related("origin").get(token_hash=digest)
    except CIToken.DoesNotExist:
        raise TokenInvalid("unknown token") from None
    if token.revoked_at is not None:
        raise TokenRevoked(f"token {token.prefix}... was revoked")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        CIToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if len(_cache) > 1000:
        _cache.clear()
    _cache[digest] = (time.monotonic(), token)
    return token
