"""An indicator's series: its counts per source period (police months, or the periods a
partner sent), summed into the indicator's periods (whole ones only) and turned into values,
up to the end of the review period."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from reviewkit.analysis.indicator_inputs import IndicatorInputs
from reviewkit.analysis.indicator_result import Why
from reviewkit.analysis.verdict import WhyNot
from reviewkit.base.periods import PERIOD_MONTHS, MonthRange, period_label, period_start
from reviewkit.inputs.strategy import Filter, Indicator
from reviewkit.intake.population import denominator

EMPTY_SERIES = ["period_start", "period", "num", "den", "value"]
FILTERED_BY = ("crime_type", "outcome_category")


def monthly_counts(
    ind: Indicator, tidy: Mapping[str, pd.DataFrame], partner: pd.DataFrame, present: list[str]
) -> pd.DataFrame:
    """Counts per source period (`period_start`): columns num, den (den only for proportions).

    Police sources: months the dataset arrived with no matching rows count as zero.
    Partner sources: only periods the provider sent are present.
    """
    if ind.dataset in tidy:
        rows = police_rows(tidy[ind.dataset], ind.filter)
        den = rows.groupby("month")["n"].sum()
        num = (
            den
            if ind.numerator is None
            else police_rows(rows, ind.numerator).groupby("month")["n"].sum()
        )
        months = sorted(present)
        out = pd.DataFrame({"period_start": months})
        out["num"] = out["period_start"].map(num).fillna(0).astype(float)
        out["den"] = out["period_start"].map(den).fillna(0).astype(float)
        return out
    rows = partner[partner["dataset"] == ind.dataset]
    if ind.filter.measure is not None:
        rows = rows[rows["measure"] == ind.filter.measure]
    grp = rows.groupby(["period_start", "period_type"], as_index=False)["value"].sum()
    out = pd.DataFrame(
        {
            "period_start": grp["period_start"],
            "num": grp["value"].astype(float),
            "den": np.nan,
            "source_type": grp["period_type"],
        }
    )
    if ind.measure == "proportion" and ind.numerator is not None:
        # A proportion of partner measures: numerator measure over the filter's measure,
        # for the periods that hold both.
        top = partner[
            (partner["dataset"] == ind.dataset) & (partner["measure"] == ind.numerator.measure)
        ]
        num = top.groupby("period_start")["value"].sum()
        out = out[out["period_start"].isin(num.index)].reset_index(drop=True)
        out["den"] = out["num"]
        out["num"] = out["period_start"].map(num).astype(float)
    return out


def police_counts(table: pd.DataFrame) -> pd.DataFrame:
    """A police dataset's counts by month and by what a filter looks at (crime type and
    outcome category, where it has them): the same totals in any filter and month as its tidy
    table, in far fewer rows (no area), so each indicator filters and sums a small table."""
    keys = ["month", *(c for c in FILTERED_BY if c in table.columns)]
    return table.groupby(keys, sort=False, dropna=False, observed=True, as_index=False)["n"].sum()


def police_rows(rows: pd.DataFrame, flt: Filter) -> pd.DataFrame:
    """The police rows a filter keeps (crime types and outcome categories)."""
    crime_types = flt.crime_type_set()
    if crime_types is not None:
        rows = rows[rows["crime_type"].isin(crime_types)]
    if flt.outcome_categories is not None:
        rows = rows[rows["outcome_category"].isin(flt.outcome_categories)]
    return rows


def to_periods(counts: pd.DataFrame, source_type: str, period_type: str) -> pd.DataFrame:
    """Aggregate source periods into the indicator's periods, keeping only complete ones."""
    if counts.empty:
        return pd.DataFrame(columns=["period_start", "period", "num", "den", "parts"])
    src_len = PERIOD_MONTHS[source_type]
    dst_len = PERIOD_MONTHS[period_type]
    if src_len > dst_len:
        raise ValueError(
            f"the source is {source_type.replace('_', ' ')}ly and cannot give "
            f"{period_type.replace('_', ' ')} values"
        )
    c = counts.copy()
    starts = {p: str(period_start(month_of(p), period_type)) for p in set(c["period_start"])}
    c["start"] = [starts[p] for p in c["period_start"]]
    groups = c.groupby("start")  # column by column: named aggregation inspects each function
    agg = pd.DataFrame(
        {"num": groups["num"].sum(), "den": groups["den"].sum(), "parts": groups["num"].size()}
    ).reset_index()
    agg = agg[agg["parts"] == dst_len // src_len]
    agg = agg.rename(columns={"start": "period_start"})
    if counts["den"].isna().all():
        agg["den"] = np.nan
    agg["period"] = [period_label(month_of(p), period_type) for p in agg["period_start"]]
    return agg.sort_values("period_start", ignore_index=True)


@lru_cache(maxsize=4096)
def month_of(start: str) -> pd.Period:
    """The month a period start (YYYY-MM) names; parsed once per text (a series' months are
    looked up again for every window, gap and season)."""
    return pd.Period(start, "M")


def within(series: pd.DataFrame, rng: MonthRange, period_type: str) -> pd.DataFrame:
    """The periods of a series that lie wholly inside a range of months."""
    length = PERIOD_MONTHS[period_type]
    starts = [month_of(p) for p in series["period_start"]]
    keep = [rng.contains(s) and rng.contains(s + (length - 1)) for s in starts]
    return series[keep]


def series_gaps(series: pd.DataFrame, period_type: str) -> list[str]:
    """Labels of the periods missing between the first and last period of a series."""
    if len(series) < 2:
        return []
    step = PERIOD_MONTHS[period_type]
    have = set(series["period_start"])
    first = pd.Period(series["period_start"].iloc[0], "M")
    last = pd.Period(series["period_start"].iloc[-1], "M")
    out = []
    p = first
    while p <= last:
        if str(p) not in have:
            out.append(period_label(p, period_type))
        p += step
    return out


def period_value(
    row_num: float, row_den: float, start: str, ind: Indicator, population: pd.DataFrame | None
) -> float:
    """One period's value as the indicator measures it: the count, the share in per cent, or
    the rate per 1,000 of that year's population (NaN where no denominator is known)."""
    if ind.measure == "count":
        return row_num
    if ind.measure == "proportion":
        return 100 * row_num / row_den if row_den else math.nan
    kind = "population" if ind.measure == "rate_per_1000_residents" else "households"
    pop, _ = denominator(population, month_of(start).year, kind)
    return row_num / pop * 1000 if pop else math.nan


def indicator_series(ind: Indicator, inputs: IndicatorInputs) -> tuple[pd.DataFrame, Why | None]:
    """(series, why not): an indicator's value per period up to the end of the review period,
    or an empty series and why it cannot be built (data not received or unusable, no
    population figures for a rate, no rows, periods that do not fit)."""
    empty = pd.DataFrame(columns=EMPTY_SERIES)
    st = inputs.status.get(ind.dataset, "not received")
    if st in ("not received", "unusable"):
        code: WhyNot = "not received" if st == "not received" else "unusable"
        return empty, Why(code, f"{ind.dataset} {st}", ind.dataset)
    if ind.measure.startswith("rate") and inputs.population is None:
        return empty, Why("no population", "no population figures (inputs.population)")
    source_type = "month"
    counts = monthly_counts(ind, inputs.tidy, inputs.partner, inputs.present.get(ind.dataset, []))
    if "source_type" in counts:
        if counts.empty:
            detail = f"no rows for {ind.filter.measure} in {ind.dataset}"
            return empty, Why("no rows", detail, ind.dataset)
        source_type = counts["source_type"].iloc[0]
        counts = counts.drop(columns="source_type")
    try:
        series = to_periods(counts, source_type, ind.period)
    except ValueError as exc:
        return empty, Why("periods do not fit", str(exc), ind.dataset)
    series["value"] = [
        period_value(n, d, s, ind, inputs.population)
        for n, d, s in zip(series["num"], series["den"], series["period_start"], strict=True)
    ]
    end = str(inputs.params.review.end)
    return series[series["period_start"] <= end].reset_index(drop=True), None
