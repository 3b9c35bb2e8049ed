"""Tests and intervals for counts, rates and proportions.

- Two counts over two exposures (e.g. crimes in the baseline year and the review year): the
  conditional binomial test of equal rates (exact Poisson rate ratio), with an exact
  (Clopper-Pearson based) interval for the rate ratio.
- A count's rate per 1,000: exact Poisson (Garwood) interval from the chi-squared distribution.
- Two proportions: Fisher's exact test; each proportion with a Clopper-Pearson interval.
- Two windows of monthly counts that vary more than Poisson (crime is clustered): the
  quasi-Poisson rate ratio, with the dispersion estimated from the monthly counts.
- The interval of a rate ratio in words, and a verdict that says when the figures cannot tell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize, special, stats


@dataclass(frozen=True)
class Comparison:
    """The result of comparing a review value with a reference value."""

    p_value: float
    ratio: float  # rate ratio or odds ratio (review / reference)
    ratio_low: float
    ratio_high: float
    significant: bool
    method: str
    dispersion: float = 1.0  # the dispersion the test allowed for (1 = Poisson)


def poisson_ci(count: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for a Poisson count."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low), float(high)


def exact_poisson_limits(expected: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Continuous exact Poisson limits (counts) around each expected count E, as UK public
    health practice draws funnels (PHE/OHID Fingertips technical guidance; the rate funnels
    of PHEindicatormethods): the upper limit is the O with P(X >= O | E) = alpha / 2 and the
    lower the O with P(X <= O | E) = alpha / 2, read through the regularised incomplete gamma
    function (P(X >= O) = P(O, E), P(X <= O) = Q(O + 1, E)) so that O is continuous rather
    than a step-shaped integer quantile; the lower limit is 0 when even no event is that
    unlikely."""
    half = (1 - level) / 2
    e = np.atleast_1d(np.asarray(expected, dtype=float))
    low, high = np.zeros(len(e)), np.zeros(len(e))
    for i, lam in enumerate(e):
        if not lam > 0:
            continue
        top = lam + 40 * math.sqrt(lam) + 40

        def above(a: float, lam: float = lam) -> float:
            return float(special.gammainc(a, lam)) - half

        def below(a: float, lam: float = lam) -> float:
            return float(special.gammaincc(a + 1, lam)) - half

        high[i] = optimize.brentq(above, 1e-12, top, xtol=1e-10, rtol=1e-12)
        if below(0.0) < 0:
            low[i] = optimize.brentq(below, 0.0, top, xtol=1e-10, rtol=1e-12)
    return low, high


def rate_ci(
    count: int, denominator: float, per: float = 1000.0, alpha: float = 0.05
) -> tuple[float, float, float]:
    """(rate, low, high) per `per` of `denominator`, exact for small counts."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    low, high = poisson_ci(count, alpha)
    k = per / denominator
    return count * k, low * k, high * k


def compare_counts(
    reference: int,
    reference_exposure: float,
    review: int,
    review_exposure: float,
    alpha: float = 0.05,
) -> Comparison:
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
    p_value = binomial_p(review, n, p0)
    low, high = proportion_ci(review, n, alpha)

    def to_ratio(p: float) -> float:
        return float("inf") if p >= 1 else p / (1 - p) * scale

    ratio = (
        (review / review_exposure) / (reference / reference_exposure)
        if reference
        else (float("inf"))
    )
    return Comparison(
        p_value,
        float(ratio),
        to_ratio(low),
        to_ratio(high),
        bool(p_value < alpha),
        "exact Poisson (conditional binomial)",
    )


# Above this many trials scipy's search over the tails is quicker than summing every outcome.
_SUMMED_UP_TO = 3000


def binomial_p(successes: int, trials: int, p: float) -> float:
    """Two-sided exact binomial p-value: the probability of every outcome no more likely than
    the one seen (with scipy's relative tolerance of 1e-7 for ties). The value of scipy's
    `binomtest(successes, trials, p).pvalue`; for up to a few thousand trials, every
    outcome's probability is worked out in one vectorised step instead of a search."""
    if trials > _SUMMED_UP_TO:
        return float(stats.binomtest(successes, trials, p).pvalue)
    if successes == p * trials:
        return 1.0
    pmf = stats.binom.pmf(np.arange(trials + 1), trials, p)
    return float(min(1.0, pmf[pmf <= pmf[successes] * (1 + 1e-7)].sum()))


def proportion_ci(successes: int, trials: int, alpha: float = 0.05) -> tuple[float, float]:
    """Clopper-Pearson interval for a proportion, from beta quantiles: the binomial tail
    sums the interval is defined by equal beta tails (Clopper and Pearson 1934), so this is
    the interval scipy's `binomtest(...).proportion_ci(method="exact")` finds by root-finding,
    without the search."""
    if trials == 0:
        return 0.0, 1.0
    k, n = int(successes), int(trials)
    low = 0.0 if k == 0 else float(special.betaincinv(k, n - k + 1, alpha / 2))
    high = 1.0 if k == n else float(special.betaincinv(k + 1, n - k, 1 - alpha / 2))
    return low, high


def compare_proportions(
    ref_successes: int, ref_trials: int, successes: int, trials: int, alpha: float = 0.05
) -> Comparison:
    """Fisher's exact test of two proportions; the ratio is the conditional maximum likelihood
    odds ratio with its conditional exact interval: estimate and interval from one method
    (as R's `fisher.test` gives them), not the sample odds ratio beside the conditional
    interval."""
    table = [[successes, trials - successes], [ref_successes, ref_trials - ref_successes]]
    res = stats.fisher_exact(table)
    low, high = odds_ratio_ci(table, alpha)
    return Comparison(
        float(res.pvalue),
        conditional_odds_ratio(table),
        low,
        high,
        bool(res.pvalue < alpha),
        "Fisher's exact test",
    )


def _noncentral(table: Sequence[Sequence[int]]) -> tuple[int, np.ndarray, np.ndarray] | None:
    """(first cell, its possible values k, log central hypergeometric weights of k) given the
    margins of a 2 x 2 table; None when a margin is zero."""
    t = np.asarray(table, dtype=np.int64)
    if (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any():
        return None
    x, total, row, col = int(t[0, 0]), int(t.sum()), int(t[0].sum()), int(t[:, 0].sum())
    k = np.arange(max(0, col - (total - row)), min(row, col) + 1)
    log_w = (
        special.gammaln(row + 1)
        - special.gammaln(k + 1)
        - special.gammaln(row - k + 1)
        + special.gammaln(total - row + 1)
        - special.gammaln(col - k + 1)
        - special.gammaln(total - row - col + k + 1)
    )
    return x, k, log_w


def conditional_odds_ratio(table: Sequence[Sequence[int]]) -> float:
    """The conditional maximum likelihood odds ratio of a 2 x 2 table: the odds ratio at which
    the mean of Fisher's noncentral hypergeometric distribution of the first cell, given the
    margins, is the cell seen (R's `fisher.test` estimate; scipy's `odds_ratio(table,
    kind="conditional")`). 0 or infinity at the ends of the support; NaN when a margin is 0."""
    got = _noncentral(table)
    if got is None:
        return math.nan
    x, k, log_w = got
    if x == k[0]:
        return 0.0
    if x == k[-1]:
        return math.inf

    def mean_less_x(odds: float) -> float:
        lw = log_w + k * math.log(odds)
        p = np.exp(lw - lw.max())
        return float((k * p).sum() / p.sum()) - x

    return _solve_increasing(mean_less_x)


def odds_ratio_ci(table: Sequence[Sequence[int]], alpha: float = 0.05) -> tuple[float, float]:
    """The conditional exact interval of a 2 x 2 table's odds ratio (Cornfield 1956): the odds
    ratios at which Fisher's noncentral hypergeometric distribution of the first cell, given
    the margins, puts `alpha / 2` beyond the cell seen on either side. The interval of scipy's
    `odds_ratio(table, kind="conditional").confidence_interval(1 - alpha)`, with the
    distribution's tails summed in one vectorised step per trial odds ratio."""
    t = np.asarray(table, dtype=np.int64)
    got = _noncentral(table)
    if got is None:
        return 0.0, math.inf
    x, k, log_w = got  # log of C(row, k) C(total - row, col - k): central weights
    below, above = k <= x, k >= x

    def tails(odds: float) -> tuple[float, float]:
        """P(first cell <= x) and P(first cell >= x) at this odds ratio."""
        lw = log_w + k * math.log(odds)
        p = np.exp(lw - lw.max())
        p /= p.sum()
        return float(p[below].sum()), float(p[above].sum())

    a = alpha / 2
    if t[1, 0] > 0 and t[0, 1] > 0:
        sample = t[0, 0] * t[1, 1] / (t[1, 0] * t[0, 1])
    elif t[0, 0] == 0 or t[1, 1] == 0:
        sample = math.nan
    else:
        sample = math.inf
    low = 0.0 if sample == 0 else _solve_increasing(lambda odds: tails(odds)[1] - a)
    high = math.inf if sample == math.inf else _solve_increasing(lambda odds: a - tails(odds)[0])
    return low, high


def _solve_increasing(func: Callable[[float], float]) -> float:
    """The root of an increasing function of an odds ratio: bracketed by halving or doubling
    from 1, then Brent's method (as scipy brackets the conditional odds ratio interval)."""
    odds, factor = 1.0, 2.0
    value = func(odds)
    if value == 0:
        return odds
    if value > 0:
        odds /= factor
        while func(odds) > 0:
            odds /= factor
        lo, hi = odds, factor * odds
    else:
        odds *= factor
        while func(odds) < 0:
            odds *= factor
        lo, hi = odds / factor, odds
    return float(optimize.brentq(func, lo, hi, xtol=1e-13))


# Over-dispersion ------------------------------------------------------------------------------
def dispersion(
    reference: Sequence[float], review: Sequence[float], same_months: bool = False
) -> tuple[float, int]:
    """(Pearson chi-squared / degrees of freedom, degrees of freedom) of per-period counts.

    Each window's counts are compared with the window's own mean (a Poisson model with one
    rate per window). With `same_months` (two windows covering the same months of the year,
    in the same order) the model also has a month-of-year effect, so seasonal ups and downs
    are not counted as noise: the fitted value is row total x column total / grand total of
    the months x windows table. A value near 1 means Poisson variation; above 1,
    over-dispersion (quasi-Poisson's dispersion parameter, McCullagh and Nelder 1989, 4.5).
    Returns (nan, 0) when there are too few periods.
    """
    a = np.asarray(reference, dtype=float)
    b = np.asarray(review, dtype=float)
    if same_months and len(a) == len(b) and len(a) >= 3:
        table = np.column_stack([a, b])
        total = table.sum()
        if total <= 0:
            return math.nan, 0
        fitted = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
        keep = fitted > 0
        chi2 = float((((table - fitted) ** 2)[keep] / fitted[keep]).sum())
        df = len(a) - 1
        return chi2 / df, df
    chi2, df = 0.0, -2
    for w in (a, b):
        df += len(w)
        m = w.mean() if len(w) else 0.0
        if m > 0:
            chi2 += float(((w - m) ** 2).sum() / m)
    if df < 1:
        return math.nan, 0
    return chi2 / df, df


def compare_monthly_counts(
    reference: Sequence[float],
    reference_exposure: float,
    review: Sequence[float],
    review_exposure: float,
    alpha: float = 0.05,
    same_months: bool = False,
) -> Comparison:
    """Rate ratio of two windows of per-period counts, allowing for over-dispersion.

    The dispersion phi is estimated from the per-period counts (`dispersion`). When phi is
    at most 1 (Poisson variation or less) the exact conditional test of `compare_counts` is
    used. Otherwise the quasi-Poisson test: log rate ratio with standard error
    sqrt(phi x (1/A + 1/B)), A and B the window totals, a t distribution on the dispersion's
    degrees of freedom for the p-value and the interval. Exposures are months (counts) or
    person-years (rates), as for `compare_counts`. Reusable for any two windows of counts,
    e.g. a crime type the strategy does not cover.
    """
    a_total, b_total = float(np.sum(reference)), float(np.sum(review))
    if not (a_total.is_integer() and b_total.is_integer()):
        raise ValueError("counts must be whole numbers")
    phi, df = dispersion(reference, review, same_months)
    exact = compare_counts(int(a_total), reference_exposure, int(b_total), review_exposure, alpha)
    if math.isnan(phi) or phi <= 1 or a_total == 0 or b_total == 0:
        note = "" if math.isnan(phi) else f", dispersion {phi:.2f}"
        return replace(
            exact, dispersion=1.0 if math.isnan(phi) else phi, method=exact.method + note
        )
    log_rr = math.log((b_total / review_exposure) / (a_total / reference_exposure))
    se = math.sqrt(phi * (1 / a_total + 1 / b_total))
    t = stats.t.ppf(1 - alpha / 2, df)
    p = float(2 * stats.t.sf(abs(log_rr) / se, df))
    return Comparison(
        p,
        math.exp(log_rr),
        math.exp(log_rr - t * se),
        math.exp(log_rr + t * se),
        bool(p < alpha),
        f"quasi-Poisson (dispersion {phi:.2f} from {len(reference) + len(review)} periods' counts)",
        phi,
    )


# Words ------------------------------------------------------------------------------------------
def interval_words(low: float, high: float, kind: str = "count") -> str:
    """A rate ratio's interval in words: "between 27% fewer and 6% more" (counts) or
    "between 27% lower and 6% higher" (rates and other values)."""
    less, more = ("fewer", "more") if kind == "count" else ("lower", "higher")

    def side(r: float) -> str:
        if math.isinf(r):
            return f"any amount {more}"
        pct = (r - 1) * 100
        if abs(pct) < 0.5:
            return "no change"
        return f"{abs(pct):.0f}% {less if pct < 0 else more}"

    if math.isnan(low) or math.isnan(high):
        return "an interval that cannot be worked out"
    return f"between {side(low)} and {side(high)}"


def verdict(cmp: Comparison, better: str, meaningful_pct: float = 10.0) -> str:
    """improved | worsened | no real change | cannot tell.

    A significant change is improved or worsened by its direction. Otherwise the change is
    "no real change" only when its interval rules out a change of `meaningful_pct` either way;
    when the interval still allows a meaningful rise or fall, the figures cannot tell yet.
    """
    if cmp.significant and not math.isnan(cmp.ratio):
        good = cmp.ratio < 1 if better == "lower" else cmp.ratio > 1
        return "improved" if good else "worsened"
    m = meaningful_pct / 100
    if cmp.ratio_low >= 1 - m and cmp.ratio_high <= 1 + m:
        return "no real change"
    return "cannot tell"
