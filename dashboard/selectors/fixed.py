"""'Is it fixed?': a base kernel against a kernel with a candidate fix, from rollups."""

from __future__ import annotations

from dataclasses import dataclass

from ci_results.models import Rollup
from ci_results.stats import FixVerdict, OutcomeCounts, fix_verdict
from dashboard.selectors.common import ROLLUP_SUMS, counts_of


@dataclass(frozen=True)
class FixComparison:
    base: OutcomeCounts
    fix: OutcomeCounts
    verdict: FixVerdict


def fix_comparison(*, base_id: int, fix_id: int, config_id: int | None = None,
                   reproducer_id: int | None = None) -> FixComparison:
    """One GROUP BY over the two kernels' rollups (index on kernel, config, reproducer)."""
    rows = Rollup.objects.filter(kernel_id__in=[base_id, fix_id])
    if config_id is not None:
        rows = rows.filter(config_id=config_id)
    if reproducer_id is not None:
        rows = rows.filter(reproducer_id=reproducer_id)
    sums = {r["kernel_id"]: counts_of(r)
            for r in rows.values("kernel_id").annotate(**ROLLUP_SUMS).order_by()}
    base, fix = sums.get(base_id, OutcomeCounts()), sums.get(fix_id, OutcomeCounts())
    verdict = fix_verdict(base.failures, base.runs, fix.failures, fix.runs)
    return FixComparison(base, fix, verdict)
