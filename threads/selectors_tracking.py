"""Read queries for tracked sources: what each source is, when it was checked, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Sum

from threads.models import Message, Source, Thread


@dataclass(frozen=True)
class SourceRow:
    source: Source
    fetches: int  # FetchLog rows
    bytes: int

    @property
    def failing(self) -> bool:
        return bool(self.source.last_error)

    @property
    def next_check_at(self) -> datetime | None:
        return self.source.next_check_at


def thread_sources(*, thread: Thread) -> list[SourceRow]:
    """Every source of the thread (lore, lkml pages, gists, commits), failing ones first."""
    sources = (
        Source.objects.filter(thread=thread)
        .annotate(fetches=Count("fetch_logs"), received=Sum("fetch_logs__bytes"))
        .order_by("kind", "key")
    )
    rows = [SourceRow(s, s.fetches, s.received or 0) for s in sources]
    return sorted(rows, key=lambda r: not r.failing)


def message_seen_in(*, message: Message) -> list[tuple[str, str]]:
    """Where a message was read: ("lore.kernel.org", url) and/or ("lkml.iu.edu", url)."""
    places = []
    if message.source == Message.Source.LORE:
        places.append(("lore.kernel.org", f"{settings.LORE_BASE_URL}/all/{message.msgid}/"))
    url = message.source_url or ""
    if url.startswith((settings.LKML_BASE_URL, "https://lkml.iu.edu")):
        places.append(("lkml.iu.edu", url))
    return places
