"""Crash signatures: the list and one signature with its history, counts and runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min

from ci_results.models import Config, CrashReport, CrashSignature, Kernel, SignatureEvent
from dashboard.selectors.common import kernel_key
from dashboard.selectors.crash_sightings import (
    REPORT_RELATED,
    Sighting,
    crash_sightings,
    sighting_threads,
)
from threads.models import Thread

LIST_SIZE = 50
RECENT_RUNS = 25
# Per kernel / per config counts look up each report's run: bounded to the newest reports
# (the page says so) so a signature with 100,000 reports costs what one with 1,000 does.
COUNTED_REPORTS = 1000


def signatures_page(*, status: str | None = None, page: int = 1) -> Page:
    """Newest-seen first, 50 per page; ordered and filtered on (status, last_seen)."""
    sigs = CrashSignature.objects.order_by("-last_seen", "-id")
    if status:
        sigs = sigs.filter(status=status)
    paginator = Paginator(sigs, LIST_SIZE)
    return paginator.get_page(page)


@dataclass(frozen=True)
class CountLine:
    name: str
    pk: int
    reports: int
    first: object
    last: object


@dataclass
class SignatureDetail:
    signature: CrashSignature
    events: list[SignatureEvent]
    per_kernel: list[CountLine]
    per_config: list[CountLine]
    representative: CrashReport | None
    recent: list[CrashReport]  # newest reports of runs, with their runs
    counted: int  # reports behind per_kernel / per_config (the newest COUNTED_REPORTS)
    capped: bool  # the run reports were more than COUNTED_REPORTS: the page says so
    mail_reports: list[CrashReport]  # found in mail or gists (no run), with their message/gist
    # The messages, gists and threads that show the same crash (crash_sightings.py).
    sightings: list[Sighting] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)


def _lines(rows: list[dict], key: str, names: dict[int, str]) -> list[CountLine]:
    """Sum (kernel, config) rows over one of the two."""
    merged: dict[int, list] = {}
    for r in rows:
        line = merged.setdefault(r[key], [0, r["first"], r["last"]])
        line[0] += r["n"]
        line[1], line[2] = min(line[1], r["first"]), max(line[2], r["last"])
    return [CountLine(names[pk], pk, n, first, last) for pk, (n, first, last) in merged.items()]


def signature_detail(pk: int) -> SignatureDetail:
    """8 queries whatever the number of reports; the counts are one GROUP BY (kernel, config)
    over the signature's newest COUNTED_REPORTS run reports, summed both ways here."""
    sig = CrashSignature.objects.select_related("duplicate_of").get(pk=pk)
    events = list(SignatureEvent.objects.filter(signature=sig)
                  .select_related("user", "duplicate_of").order_by("at", "id"))
    reports = CrashReport.objects.filter(signature=sig)
    newest = (reports.filter(run__isnull=False).order_by("-seen_at", "-id")
              .values("pk")[:COUNTED_REPORTS])
    cells = list(CrashReport.objects.filter(pk__in=newest)
                 .values("run__kernel_id", "run__config_id")
                 .annotate(n=Count("id"), first=Min("seen_at"), last=Max("seen_at")).order_by())
    kernels = Kernel.objects.in_bulk({r["run__kernel_id"] for r in cells})
    configs = Config.objects.in_bulk({r["run__config_id"] for r in cells})
    per_kernel = _lines(cells, "run__kernel_id", {k: v.display_name for k, v in kernels.items()})
    per_kernel.sort(key=lambda line: kernel_key(kernels[line.pk]))
    per_config = _lines(cells, "run__config_id", {k: v.name for k, v in configs.items()})
    per_config.sort(key=lambda line: line.name)
    representative = None
    if sig.representative_id:
        representative = (CrashReport.objects.select_related("run")
                          .filter(pk=sig.representative_id).first())
    recent = list(reports.filter(run__isnull=False)
                  .select_related("run", "run__kernel", "run__config", "run__reproducer")
                  .order_by("-seen_at", "-id")[:RECENT_RUNS])
    mail_reports = list(reports.filter(run__isnull=True).select_related(*REPORT_RELATED)
                        .order_by("-seen_at")[:RECENT_RUNS])
    counted = sum(r["n"] for r in cells)
    sightings = crash_sightings(mail_reports)  # one more query: messages linking the gists
    return SignatureDetail(
        signature=sig, events=events,
        per_kernel=per_kernel, per_config=per_config,
        counted=counted, capped=counted >= COUNTED_REPORTS and sig.report_count > counted,
        representative=representative, recent=recent, mail_reports=mail_reports,
        sightings=sightings, threads=sighting_threads(sightings),
    )
