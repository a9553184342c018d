"""Crash text pasted in mails and gists (threads.CrashText) -> crash reports and signatures.

threads stores the text and tells us through ``threads.seams``; here each text is parsed with
the same parser as a run's console log, its reports (``run`` null, ``crash_text`` set) join
their signatures, and the signature title is written back on the CrashText for the thread page.

Quoted crash text (a reply quoting the report with ``>``) repeats a crash shown elsewhere:
it is linked to its signature (the title is written back) but holds no report, so a crash
quoted in ten replies counts once, not eleven times, and lists no quoting mail as a sighting.

Idempotency: a text is classified once (``classified_at`` set in the same transaction as its
reports); classifying it again creates nothing. ``reclassify=True`` re-parses and moves
reports whose title changed, recording each move as for runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from ci_results.models import CrashReport, CrashSignature, ReclassifyEvent
from ci_results.parsing.crash import parse_log
from ci_results.services import signatures
from ci_results.services.reports import (
    report_fields,
    report_signature,
    reports_replace,
    reports_store_new,
    reports_to_store,
)
from threads.models import CrashText, Link, Message


@dataclass
class ClassifySummary:
    texts: int = 0  # crash texts parsed
    reports: int = 0  # reports they hold now
    no_crash: int = 0  # texts in which the parser found no crash
    quoted: int = 0  # quoted texts with a crash: linked to its signature, not counted
    moved: int = 0  # reports that changed signature (or appeared, or vanished) on re-parse
    recounted: int = 0  # signatures whose counts were stale (a sweep only)


def crash_text_seen_at(crash_text: CrashText) -> datetime:
    """When the crash was shown: the mail's date; for a gist, the date of the first message
    linking it (a gist has no date of its own here), else when the gist was fetched."""
    message, gist_file = crash_text.message, crash_text.gist_file
    when = None
    if message is not None:
        when = message.date or message.first_seen_at
    elif gist_file is not None:
        when = Message.objects.filter(
            links__kind=Link.Kind.GIST, links__key=gist_file.gist_id, date__isnull=False,
        ).aggregate(first=Min("date"))["first"] or gist_file.fetched_at
    return when or crash_text.created_at or timezone.now()


@dataclass
class Classified:
    events: list[ReclassifyEvent]  # the moves (none on a first parse)
    reports: int  # reports the text holds now
    titles: list[str]  # the signatures its crashes belong to, in text order


@transaction.atomic
def crash_text_classify(*, crash_text: CrashText, note: str = "") -> Classified:
    """Parse one text and store its reports, replacing what an earlier parse found; a
    quoted text is linked to its signatures but keeps no report (see the module docstring).

    The row is locked so two workers given the same id do not both count its reports.
    """
    locked = CrashText.objects.select_for_update().get(pk=crash_text.pk)
    existing = list(CrashReport.objects.filter(crash_text=locked).order_by("index", "id"))
    first_parse = locked.classified_at is None and not existing
    analysis = parse_log(locked.text)
    parsed = reports_to_store(analysis)
    seen_at = crash_text_seen_at(crash_text)
    new = [(fields, report_signature(fields)) for fields in
           (report_fields(report, analysis, index) for index, report in enumerate(parsed))]
    titles = [signature.title for _, signature in new]
    kept = [] if locked.quote_depth > 0 else new  # a quoted crash is linked, not counted
    events: list[ReclassifyEvent] = []
    if first_parse:
        reports_store_new(reports=[
            CrashReport(crash_text=locked, signature=signature, seen_at=seen_at, **fields)
            for fields, signature in kept])
    else:
        events = reports_replace(
            owner={"crash_text": locked}, existing=existing, new=kept, seen_at=seen_at,
            note=note, gone_note="quoted: not counted" if parsed else "report no longer found")
    CrashText.objects.filter(pk=locked.pk).update(title=titles[0] if titles else "",
                                                  classified_at=timezone.now())
    return Classified(events, len(kept), titles)


def crash_texts_classify(
    *,
    ids: Iterable[int] | None = None,
    reclassify: bool = False,
    note: str = "",
    progress: Callable[[str], None] | None = None,
) -> ClassifySummary:
    """Classify the given crash texts (all when ``ids`` is None) not classified yet; with
    ``reclassify`` re-parse classified ones too (``manage.py reclassify --all``)."""
    texts = CrashText.objects.select_related("message", "gist_file").order_by("pk")
    if ids is not None:
        texts = texts.filter(pk__in=sorted(set(ids)))
    if not reclassify:
        texts = texts.filter(classified_at__isnull=True)
    summary = ClassifySummary()
    if ids is None:  # the sweep (beat, cron): also repair what deleted crash texts left
        summary.recounted = signatures_recount_stale()
    for crash_text in texts.iterator(chunk_size=200):
        done = crash_text_classify(crash_text=crash_text, note=note)
        summary.texts += 1
        summary.reports += done.reports
        summary.no_crash += not done.titles
        summary.quoted += bool(done.titles) and not done.reports
        summary.moved += len(done.events)
        if progress:
            for event in done.events:
                progress(f"crash text {crash_text.pk}: {event.old_title or '-'!s} -> "
                         f"{event.new_title or '-'!s}")
    return summary


def signatures_recount_stale() -> int:
    """Recount signatures whose ``report_count`` disagrees with their reports.

    A crash text deleted in threads (a gist whose content changed, a placeholder replaced
    by the real mail, a removed thread) takes its reports with it (CASCADE) without telling
    the counters; the periodic sweep repairs them. Returns how many were recounted.
    """
    stale = list(CrashSignature.objects.annotate(n=Count("reports"))
                 .exclude(report_count=F("n")).values_list("pk", flat=True))
    if stale:
        signatures.signatures_recount(signature_ids=stale)
    return len(stale)
