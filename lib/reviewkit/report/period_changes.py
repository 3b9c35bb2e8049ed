"""What changed most between the baseline and the review period in a police dataset's
records, and months shown as dates, for exploring a cycle (`reviewkit.report.explore`)."""

from __future__ import annotations

import pandas as pd

from reviewkit.base.periods import MonthRange

MONTH_COLUMNS = ("month", "period_start")  # "YYYY-MM" text in the store: dates here
GROUPS = {"lsoa": "lsoa_code", "crime_type": "crime_type", "outcome": "outcome_category"}


def missing_months(frame: pd.DataFrame, periods: dict[str, MonthRange]) -> list[str]:
    """The periods' months with no records at all in `frame` (a missing month is never a
    zero)."""
    present = set(frame["month"])
    return [str(m) for p in periods.values() for m in p.months if str(m) not in present]


def period_changes(
    frame: pd.DataFrame, column: str, periods: dict[str, MonthRange], n: int
) -> pd.DataFrame:
    """The `n` largest changes either way in `frame`'s counts (`n`) by `column` between the
    periods (`baseline`, `review`; every month of each present): both counts, the change and
    the change in %."""
    counts = {
        key: frame[frame["month"].isin([str(m) for m in p.months])].groupby(column)["n"].sum()
        for key, p in periods.items()
    }
    out = pd.DataFrame(counts).fillna(0).astype("int64")  # a month present: none is zero
    out["change"] = out["review"] - out["baseline"]
    out["change_pct"] = (out["change"] / out["baseline"].where(out["baseline"] > 0)) * 100
    out = out.reindex(out["change"].abs().sort_values(ascending=False, kind="stable").index)
    return out.head(n).rename_axis(column).reset_index()


def months_as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with months as dates, where every value of a month column is a month."""
    out = frame.copy()
    for column in MONTH_COLUMNS:
        if column in out.columns and pd.api.types.is_string_dtype(out[column]):
            try:
                out[column] = pd.to_datetime(out[column], format="%Y-%m")
            except (ValueError, TypeError):
                pass  # not every value a month: left as it is, never made missing
    return out


def flag_recording_changes(
    out: pd.DataFrame, changes: pd.DataFrame, dataset: str, first: str, last: str
) -> pd.DataFrame:
    """`out` with `recording_change`: whether its crime type has a possible recording change in
    `dataset` after `first` up to `last` (its counts are not comparable across it)."""
    rc = changes
    rc = rc[(rc["dataset"] == dataset) & (rc["month"] > first) & (rc["month"] <= last)]
    out["recording_change"] = out["crime_type"].isin(set(rc["crime_type"]))
    return out
