"""lore.kernel.org (public-inbox): a thread, one raw message, new messages since a time.

URLs: ``/all/<msgid>/t.mbox.gz`` (the whole thread; lore redirects ``/all/`` to the list that
holds it), ``/all/<msgid>/raw``, ``/all/<msgid>/t.atom`` (the thread's feed, used as a cheap
conditional "anything new?" probe), and the search ``POST /all/?x=m&q=...`` answering an
mbox.gz of the matches (404 when nothing matches).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from urllib.parse import quote, urlencode

from django.conf import settings

from threads.fetchers import errors
from threads.fetchers.decode import GZIP_MAGIC, gunzip, looks_like_html
from threads.fetchers.http import Fetched, HttpClient, Validators

# Characters public-inbox keeps literal in a Message-ID path segment; "/" must be escaped.
MSGID_SAFE = "@!$&'()*+,;=:~"


def message_url(msgid: str, suffix: str = "", *, inbox: str = "all") -> str:
    msgid = msgid.strip().strip("<>")
    return f"{settings.LORE_BASE_URL}/{inbox}/{quote(msgid, safe=MSGID_SAFE)}/{suffix}"


def fetch_thread_mbox(
    msgid: str, *, client: HttpClient | None = None, validators: Validators | None = None,
) -> Fetched:
    """The whole thread of ``msgid`` as mbox bytes (decompressed); NotModified on 304."""
    fetched = (client or HttpClient()).get(message_url(msgid, "t.mbox.gz"), validators=validators)
    return _as_mbox(fetched, what="a thread mbox")


def fetch_raw_message(msgid: str, *, client: HttpClient | None = None) -> Fetched:
    """One message as RFC 5322 bytes."""
    fetched = (client or HttpClient()).get(message_url(msgid, "raw"))
    _refuse_html(fetched, what="a raw message")
    if b":" not in fetched.content[:1000]:
        raise errors.BadContent(
            f"{fetched.url} did not answer a mail (no header lines)", url=fetched.url,
            status=fetched.status,
        )
    return fetched


def fetch_thread_feed(
    msgid: str, *, client: HttpClient | None = None, validators: Validators | None = None,
    inbox: str = "all",
) -> Fetched:
    """The thread's Atom feed; with stored validators, NotModified when nothing was added.

    ``inbox`` is the list lore redirected to last time (see ``inbox_of``): asking there
    directly saves the redirect.
    """
    fetched = (client or HttpClient()).get(message_url(msgid, "t.atom", inbox=inbox),
                                           validators=validators)
    if b"<feed" not in fetched.content[:4096]:
        raise _html_error(fetched, "an Atom feed") if looks_like_html(fetched.content) else (
            errors.BadContent(f"{fetched.url} did not answer an Atom feed (layout changed?)",
                              url=fetched.url, status=fetched.status)
        )
    return fetched


def inbox_of(url: str) -> str:
    """``"linux-mm"`` for ``<LORE_BASE_URL>/linux-mm/<msgid>/t.atom``; "all" otherwise."""
    base = settings.LORE_BASE_URL + "/"
    if not url.startswith(base):
        return "all"
    name = url[len(base):].split("/", 1)[0]
    return name if name and name.replace("-", "").replace(".", "").isalnum() else "all"


def search_query_since(*, subjects: list[str], since: datetime) -> str:
    """``(s:"mm: do not split a folio" OR s:"enable bs > ps in XFS") AND rt:1714435200..``

    public-inbox has no search prefix for "in this thread", so the subjects (which replies
    keep) narrow the search and the caller keeps only messages referencing the thread.
    """
    phrases = [" ".join(s.replace('"', " ").split()) for s in subjects]
    terms = " OR ".join(f's:"{p}"' for p in phrases if p)
    return f"({terms}) AND rt:{int(since.timestamp())}.."


def fetch_search_mbox(
    query: str, *, client: HttpClient | None = None, inbox: str = "all",
) -> Fetched:
    """Every message matching a public-inbox search as mbox bytes ("" when none match)."""
    url = f"{settings.LORE_BASE_URL}/{inbox}/?{urlencode({'q': query, 'x': 'm'})}"
    try:
        fetched = (client or HttpClient()).post(url, data={"x": "m"})
    except errors.NotFound as exc:
        # public-inbox answers 404 to an mbox search with no match.
        return Fetched(url=exc.url or url, status=404, content=b"")
    return _as_mbox(fetched, what="search results")


def fetch_new_since(
    *, subjects: list[str], since: datetime, client: HttpClient | None = None,
    inbox: str = "all",
) -> Fetched:
    """Messages received by lore since ``since`` under one of the thread's subjects."""
    return fetch_search_mbox(search_query_since(subjects=subjects, since=since), client=client,
                             inbox=inbox)


def _as_mbox(fetched: Fetched, *, what: str) -> Fetched:
    _refuse_html(fetched, what=what)
    content = fetched.content
    if content.startswith(GZIP_MAGIC):
        content = gunzip(content, max_bytes=settings.FETCH_MAX_BYTES, url=fetched.url)
    if content.strip() and not content.startswith(b"From "):
        raise errors.BadContent(
            f"{fetched.url} did not answer {what} (no mbox 'From ' line)", url=fetched.url,
            status=fetched.status,
        )
    return dataclasses.replace(fetched, content=content)


def _refuse_html(fetched: Fetched, *, what: str) -> None:
    if fetched.content_type == "text/html" or looks_like_html(fetched.content):
        raise _html_error(fetched, what)


def _html_error(fetched: Fetched, what: str) -> errors.BadContent:
    lowered = fetched.content[:20000].lower()
    if any(word in lowered for word in (b"not a bot", b"anubis", b"captcha", b"challenge")):
        return errors.BotWall(
            f"{fetched.url} answered a bot-check HTML page instead of {what}", url=fetched.url,
            status=fetched.status,
        )
    return errors.BadContent(
        f"{fetched.url} answered an HTML page instead of {what}", url=fetched.url,
        status=fetched.status, retryable=True,
    )
