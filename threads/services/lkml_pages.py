"""lkml.iu.edu pages: walk a thread by its links, join each page to the message from lore.

A page joins the stored message with the same Message-ID (from the MHonArc header comments);
a page without those comments joins by subject + author + date. A joined message is stored
once: its lore row gains the page URL (``source_url``), so both places are shown.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from threads.fetchers import errors, lkml
from threads.models import Message, Source, Thread
from threads.parsing.hypermail import parse_hypermail_page
from threads.parsing.types import HypermailPage, MessageParseError, ParsedMessage
from threads.services.common import is_synthetic_msgid, names_match, thread_title
from threads.services.fetching import (
    Outcome,
    Recorder,
    source_check,
    source_get_or_create,
    store_validators,
)
from threads.services.ingest import message_ingest

MAX_PAGES = 50  # one walk never follows more links than this
# The visible "EST" stamp is US Eastern wall time read with a guessed offset: allow an hour
# either way plus minutes of clock skew when matching a page to a lore mail by its date.
DATE_WINDOW = timedelta(hours=1, minutes=5)


def lkml_page_read(
    *, key: str, recorder: Recorder, thread: Thread | None = None
) -> tuple[Outcome, HypermailPage | None]:
    """Fetches and parses one page; a fault is recorded on its Source and returns None."""
    source = source_get_or_create(kind=Source.Kind.LKML_PAGE, key=key, url=lkml.page_url(key),
                                  thread=thread)
    page = None
    with source_check(source, recorder) as outcome:
        fetched = lkml.fetch_page(lkml.page_url(key), client=recorder.client)
        try:
            page = parse_hypermail_page(fetched.content, url=fetched.url)
        except MessageParseError as exc:
            raise errors.BadContent(f"{fetched.url}: no message on the page (layout changed?): "
                                    f"{exc}", url=fetched.url, status=fetched.status) from exc
        store_validators(source, fetched.validators)
        outcome.changed.append("page read")
    return outcome, page


def lkml_walk(
    *, start: str, thread: Thread | None, recorder: Recorder, limit: int = MAX_PAGES,
    first: tuple[Outcome, HypermailPage | None] | None = None,
) -> tuple[Thread | None, list[Outcome]]:
    """Reads ``start`` (or uses ``first``, already read) and the pages its "In reply to",
    "Next in thread" and reply links reach, joining or storing each page's message."""
    queue, seen, outcomes = [start], set(), []
    while queue and len(seen) < limit:
        key = queue.pop(0)
        if key in seen:
            continue
        seen.add(key)
        if first is not None and key == start:
            outcome, page = first
        else:
            outcome, page = lkml_page_read(key=key, recorder=recorder, thread=thread)
        outcomes.append(outcome)
        if page is None:
            continue
        message, how = lkml_message_join(parsed=page.message, thread=thread)
        outcome.changed.append(how)
        thread = thread or message.thread
        Source.objects.filter(pk=outcome.source.pk).update(thread=thread)
        for url in (page.in_reply_to_url, page.next_in_thread_url, *page.replies_urls):
            found = lkml.page_key(url) if url else None
            if found and found not in seen:
                queue.append(found)
    return thread, outcomes


def lkml_message_join(*, parsed: ParsedMessage, thread: Thread | None) -> tuple[Message, str]:
    """The stored message this page shows (joined), or the page stored as a new message."""
    if is_synthetic_msgid(parsed.message_id):
        existing = _same_mail(parsed, thread)
    else:
        existing = Message.objects.filter(msgid=parsed.message_id).first()
    if existing is not None and not existing.is_placeholder:
        if parsed.source_url and not existing.source_url and existing.source != "lkml":
            existing.source_url = parsed.source_url[:2000]
            existing.save(update_fields=["source_url"])
        how = "Message-ID" if existing.msgid == parsed.message_id else "subject, author and date"
        return existing, f"joined <{existing.msgid}> by {how}"
    result = message_ingest(parsed=parsed, source="lkml", thread=thread)
    return result.message, f"stored <{result.message.msgid}> from lkml.iu.edu"


def _same_mail(parsed: ParsedMessage, thread: Thread | None) -> Message | None:
    """Fallback join for a page without MHonArc header comments."""
    if parsed.date is None:
        return None
    title = thread_title(parsed.subject)
    near = Message.objects.filter(
        is_placeholder=False, date__range=(parsed.date - DATE_WINDOW, parsed.date + DATE_WINDOW)
    ).select_related("author")
    if thread is not None:
        near = near.filter(thread=thread)
    matches = [
        m for m in near
        if thread_title(m.subject) == title and m.author
        and names_match(m.author.name, parsed.author.name)
    ]
    matches.sort(key=lambda m: abs((m.date - parsed.date).total_seconds()))
    return matches[0] if matches else None


def lkml_pages_retry(
    *, thread: Thread, recorder: Recorder, now=None, force: bool = False
) -> list[Outcome]:
    """Pages of the thread whose last read failed are read (and joined) again when due."""
    now = now or timezone.now()
    failed = Source.objects.filter(thread=thread, kind=Source.Kind.LKML_PAGE).exclude(
        last_error="")
    if not force:
        failed = failed.filter(next_check_at__lte=now)
    outcomes = []
    for source in failed:
        _, found = lkml_walk(start=source.key, thread=thread, recorder=recorder, limit=1)
        Source.objects.filter(pk=source.pk, thread__isnull=True).update(thread=thread)
        outcomes.extend(found)
    return outcomes
