"""Crash-rate statistics: Wilson intervals, Fisher's exact test, "is it fixed?". Pure, no Django.

What counts: only kernel results. ``error`` and ``skip`` are infrastructure and never enter a
rate. A hang is a failure of the kernel just like a crash, so the rate a page shows and the
verdicts use is ``(crash + hang) / (pass + crash + hang)`` (``OutcomeCounts.failure_rate``);
otherwise a "fix" that turns a crash into a hang would read as fixed. The DESIGN's narrower
``crash / (pass + crash + hang)`` and the hang share stay available
(``OutcomeCounts.crash_rate`` / ``hang_rate``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Z95 = 1.959964  # two-sided 95% normal quantile
Alternative = Literal["greater", "less", "two-sided"]
# scipy's tolerance for "as or less likely than the observed table" in the two-sided test.
_TWO_SIDED_RTOL = 1e-7
_SEARCH_CAP = 10_000_000


def _check_counts(crashes: int, runs: int) -> None:
    if runs < 0 or crashes < 0 or crashes > runs:
        raise ValueError(f"need 0 <= crashes <= runs, got {crashes} of {runs}")


def wilson_interval(crashes: int, runs: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion; ``(0.0, 1.0)`` when there are no runs."""
    _check_counts(crashes, runs)
    if runs == 0:
        return 0.0, 1.0
    p = crashes / runs
    z2 = z * z
    denom = 1 + z2 / runs
    centre = (p + z2 / (2 * runs)) / denom
    half = z * math.sqrt(p * (1 - p) / runs + z2 / (4 * runs * runs)) / denom
    low = 0.0 if crashes == 0 else max(0.0, centre - half)
    high = 1.0 if crashes == runs else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class RateEstimate:
    """``crashes`` of ``runs`` with a Wilson 95% interval.

    With zero crashes only the upper bound means something (``upper_bound_only``); the
    rule-of-three bound ``3 / runs`` is given alongside (it is the one-sided 95% bound,
    slightly tighter than Wilson's two-sided one). ``rate`` is None when there are no runs.
    """

    crashes: int
    runs: int
    rate: float | None
    low: float
    high: float
    upper_bound_only: bool
    rule_of_three: float | None

    def describe(self) -> str:
        """One line for a page or a digest: '12/40 runs failed: 30.0% (95% CI 18.1-45.4%)'."""
        if self.runs == 0:
            return "no runs"
        head = f"{self.crashes}/{self.runs} runs failed"
        if self.upper_bound_only:
            three = f"{self.rule_of_three:.1%}"
            return f"{head}: below {self.high:.1%} (95% upper bound; 3/n gives {three})"
        return f"{head}: {self.rate:.1%} (95% CI {self.low:.1%}-{self.high:.1%})"


def crash_rate(crashes: int, runs: int, z: float = Z95) -> RateEstimate:
    """Rate estimate of ``crashes`` failures in ``runs`` kernel results (pass + crash + hang)."""
    low, high = wilson_interval(crashes, runs, z)
    return RateEstimate(
        crashes=crashes,
        runs=runs,
        rate=crashes / runs if runs else None,
        low=low,
        high=high,
        upper_bound_only=crashes == 0,
        rule_of_three=min(1.0, 3 / runs) if crashes == 0 and runs else None,
    )


@dataclass(frozen=True)
class OutcomeCounts:
    """Run outcomes of one kernel x config x reproducer (e.g. a rollup row summed)."""

    passes: int = 0
    crashes: int = 0
    hangs: int = 0
    errors: int = 0
    skips: int = 0

    @property
    def runs(self) -> int:
        """Kernel results only: pass + crash + hang."""
        return self.passes + self.crashes + self.hangs

    @property
    def failures(self) -> int:
        return self.crashes + self.hangs

    def failure_rate(self) -> RateEstimate:
        """(crash + hang) / (pass + crash + hang): the rate pages and verdicts use."""
        return crash_rate(self.failures, self.runs)

    def crash_rate(self) -> RateEstimate:
        """crash / (pass + crash + hang), hangs left out of the numerator."""
        return crash_rate(self.crashes, self.runs)

    def hang_rate(self) -> RateEstimate:
        return crash_rate(self.hangs, self.runs)


def _log_hypergeom(x: int, row1: int, col1: int, total: int) -> float:
    """log P(X = x): x crashes in row 1 of a 2x2 table with the given margins."""
    return (
        _log_comb(col1, x) + _log_comb(total - col1, row1 - x) - _log_comb(total, row1)
    )


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _log_sum_exp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(math.fsum(math.exp(v - top) for v in values))


def fisher_exact(a: int, b: int, c: int, d: int, alternative: Alternative = "greater") -> float:
    """Fisher's exact p-value for the table [[a, b], [c, d]].

    Rows are the two kernels (base, fix), columns (failed, clean). ``greater`` tests whether
    row 1 fails more often than row 2 (odds ratio > 1), ``less`` the reverse; ``two-sided``
    sums every table no more likely than the observed one. Log-space, so margins of 100k runs
    are fine; the cost grows with the number of failures, not runs.
    """
    if min(a, b, c, d) < 0:
        raise ValueError(f"negative cell in [[{a}, {b}], [{c}, {d}]]")
    row1, col1, total = a + b, a + c, a + b + c + d
    lo, hi = max(0, row1 + col1 - total), min(row1, col1)
    if lo == hi:
        return 1.0
    if alternative == "greater":
        xs = range(a, hi + 1)
    elif alternative == "less":
        xs = range(lo, a + 1)
    elif alternative == "two-sided":
        observed = _log_hypergeom(a, row1, col1, total)
        limit = observed + math.log1p(_TWO_SIDED_RTOL)
        logs = [v for x in range(lo, hi + 1)
                if (v := _log_hypergeom(x, row1, col1, total)) <= limit]
        return min(1.0, math.exp(_log_sum_exp(logs)))
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    return min(1.0, math.exp(_log_sum_exp([_log_hypergeom(x, row1, col1, total) for x in xs])))


def clean_runs_rule(base_rate: float, alpha: float = 0.05) -> int | None:
    """Clean runs n with (1 - p)^n <= alpha: n >= ln(alpha) / ln(1 - p); None when p == 0."""
    if base_rate <= 0:
        return None
    if base_rate >= 1:
        return 1
    return max(1, math.ceil(math.log(alpha) / math.log1p(-base_rate) - 1e-9))


def more_clean_runs_needed(
    base_crashes: int, base_runs: int, fix_crashes: int, fix_runs: int, alpha: float = 0.05
) -> int | None:
    """Fewest extra clean runs on the fix kernel that make the one-sided Fisher p < alpha.

    0 when it already is; None when no number of clean runs can (the base never failed, or
    the answer is above ten million). The p-value falls as clean runs are added, so a
    doubling search followed by bisection finds the smallest one.
    """
    if base_crashes == 0:
        return None
    a, b, c = base_crashes, base_runs - base_crashes, fix_crashes

    def significant(extra: int) -> bool:
        return fisher_exact(a, b, c, fix_runs - fix_crashes + extra) < alpha

    if significant(0):
        return 0
    high = 1
    while not significant(high):
        high *= 2
        if high > _SEARCH_CAP:
            return None
    low = high // 2  # not significant at low (or low == 0, checked above)
    while high - low > 1:
        mid = (low + high) // 2
        if significant(mid):
            high = mid
        else:
            low = mid
    return high


@dataclass(frozen=True)
class FixVerdict:
    """Is the candidate fix better than its base? See ``fix_verdict`` for the rule."""

    verdict: Literal["fixed", "not fixed", "not enough runs"]
    p_value: float | None
    alpha: float
    base: RateEstimate
    fix: RateEstimate
    more_clean_runs_needed: int | None
    clean_runs_rule: int | None
    explanation: str


def fix_verdict(
    base_crashes: int, base_runs: int, fix_crashes: int, fix_runs: int, alpha: float = 0.05
) -> FixVerdict:
    """Compare a kernel with a candidate fix against its base (counts: failures / kernel results).

    The rule, with p the one-sided Fisher exact p-value that the base fails more often:
    - "not enough runs" when either kernel has no runs, or the base never failed (nothing to
      fix is shown yet), or the fix kernel has not failed but p >= alpha;
    - "fixed" when p < alpha (the fix kernel's rate is significantly lower; if it still
      failed, the explanation says the rate is lower but not zero);
    - "not fixed" when the fix kernel still failed and p >= alpha.
    ``more_clean_runs_needed`` is the exact Fisher answer (extra clean runs on the fix kernel
    that would bring p under alpha); ``clean_runs_rule`` is the quick rule
    n >= ln(alpha)/ln(1 - p_base), a total of clean runs in a row.
    """
    base, fix = crash_rate(base_crashes, base_runs), crash_rate(fix_crashes, fix_runs)
    rule = clean_runs_rule(base.rate or 0.0, alpha)
    facts = f"Base: {base.describe()}. Fix: {fix.describe()}."
    if base_runs == 0 or fix_runs == 0:
        return FixVerdict("not enough runs", None, alpha, base, fix, None, rule,
                          f"{facts} Both kernels need runs before they can be compared.")
    if base_crashes == 0:
        return FixVerdict("not enough runs", None, alpha, base, fix, None, None,
                          f"{facts} The base kernel never failed, so there is nothing to "
                          "show fixed yet: run the reproducer on the base until it fails.")
    p = fisher_exact(base_crashes, base_runs - base_crashes, fix_crashes, fix_runs - fix_crashes)
    more = more_clean_runs_needed(base_crashes, base_runs, fix_crashes, fix_runs, alpha)
    test = f"One-sided Fisher exact test: p = {p:.3g}"
    if p < alpha:
        tail = (f" The fix kernel still failed {fix_crashes} times: the rate is lower, not zero."
                if fix_crashes else "")
        return FixVerdict("fixed", p, alpha, base, fix, 0, rule,
                          f"{facts} {test} < {alpha:g}: significantly lower.{tail}")
    need = ""
    if more is not None:
        need = f" {more} more clean runs on the fix kernel would bring p under {alpha:g}"
        rule_text = f" (the rule ln({alpha:g})/ln(1-p) asks for {rule} clean runs in all)"
        need += f"{rule_text}." if rule else "."
    if fix_crashes == 0:
        return FixVerdict("not enough runs", p, alpha, base, fix, more, rule,
                          f"{facts} {test} >= {alpha:g}: no failure yet, too few runs.{need}")
    return FixVerdict("not fixed", p, alpha, base, fix, more, rule,
                      f"{facts} {test} >= {alpha:g}: the fix kernel still fails at a rate "
                      f"not significantly lower than the base.{need}")


@dataclass(frozen=True)
class Boundary:
    """Where an ordered series of kernels (or days) turns bad, with intervals that separate."""

    last_good: str
    first_bad: str
    good: RateEstimate
    bad: RateEstimate
    undecided: tuple[str, ...]  # labels between the two whose intervals overlap both


def first_bad_last_good(points: Sequence[tuple[str, int, int]]) -> Boundary | None:
    """First regression in ``(label, failures, runs)`` points, oldest first.

    The first bad point is the earliest whose Wilson interval lies wholly above the interval
    of an earlier point; the last good one is the latest such earlier point. Points with no
    runs are ignored. None when no two intervals separate (no boundary can be claimed).
    """
    seen: list[tuple[str, RateEstimate]] = []
    for label, crashes, runs in points:
        estimate = crash_rate(crashes, runs)
        if runs == 0:
            continue
        for index in range(len(seen) - 1, -1, -1):
            good_label, good = seen[index]
            if good.high < estimate.low:
                undecided = tuple(name for name, _ in seen[index + 1:])
                return Boundary(good_label, label, good, estimate, undecided)
        seen.append((label, estimate))
    return None


@dataclass(frozen=True)
class RateChange:
    old: RateEstimate
    new: RateEstimate
    p_value: float  # two-sided Fisher exact
    significant: bool
    direction: Literal["up", "down", "same"]


def rate_change(old: tuple[int, int], new: tuple[int, int], alpha: float = 0.05) -> RateChange:
    """Did the failure rate move between two periods? ``old``/``new`` are (failures, runs)."""
    before, after = crash_rate(*old), crash_rate(*new)
    p = fisher_exact(old[0], old[1] - old[0], new[0], new[1] - new[0], "two-sided")
    direction: Literal["up", "down", "same"] = "same"
    if before.rate is not None and after.rate is not None and before.rate != after.rate:
        direction = "up" if after.rate > before.rate else "down"
    return RateChange(before, after, p, p < alpha, direction)


def significant_change(old: tuple[int, int], new: tuple[int, int], alpha: float = 0.05) -> bool:
    """True when a digest should call the change real (two-sided Fisher p < alpha)."""
    return rate_change(old, new, alpha).significant
