"""ci_results/stats.py against values computed independently.

References: Newcombe (1998), "Two-sided confidence intervals for the single proportion",
Statistics in Medicine 17:857-872, table I, method 3 (Wilson score, no continuity correction);
Fisher's tea-tasting table; and exact hypergeometric sums in rational arithmetic below.
"""

import math
from fractions import Fraction

import pytest

from ci_results.stats import (
    OutcomeCounts,
    clean_runs_rule,
    crash_rate,
    first_bad_last_good,
    fisher_exact,
    fix_verdict,
    more_clean_runs_needed,
    rate_change,
    significant_change,
    wilson_interval,
)


def exact_fisher(a: int, b: int, c: int, d: int, alternative: str) -> Fraction:
    """The hypergeometric sums, exactly, straight from the definition."""
    row1, col1, total = a + b, a + c, a + b + c + d
    lo, hi = max(0, row1 + col1 - total), min(row1, col1)

    # P(X = lo) from binomial coefficients, then P(X = x + 1) / P(X = x) exactly.
    pmf = {lo: Fraction(math.comb(col1, lo) * math.comb(total - col1, row1 - lo),
                        math.comb(total, row1))}
    for x in range(lo, hi):
        pmf[x + 1] = pmf[x] * Fraction((col1 - x) * (row1 - x),
                                       (x + 1) * (total - col1 - row1 + x + 1))
    if alternative == "greater":
        return sum((pmf[x] for x in range(a, hi + 1)), Fraction(0))
    if alternative == "less":
        return sum((pmf[x] for x in range(lo, a + 1)), Fraction(0))
    return sum((v for v in pmf.values() if v <= pmf[a]), Fraction(0))


@pytest.mark.parametrize(("crashes", "runs", "low", "high"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_it_matches_newcombes_wilson_intervals(crashes, runs, low, high):
    got = wilson_interval(crashes, runs)
    assert got == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_it_gives_the_closed_form_upper_bound_for_zero_crashes():
    # With p = 0 the Wilson upper bound is z^2 / (n + z^2).
    z2 = 1.959964**2
    for runs in (1, 10, 100, 100_000):
        assert wilson_interval(0, runs) == (0.0, pytest.approx(z2 / (runs + z2), rel=1e-12))


def test_it_puts_the_bounds_on_the_score_equation():
    # The bounds are the roots of (k/n - p)^2 = z^2 p (1 - p) / n.
    z, k, n = 1.959964, 7, 31
    for p in wilson_interval(k, n):
        assert (k / n - p) ** 2 == pytest.approx(z * z * p * (1 - p) / n, rel=1e-9)


def test_it_reports_an_upper_bound_and_the_rule_of_three_for_zero_crashes():
    estimate = crash_rate(0, 100)
    assert estimate.upper_bound_only
    assert estimate.rule_of_three == pytest.approx(0.03)
    assert estimate.high == pytest.approx(0.0370, abs=1e-4)
    assert estimate.describe() == "0/100 runs failed: below 3.7% (95% upper bound; 3/n gives 3.0%)"


def test_it_has_no_rate_without_runs():
    estimate = crash_rate(0, 0)
    assert (estimate.rate, estimate.low, estimate.high) == (None, 0.0, 1.0)
    assert estimate.describe() == "no runs"


def test_it_rejects_impossible_counts():
    with pytest.raises(ValueError):
        crash_rate(5, 4)
    with pytest.raises(ValueError):
        fisher_exact(-1, 2, 3, 4)


def test_it_counts_hangs_as_kernel_failures_and_ignores_infrastructure():
    counts = OutcomeCounts(passes=30, crashes=8, hangs=2, errors=50, skips=9)
    assert counts.runs == 40
    assert counts.failure_rate().rate == pytest.approx(10 / 40)
    assert counts.crash_rate().rate == pytest.approx(8 / 40)
    assert counts.hang_rate().rate == pytest.approx(2 / 40)


def test_it_matches_the_tea_tasting_p_values():
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(17 / 70, rel=1e-12)
    assert fisher_exact(3, 1, 1, 3, "two-sided") == pytest.approx(34 / 70, rel=1e-12)
    assert fisher_exact(3, 1, 1, 3, "less") == pytest.approx(69 / 70, rel=1e-12)


@pytest.mark.parametrize("table", [
    (12, 28, 0, 5), (12, 28, 2, 38), (1, 99, 0, 3), (0, 10, 0, 10), (5, 0, 0, 5),
    (40, 160, 35, 165), (2, 998, 9, 991), (7, 13, 7, 13),
])
@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_it_matches_exact_rational_fisher(table, alternative):
    expected = float(exact_fisher(*table, alternative))
    assert fisher_exact(*table, alternative) == pytest.approx(min(1.0, expected), rel=1e-9)


def test_it_stays_stable_for_a_hundred_thousand_runs():
    table = (60, 49_940, 25, 49_975)
    expected = float(exact_fisher(*table, "greater"))
    assert fisher_exact(*table) == pytest.approx(expected, rel=1e-7)
    assert 0 < fisher_exact(*table, "two-sided") < 1e-3


def test_it_applies_the_clean_runs_rule():
    # (1 - 0.3)^9 = 0.040 <= 0.05 < (1 - 0.3)^8 = 0.058
    assert clean_runs_rule(0.3) == 9
    assert clean_runs_rule(0.01) == 299
    assert clean_runs_rule(0.0) is None
    assert clean_runs_rule(1.0) == 1


def test_it_finds_the_fewest_clean_runs_by_exact_search():
    base_crashes, base_runs = 12, 40
    for fix_runs in (0, 3, 5):
        needed = more_clean_runs_needed(base_crashes, base_runs, 0, fix_runs)
        scan = next(m for m in range(200)
                    if exact_fisher(12, 28, 0, fix_runs + m, "greater") < Fraction(1, 20))
        assert needed == scan
    assert more_clean_runs_needed(0, 40, 0, 5) is None


def test_it_calls_many_clean_runs_after_a_crashing_base_fixed():
    verdict = fix_verdict(12, 40, 0, 40)
    assert verdict.verdict == "fixed"
    assert verdict.p_value == pytest.approx(float(exact_fisher(12, 28, 0, 40, "greater")))
    assert "significantly lower" in verdict.explanation


def test_it_asks_for_more_runs_when_the_fix_is_clean_but_short():
    verdict = fix_verdict(12, 40, 0, 5)
    assert verdict.verdict == "not enough runs"
    assert verdict.more_clean_runs_needed == 5
    assert verdict.clean_runs_rule == 9
    assert "5 more clean runs" in verdict.explanation
    assert verdict.fix.upper_bound_only


def test_it_says_not_fixed_when_the_fix_still_crashes_as_often():
    verdict = fix_verdict(12, 40, 3, 10)
    assert verdict.verdict == "not fixed"
    assert verdict.p_value > 0.05
    assert "still fails" in verdict.explanation


def test_it_says_fixed_but_not_zero_for_a_partial_fix():
    verdict = fix_verdict(12, 40, 2, 40)
    assert verdict.verdict == "fixed"
    assert "lower, not zero" in verdict.explanation


def test_it_needs_a_failing_base_before_judging():
    assert fix_verdict(0, 100, 0, 100).verdict == "not enough runs"
    assert fix_verdict(5, 10, 0, 0).verdict == "not enough runs"


def test_it_finds_the_boundary_where_intervals_separate():
    boundary = first_bad_last_good([
        ("v6.8", 0, 200), ("v6.9-rc5", 1, 10), ("v6.9-rc6", 12, 40), ("next-20240430", 9, 30),
    ])
    assert boundary is not None
    assert (boundary.last_good, boundary.first_bad) == ("v6.8", "v6.9-rc6")
    assert boundary.undecided == ("v6.9-rc5",)
    assert boundary.good.high < boundary.bad.low


def test_it_claims_no_boundary_when_intervals_overlap():
    assert first_bad_last_good([("v6.8", 1, 10), ("v6.9-rc5", 3, 10), ("v6.9-rc6", 0, 0)]) is None


def test_it_flags_only_significant_changes_for_digests():
    assert significant_change((1, 100), (12, 40))
    assert not significant_change((3, 30), (4, 30))
    change = rate_change((12, 40), (0, 40))
    assert change.direction == "down"
    assert change.p_value == pytest.approx(float(exact_fisher(12, 28, 0, 40, "two-sided")))
