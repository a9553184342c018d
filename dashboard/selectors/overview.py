"""The overview page: tracked threads, open signatures with rate and trend, runs, sources."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from ci_results.models import CrashReport, CrashSignature, Rollup, Run
from ci_results.stats import RateChange, RateEstimate, crash_rate, rate_change
from threads.models import Patch, SeriesVersion, Source, Thread

THREADS = 20
SIGNATURES = 15
RUNS = 15
SOURCES = 20
WINDOW = timedelta(days=7)  # the "latest" rate; the trend compares it with the week before


@dataclass
class ThreadLine:
    thread: Thread
    versions: list[SeriesVersion] = field(default_factory=list)  # newest version per series
    statuses: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # per version


@dataclass
class SignatureLine:
    signature: CrashSignature
    where: str  # "kernel · config · reproducer" of the newest report
    rate: RateEstimate | None
    change: RateChange | None


def tracked_threads() -> list[ThreadLine]:
    """4 queries: threads, their series, the newest versions, patch statuses of those."""
    threads = list(Thread.objects.filter(tracked=True).order_by("-updated_at")[:THREADS])
    lines = {t.pk: ThreadLine(t) for t in threads}
    pairs = list(Patch.objects.filter(message__thread__in=list(lines))
                 .values_list("message__thread_id", "series_version__series_id").distinct())
    series_ids = {s for _, s in pairs}
    newest: dict[int, SeriesVersion] = {}
    for v in SeriesVersion.objects.filter(series_id__in=series_ids).select_related("series"):
        if v.series_id not in newest or v.version > newest[v.series_id].version:
            newest[v.series_id] = v
    statuses: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in (Patch.objects.filter(series_version__in=[v.pk for v in newest.values()])
                .values("series_version_id", "status").annotate(n=Count("id"))
                .order_by("series_version_id", "status")):
        statuses[row["series_version_id"]].append((row["status"], row["n"]))
    for thread_id, series_id in pairs:
        version = newest.get(series_id)
        line = lines[thread_id]
        if version is not None and version not in line.versions:
            line.versions.append(version)
            line.statuses[version.pk] = statuses.get(version.pk, [])
    return list(lines.values())


def _newest(field_name: str) -> Subquery:
    return Subquery(CrashReport.objects.filter(signature=OuterRef("pk"), run__isnull=False)
                    .order_by("-seen_at", "-id").values(field_name)[:1])


def open_signatures() -> list[SignatureLine]:
    """3 queries: open signatures with the kernel x config x reproducer of their newest run
    report; their reports in the last two weeks there; the rollups of those two weeks."""
    sigs = list(CrashSignature.objects.filter(status=CrashSignature.Status.OPEN)
                .order_by("-last_seen", "-id")
                .annotate(k=_newest("run__kernel_id"), c=_newest("run__config_id"),
                          r=_newest("run__reproducer_id"),
                          k_name=_newest("run__kernel__label"),
                          k_version=_newest("run__kernel__version"),
                          k_tag=_newest("run__kernel__tag"),
                          c_name=_newest("run__config__name"),
                          r_name=_newest("run__reproducer__name"))[:SIGNATURES])
    located = [s for s in sigs if s.k is not None and s.last_seen is not None]
    hits: dict[int, tuple[int, int]] = {}
    runs: dict[tuple[int, int, int], dict] = defaultdict(dict)
    if located:
        recent_from = F("signature__last_seen") - WINDOW
        rows = (CrashReport.objects.filter(reduce(or_, (
            Q(signature_id=s.pk, run__kernel_id=s.k, run__config_id=s.c,
              run__reproducer_id=s.r, seen_at__gt=s.last_seen - 2 * WINDOW) for s in located)))
            .values("signature_id")
            .annotate(recent=Count("run_id", distinct=True, filter=Q(seen_at__gt=recent_from)),
                      total=Count("run_id", distinct=True)).order_by())
        hits = {r["signature_id"]: (r["recent"], r["total"] - r["recent"]) for r in rows}
        for row in (Rollup.objects.filter(reduce(or_, (
                Q(kernel_id=s.k, config_id=s.c, reproducer_id=s.r,
                  day__gt=(s.last_seen - 2 * WINDOW).date(), day__lte=s.last_seen.date())
                for s in located)))
                .values("kernel_id", "config_id", "reproducer_id", "day")
                .annotate(n=Sum(F("passes") + F("crashes") + F("hangs"))).order_by()):
            runs[(row["kernel_id"], row["config_id"], row["reproducer_id"])][row["day"]] = row["n"]
    lines = []
    located_pks = {s.pk for s in located}
    for s in sigs:
        rate = change = None
        if s.pk in located_pks:
            by_day = runs[(s.k, s.c, s.r)]
            cut = (s.last_seen - WINDOW).date()
            recent_runs = sum(n for d, n in by_day.items() if d > cut)
            prior_runs = sum(n for d, n in by_day.items() if d <= cut)
            recent, prior = hits.get(s.pk, (0, 0))
            recent, prior = min(recent, recent_runs), min(prior, prior_runs)
            rate = crash_rate(recent, recent_runs)
            if prior_runs and recent_runs:
                change = rate_change((prior, prior_runs), (recent, recent_runs))
        where = " · ".join(x for x in (s.k_name or s.k_tag or s.k_version, s.c_name, s.r_name) if x)
        lines.append(SignatureLine(s, where, rate, change))
    return lines


def latest_runs() -> list[Run]:
    return list(Run.objects.select_related("kernel", "config", "reproducer", "origin")
                .order_by("-started_at", "-id")[:RUNS])


def failing_sources() -> list[Source]:
    return list(Source.objects.filter(Q(consecutive_failures__gt=0) | Q(last_status__gte=400))
                .select_related("thread").order_by("-last_checked_at")[:SOURCES])
