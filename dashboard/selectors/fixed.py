"""'Is it fixed?': a base kernel against a kernel with a candidate fix, from rollups."""

from __future__ import annotations

from dataclasses import dataclass

from ci_results.models import Kernel, Rollup
from ci_results.stats import FixVerdict, OutcomeCounts, fix_verdict
from dashboard.selectors.common import ROLLUP_SUMS, counts_of
from dashboard.selectors.patches import PatchRef, patch_refs


@dataclass(frozen=True)
class FixComparison:
    base: OutcomeCounts
    fix: OutcomeCounts
    verdict: FixVerdict


def _sums(kernel_ids: set[int], *, config_id: int | None = None,
          reproducer_id: int | None = None) -> dict[int, OutcomeCounts]:
    """Outcome counts per kernel: one GROUP BY over the kernels' rollups."""
    rows = Rollup.objects.filter(kernel_id__in=kernel_ids)
    if config_id is not None:
        rows = rows.filter(config_id=config_id)
    if reproducer_id is not None:
        rows = rows.filter(reproducer_id=reproducer_id)
    return {r["kernel_id"]: counts_of(r)
            for r in rows.values("kernel_id").annotate(**ROLLUP_SUMS).order_by()}


def _compare(sums: dict[int, OutcomeCounts], base_id: int, fix_id: int) -> FixComparison:
    base, fix = sums.get(base_id, OutcomeCounts()), sums.get(fix_id, OutcomeCounts())
    return FixComparison(base, fix, fix_verdict(base.failures, base.runs, fix.failures, fix.runs))


def fix_comparison(*, base_id: int, fix_id: int, config_id: int | None = None,
                   reproducer_id: int | None = None) -> FixComparison:
    """One GROUP BY over the two kernels' rollups (index on kernel, config, reproducer)."""
    sums = _sums({base_id, fix_id}, config_id=config_id, reproducer_id=reproducer_id)
    return _compare(sums, base_id, fix_id)


@dataclass(frozen=True)
class Candidate:
    fix: Kernel  # a kernel with patches on top of ``base``
    base: Kernel
    comparison: FixComparison  # over every config and reproducer
    patches: list[PatchRef]  # what ``fix`` carries: the series version(s) or commits


def fix_candidates(*, limit: int = 50) -> list[Candidate]:
    """The kernels that carry patches on a known base, newest first, each with its verdict
    against the base (all configs and reproducers): what a maintainer came to compare."""
    fixes = list(Kernel.objects.filter(base__isnull=False).select_related("base")
                 .order_by("-id")[:limit])
    if not fixes:
        return []
    sums = _sums({k.pk for k in fixes} | {k.base_id for k in fixes})
    refs = patch_refs(fixes)
    return [Candidate(k, k.base, _compare(sums, k.base_id, k.pk), refs[k.pk]) for k in fixes]
