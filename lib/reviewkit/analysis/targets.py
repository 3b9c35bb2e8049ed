"""Targets: an indicator's target value, its status on the straight line from the baseline to
the target, and that line read per chart period."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from reviewkit.base.periods import PERIOD_MONTHS, MonthRange
from reviewkit.inputs.strategy import Indicator


def target_status(
    baseline: float,
    target: float,
    baseline_end: pd.Period,
    target_by: pd.Period,
    review_end: pd.Period,
    value: float,
    better: str,
) -> tuple[str, float]:
    """(status, trajectory value at the review end) on a straight line from the baseline
    (at the end of the baseline period) to the target (at the target month)."""
    if any(math.isnan(x) for x in (baseline, target, value)):
        return "not assessable", math.nan
    span = (target_by - baseline_end).n
    done = (review_end - baseline_end).n
    frac = 1.0 if span <= 0 else min(max(done / span, 0.0), 1.0)
    trajectory = baseline + (target - baseline) * frac

    def at_least_as_good(x: float, y: float) -> bool:
        return x <= y + 1e-9 if better == "lower" else x >= y - 1e-9

    if at_least_as_good(value, target):
        return "met", trajectory
    if at_least_as_good(value, trajectory):
        return "on track", trajectory
    return "off track", trajectory


def trajectory_by_period(
    baseline: float,
    target: float,
    baseline_end: str,
    target_by: str,
    period_starts: list[str],
    period: str,
    measure: str,
) -> list[float]:
    """The target trajectory per chart period: the straight line target status is judged on
    (`target_status`), from the baseline at the end of the baseline period to the target at
    the target month, read at each period's last month and expressed per period like the
    series (NaN before the baseline ends)."""
    if any(math.isnan(x) for x in (baseline, target)):
        return [math.nan] * len(period_starts)
    b_end, t_by = pd.Period(baseline_end, "M"), pd.Period(target_by, "M")
    span = (t_by - b_end).n
    length = PERIOD_MONTHS[period]
    out = []
    for start in period_starts:
        end = pd.Period(start, "M") + (length - 1)
        done = (end - b_end).n
        if done < 0:
            out.append(math.nan)
            continue
        frac = 1.0 if span <= 0 else min(done / span, 1.0)
        annual = baseline + (target - baseline) * frac
        out.append(annual if measure == "proportion" else annual * length / 12)
    return out


def target_fields(
    ind: Indicator,
    baseline_value: float,
    review_value: float,
    baseline_rng: MonthRange,
    review: MonthRange,
    assessable: bool,
) -> dict[str, Any]:
    """The target's value (given, or a change on the baseline) and, when the indicator is
    assessable, its status and the trajectory's value at the end of the review period."""
    if ind.target is None:
        return {}
    if ind.target.value is not None:
        tv = ind.target.value
    else:
        assert ind.target.change_pct is not None  # the model holds exactly one of the two
        tv = baseline_value * (1 + ind.target.change_pct / 100)
    fields: dict[str, Any] = {"target_value": tv, "target_by": ind.target.by_month}
    if assessable:
        fields["target_status"], fields["trajectory_value"] = target_status(
            baseline_value,
            tv,
            baseline_rng.end,
            pd.Period(ind.target.by_month, "M"),
            review.end,
            review_value,
            ind.better,
        )
    return fields


def per_period(annual: float, ind: Indicator) -> float:
    """A review-period target (annual) expressed per chart period (month or quarter)."""
    if ind.measure == "proportion":
        return annual
    return annual * PERIOD_MONTHS[ind.period] / 12
