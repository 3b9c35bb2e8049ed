"""Exact tests and intervals against published values and first principles."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from reviewkit.methods import exact_tests as stats


# Exact Poisson 95% limits (Garwood), as tabulated e.g. in the Public Health England technical
# guide "Confidence intervals for rates" (Byar/exact tables).
@pytest.mark.parametrize(
    "x,low,high",
    [
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (2, 0.2422, 7.225),
        (5, 1.6235, 11.668),
        (10, 4.7954, 18.390),
        (20, 12.217, 30.889),
    ],
)
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
    return min(
        1.0,
        sum(
            sps.binom.pmf(i, n, p)
            for i in range(n + 1)
            if sps.binom.pmf(i, n, p) <= pk * (1 + 1e-7)
        ),
    )


@pytest.mark.parametrize(
    "a,ta,b,tb",
    [(10, 12, 3, 12), (4, 12, 4, 12), (0, 12, 5, 12), (120, 24, 45, 12), (3, 1.0, 11, 2.0)],
)
def test_compare_counts_is_the_conditional_binomial(a, ta, b, tb):
    res = stats.compare_counts(a, ta, b, tb)
    expected = _two_sided_binomial_p(b, a + b, tb / (ta + tb))
    assert res.p_value == pytest.approx(expected, rel=1e-6)
    if a:
        assert res.ratio == pytest.approx((b / tb) / (a / ta))
    assert res.ratio_low <= (res.ratio if a else math.inf) <= res.ratio_high


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.one_of(st.sampled_from([0.5, 1 / 3, 0.25]), st.floats(0.001, 0.999)),
)
def test_binomial_p_is_the_two_sided_exact_test(kn, p):
    k, n = kn
    expected = sps.binomtest(k, n, p).pvalue
    assert stats.binomial_p(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-250)


def test_compare_counts_small_counts_are_not_significant():
    assert not stats.compare_counts(3, 12, 6, 12).significant
    assert stats.compare_counts(40, 12, 15, 12).significant


def test_fisher_matches_the_tea_tasting_example():
    # Fisher's lady tasting tea: 3 of 4 right each way, two-sided p = 0.4857; R's fisher.test
    # gives the conditional maximum likelihood odds ratio 6.408309 (not the sample odds ratio
    # 9) with the interval from 0.2117 (R documentation, `fisher.test`)
    res = stats.compare_proportions(1, 4, 3, 4)
    assert res.p_value == pytest.approx(0.4857, abs=1e-4)
    assert res.ratio == pytest.approx(6.408309, abs=1e-4)
    assert res.ratio_low == pytest.approx(0.2117, abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=4, max_size=4))
def test_the_odds_ratio_and_its_interval_come_from_one_method(cells):
    table = [cells[:2], cells[2:]]
    ref = sps.contingency.odds_ratio(table, kind="conditional").statistic
    mine = stats.conditional_odds_ratio(table)
    if math.isnan(ref):
        assert math.isnan(mine)
    elif math.isfinite(ref):
        assert mine == pytest.approx(ref, rel=1e-7, abs=1e-12)
    else:
        assert mine == ref
    lo, hi = stats.odds_ratio_ci(table)
    if not math.isnan(mine):
        assert lo <= mine <= hi


def test_proportion_ci_clopper_pearson():
    lo, hi = stats.proportion_ci(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.3085, abs=1e-4)  # 1 - 0.025 ** (1/10)
    lo, hi = stats.proportion_ci(10, 10)
    assert lo == pytest.approx(0.025 ** (1 / 10), abs=1e-4) and hi == 1.0


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.05, 0.01, 0.1]),
)
def test_proportion_ci_is_the_exact_binomial_interval(kn, alpha):
    # scipy finds the Clopper-Pearson limits by root-finding on the binomial tails
    k, n = kn
    ref = sps.binomtest(k, n).proportion_ci(1 - alpha, method="exact")
    lo, hi = stats.proportion_ci(k, n, alpha)
    assert lo == pytest.approx(ref.low, abs=1e-9) and hi == pytest.approx(ref.high, abs=1e-9)


def test_odds_ratio_interval_matches_the_tea_tasting_example():
    # R's fisher.test on Fisher's tea tasting table (3 1 / 1 3): two-sided 95% interval from
    # 0.2117; one-sided ("greater") 95% from 0.3136 (R documentation, `fisher.test`)
    lo, hi = stats.odds_ratio_ci([[3, 1], [1, 3]])
    assert lo == pytest.approx(0.2117, abs=1e-4) and 600 < hi < 650
    assert stats.odds_ratio_ci([[3, 1], [1, 3]], alpha=0.1)[0] == pytest.approx(0.3136, abs=1e-4)
    assert stats.odds_ratio_ci([[0, 5], [3, 2]])[0] == 0.0  # no successes: no lower bound
    assert stats.odds_ratio_ci([[5, 0], [2, 3]])[1] == math.inf
    assert stats.odds_ratio_ci([[0, 0], [3, 4]]) == (0.0, math.inf)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=4, max_size=4))
def test_odds_ratio_interval_is_the_conditional_exact_interval(cells):
    table = [cells[:2], cells[2:]]
    ref = sps.contingency.odds_ratio(table, kind="conditional").confidence_interval(0.95)
    lo, hi = stats.odds_ratio_ci(table)
    for mine, theirs in ((lo, ref.low), (hi, ref.high)):
        assert mine == (pytest.approx(theirs, rel=1e-8) if math.isfinite(theirs) else theirs)


# Over-dispersion: quasi-Poisson rate ratio, worked from first principles -------------------------
def test_dispersion_is_pearson_chi2_over_df():
    # window means 20 and 20: X2 = (100 + 0 + 100) / 20 = 10 on 6 - 2 = 4 df
    assert stats.dispersion([10, 20, 30], [20, 20, 20]) == (pytest.approx(2.5), 4)
    # with month-of-year effects: fitted = row x column / total of the 3 x 2 table
    # rows 30, 40, 50; columns 60, 60; total 120 -> fitted 15, 20, 25 in each column
    # X2 = 2 x 25/15 + 0 + 2 x 25/25 = 5.333 on (3 - 1)(2 - 1) = 2 df
    phi, df = stats.dispersion([10, 20, 30], [20, 20, 20], same_months=True)
    assert df == 2 and phi == pytest.approx((50 / 15 + 2) / 2)


def test_seasonal_ups_and_downs_are_not_counted_as_noise():
    season = [10, 14, 20, 26, 30, 26, 20, 14, 10, 8, 6, 8]
    phi_plain, _ = stats.dispersion(season, season)
    phi_seasonal, _ = stats.dispersion(season, season, same_months=True)
    assert phi_plain > 3 and phi_seasonal == pytest.approx(0)


def test_quasi_poisson_rate_ratio_by_hand():
    ref, rev = [10, 20, 30], [20, 20, 20]
    res = stats.compare_monthly_counts(ref, 3, rev, 3)
    se = math.sqrt(2.5 * (1 / 60 + 1 / 60))
    t = 2.776445  # t(4) 97.5th percentile, from tables
    assert res.ratio == pytest.approx(1.0) and res.p_value == pytest.approx(1.0)
    assert res.ratio_low == pytest.approx(math.exp(-t * se), rel=1e-5)
    assert res.ratio_high == pytest.approx(math.exp(t * se), rel=1e-5)
    assert res.dispersion == pytest.approx(2.5) and "quasi-Poisson" in res.method


def test_over_dispersion_widens_the_interval_and_can_remove_significance():
    ref = [40, 60, 50, 70, 30, 50]  # 300 in six months, very uneven
    rev = [30, 20, 45, 25, 35, 25]  # 180
    exact = stats.compare_counts(300, 6, 180, 6)
    quasi = stats.compare_monthly_counts(ref, 6, rev, 6)
    # X2 = sum (x - 50)^2 / 50 + sum (x - 30)^2 / 30 = 1000/50 + 400/30 on 12 - 2 = 10 df
    phi = (1000 / 50 + 400 / 30) / 10
    assert quasi.dispersion == pytest.approx(phi)
    se = math.sqrt(phi * (1 / 300 + 1 / 180))
    tstat = abs(math.log(0.6)) / se
    assert quasi.p_value == pytest.approx(2 * sps.t.sf(tstat, 10))
    assert exact.p_value < 1e-6 and quasi.p_value > exact.p_value
    assert quasi.ratio_high - quasi.ratio_low > exact.ratio_high - exact.ratio_low


def test_poisson_like_months_keep_the_exact_test():
    res = stats.compare_monthly_counts([10, 10, 10], 3, [5, 5, 5], 3)
    exact = stats.compare_counts(30, 3, 15, 3)
    assert res.p_value == exact.p_value and res.ratio_low == exact.ratio_low
    assert res.method.startswith("exact Poisson")


@pytest.mark.parametrize(
    "low,high,kind,words",
    [
        (0.7315, 1.0592, "count", "between 27% fewer and 6% more"),
        (1.12, 1.53, "count", "between 12% more and 53% more"),
        (0.76, 0.86, "rate", "between 24% lower and 14% lower"),
        (0.0, math.inf, "count", "between 100% fewer and any amount more"),
    ],
)
def test_interval_words(low, high, kind, words):
    assert stats.interval_words(low, high, kind) == words


@pytest.mark.parametrize(
    "ratio,low,high,sig,better,want",
    [
        (0.88, 0.73, 1.06, False, "lower", "cannot tell"),  # fires: -27% to +6%
        (0.98, 0.93, 1.03, False, "lower", "no real change"),  # narrow: rules out 10% either way
        (0.80, 0.76, 0.86, True, "lower", "improved"),
        (0.80, 0.76, 0.86, True, "higher", "worsened"),
        (1.20, 1.11, 1.28, True, "lower", "worsened"),
    ],
)
def test_verdict(ratio, low, high, sig, better, want):
    cmp = stats.Comparison(0.01 if sig else 0.3, ratio, low, high, sig, "m")
    assert stats.verdict(cmp, better, 10) == want
