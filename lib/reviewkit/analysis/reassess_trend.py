"""The strategy re-assessment's three-year trend: the counts of three 12-month years, year 3
against year 1 with the indicators' change test, and the likelihood score drawn from it."""

from __future__ import annotations

import pandas as pd

from reviewkit.analysis.reassess_records import (
    Trend,
)
from reviewkit.base.periods import PERIOD_MONTHS, MonthRange, month_name
from reviewkit.methods import exact_tests as stats

BIG_CHANGE = 0.25  # a real change of this size (as a ratio, 25%) moves likelihood to 5 or 1


def three_years(review: MonthRange) -> tuple[MonthRange, MonthRange, MonthRange]:
    """The three 12-month years ending with the review period's last month, oldest first."""
    end = review.end
    return (
        MonthRange(end - 35, end - 24),
        MonthRange(end - 23, end - 12),
        MonthRange(end - 11, end),
    )


def police_windows(
    police: pd.DataFrame | None,
    arrived: set[str],
    types: tuple[str, ...],
    years: tuple[MonthRange, ...],
) -> list[list[float] | None]:
    """Each year's monthly counts of `types` (None for a year with a month that never
    arrived: missing, not zero). `police`: month, crime_type, n."""
    if police is None or police.empty:
        return [None for _ in years]
    rows = police[police["crime_type"].isin(types)]
    per = rows.groupby(rows["month"].astype(str))["n"].sum()
    out: list[list[float] | None] = []
    for y in years:
        labels = y.labels()
        if any(m not in arrived for m in labels):
            out.append(None)
        else:
            out.append([float(per.get(m, 0)) for m in labels])
    return out


def partner_windows(
    partner: pd.DataFrame | None, dataset: str, measure: str, years: tuple[MonthRange, ...]
) -> list[list[float] | None]:
    """Each year's per-period values of a partner measure (None for a year some month of
    which no period covers)."""
    if partner is None or partner.empty:
        return [None for _ in years]
    g = partner[(partner["dataset"] == dataset) & (partner["measure"] == measure)]
    if g.empty:
        return [None for _ in years]
    length = PERIOD_MONTHS[str(g["period_type"].iloc[0])]
    per = g.groupby(g["period_start"].astype(str))["value"].sum()
    out: list[list[float] | None] = []
    for y in years:
        starts = [pd.Period(p, "M") for p in per.index]
        inside = sorted(s for s in starts if y.contains(s) and y.contains(s + (length - 1)))
        months = {str(s + k) for s in inside for k in range(length)}
        if any(m not in months for m in y.labels()):
            out.append(None)
        else:
            out.append([float(per[str(s)]) for s in inside])
    return out


def trend_test(
    windows: list[list[float] | None],
    years: tuple[MonthRange, MonthRange, MonthRange],
    alpha: float,
    not_comparable: str = "",
) -> Trend:
    """Year 3 against year 1 with the indicators' change test (same months of the year, so
    the seasons are allowed for); not tested when either year lacks a month, the counts are
    not whole numbers, or `not_comparable` gives a recording change inside the years."""
    counts = tuple(None if w is None else float(sum(w)) for w in windows)
    assert len(counts) == 3
    c = (counts[0], counts[1], counts[2])
    first, last = windows[0], windows[2]
    missing = [
        f"{month_name(y.start)} to {month_name(y.end)}"
        for y, w in zip(years, windows, strict=True)
        if w is None and y in (years[0], years[2])
    ]
    if missing:
        return Trend(years, c, "data missing for " + " and ".join(missing), why_code="data missing")
    assert first is not None and last is not None
    if not_comparable:
        return Trend(years, c, not_comparable, why_code="recording change")
    if not all(float(x).is_integer() for x in (*first, *last)):
        return Trend(
            years,
            c,
            "the figures are not whole counts, so the count test does not apply",
            why_code="not counts",
        )
    if not sum(first) + sum(last):
        return Trend(years, c, "nothing was recorded in either year", why_code="none recorded")
    cmp = stats.compare_monthly_counts(first, 12, last, 12, alpha, len(first) == len(last))
    return Trend(
        years,
        c,
        "",
        cmp.ratio,
        cmp.ratio_low,
        cmp.ratio_high,
        cmp.p_value,
        cmp.significant,
        cmp.method,
    )


def likelihood(trend: Trend) -> int | None:
    """1-5 from the trend: a real rise of 25% or more 5, a real rise 4, no change beyond
    chance 3, a real fall 2, a real fall of 25% or more 1; None when not tested."""
    if not trend.tested:
        return None
    if trend.direction == "rising":
        return 5 if trend.ratio >= 1 + BIG_CHANGE else 4
    if trend.direction == "falling":
        return 1 if trend.ratio <= 1 - BIG_CHANGE else 2
    return 3
