"""A thread read from lore: the whole mbox once, then only what was received since.

A refresh first asks for the thread's Atom feed with the stored validators: 304 means nothing
was added and the refresh ends there (a conditional request only). Otherwise lore's search
returns the messages received since the last successful poll; those that reference the
thread are ingested. The feed's validators are stored only after that succeeded, so a
failed search is retried on the next refresh.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from threads.fetchers import lore
from threads.models import Message, Source, Thread
from threads.parsing.mbox import iter_mbox
from threads.parsing.message import parse_message
from threads.parsing.subject import parse_subject
from threads.parsing.types import ParsedMessage
from threads.services.fetching import (
    Outcome,
    Recorder,
    source_check,
    source_get_or_create,
    store_validators,
    validators_of,
)
from threads.services.ingest import message_ingest, messages_ingest_mbox

# lore's received time and our clock differ; searching a little earlier costs only
# duplicates, which ingest counts and ignores.
SEARCH_MARGIN = timedelta(hours=1)
FIRST_SEARCH_WINDOW = timedelta(days=7)
MAX_SUBJECTS = 30  # a long series: its newest patch names


def lore_source(*, msgid: str, thread: Thread | None = None) -> Source:
    return source_get_or_create(kind=Source.Kind.LORE_THREAD, key=msgid,
                                url=lore.message_url(msgid), thread=thread)


def lore_thread_fetch(*, source: Source, recorder: Recorder) -> Outcome:
    """Downloads the whole thread (t.mbox.gz) and ingests it; idempotent."""
    with source_check(source, recorder) as outcome:
        fetched = lore.fetch_thread_mbox(source.key, client=recorder.client)
        summary = messages_ingest_mbox(stream=io.BytesIO(fetched.content), source="lore")
        outcome.changed.append(f"{summary.new} new message{'s' * (summary.new != 1)}"
                               f" of {summary.total}")
        if summary.failed:
            outcome.changed.append(f"{len(summary.failed)} unreadable (first: "
                                   f"{summary.failed[0].reason})")
    return outcome


def lore_thread_refresh(
    *, source: Source, thread: Thread, recorder: Recorder, now: datetime
) -> Outcome:
    with source_check(source, recorder, now=now) as outcome:
        feed = lore.fetch_thread_feed(source.key, client=recorder.client,
                                      validators=validators_of(source),
                                      inbox=lore.inbox_of(source.url))
        since = (source.last_success_at or now - FIRST_SEARCH_WINDOW) - SEARCH_MARGIN
        found = lore.fetch_new_since(subjects=thread_subjects(thread=thread), since=since,
                                     client=recorder.client)
        new = replies_ingest(thread=thread, mbox=found.content)
        outcome.changed.append(f"{new} new message{'s' * (new != 1)}")
        store_validators(source, feed.validators)
        source.url = feed.url[:2000]  # the list lore redirected to: no redirect next time
    return outcome


def thread_subjects(*, thread: Thread) -> list[str]:
    """The distinct subject names in the thread, newest first: replies keep one of them."""
    names: list[str] = []
    for subject in (Message.objects.filter(thread=thread, is_placeholder=False)
                    .order_by("-date").values_list("subject", flat=True)):
        name = parse_subject(subject).name
        if name and name not in names:
            names.append(name)
    return names[:MAX_SUBJECTS] or [parse_subject(thread.subject).name or thread.subject]


def replies_ingest(*, thread: Thread, mbox: bytes) -> int:
    """Ingests the search results that belong to ``thread`` (they reference one of its mails)."""
    parsed: list[ParsedMessage] = []
    for raw in iter_mbox(io.BytesIO(mbox)):
        try:
            parsed.append(parse_message(raw, source="mbox"))
        except ValueError:
            continue  # an unreadable search hit cannot be placed anyway
    known = set(Message.objects.filter(thread=thread).values_list("msgid", flat=True))
    accepted: list[ParsedMessage] = []
    pending = [p for p in parsed if p.message_id not in known]
    while True:  # a reply to a reply found in the same search joins on a later pass
        joined = [p for p in pending if known & {*p.references, p.in_reply_to or ""}]
        if not joined:
            break
        for p in joined:
            known.add(p.message_id)
            accepted.append(p)
        pending = [p for p in pending if p.message_id not in known]
    new = 0
    for p in accepted:
        if message_ingest(parsed=p, source="lore", thread=thread).status != "duplicate":
            new += 1
    return new
