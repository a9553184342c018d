"""Helpers shared by the page selectors: kernel ordering, rollup sums, choices."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from ci_results.models import Config, Kernel, Reproducer, Rollup
from ci_results.stats import OutcomeCounts, RateEstimate

ROLLUP_SUMS = {
    "passes_sum": Sum("passes"), "crashes_sum": Sum("crashes"), "hangs_sum": Sum("hangs"),
    "errors_sum": Sum("errors"), "skips_sum": Sum("skips"),
}

# "6.9.0-rc6", "v6.9-rc5", "6.10.0-next-20240430": numbers, then rc (before the release).
_VERSION_RE = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-rc(\d+))?(.*)")


def kernel_sort_key(version: str, label: str = "", pk: int = 0) -> tuple:
    """Order kernels by version: 6.9-rc5 < 6.9-rc6 < 6.9 < 6.9 + patches < 6.10-rc1."""
    match = _VERSION_RE.match(version.strip())
    if not match:
        return ((10**6,), version, label, pk)
    major, minor, patch, rc, rest = match.groups()
    numbers = (int(major), int(minor or 0), int(patch or 0))
    release = (0, int(rc)) if rc else (1, 0)
    return (numbers, release, rest, label, pk)


def kernel_key(kernel: Kernel) -> tuple:
    return kernel_sort_key(kernel.version, kernel.display_name, kernel.pk)


def counts_of(row: dict) -> OutcomeCounts:
    """OutcomeCounts from a ``values(...).annotate(**ROLLUP_SUMS)`` row."""
    return OutcomeCounts(
        passes=row["passes_sum"] or 0, crashes=row["crashes_sum"] or 0,
        hangs=row["hangs_sum"] or 0, errors=row["errors_sum"] or 0, skips=row["skips_sum"] or 0,
    )


@dataclass(frozen=True)
class Choices:
    kernels: list[Kernel]
    configs: list[Config]
    reproducers: list[Reproducer]


def choices() -> Choices:
    """Kernels (in version order), configs and reproducers for filter forms: 3 queries."""
    kernels = sorted(Kernel.objects.all(), key=kernel_key)
    return Choices(kernels, list(Config.objects.all()), list(Reproducer.objects.all()))


def rollup_rows(**filters: object) -> QuerySet:
    return Rollup.objects.filter(**{k: v for k, v in filters.items() if v is not None})


def rate_of(counts: OutcomeCounts) -> RateEstimate:
    return counts.failure_rate()
