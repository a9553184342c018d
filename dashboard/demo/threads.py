"""Demo part: the seed LKML message, ingested through the same service as any mail."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Q

from threads.models import Person, Series, Thread
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest

SEED = Path(__file__).resolve().parent / "lkml-2024-04-30-luis-chamberlain-re-patch-v4-05-11.txt"


def load() -> list[str]:
    parsed = parse_hypermail_text(SEED.read_text())
    result = message_ingest(parsed=parsed, source="lkml")
    thread = result.thread
    # Tracked, as after ``make run`` a user expects the seed on the overview; its sources are
    # never due (lkml.iu.edu pages are static; the demo artifacts mark theirs as stored).
    if not (thread.is_demo and thread.tracked):
        Thread.objects.filter(pk=thread.pk).update(is_demo=True, tracked=True)
    count = thread.messages.count()
    rebuilt = thread.messages.filter(is_placeholder=True).count()
    verb = "already loaded" if result.status == "duplicate" else "loaded"
    return [
        f"threads: seed thread {verb}: #{thread.pk} {thread.subject!r} "
        f"({count} messages, {rebuilt} reconstructed from quotes)"
    ]


def remove() -> list[str]:
    with transaction.atomic():
        demo = Thread.objects.filter(is_demo=True)
        series = Series.objects.filter(
            Q(versions__patches__replies__thread__in=demo)
            | Q(versions__patches__message__thread__in=demo)
            | Q(versions__cover__thread__in=demo)
        ).distinct()
        series_count = series.count()
        Series.objects.filter(pk__in=list(series.values_list("pk", flat=True))).delete()
        count, _ = demo.delete()
        Person.objects.filter(messages__isnull=True, series__isnull=True).delete()
    return [f"threads: removed the demo threads and {series_count} series ({count} rows)"]
