"""HTTP answers and exceptions turned into the FetchError family."""

from __future__ import annotations

from collections.abc import Mapping

import requests
from urllib3.exceptions import ReadTimeoutError

from threads.fetchers import errors
from threads.fetchers.limits import rate_limit_retry_at


def status_error(url: str, status: int, headers: Mapping[str, str]) -> errors.FetchError:
    """The error for a 4xx/5xx answer (after urllib3 has retried what it could)."""
    retry_at = rate_limit_retry_at(status, headers)
    if retry_at is not None or status == 429:
        when = f"; try again after {retry_at:%Y-%m-%d %H:%M:%S} UTC" if retry_at else ""
        return errors.RateLimited(
            f"{url} is rate-limited (HTTP {status}){when}", url=url, status=status,
            retry_at=retry_at,
        )
    if status in (404, 410):
        what = "is gone (HTTP 410)" if status == 410 else "was not found (HTTP 404)"
        return errors.NotFound(f"{url} {what}", url=url, status=status)
    if status >= 500:
        return errors.ServerError(f"{url} failed with HTTP {status}", url=url, status=status)
    return errors.ClientError(f"{url} refused the request (HTTP {status})", url=url,
                              status=status)


def translate(exc: requests.RequestException, url: str) -> errors.FetchError:
    """A requests/urllib3 exception as one of ours, keeping whether a retry can help."""
    if isinstance(exc, requests.Timeout) or _caused_by(exc, ReadTimeoutError, TimeoutError):
        return errors.Timeout(f"{url} did not answer in time ({_reason(exc)})", url=url)
    if isinstance(exc, requests.ConnectionError):
        return errors.ConnectionFailed(f"could not connect to {url} ({_reason(exc)})", url=url)
    return errors.FetchError(f"fetching {url} failed ({_reason(exc)})", url=url)


def _caused_by(exc: BaseException, *kinds: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kinds):
            return True
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                stack.append(linked)
    return False


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:297] + "..."
