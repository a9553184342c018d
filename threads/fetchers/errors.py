"""The one error family fetchers raise, and ``NotModified`` (not an error: nothing changed).

Every ``FetchError`` says whether trying again later can help (``retryable``); the service
records ``str(error)`` on the source, so each message is written for the thread page.
"""

from __future__ import annotations

from datetime import datetime


class NotModified(Exception):  # a signal, not a failure
    """The server answered 304 to a conditional request: what is stored is current."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url} has not changed (304)")
        self.url = url
        self.status = 304


class FetchError(Exception):
    retryable = True

    def __init__(
        self, message: str, *, url: str = "", status: int | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        if retryable is not None:
            self.retryable = retryable


class HostNotAllowed(FetchError):
    """The URL's host is none of the configured sources: it is never fetched."""

    retryable = False


class NotFound(FetchError):
    """404 or 410: a deleted gist, a Message-ID lore does not have (yet)."""

    retryable = False


class ClientError(FetchError):
    """Another 4xx (401, 403 without rate-limit headers, 422): our request is wrong."""

    retryable = False


class RateLimited(FetchError):
    """429, or GitHub's 403/429 with ``X-RateLimit-Remaining: 0``; ``retry_at`` when known."""

    def __init__(self, message: str, *, retry_at: datetime | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class ServerError(FetchError):
    """5xx after the retries ran out."""


class Timeout(FetchError):
    """No answer within settings.FETCH_TIMEOUT (after the retries)."""


class ConnectionFailed(FetchError):
    """Refused, reset or unresolvable (after the retries)."""


class TooLarge(FetchError):
    """The body (or what it decompresses to) exceeds settings.FETCH_MAX_BYTES."""

    retryable = False


class BadContent(FetchError):
    """A body of the wrong kind: HTML where an mbox was expected, a page whose layout changed."""

    retryable = False


class BotWall(BadContent):
    """An HTML challenge page ("making sure you're not a bot") instead of the data."""

    retryable = True


class Truncated(BadContent):
    """The body stopped early: a truncated gzip stream or fewer bytes than Content-Length."""

    retryable = True
