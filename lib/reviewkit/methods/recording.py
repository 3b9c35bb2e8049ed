"""Recording changes: a crime type whose level steps up or down, everywhere at once.

police.uk figures change when a force changes how it records or publishes a crime type (for
example criminal damage moving from about 50 to about 600 a month force-wide in one month, or
burglary halving after a crime recording audit and coming back at nearly three times that
level when a new system is corrected). Read as a real change this misleads, so every step is
looked for, however many there are, in each crime type's monthly counts:

- **Segmentation.** The counts are cut into segments of constant level by penalised
  likelihood: optimal partitioning (Jackson et al. 2005, *IEEE Signal Processing Letters*
  12:105-108), the exact minimum that PELT (Killick, Fearnhead and Eckley 2012, *JASA*
  107:1590-1598) finds faster; at a few hundred months the exact search is instant. Each
  segment is at least `MIN_MONTHS` long. A segment's cost is its Poisson deviance around
  level x season, divided by the dispersion phi (quasi-likelihood: crime is clustered, so
  monthly counts vary more than Poisson); each change costs `PENALTY` x log(n) (BIC-like).
- **Dispersion and season.** phi is estimated robustly from month-to-month differences (the
  median absolute deviation of (y[t] - y[t-1]) / sqrt(y[t] + y[t-1]), which a few steps do
  not move), at least 1. With two years or more, month-of-year factors are estimated in turn
  with the steps: each month's mean ratio to its segment's level (segments that differ by
  less than `min_ratio` merged first), scaled to average 1. The force's season (the
  partnership and the rest added) is used for both.
- **Steps kept.** Adjacent segments whose levels differ by less than `min_ratio` are merged,
  smallest difference first (a wobble is not a step). A remaining change is kept when the
  quasi-likelihood ratio test of one level against two (its two segments) gives p < `alpha`
  and, on the 12 months either side, a log-linear trend with the step fits better than the
  trend alone (p < `TREND_ALPHA`) by a step of at least `min_ratio` (a trend cut into two
  segments differs between them only because they are long).
- **Force-wide.** Steps are searched for in the force's total, the rest of the force and the
  partnership; each month is placed where the force's total steps most (within a month). It
  is a possible recording change when the rest of the force steps there by at least the
  square root of `min_ratio` (p < `CONFIRM_ALPHA`: the month is given, not searched for) and
  the partnership moves the same way (its own counts may be too few to show it beyond
  chance, but a change in how the force records reaches it). A step in the partnership alone
  is a real change. Without the rest of the force, the partnership's own steps are reported
  and the note says so.

A change the analyst has looked into is recorded in the params (`analysis.recording_changes`)
with a decision: `exclude` the crime type, `rebase` from that month, or `real` (a real change,
compared as usual).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reviewkit.methods.segmentation import (
    MIN_MONTHS,
    MIN_RATIO,
    PENALTY,
    Segmentation,
    deviance_terms,
    level_size,
    month_season,
    optimal_partition,
    segment,
    segment_cost,
)
from reviewkit.methods.steps import (
    LOCAL_MONTHS,
    TREND_ALPHA,
    Step,
    at_months,
    find_step,
    find_steps,
    step_beyond_trend,
)

__all__ = [
    "COLUMNS",
    "CONFIRM_ALPHA",
    "LOCAL_MONTHS",
    "MIN_MONTHS",
    "MIN_RATIO",
    "PENALTY",
    "TREND_ALPHA",
    "Segmentation",
    "Step",
    "at_months",
    "describe",
    "detect",
    "find_step",
    "find_steps",
    "force_season",
    "month_season",
    "optimal_partition",
    "segment",
    "step_beyond_trend",
]

COLUMNS = [
    "crime_type",
    "month",
    "until",
    "before",
    "after",
    "ratio",
    "p_value",
    "rest_before",
    "rest_after",
    "confirmed_by",
]


def _months_apart(a: str, b: str) -> int:
    return abs((pd.Period(a, "M") - pd.Period(b, "M")).n)


def force_season(series: list[pd.Series], min_ratio: float = MIN_RATIO) -> np.ndarray | None:
    """The seasonal factor of each month in the force's series (the partnership and the rest
    added): one season for both, from the larger counts."""
    return month_season(sum(series[1:], series[0]), min_ratio)


def _candidates(found: list[list[Step]]) -> list[str]:
    """The months of steps found in any of the series, earliest list first: a step within a
    month of one already listed is the same step."""
    months: list[str] = []
    for steps in found:
        for s in steps:
            if all(_months_apart(s.month, m) > 1 for m in months):
                months.append(s.month)
    return sorted(months)


def _refined(total: pd.Series, months: list[str], season: np.ndarray | None) -> list[str]:
    """Each change month moved by up to one month to where the force's total steps most (the
    other change months held), since a series with fewer counts can place a step a month
    early or late."""
    y = total.to_numpy(dtype=float)
    index = [str(m) for m in total.index]
    s = np.ones(len(y)) if season is None else np.asarray(season, dtype=float)
    cy, cs = deviance_terms(y, s)
    bounds = [index.index(m) for m in months]
    for k, start in enumerate(bounds):
        a = bounds[k - 1] if k else 0
        c = bounds[k + 1] if k + 1 < len(bounds) else len(y)

        def gain(b: int, a: int = a, c: int = c) -> float:
            return -segment_cost(cy, cs, a, b) - segment_cost(cy, cs, b, c)

        bounds[k] = max((b for b in (start - 1, start, start + 1) if a < b < c), key=gain)
    return [index[b] for b in bounds]


def _agrees(mine: Step, rest: Step, min_ratio: float, alpha: float) -> bool:
    """The rest of the force steps at the month by at least the square root of `min_ratio`,
    beyond chance at `alpha`, and the partnership moves the same way (its own counts may be
    too few to show it beyond chance: a change in how the force records reaches every
    partnership, and comparing across it is the mistake to avoid)."""
    return (
        (mine.ratio > 1) == (rest.ratio > 1)
        and mine.ratio != 1
        and level_size(rest.after, rest.before) >= math.sqrt(min_ratio)
        and rest.p_value < alpha
    )


CONFIRM_ALPHA = 0.01


def _force_wide(
    mine: pd.Series, theirs: pd.Series, season: np.ndarray | None, min_ratio: float
) -> list[tuple[Step, Step]]:
    """(partnership's step, rest of the force's step) for each change of the force: found (at
    least `min_ratio`, beyond chance and beyond a trend) in the force's total, the rest or the
    partnership, placed where the force's total steps most (within a month), and seen at that
    month in the rest of the force, with the partnership moving the same way (`_agrees`)."""
    total = mine + theirs
    found = [find_steps(x, min_ratio, season=season) for x in (total, theirs, mine)]
    months = _candidates(found)
    if not months:
        return []
    months = _refined(total, months, season)
    pairs = zip(at_months(mine, months, season), at_months(theirs, months, season), strict=True)
    return [(a, b) for a, b in pairs if _agrees(a, b, min_ratio, CONFIRM_ALPHA)]


def detect(
    partnership: pd.DataFrame,
    rest: pd.DataFrame | None,
    months: list[str],
    min_ratio: float = MIN_RATIO,
) -> pd.DataFrame:
    """Possible recording changes: one row for each step of each crime type (columns
    `COLUMNS`), in order of crime type and month.

    `partnership` and `rest` hold police street rows (`month`, `crime_type`, `n`) for the
    partnership and for the rest of the force; `months` are the months that arrived (a month
    with no rows of a type counts as zero). With the rest of the force, a step is a change
    seen in both (`_force_wide`); without it, a step in the partnership alone.
    """
    rows = []
    if partnership.empty or len(months) < 2 * MIN_MONTHS:
        return pd.DataFrame(columns=COLUMNS)

    def series(table: pd.DataFrame) -> dict[str, pd.Series]:
        counts = table.groupby(["crime_type", "month"], sort=False)["n"].sum()
        return {
            str(t): grp.droplevel(0).reindex(months, fill_value=0)
            for t, grp in counts.groupby(level=0, sort=False)
        }

    own = series(partnership)
    others = series(rest) if rest is not None and not rest.empty else None
    for crime_type in sorted(own):
        mine = own[crime_type]
        found: list[tuple[Step, Step | None]]
        if others is None:
            found = [(s, None) for s in find_steps(mine, min_ratio, season=force_season([mine]))]
        else:
            theirs = others.get(crime_type, pd.Series(0, index=months))
            season = force_season([mine, theirs])
            found = list(_force_wide(mine, theirs, season, min_ratio))
        for step, other in found:
            rows.append(
                {
                    "crime_type": crime_type,
                    "month": step.month,
                    "until": step.until,
                    "before": step.before,
                    "after": step.after,
                    "ratio": step.ratio,
                    "p_value": step.p_value,
                    "rest_before": other.before if other else math.nan,
                    "rest_after": other.after if other else math.nan,
                    "confirmed_by": "the rest of the force in the same month"
                    if other
                    else "this partnership only (the rest of the force was not in the files)",
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
    until = str(row.get("until", "") or "")
    if until and until not in ("nan", "None"):
        text += f" (at that level to {pd.Period(until, 'M').strftime('%B %Y')})"
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
