"""lkml.iu.edu hypermail pages: ``/hypermail/linux/kernel/YYMM.W/NNNNN.html``.

The page is returned as bytes (MHonArc writes them in the charset its meta tag names); the
hypermail parser reads it. Here we only check it is still an MHonArc message page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from threads.fetchers import errors
from threads.fetchers.http import Fetched, HttpClient, Validators

# https://lkml.iu.edu/hypermail/linux/kernel/2404.3/07010.html: week-of-month volume, then
# the message number (4 digits in the 2000s archives, 5 later).
PAGE_PATH = re.compile(r"^/hypermail/linux/kernel/(\d{4}\.\d)/(\d{3,6})\.html$")
# Markers every MHonArc message page carries around the message (our "layout" check).
MARKERS = (b"<!--X-Body-of-Message-->", b"<!--X-Body-of-Message-End-->")


def page_key(url: str) -> str | None:
    """``"2404.3/07010"`` for a message page URL under the configured LKML_BASE_URL, else None."""
    parts = urlsplit(url)
    base = urlsplit(settings.LKML_BASE_URL)
    if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return None
    if not parts.path.startswith(base.path + "/"):
        return None
    match = PAGE_PATH.match(parts.path[len(base.path):])
    return f"{match[1]}/{match[2]}" if match else None


def find_page_key(text: str) -> str | None:
    """The page key of a pasted lkml.iu.edu URL (the real host or the configured one)."""
    text = text.strip()
    for base in ("https://lkml.iu.edu", "http://lkml.iu.edu", settings.LKML_BASE_URL):
        if text.startswith(base + "/"):
            match = PAGE_PATH.match(urlsplit(text).path[len(urlsplit(base).path):])
            if match:
                return f"{match[1]}/{match[2]}"
    return None


def page_url(key: str) -> str:
    return f"{settings.LKML_BASE_URL}/hypermail/linux/kernel/{key}.html"


def resolve(page: str, href: str) -> str:
    """A link as written on a page (``"07009.html"``, ``"../2404.3/07009.html"``), absolute."""
    return urljoin(page, href)


def fetch_page(
    url: str, *, client: HttpClient | None = None, validators: Validators | None = None,
) -> Fetched:
    key = page_key(url)
    if key is None:
        raise errors.HostNotAllowed(
            f"refusing to fetch {url}: not an lkml.iu.edu message page", url=url
        )
    fetched = (client or HttpClient()).get(page_url(key), validators=validators)
    head = fetched.content[:4096].lower()
    if all(marker in fetched.content for marker in MARKERS):
        return fetched
    if b"not a bot" in head or b"captcha" in head or b"challenge" in head:
        raise errors.BotWall(f"{fetched.url} answered a bot-check page", url=fetched.url,
                             status=fetched.status)
    raise errors.BadContent(
        f"{fetched.url} is not an MHonArc message page any more (layout changed: no "
        "X-Body-of-Message markers)", url=fetched.url, status=fetched.status,
    )
