"""Results matrix: kernel x config, each cell a failure rate with its interval (2-4 queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max

from ci_results.models import Config, Kernel, Rollup
from ci_results.stats import OutcomeCounts, RateEstimate
from dashboard.selectors.common import ROLLUP_SUMS, counts_of, kernel_key

SORTS = ("name", "-name", "rate", "-rate", "runs", "-runs")
DEFAULT_DAYS = 90


@dataclass
class Cell:
    kernel: Kernel
    config: Config
    counts: OutcomeCounts
    rate: RateEstimate


@dataclass
class Line:
    """A row (kernel) or a column (config) with its totals, for sorting and headers."""

    item: Kernel | Config
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)

    @property
    def rate(self) -> RateEstimate:
        return self.counts.failure_rate()


@dataclass
class Matrix:
    rows: list[Line]
    columns: list[Line]
    cells: dict[tuple[int, int], Cell]
    since: date | None = None  # first day counted (None: all days)
    until: date | None = None

    def grid(self) -> list[tuple[Line, list[Cell | None]]]:
        return [(row, [self.cells.get((row.item.pk, col.item.pk)) for col in self.columns])
                for row in self.rows]


def _sort(lines: list[Line], sort: str, name_key) -> list[Line]:
    reverse = sort.startswith("-")
    what = sort.lstrip("-")
    if what == "rate":
        key = lambda line: (line.rate.rate if line.rate.rate is not None else -1.0)  # noqa: E731
    elif what == "runs":
        key = lambda line: line.counts.runs  # noqa: E731
    else:
        key = lambda line: name_key(line.item)  # noqa: E731
    return sorted(lines, key=key, reverse=reverse)


def results_matrix(
    *, reproducer_id: int | None = None, row_sort: str = "name", col_sort: str = "name",
    days: int | None = DEFAULT_DAYS,
) -> Matrix:
    """Sum rollups per kernel x config (optionally for one reproducer) over the ``days`` up to
    the newest rollup day (None: every day); 4 queries.

    The window keeps the GROUP BY to the rollups of recent days (the day index finds them),
    so the page costs the same after years of runs.
    """
    rows = Rollup.objects.all()
    if reproducer_id is not None:
        rows = rows.filter(reproducer_id=reproducer_id)
    since = until = None
    if days is not None:
        until = rows.aggregate(last=Max("day"))["last"]
        if until is not None:
            since = until - timedelta(days=days - 1)
            rows = rows.filter(day__gte=since)
    sums = list(rows.values("kernel_id", "config_id").annotate(**ROLLUP_SUMS).order_by())
    kernels = Kernel.objects.in_bulk({r["kernel_id"] for r in sums})
    configs = Config.objects.in_bulk({r["config_id"] for r in sums})
    row_sums = {pk: [0] * 5 for pk in kernels}
    col_sums = {pk: [0] * 5 for pk in configs}
    cells: dict[tuple[int, int], Cell] = {}
    for r in sums:
        counts = counts_of(r)
        k, c = r["kernel_id"], r["config_id"]
        cells[(k, c)] = Cell(kernels[k], configs[c], counts, counts.failure_rate())
        for total in (row_sums[k], col_sums[c]):
            for i, n in enumerate((counts.passes, counts.crashes, counts.hangs, counts.errors,
                                   counts.skips)):
                total[i] += n
    row_lines = {pk: Line(kernels[pk], OutcomeCounts(*n)) for pk, n in row_sums.items()}
    col_lines = {pk: Line(configs[pk], OutcomeCounts(*n)) for pk, n in col_sums.items()}
    row_sort = row_sort if row_sort in SORTS else "name"
    col_sort = col_sort if col_sort in SORTS else "name"
    return Matrix(
        rows=_sort(list(row_lines.values()), row_sort, kernel_key),
        columns=_sort(list(col_lines.values()), col_sort, lambda c: c.name),
        cells=cells, since=since, until=until,
    )
