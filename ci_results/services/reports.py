"""Crash reports of a run: its stored log parsed, reports attached to signatures.

Used by the drain of new logs after ingest (services.newlogs) and by ``manage.py
reclassify``; re-parsing moves a report whose title changed to its new signature and
records the move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ci_results.models import CrashReport, CrashSignature, ReclassifyEvent, Run
from ci_results.parsing.crash import parse_log_file
from ci_results.parsing.types import CrashReport as ParsedReport
from ci_results.parsing.types import LogAnalysis
from ci_results.services import logs, signatures


def _clean(text: str | None, limit: int) -> str:
    # PostgreSQL text cannot hold NUL; a serial console sometimes prints it.
    return (text or "").replace("\x00", "")[:limit]


def _fields(parsed: ParsedReport, analysis: LogAnalysis, index: int) -> dict:
    kernel = parsed.kernel or analysis.kernel
    return {
        "title": _clean(parsed.title, 500),
        "alt_titles": [_clean(t, 500) for t in parsed.alt_titles],
        "crash_type": _clean(parsed.crash_type, 64),
        "corrupted": parsed.corrupted,
        "suppressed": parsed.suppressed,
        "panicked": analysis.panicked,
        "guilty_frame": _clean(parsed.guilty_frame, 300),
        "frames": [_clean(f, 300) for f in parsed.frames],
        "report": _clean(parsed.report, 1_000_000),
        "kernel_version": _clean(kernel.version or analysis.kernel.version, 100),
        "taint": _clean(kernel.taint or analysis.kernel.taint, 100),
        "hardware": _clean(kernel.hardware or analysis.kernel.hardware, 300),
        "workqueue": _clean(kernel.workqueue or analysis.kernel.workqueue, 200),
        "comm": _clean(kernel.comm or analysis.kernel.comm, 100),
        "rip": _clean(kernel.rip or analysis.kernel.rip, 300),
        "index": index,
        "start": parsed.start,
        "end": parsed.end,
    }


# Public name of the mapping: crash text from mail and gists is stored the same way
# (ci_results.services.crashtexts).
report_fields = _fields


def parse_stored_log(*, path: str) -> LogAnalysis:
    with logs.log_open_bytes(path=path) as stream:
        return parse_log_file(stream)


@transaction.atomic
def run_store_reports(*, run: Run, analysis: LogAnalysis, note: str = "") -> list[ReclassifyEvent]:
    """Attach the parsed reports to the run, replacing what an earlier parse found.

    Returns the moves (reports whose signature changed, appeared on re-parse, or vanished).
    """
    if run.parsed_at is None and _claim_first_parse(run):
        # Reports are only written together with ``parsed_at`` (this transaction), and the
        # claim holds the run's row lock until commit: there is nothing to replace.
        runs_store_first_reports(parsed=[(run, analysis)])
        return []
    existing = list(
        CrashReport.objects.select_for_update().filter(run=run).order_by("index", "id")
    )
    new = [(fields, report_signature(fields)) for fields in
           (_fields(parsed, analysis, index)
            for index, parsed in enumerate(reports_to_store(analysis)))]
    events = reports_replace(owner={"run": run}, existing=existing, new=new,
                             seen_at=run.started_at, note=note)
    Run.objects.filter(pk=run.pk).update(parsed_at=timezone.now())
    return events


def reports_replace(
    *,
    owner: dict[str, Any],
    existing: Sequence[CrashReport],
    new: Sequence[tuple[dict[str, Any], CrashSignature]],
    seen_at: datetime,
    note: str = "",
    gone_note: str = "report no longer found",
) -> list[ReclassifyEvent]:
    """A re-parse's reports (fields, signature) in place of the stored ones of one log or
    text (``owner``: ``{"run": run}`` or ``{"crash_text": text}``, its rows locked by the
    caller): report i keeps its row, one whose signature changed, appeared or vanished is
    recorded as a move, and the signatures touched are recounted. Returns the moves."""
    run = owner.get("run")
    events: list[ReclassifyEvent] = []
    touched: set[int] = set()
    for index, (fields, signature) in enumerate(new):
        if index < len(existing):
            report = existing[index]
            if report.signature_id != signature.pk:
                events.append(ReclassifyEvent(
                    run=run, report=report, old_signature_id=report.signature_id,
                    new_signature=signature, old_title=report.title, new_title=fields["title"],
                    note=note))
                touched.update({report.signature_id, signature.pk})
            for name, value in fields.items():
                setattr(report, name, value)
            report.signature, report.seen_at = signature, seen_at
            report.save()
            continue
        report = CrashReport.objects.create(**owner, signature=signature, seen_at=seen_at,
                                            **fields)
        touched.add(signature.pk)
        events.append(ReclassifyEvent(run=run, report=report, new_signature=signature,
                                      new_title=fields["title"], note=note or "new report"))
    for report in existing[len(new):]:
        touched.add(report.signature_id)
        events.append(ReclassifyEvent(run=run, old_signature_id=report.signature_id,
                                      old_title=report.title, note=note or gone_note))
        report.delete()
    ReclassifyEvent.objects.bulk_create(events)
    if touched:
        signatures.signatures_recount(signature_ids=touched)
    return events


def runs_store_first_reports(*, parsed: Sequence[tuple[Run, LogAnalysis]]) -> int:
    """Store the reports of runs parsed for the first time (the caller holds their claim):
    one INSERT for all reports, one counter UPDATE per signature. Returns how many."""
    # A chunk's logs mostly share a few titles: one lookup per title and alternative
    # titles (the same title with other alternatives may belong elsewhere).
    found: dict[tuple[str, tuple[str, ...]], CrashSignature] = {}
    objs: list[CrashReport] = []
    for run, analysis in parsed:
        for index, report in enumerate(reports_to_store(analysis)):
            fields = _fields(report, analysis, index)
            key = (fields["title"], tuple(fields["alt_titles"]))
            signature = found.get(key)
            if signature is None:
                signature = found[key] = report_signature(fields)
            objs.append(CrashReport(run=run, signature=signature, seen_at=run.started_at,
                                    **fields))
    reports_store_new(reports=objs)
    return len(objs)


def reports_store_new(*, reports: Sequence[CrashReport]) -> None:
    """Insert reports of logs or texts parsed for the first time (unsaved, signature and
    seen_at set) with one statement, and count them in with one UPDATE per signature."""
    if not reports:
        return
    CrashReport.objects.bulk_create(reports)
    counts: dict[int, list[CrashReport]] = {}
    for report in reports:
        counts.setdefault(report.signature_id, []).append(report)
    for signature_id in sorted(counts):  # one order for all: concurrent drains never deadlock
        added = counts[signature_id]
        signatures.signature_count_reports(
            signature_id=signature_id, count=len(added),
            first_seen=min(r.seen_at for r in added), last_seen=max(r.seen_at for r in added),
            representative_id=min(r.pk for r in added))


def reports_to_store(analysis: LogAnalysis) -> list[ParsedReport]:
    """The reports stored for a log or a crash text (one without a title has nothing to
    file)."""
    return [r for r in analysis.reports if r.title] if analysis.contains_crash else []


def _claim_first_parse(run: Run) -> bool:
    """Mark a never-parsed run parsed (this transaction); False when it already was, by
    another parse that committed meanwhile (its reports are then replaced as on re-parse)."""
    now = timezone.now()
    if Run.objects.filter(pk=run.pk, parsed_at__isnull=True).update(parsed_at=now) != 1:
        return False
    run.parsed_at = now
    return True


def report_signature(fields: dict) -> CrashSignature:
    """The signature of a report by its fields (title, then alternative titles)."""
    return signatures.signature_for(title=fields["title"], alt_titles=fields["alt_titles"],
                                    crash_type=fields["crash_type"])


@dataclass(frozen=True)
class ParseResult:
    reports: int  # crash reports found in the log, now attached to the run
    events: list[ReclassifyEvent]  # what moved, when the run was parsed before


def run_parse_log(*, run: Run, note: str = "") -> ParseResult:
    """Parse a run's stored console log and store what it finds (no log: nothing to do)."""
    if not run.log_path:
        return ParseResult(0, [])
    analysis = parse_stored_log(path=run.log_path)
    events = run_store_reports(run=run, analysis=analysis, note=note)
    return ParseResult(len(reports_to_store(analysis)), events)
