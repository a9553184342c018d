"""Trends: failure rate per config over time and across kernels, runs per day (rollups only)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.db.models.functions import TruncWeek

from ci_results.models import Config, Kernel, Rollup
from ci_results.stats import OutcomeCounts, first_bad_last_good
from dashboard import charts
from dashboard.selectors.common import ROLLUP_SUMS, counts_of, kernel_key

DEFAULT_DAYS = 90
MAX_SERIES = 12  # configs drawn per chart; more are listed, not drawn


@dataclass
class Trends:
    since: date | None
    until: date | None
    over_time: list[charts.RateSeries]
    across_kernels: list[charts.RateSeries]
    boundaries: list[charts.Boundary]
    per_day: list[charts.DayCounts]


def _point(x: object, counts: OutcomeCounts) -> charts.RatePoint:
    est = counts.failure_rate()
    return charts.RatePoint(x, est.rate or 0.0, est.low, est.high, est.runs)


def trends(*, reproducer_id: int | None = None, config_id: int | None = None,
           days: int = DEFAULT_DAYS) -> Trends:
    """Rates by week (days bucketed so each point has enough runs), by kernel, runs per day,
    all over the ``days`` up to the newest rollup day.

    6 queries: the newest day, three GROUP BYs on the window's rollups (week x config, day,
    kernel x config), kernels and configs.
    """
    rows = Rollup.objects.all()
    if reproducer_id is not None:
        rows = rows.filter(reproducer_id=reproducer_id)
    if config_id is not None:
        rows = rows.filter(config_id=config_id)
    until = rows.aggregate(last=Max("day"))["last"]
    if until is None:
        return Trends(None, None, [], [], [], [])
    since = until - timedelta(days=days - 1)
    window = rows.filter(day__gte=since)
    # Weeks and days are summed in SQL: a year of days x configs would be 6,000 rows here.
    by_week_config = list(window.annotate(week=TruncWeek("day")).values("week", "config_id")
                          .annotate(**ROLLUP_SUMS).order_by())
    by_day = list(window.values("day").annotate(**ROLLUP_SUMS).order_by("day"))
    by_kernel_config = list(window.values("kernel_id", "config_id").annotate(**ROLLUP_SUMS)
                            .order_by())
    configs = Config.objects.in_bulk({r["config_id"] for r in by_kernel_config}
                                     | {r["config_id"] for r in by_week_config})
    kernels = Kernel.objects.in_bulk({r["kernel_id"] for r in by_kernel_config})

    weekly: dict[int, dict[date, OutcomeCounts]] = defaultdict(dict)
    for r in by_week_config:
        week = r["week"].date() if isinstance(r["week"], datetime) else r["week"]
        weekly[r["config_id"]][week] = counts_of(r)
    per_day = []
    for r in by_day:
        n = counts_of(r)
        per_day.append(charts.DayCounts(r["day"], {
            "pass": n.passes, "crash": n.crashes, "hang": n.hangs, "error": n.errors,
            "skip": n.skips}))
    order = sorted(configs.values(), key=lambda c: c.name)[:MAX_SERIES]
    over_time = [
        charts.RateSeries(c.name, tuple(_point(w, n) for w, n in sorted(weekly[c.pk].items())
                                        if n.runs))
        for c in order if c.pk in weekly
    ]
    per_kernel: dict[int, list[tuple[Kernel, OutcomeCounts]]] = defaultdict(list)
    for r in by_kernel_config:
        per_kernel[r["config_id"]].append((kernels[r["kernel_id"]], counts_of(r)))
    across, boundaries = [], []
    for c in order:
        points = sorted(per_kernel.get(c.pk, []), key=lambda kc: kernel_key(kc[0]))
        points = [(k, n) for k, n in points if n.runs]
        if not points:
            continue
        across.append(charts.RateSeries(
            c.name, tuple(_point(k.display_name, n) for k, n in points)))
        found = first_bad_last_good([(k.display_name, n.failures, n.runs) for k, n in points])
        if found is not None:
            boundaries.append(charts.Boundary(c.name, found.last_good, found.first_bad))
    return Trends(since, until, over_time, across, boundaries, per_day)
