"""An indicator's SPC (XmR) chart over its whole series: limits recalculated where asked and
where a recording change starts, on seasonally adjusted values when the season shows, and the
fields and notes the result and the reports read from it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reviewkit.analysis.indicator_result import ForAnalyst
from reviewkit.analysis.recording import Change, straddles
from reviewkit.analysis.series import month_of, series_gaps
from reviewkit.analysis.targets import per_period
from reviewkit.inputs.params import SpcOptions
from reviewkit.inputs.strategy import Indicator
from reviewkit.methods import spc


def with_spc(
    series: pd.DataFrame,
    ind: Indicator,
    opts: SpcOptions,
    pending: list[Change],
    target_value: float,
    status: str,
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """(series with SPC columns, fields, notes): XmR over the whole series, never across a gap
    (limits would join months apart); limits recalculated where asked and where a recording
    change starts; on seasonally adjusted values when the season shows."""
    gaps = series_gaps(series, ind.period)
    notes = [f"no SPC limits: {', '.join(gaps)} missing from the series"] if gaps else []
    if len(series) < 2 or series["value"].isna().any() or gaps:
        return series, {}, notes
    improvement: spc.Improvement = "decrease" if ind.better == "lower" else "increase"
    per_period_target = per_period(target_value, ind) if target_value == target_value else None
    starts = list(series["period_start"])
    rebase = _rebase_points(starts, [*opts.rebase, *(c.month for c in pending)])
    notes += [
        f"SPC limits recalculated from {c.label}, where a "
        f"{'possible ' if c.awaiting_decision else ''}recording change in {c.crime_type} starts"
        for c in pending
        if straddles(starts[0], starts[-1], c)
    ]
    spc_values, seasonal, seasonal_notes = seasonally_adjusted(
        series["value"].to_numpy(dtype=float), starts, ind.period
    )
    notes += seasonal_notes
    result = spc.xmr(
        spc_values,
        improvement=improvement,
        rebase=rebase,
        screen_outliers=opts.screen_outliers,
        fix_after_n_points=opts.fix_after_n_points,
        shift_length=opts.shift_length,
        trend_length=opts.trend_length,
        minimum_points=opts.minimum_points,
        target=per_period_target,
    )
    series = pd.concat(
        [series.reset_index(drop=True), result.rename(columns={"value": "spc_value"})], axis=1
    )
    notes += _shift_note(series, result, opts.shift_length, rebase)
    kinds = result["point_type"].value_counts()
    fields: dict[str, Any] = {
        "seasonal": seasonal,
        "variation": spc.variation(result, improvement),
        "spc_provisional": bool(result["provisional"].iloc[-1]),
        "points": len(series),
        "special_improvement": int(kinds.get("special_cause_improvement", 0)),
        "special_concern": int(kinds.get("special_cause_concern", 0)),
    }
    # No assurance icon beside a target this review cannot assess (data missing, or a
    # recording change): the icon would claim what the target column says it cannot.
    if status != "not assessable":
        fields["assurance"] = spc.assurance(result, improvement, per_period_target) or ""
    return series, fields, notes


def _rebase_points(starts: list[str], months: list[str]) -> list[int]:
    """The positions in the series where limits are recalculated: the first period starting
    at or after each month, never the first point or past the end."""
    return sorted(
        {next((i for i, st in enumerate(starts) if st >= m), len(starts)) for m in months}
        - {0, len(starts)}
    )


def _shift_note(
    series: pd.DataFrame, result: pd.DataFrame, shift_length: int, rebase: list[int]
) -> list[ForAnalyst]:
    """A note for the analyst when a sustained shift starts where no limits are recalculated:
    the params key that would recalculate them from there."""
    shift = spc.sustained_shift_start(result, shift_length)
    if shift is None or shift <= 0 or shift in rebase:
        return []
    start = series["period_start"].iloc[shift]
    return [
        ForAnalyst(
            f"a sustained shift since {series['period'].iloc[shift]}: if the way of "
            f"working changed then, set analysis.spc.rebase to {start} to "
            "recalculate the limits from there"
        )
    ]


def seasonally_adjusted(
    values: np.ndarray, starts: list[str], period: str
) -> tuple[np.ndarray, str, list[str]]:
    """(values for the XmR chart, seasonal flag, notes): divided by their month-of-year (or
    quarter-of-year) index when the season shows clearly; as recorded otherwise."""
    per_year = {"month": 12, "quarter": 4}.get(period)
    if not per_year:
        return values, "", []
    pos = [(month_of(p).month - 1) // (12 // per_year) + 1 for p in starts]
    as_list = [float(v) for v in values]
    idx, _p = spc.seasonal_indices(as_list, pos, per_year=per_year)
    if idx is not None:
        return (
            spc.seasonally_adjusted(as_list, pos, idx),
            "adjusted",
            [
                f"SPC chart on seasonally adjusted values (a clear {period}-of-year pattern); the "
                "headline figures are not adjusted"
            ],
        )
    if len(values) <= 2 * per_year:  # a centred moving average needs more than two years
        return (
            values,
            "too short",
            [
                f"two years or less of {period.replace('_', ' ')}ly data: seasonality cannot be "
                "checked, so SPC flags may be seasonal"
            ],
        )
    return values, "", []
