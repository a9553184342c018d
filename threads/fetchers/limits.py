"""Reading ``Retry-After`` and GitHub's ``X-RateLimit-*`` headers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After: 120`` or ``Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`` in seconds."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def rate_limit_retry_at(
    status: int, headers: Mapping[str, str], *, now: datetime | None = None
) -> datetime | None:
    """When a rate-limited answer says we may try again; None when it is no rate limit.

    GitHub: 403 or 429 with ``x-ratelimit-remaining: 0`` and ``x-ratelimit-reset: <epoch>``
    (primary limit), or 403/429 with ``retry-after`` (secondary limit). Others: 429/503 with
    ``retry-after``.
    """
    now = now or datetime.now(UTC)
    lowered = {k.lower(): v for k, v in headers.items()}
    if status in (403, 429) and lowered.get("x-ratelimit-remaining") == "0":
        reset = lowered.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return datetime.fromtimestamp(int(reset), UTC)
        return now + timedelta(hours=1)
    if status in (403, 429, 503):
        seconds = retry_after_seconds(lowered.get("retry-after"), now=now)
        if seconds is not None:
            return now + timedelta(seconds=seconds)
    return None
