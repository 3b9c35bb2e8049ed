"""An indicator's comparisons: its value over a window of months (the review period, the
baseline, the same period last year, the latest and previous 12 months), the exact test of one
window against another, the direction of the change and the review value's interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reviewkit.analysis.indicator_result import Why
from reviewkit.analysis.series import month_of, within
from reviewkit.base.periods import MonthRange, expected_periods, period_label
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.strategy import Indicator
from reviewkit.intake.population import denominator
from reviewkit.methods import exact_tests as stats

PERIOD_WORDS = {
    "quarter": "quarter (January to March, April to June, July to September or "
    "October to December)",
    "financial_year": "financial year (April to March)",
}


def no_whole_period(ind: Indicator, review: MonthRange, baseline: MonthRange) -> Why | None:
    """Why a whole-period measure cannot be compared (None when it can): a review period or
    baseline that holds no whole quarter or financial year has nothing to count, which is
    missing, not zero."""
    if ind.period == "month":
        return None
    for label, rng, key in (
        ("review period", review, "review_period in the params"),
        (
            "baseline",
            baseline,
            "key 'baseline' of this indicator" if ind.baseline else "baseline_period in the params",
        ),
    ):
        if not expected_periods(rng, ind.period):
            return Why(
                "no whole period",
                f"the {label} ({rng.describe()}) holds no whole "
                f"{PERIOD_WORDS[ind.period]}; set the indicator's period to month, or "
                f"change {key}",
            )
    return None


@dataclass
class Window:
    """An indicator over a range of months: its counts, value, exposure for the tests, and
    the periods missing from it."""

    num: float
    den: float
    months: int
    value: float
    exposure: float  # person-months or months for tests
    missing: list[str]
    start: pd.Period | None = None
    counts: list[float] = field(default_factory=list)  # numerator per period, in order


def window(
    series: pd.DataFrame, rng: MonthRange, ind: Indicator, population: pd.DataFrame | None
) -> Window:
    """The indicator's window over `rng`: the periods of the series inside it, summed, and
    valued as the indicator measures (an annual figure for counts and rates)."""
    part = within(series, rng, ind.period)
    expected = expected_periods(rng, ind.period)
    have = set(part["period_start"])
    missing = [period_label(month_of(p), ind.period) for p in expected if p not in have]
    num = float(part["num"].sum())
    den = float(part["den"].sum()) if ind.measure == "proportion" else math.nan
    months = rng.n_months
    value, exposure = _value(num, den, months, rng, ind, population)
    return Window(
        num, den, months, value, exposure, missing, rng.start, [float(x) for x in part["num"]]
    )


def _value(
    num: float,
    den: float,
    months: int,
    rng: MonthRange,
    ind: Indicator,
    population: pd.DataFrame | None,
) -> tuple[float, float]:
    if ind.measure == "count":
        return num * 12 / months if months != 12 else num, months
    if ind.measure == "proportion":
        return (100 * num / den if den else math.nan), den
    kind = "population" if ind.measure == "rate_per_1000_residents" else "households"
    mid = rng.start + (months - 1) // 2
    pop, _year = denominator(population, mid.year, kind)
    if not pop:
        return math.nan, math.nan
    # An annual rate: events in 12 months per 1,000 of the denominator.
    return num / pop * 1000 * 12 / months, pop * months / 12


def pct(new: float, old: float) -> float:
    """The change from `old` to `new` in per cent; NaN when either is missing or `old` is 0."""
    if old is None or math.isnan(old) or old == 0 or math.isnan(new):
        return math.nan
    return (new - old) / old * 100


def compare(a: Window, b: Window, ind: Indicator, alpha: float) -> stats.Comparison | None:
    """Test review window `b` against reference window `a` (None when no test can be made:
    nothing to count, no exposure, or counts that are not whole numbers)."""
    if a.num != a.num or b.num != b.num:
        return None
    if ind.measure == "proportion":
        if not a.den or not b.den:
            return None
        return stats.compare_proportions(int(a.num), int(a.den), int(b.num), int(b.den), alpha)
    if not _testable_counts(a, b):
        return None
    same_months = (
        len(a.counts) == len(b.counts)
        and a.start is not None
        and b.start is not None
        and (b.start - a.start).n % 12 == 0
    )
    return stats.compare_monthly_counts(
        a.counts, a.exposure, b.counts, b.exposure, alpha, same_months
    )


def _testable_counts(a: Window, b: Window) -> bool:
    """Whether two windows have an exposure each and whole counts, as the count test needs."""
    if not a.exposure or not b.exposure or a.exposure != a.exposure or b.exposure != b.exposure:
        return False
    return all(float(x).is_integer() for x in (*a.counts, *b.counts))


def _direction(
    change: float, cmp: stats.Comparison | None, better: str, meaningful_pct: float
) -> str:
    if math.isnan(change):
        return "not assessable"
    if cmp is None:  # no test could be made (no events, or no exposure): nothing can be said
        return "cannot tell"
    return stats.verdict(cmp, better, meaningful_pct)


def missing_data(
    rev: Window, base: Window, series: pd.DataFrame, ind: Indicator, baseline_rng: MonthRange
) -> Why | None:
    """Why the review period or the baseline lacks data (None when both are whole)."""
    if rev.missing:
        detail = f"{ind.dataset} missing {', '.join(rev.missing)}"
        return Why("missing periods", detail, ind.dataset, tuple(rev.missing))
    if not base.missing:
        return None
    if len(base.missing) == len(expected_periods(baseline_rng, ind.period)):
        first = series["period"].iloc[0] if len(series) else "none"
        where = (
            "key 'baseline' of this indicator"
            if ind.baseline
            else ("key 'baseline_period' in the params")
        )
        detail = (
            f"the baseline ({baseline_rng.describe()}) is outside the data (first period "
            f"{first}); check {where}"
        )
        return Why("baseline outside the data", detail, ind.dataset)
    detail = f"baseline missing {', '.join(base.missing)}"
    return Why("baseline missing", detail, ind.dataset, tuple(base.missing))


def against_baseline(
    rev: Window, base: Window, ind: Indicator, params: CycleParams, baseline_rng: MonthRange
) -> tuple[dict[str, Any], list[str]]:
    """(fields, notes): the review period against the baseline: change, the test, the
    direction, and a note when a count's baseline is scaled to the review's length."""
    change = rev.value - base.value
    cmp = compare(base, rev, ind, params.analysis.significance_level)
    fields: dict[str, Any] = {"change": change, "change_pct": pct(rev.value, base.value)}
    if cmp is not None:
        fields.update(
            p_value=cmp.p_value,
            significant=cmp.significant,
            test=cmp.method,
            ratio=cmp.ratio,
            ratio_low=cmp.ratio_low,
            ratio_high=cmp.ratio_high,
            dispersion=cmp.dispersion,
        )
    fields["direction"] = _direction(change, cmp, ind.better, params.analysis.meaningful_change_pct)
    review = params.review
    notes = []
    if baseline_rng.n_months != review.n_months and ind.measure == "count":
        notes.append(
            f"baseline of {baseline_rng.n_months} months scaled to {review.n_months} for comparison"
        )
    return fields, notes


def last_year_and_rolling(
    series: pd.DataFrame,
    rev: Window,
    ind: Indicator,
    review: MonthRange,
    population: pd.DataFrame | None,
    alpha: float,
) -> dict[str, Any]:
    """The same period last year, and the latest 12 months against the 12 before, where the
    series covers them."""
    fields: dict[str, Any] = {}
    last_year = window(series, review.shift(-12), ind, population)
    if not last_year.missing:
        fields.update(
            last_year_value=last_year.value, last_year_change_pct=pct(rev.value, last_year.value)
        )
    end = review.end
    roll = window(series, MonthRange(end - 11, end), ind, population)
    prev = window(series, MonthRange(end - 23, end - 12), ind, population)
    if not roll.missing and not prev.missing:
        c2 = compare(prev, roll, ind, alpha)
        fields.update(
            rolling_value=roll.value,
            rolling_previous=prev.value,
            rolling_change_pct=pct(roll.value, prev.value),
            rolling_significant=bool(c2 and c2.significant),
        )
    return fields


def review_interval(rev: Window, ind: Indicator, alpha: float) -> tuple[float, float]:
    """The exact interval of the review value, or (nan, nan) when a count is missing or not
    a whole number (a missing month leaves the review count undefined)."""
    nan = (math.nan, math.nan)
    if not _whole(rev.num) or rev.num < 0:
        return nan
    if ind.measure == "proportion":
        if not _whole(rev.den) or rev.den <= 0 or rev.num > rev.den:
            return nan
        lo, hi = stats.proportion_ci(int(rev.num), int(rev.den), alpha)
        return 100 * lo, 100 * hi
    if ind.measure.startswith("rate"):
        if not math.isfinite(rev.exposure) or rev.exposure <= 0:
            return nan
        _r, lo, hi = stats.rate_ci(int(rev.num), rev.exposure, 1000, alpha)
        return lo, hi
    lo, hi = stats.poisson_ci(int(rev.num), alpha)
    return lo * 12 / rev.months, hi * 12 / rev.months


def _whole(x: float) -> bool:
    """Whether a count is a finite whole number (a test or an interval needs one)."""
    return math.isfinite(x) and float(x).is_integer()
