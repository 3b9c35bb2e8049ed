"""Exact tests and intervals against published values and first principles."""

import math

import pytest
from scipy import stats as sps

from reviewkit import stats


# Exact Poisson 95% limits (Garwood), as tabulated e.g. in the Public Health England technical
# guide "Confidence intervals for rates" (Byar/exact tables).
@pytest.mark.parametrize("x,low,high", [(0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.2422, 7.225),
                                        (5, 1.6235, 11.668), (10, 4.7954, 18.390),
                                        (20, 12.217, 30.889)])
def test_poisson_ci_matches_tables(x, low, high):
    lo, hi = stats.poisson_ci(x)
    assert lo == pytest.approx(low, abs=5e-4)
    assert hi == pytest.approx(high, abs=5e-3)


def test_rate_ci_scales_the_count_interval():
    rate, lo, hi = stats.rate_ci(5, 2000)
    assert rate == pytest.approx(2.5)
    assert lo == pytest.approx(1.6235 / 2, abs=1e-3)
    assert hi == pytest.approx(11.668 / 2, abs=1e-3)


def _two_sided_binomial_p(k, n, p):
    """Two-sided exact p-value by summing outcomes no more likely than the one seen."""
    pk = sps.binom.pmf(k, n, p)
    return min(1.0, sum(sps.binom.pmf(i, n, p) for i in range(n + 1)
                        if sps.binom.pmf(i, n, p) <= pk * (1 + 1e-7)))


@pytest.mark.parametrize("a,ta,b,tb", [(10, 12, 3, 12), (4, 12, 4, 12), (0, 12, 5, 12),
                                       (120, 24, 45, 12), (3, 1.0, 11, 2.0)])
def test_compare_counts_is_the_conditional_binomial(a, ta, b, tb):
    res = stats.compare_counts(a, ta, b, tb)
    expected = _two_sided_binomial_p(b, a + b, tb / (ta + tb))
    assert res.p_value == pytest.approx(expected, rel=1e-6)
    if a:
        assert res.ratio == pytest.approx((b / tb) / (a / ta))
    assert res.ratio_low <= (res.ratio if a else math.inf) <= res.ratio_high


def test_compare_counts_small_counts_are_not_significant():
    assert not stats.compare_counts(3, 12, 6, 12).significant
    assert stats.compare_counts(40, 12, 15, 12).significant


def test_fisher_matches_the_tea_tasting_example():
    # Fisher's lady tasting tea: 3 of 4 right each way, two-sided p = 0.4857.
    res = stats.compare_proportions(1, 4, 3, 4)
    assert res.p_value == pytest.approx(0.4857, abs=1e-4)


def test_proportion_ci_clopper_pearson():
    lo, hi = stats.proportion_ci(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.3085, abs=1e-4)  # 1 - 0.025 ** (1/10)
