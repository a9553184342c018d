"""Read queries of ci_results for the API, pages and digests (no writes here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min, Prefetch, QuerySet, Sum

from ci_results import stats
from ci_results.models import CrashReport, CrashSignature, Rollup, Run
from ci_results.models.runs import DEMO_ORIGIN, UNPARSED_LOG


class BadCursor(ValueError):
    """A pagination cursor this API did not hand out."""


def _cursor_id(cursor: str | None) -> int | None:
    if cursor in (None, ""):
        return None
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 18:
        raise BadCursor(f"bad cursor {cursor!r}")
    return int(cursor)


def runs_filtered(
    *,
    kernel: int | None = None,
    config: str | None = None,
    reproducer: str | None = None,
    outcome: str | None = None,
    signature: int | None = None,
    since: datetime | None = None,
    origin: str | None = None,
    include_demo: bool = True,
) -> QuerySet[Run]:
    runs = Run.objects.all()
    if kernel is not None:
        runs = runs.filter(kernel_id=kernel)
    if config:
        runs = runs.filter(config__name=config)
    if reproducer:
        runs = runs.filter(reproducer__name=reproducer)
    if outcome:
        runs = runs.filter(outcome=outcome)
    if signature is not None:
        runs = runs.filter(crash_reports__signature_id=signature).distinct()
    if since is not None:
        runs = runs.filter(started_at__gte=since)
    if origin:
        runs = runs.filter(origin__name=origin)
    if not include_demo:
        runs = runs.exclude(origin__name=DEMO_ORIGIN)
    return runs


def _with_details(runs: QuerySet[Run]) -> QuerySet[Run]:
    return runs.select_related("origin", "kernel", "config", "reproducer").prefetch_related(
        Prefetch("crash_reports", queryset=CrashReport.objects.order_by("index", "id"))
    )


def runs_page(
    *, cursor: str | None = None, limit: int = 50, **filters
) -> tuple[list[Run], str | None]:
    """Newest first by id; the cursor is the last id seen (stable under concurrent inserts)."""
    after = _cursor_id(cursor)
    runs = runs_filtered(**filters).order_by("-id")
    if after is not None:
        runs = runs.filter(id__lt=after)
    items = list(_with_details(runs)[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (str(items[-1].id) if more and items else None)


def run_detail(*, pk: int) -> Run | None:
    return _with_details(Run.objects.filter(pk=pk)).first()


def signatures_page(
    *, status: str | None = None, cursor: str | None = None, limit: int = 50
) -> tuple[list[CrashSignature], str | None]:
    after = _cursor_id(cursor)
    sigs = CrashSignature.objects.order_by("-id")
    if status:
        sigs = sigs.filter(status=status)
    if after is not None:
        sigs = sigs.filter(id__lt=after)
    items = list(sigs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (str(items[-1].id) if more and items else None)


def signature_detail(*, pk: int) -> CrashSignature | None:
    return (CrashSignature.objects.select_related("duplicate_of", "representative")
            .filter(pk=pk).first())


def signature_reports(*, signature: CrashSignature, limit: int = 100) -> list[CrashReport]:
    return list(signature.reports.select_related("run__kernel", "run__config",
                                                 "run__reproducer", "run__origin")
                .order_by("-seen_at", "-id")[:limit])


@dataclass(frozen=True)
class RateRow:
    kernel_id: int
    kernel: str
    config_id: int
    config: str
    reproducer_id: int
    reproducer: str
    runs: int
    passes: int
    crashes: int
    hangs: int
    errors: int
    skips: int
    estimate: stats.RateEstimate  # crashes / (pass + crash + hang), Wilson 95%

    @property
    def kernel_results(self) -> int:
        return self.passes + self.crashes + self.hangs


def _rollups(*, since: date | None, until: date | None, include_demo: bool,
             kernel: int | None = None, config: str | None = None,
             reproducer: str | None = None) -> QuerySet[Rollup]:
    rows = Rollup.objects.all()
    if since is not None:
        rows = rows.filter(day__gte=since)
    if until is not None:
        rows = rows.filter(day__lte=until)
    if kernel is not None:
        rows = rows.filter(kernel_id=kernel)
    if config:
        rows = rows.filter(config__name=config)
    if reproducer:
        rows = rows.filter(reproducer__name=reproducer)
    if not include_demo:
        # Rollups do not know origins: keep kernels that real (non-demo) runs tested. The
        # demo set uses kernels of its own (tree "demo/..."), so none is shared.
        real = Run.objects.exclude(origin__name=DEMO_ORIGIN).values("kernel_id")
        rows = rows.filter(kernel_id__in=real)
    return rows


def rates_summary(*, since: date | None = None, until: date | None = None,
                  include_demo: bool = True, kernel: int | None = None,
                  config: str | None = None, reproducer: str | None = None) -> list[RateRow]:
    """Failure rates (crash + hang) per kernel x config x reproducer from the rollups."""
    rows = (
        _rollups(since=since, until=until, include_demo=include_demo, kernel=kernel,
                 config=config, reproducer=reproducer)
        .values("kernel_id", "kernel__label", "kernel__tag", "kernel__version",
                "config_id", "config__name", "reproducer_id", "reproducer__name")
        .annotate(runs_=Sum("runs"), passes_=Sum("passes"), crashes_=Sum("crashes"),
                  hangs_=Sum("hangs"), errors_=Sum("errors"), skips_=Sum("skips"))
        .order_by("kernel_id", "config__name", "reproducer__name")
    )
    out = []
    for r in rows:
        counts = stats.OutcomeCounts(passes=r["passes_"], crashes=r["crashes_"],
                                     hangs=r["hangs_"], errors=r["errors_"], skips=r["skips_"])
        out.append(RateRow(
            kernel_id=r["kernel_id"],
            kernel=r["kernel__label"] or r["kernel__tag"] or r["kernel__version"],
            config_id=r["config_id"], config=r["config__name"],
            reproducer_id=r["reproducer_id"], reproducer=r["reproducer__name"],
            runs=r["runs_"], passes=r["passes_"], crashes=r["crashes_"], hangs=r["hangs_"],
            errors=r["errors_"], skips=r["skips_"],
            # Failures are crashes and hangs, as on the pages and in the fix verdict.
            estimate=counts.failure_rate(),
        ))
    return out


def rollup_daily(*, kernel: int, config: int, reproducer: int,
                 since: date | None = None) -> list[Rollup]:
    """Per-day rows of one kernel x config x reproducer, oldest first (for trend charts)."""
    rows = Rollup.objects.filter(kernel_id=kernel, config_id=config, reproducer_id=reproducer)
    if since is not None:
        rows = rows.filter(day__gte=since)
    return list(rows.order_by("day"))


@dataclass(frozen=True)
class ParseBacklog:
    waiting: int  # runs whose console log has not been parsed yet
    oldest: datetime | None  # when the longest-waiting of them was received


def parse_backlog() -> ParseBacklog:
    """Logs waiting for the parser (the drain's partial index makes this cheap): a count
    that stays high, or an old ``oldest``, says the Celery worker is down or behind."""
    agg = Run.objects.filter(UNPARSED_LOG).aggregate(
        waiting=Count("id"), oldest=Min("received_at"))
    return ParseBacklog(agg["waiting"], agg["oldest"])
