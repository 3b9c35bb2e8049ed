"""Exact tests and intervals that hold for small counts.

- Two counts over two exposures (e.g. crimes in the baseline year and the review year): the
  conditional binomial test of equal rates (exact Poisson rate ratio), with an exact
  (Clopper-Pearson based) interval for the rate ratio.
- A count's rate per 1,000: exact Poisson (Garwood) interval from the chi-squared distribution.
- Two proportions: Fisher's exact test; each proportion with a Clopper-Pearson interval.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import stats


@dataclass(frozen=True)
class Comparison:
    """The result of comparing a review value with a reference value."""

    p_value: float
    ratio: float  # rate ratio or odds ratio (review / reference)
    ratio_low: float
    ratio_high: float
    significant: bool
    method: str


def poisson_ci(count: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for a Poisson count."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low), float(high)


def rate_ci(count: int, denominator: float, per: float = 1000.0,
            alpha: float = 0.05) -> tuple[float, float, float]:
    """(rate, low, high) per `per` of `denominator`, exact for small counts."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    low, high = poisson_ci(count, alpha)
    k = per / denominator
    return count * k, low * k, high * k


def compare_counts(reference: int, reference_exposure: float, review: int,
                   review_exposure: float, alpha: float = 0.05) -> Comparison:
    """Exact test that two Poisson rates are equal, conditional on their total.

    Given n = reference + review events, the review count is Binomial(n, p0) under equal
    rates, with p0 = review_exposure / (reference_exposure + review_exposure).
    """
    if reference < 0 or review < 0:
        raise ValueError("counts cannot be negative")
    if reference_exposure <= 0 or review_exposure <= 0:
        raise ValueError("exposures must be positive")
    n = reference + review
    p0 = review_exposure / (reference_exposure + review_exposure)
    scale = reference_exposure / review_exposure
    if n == 0:
        return Comparison(1.0, float("nan"), 0.0, float("inf"), False, "exact Poisson")
    test = stats.binomtest(review, n, p0)
    ci = test.proportion_ci(confidence_level=1 - alpha, method="exact")

    def to_ratio(p: float) -> float:
        return float("inf") if p >= 1 else p / (1 - p) * scale

    ratio = (review / review_exposure) / (reference / reference_exposure) if reference else (
        float("inf"))
    return Comparison(float(test.pvalue), float(ratio), to_ratio(ci.low), to_ratio(ci.high),
                      bool(test.pvalue < alpha), "exact Poisson (conditional binomial)")


def proportion_ci(successes: int, trials: int, alpha: float = 0.05) -> tuple[float, float]:
    """Clopper-Pearson interval for a proportion."""
    if trials == 0:
        return 0.0, 1.0
    ci = stats.binomtest(successes, trials).proportion_ci(1 - alpha, method="exact")
    return float(ci.low), float(ci.high)


def compare_proportions(ref_successes: int, ref_trials: int, successes: int, trials: int,
                        alpha: float = 0.05) -> Comparison:
    """Fisher's exact test of two proportions; the ratio is the odds ratio with its
    conditional exact interval."""
    table = [[successes, trials - successes], [ref_successes, ref_trials - ref_successes]]
    res = stats.fisher_exact(table)
    ci = stats.contingency.odds_ratio(table, kind="conditional").confidence_interval(1 - alpha)
    return Comparison(float(res.pvalue), float(res.statistic), float(ci.low), float(ci.high),
                      bool(res.pvalue < alpha), "Fisher's exact test")
