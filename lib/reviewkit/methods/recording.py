"""Recording changes: a crime type that steps up or down in one month, everywhere at once.

police.uk figures change when a force changes how it records or publishes a crime type (for
example, criminal damage moving from about 50 to about 600 a month force-wide in one month).
Read as a real change this misleads, so a step is looked for in each crime type's monthly
counts: the month that best splits the series into a level before and a level after (the
largest likelihood-ratio statistic of one Poisson rate against two), kept when the new level
is at least `min_ratio` times the old (or the old at least `min_ratio` times the new) and the
exact test of the two levels gives p < `alpha`. A step found in the partnership is a possible
recording change when the rest of the force shows a step in the same direction within one
month (or, when the rest of the force is not available, on the partnership alone, and the
report says so). A change the analyst has looked into is recorded in the params
(`analysis.recording_changes`) with a decision: `exclude` the crime type, `rebase` from that
month, or `real` (a real change, compared as usual).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewkit.methods.exact_tests import compare_counts

COLUMNS = [
    "crime_type",
    "month",
    "before",
    "after",
    "ratio",
    "p_value",
    "rest_before",
    "rest_after",
    "confirmed_by",
]


@dataclass(frozen=True)
class Step:
    """The best single step in a monthly series."""

    month: str  # first month at the new level
    before: float  # mean monthly count before
    after: float  # mean monthly count from `month`
    ratio: float
    p_value: float


def _loglik(x: np.ndarray) -> float:
    """Poisson log-likelihood of counts at their own mean, without the constant term."""
    total = x.sum()
    if total <= 0:
        return 0.0
    return float(total * math.log(total / len(x)) - total)


def find_step(
    counts: pd.Series, min_ratio: float = 2.0, alpha: float = 1e-4, min_months: int = 3
) -> Step | None:
    """The month where a series of monthly counts (index YYYY-MM, in order) steps to a new
    level, or None when there is no step of at least `min_ratio` that is beyond chance."""
    y = counts.to_numpy(dtype=float)
    months = [str(m) for m in counts.index]
    n = len(y)
    if n < 2 * min_months:
        return None
    best, best_i = -1.0, -1
    for i in range(min_months, n - min_months + 1):
        stat = _loglik(y[:i]) + _loglik(y[i:]) - _loglik(y)
        if stat > best:
            best, best_i = stat, i
    a, b = y[:best_i], y[best_i:]
    before, after = float(a.mean()), float(b.mean())
    ratio = (after + 0.5) / (before + 0.5)
    if max(ratio, 1 / ratio) < min_ratio:
        return None
    p = compare_counts(int(a.sum()), len(a), int(b.sum()), len(b)).p_value
    if not p < alpha:
        return None
    return Step(months[best_i], before, after, after / before if before else math.inf, p)


def _months_apart(a: str, b: str) -> int:
    return abs((pd.Period(a, "M") - pd.Period(b, "M")).n)


def detect(
    partnership: pd.DataFrame, rest: pd.DataFrame | None, months: list[str], min_ratio: float = 2.0
) -> pd.DataFrame:
    """Possible recording changes by crime type (one row each, columns `COLUMNS`).

    `partnership` and `rest` hold police street rows (`month`, `crime_type`, `n`) for the
    partnership and for the rest of the force; `months` are the months that arrived (a month
    with no rows of a type counts as zero).
    """
    rows = []
    if partnership.empty or len(months) < 6:
        return pd.DataFrame(columns=COLUMNS)

    def series(table: pd.DataFrame, crime_type: str) -> pd.Series:
        got = table[table["crime_type"] == crime_type].groupby("month")["n"].sum()
        return got.reindex(months, fill_value=0)

    # The partnership's series of every crime type from one grouping (not one pass over its
    # rows per type); the rest of the force is looked at only for a type that steps.
    counts = partnership.groupby(["crime_type", "month"], sort=False)["n"].sum()
    own = {
        t: grp.droplevel(0).reindex(months, fill_value=0)
        for t, grp in counts.groupby(level=0, sort=False)
    }
    for crime_type in sorted(set(partnership["crime_type"].unique())):
        mine = own.get(crime_type)
        step = find_step(series(partnership, crime_type) if mine is None else mine, min_ratio)
        if step is None:
            continue
        rest_before = rest_after = math.nan
        confirmed = "this partnership only (the rest of the force was not in the files)"
        if rest is not None and not rest.empty:
            other = find_step(series(rest, crime_type), min_ratio)
            same_way = other is not None and (other.ratio > 1) == (step.ratio > 1)
            if not same_way or other is None or _months_apart(other.month, step.month) > 1:
                continue  # a local change, not a change in recording
            rest_before, rest_after = other.before, other.after
            confirmed = "the rest of the force in the same month"
        rows.append(
            {
                "crime_type": crime_type,
                "month": step.month,
                "before": step.before,
                "after": step.after,
                "ratio": step.ratio,
                "p_value": step.p_value,
                "rest_before": rest_before,
                "rest_after": rest_after,
                "confirmed_by": confirmed,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def describe(row: pd.Series | dict) -> str:
    """One sentence for the data quality page."""
    month = pd.Period(str(row["month"]), "M").strftime("%B %Y")
    text = (
        f"Possible recording change: {row['crime_type']} went from about "
        f"{row['before']:,.0f} to about {row['after']:,.0f} a month in this partnership "
        f"from {month}"
    )
    if not pd.isna(row["rest_before"]):
        text += (
            f", and from about {row['rest_before']:,.0f} to about "
            f"{row['rest_after']:,.0f} a month in the rest of the force at the same time"
        )
    else:
        text += f" (seen in {row['confirmed_by']})"
    return (
        text + ". Comparisons across this month are marked not comparable until it is "
        "looked into: record a decision (exclude, rebase or real) in the params under "
        "analysis.recording_changes."
    )
