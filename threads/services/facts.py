"""What one query per mbox batch tells the ingest (instead of a few queries per mail)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from threads.models import Message, Thread
from threads.parsing.types import ParsedMessage
from threads.services.common import (
    DATE_TOLERANCE,
    SYNTHETIC_DOMAIN,
    clean,
    is_placeholder_msgid,
    is_synthetic_msgid,
    names_match,
)
from threads.services.context import BatchFacts, Replaceable


def batch_facts(parsed: list[ParsedMessage]) -> BatchFacts:
    """One query for "seen before? / awaited by early replies?", one for replaceable rows."""
    ids = list({clean(p.message_id).strip().strip("<>")[:512] for p in parsed})
    known: dict[str, tuple[int, bool]] = {}
    awaited: set[str] = set()
    rows = Message.objects.filter(
        Q(msgid__in=ids) | Q(in_reply_to__in=ids, parent__isnull=True)
    ).values_list("pk", "msgid", "is_placeholder", "in_reply_to", "parent_id")
    for pk, msgid, is_placeholder, in_reply_to, parent_id in rows:
        known[msgid] = (pk, is_placeholder)
        if parent_id is None and in_reply_to:
            awaited.add(in_reply_to)
    dates = [p.date for p in parsed if p.date is not None]
    replaceables = []
    if dates:
        window = (min(dates) - DATE_TOLERANCE, max(dates) + DATE_TOLERANCE)
        replaceables = [
            Replaceable(pk, msgid, date, name or "")
            for pk, msgid, date, name in Message.objects.filter(
                Q(is_placeholder=True) | Q(msgid__endswith=SYNTHETIC_DOMAIN),
                date__range=window,
            ).values_list("pk", "msgid", "date", "author__name")
        ]
    roots = {}
    wanted = list({i for p in parsed for i in (p.message_id, *p.references) if i})
    for start in range(0, len(wanted), 5000):
        part = wanted[start:start + 5000]
        roots.update((t.root_msgid, t) for t in Thread.objects.filter(root_msgid__in=part))
    return BatchFacts(known, awaited, replaceables, roots)


def replaceable_find(
    facts: BatchFacts, *, author_name: str, date: datetime | None, msgid: str
) -> Message | None:
    """A placeholder (or a mail read without Message-ID) this real mail stands for."""
    if date is None or not author_name or is_synthetic_msgid(msgid):
        return None
    for r in sorted(facts.replaceables, key=lambda r: not is_placeholder_msgid(r.msgid)):
        if r.date is not None and abs(r.date - date) <= DATE_TOLERANCE and names_match(
            r.author_name, author_name
        ):
            return Message.objects.select_related("author", "thread", "parent").get(pk=r.pk)
    return None
