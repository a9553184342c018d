"""The one HTTP client every fetcher uses.

What it guarantees, so the source modules don't have to:

- only the configured hosts (settings ``*_BASE_URL``/``*_API_URL``/``*_WEB_URL``) are ever
  contacted, redirects included; the GitHub token goes to the GitHub API host only;
- timeouts on every request; urllib3 retries with exponential backoff on 429/5xx and
  connection errors, honouring ``Retry-After`` up to ``FETCH_RETRY_AFTER_MAX`` seconds (a
  longer wait, or GitHub's exhausted quota, becomes ``RateLimited`` with ``retry_at``);
- conditional requests: pass the stored ``Validators``, get ``NotModified`` on 304;
- bodies streamed with a size limit (``FETCH_MAX_BYTES``, before and after decompression),
  gzip decoded here so a truncated stream is an error instead of a silent partial body;
- one ``Exchange`` per request handed to ``on_exchange``: the service writes the FetchLog.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from urllib3.exceptions import (
    MaxRetryError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from threads.fetchers import errors
from threads.fetchers.answers import status_error, translate
from threads.fetchers.decode import decode_content_encoding
from threads.fetchers.limits import rate_limit_retry_at, retry_after_seconds

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Validators:
    """What a server said about a body's version; sent back to make the next request free."""

    etag: str = ""
    last_modified: str = ""

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request as the fetch log records it."""

    method: str
    url: str
    status: int | None
    bytes: int
    duration_ms: int
    error: str = ""
    retries: int = 0  # retried attempts urllib3 made before this answer


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes  # Content-Encoding removed
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names
    validators: Validators = Validators()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self, default: str = "utf-8") -> str:
        charset = ""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset":
                charset = value.strip('"')
        try:
            return self.content.decode(charset or default, errors="replace")
        except LookupError:
            return self.content.decode(default, errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise errors.BadContent(
                f"{self.url} did not answer JSON ({exc})", url=self.url, status=self.status
            ) from exc


class _Retry(Retry):
    """urllib3's Retry that gives up at once when waiting would take longer than we allow."""

    retry_after_max: float = 60.0

    def new(self, **kw: Any) -> _Retry:
        retry = super().new(**kw)
        retry.retry_after_max = self.retry_after_max
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None,
                  _stacktrace=None):
        if response is not None and self._wait_too_long(response):
            # With raise_on_status=False, urllib3 hands this response back to us unchanged.
            raise MaxRetryError(_pool, url, ResponseError("server asks for a long wait"))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def _wait_too_long(self, response) -> bool:
        if response.headers.get("X-RateLimit-Remaining") == "0":
            return True  # GitHub's hourly quota: waiting for the reset is the scheduler's job
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        return seconds is not None and seconds > self.retry_after_max


def make_session(
    *, retries: int | None = None, backoff: float | None = None,
    retry_after_max: float | None = None,
) -> requests.Session:
    """A requests Session with the retry policy and the honest User-Agent from settings."""
    count = settings.FETCH_RETRIES if retries is None else retries
    retry = _Retry(
        total=count, connect=count, read=count, status=count, other=0,
        backoff_factor=settings.FETCH_BACKOFF if backoff is None else backoff,
        backoff_max=60, status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "POST"}),  # lore's search POST is a query
        respect_retry_after_header=True, raise_on_status=False, redirect=False,
    )
    retry.retry_after_max = (
        settings.FETCH_RETRY_AFTER_MAX if retry_after_max is None else retry_after_max
    )
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept-Encoding": "gzip",
    })
    return session


def _origin(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = None
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def configured_base_urls() -> list[str]:
    return [settings.LORE_BASE_URL, settings.LKML_BASE_URL, settings.GITHUB_API_URL,
            settings.GITHUB_WEB_URL, settings.GIST_WEB_URL, settings.GIST_RAW_URL]


def check_allowed(url: str) -> None:
    """Refuse any URL whose scheme, host and port are not one of the configured sources."""
    if _origin(url) not in {_origin(base) for base in configured_base_urls()}:
        raise errors.HostNotAllowed(
            f"refusing to fetch {url}: its host is not a configured source", url=url
        )


class HttpClient:
    """Shared by the fetchers of one job; ``on_exchange`` sees every request made."""

    def __init__(
        self, *, on_exchange: Callable[[Exchange], None] | None = None,
        session: requests.Session | None = None, timeout: float | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.session = session or make_session()
        self.on_exchange = on_exchange
        self.timeout = settings.FETCH_TIMEOUT if timeout is None else timeout
        self.max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
        # GitHub said its quota is spent (X-RateLimit-Remaining: 0): until the reset, the
        # API is not asked again by this client; the requests fail at once as RateLimited.
        self.quota_reset: datetime | None = None

    def get(self, url: str, *, validators: Validators | None = None,
            headers: Mapping[str, str] | None = None) -> Fetched:
        return self.request("GET", url, validators=validators, headers=headers)

    def post(self, url: str, *, data: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None) -> Fetched:
        return self.request("POST", url, data=data, headers=headers)

    def request(
        self, method: str, url: str, *, data: Mapping[str, str] | None = None,
        validators: Validators | None = None, headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        for _hop in range(MAX_REDIRECTS + 1):
            check_allowed(url)
            self._check_quota(url)
            response, content = self._send(method, url, data, validators, headers)
            if response.is_redirect:
                # lore answers /all/<msgid>/... with a 302 to the list that has the message.
                url = urljoin(url, response.headers["Location"])
                if response.status_code in (301, 302, 303) and method == "POST":
                    method, data = "GET", None
                continue
            return self._result(url, response, content)
        raise errors.FetchError(f"too many redirects fetching {url}", url=url, retryable=False)

    def _request_headers(self, url: str, validators: Validators | None,
                         headers: Mapping[str, str] | None) -> dict[str, str]:
        sent = dict(headers or {})
        if validators and validators.etag:
            sent["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            sent["If-Modified-Since"] = validators.last_modified
        if settings.GITHUB_TOKEN and url.startswith(settings.GITHUB_API_URL + "/"):
            sent["Authorization"] = f"Bearer {settings.GITHUB_TOKEN}"
        return sent

    def _send(self, method, url, data, validators, headers) -> tuple[requests.Response, bytes]:
        started = time.monotonic()
        response = None
        received = 0
        try:
            response = self.session.request(
                method, url, data=data, headers=self._request_headers(url, validators, headers),
                timeout=(self.timeout, self.timeout), stream=True, allow_redirects=False,
            )
            content = b"" if response.is_redirect else self._read(url, response, started)
            received = len(content)
        except errors.FetchError as exc:
            self._log(method, url, response, received, started, str(exc))
            raise
        except requests.RequestException as exc:
            error = translate(exc, url)
            self._log(method, url, response, received, started, str(error))
            raise error from exc
        finally:
            if response is not None:
                response.close()
        self._log(method, url, response, received, started, "")
        return response, content

    def _read(self, url: str, response: requests.Response, started: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise errors.TooLarge(
                f"{url} is {declared} bytes, more than the {self.max_bytes} allowed",
                url=url, status=response.status_code,
            )
        body = bytearray()
        try:
            for chunk in response.raw.stream(CHUNK, decode_content=False):
                body += chunk
                if len(body) > self.max_bytes:
                    raise errors.TooLarge(
                        f"{url} sent more than the {self.max_bytes} bytes allowed",
                        url=url, status=response.status_code,
                    )
                if time.monotonic() - started > self.timeout * 5:
                    raise errors.Timeout(f"{url} is sending too slowly", url=url)
        except ReadTimeoutError as exc:
            raise errors.Timeout(
                f"{url} stopped sending for {self.timeout:g}s", url=url,
                status=response.status_code,
            ) from exc
        except ProtocolError as exc:
            raise errors.Truncated(
                f"{url} closed the connection before the whole body arrived ({exc})",
                url=url, status=response.status_code,
            ) from exc
        return bytes(body)

    def _log(self, method, url, response, received, started, error) -> None:
        if self.on_exchange is None:
            return
        retries = getattr(getattr(response, "raw", None), "retries", None)
        self.on_exchange(Exchange(
            method=method, url=url, status=response.status_code if response is not None else None,
            bytes=received, duration_ms=int((time.monotonic() - started) * 1000), error=error,
            retries=len(retries.history) if retries is not None else 0,
        ))

    def _check_quota(self, url: str) -> None:
        if not url.startswith(settings.GITHUB_API_URL + "/") or self.quota_reset is None:
            return
        if self.quota_reset > datetime.now(UTC):
            raise errors.RateLimited(
                f"{url} not asked: the GitHub API quota is spent until "
                f"{self.quota_reset:%Y-%m-%d %H:%M:%S} UTC", url=url, retry_at=self.quota_reset,
            )
        self.quota_reset = None

    def _result(self, url: str, response: requests.Response, body: bytes) -> Fetched:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        if headers.get("x-ratelimit-remaining") == "0" and url.startswith(
            settings.GITHUB_API_URL + "/"
        ):
            self.quota_reset = rate_limit_retry_at(429, headers)
        if status == 304:
            raise errors.NotModified(url)
        if status >= 400:
            raise status_error(url, status, headers)
        content = decode_content_encoding(
            body, headers.get("content-encoding", ""), max_bytes=self.max_bytes, url=url
        )
        return Fetched(
            url=url, status=status, content=content, headers=headers,
            validators=Validators(headers.get("etag", ""), headers.get("last-modified", "")),
        )

