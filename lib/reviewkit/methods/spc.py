"""XmR charts with NHS England "Making Data Count" rules, as NHSRplotthedots computes them.

Limits are mean +/- 2.66 x mean moving range; the "near" limits (2 sigma) are mean +/- (2/3 x
2.66) x mean moving range. A point is special cause when it is outside the limits, part of a
run of `shift_length` points on one side of the mean (a point on the mean breaks the run),
part of a trend of `trend_length` points all rising or all falling (ties break it), or one of
two out of three consecutive points beyond 2 sigma on the same side of the mean.

Each special-cause point is labelled by one rule, in NHSRplotthedots' order (pull request #180,
October 2023, fixing issues #171 and #122): outside limits, trend, two-in-three, shift. Its
direction comes from that rule: the side of the mean for outside limits, two-in-three and
shift, and the trend's own direction for a trend (a point in a rising trend below the mean is
an improvement when higher is better). `seasonally_adjusted` divides monthly values by
month-of-year indices (ratios to a centred moving average, `methods.season`) so that XmR
flags are not winter and summer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sp_stats

from reviewkit.methods.season import seasonal_ratios

LIMIT = 2.66
SCREEN = 3.267
Improvement = Literal["increase", "decrease", "neutral"]
DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}
RULES = ("outside_limits", "trend", "two_in_three", "shift")  # precedence for the label


def run_on_one_side(rtm: np.ndarray, length: int) -> np.ndarray:
    """1 where the point ends a run of `length` points on the same side of the mean."""
    n = len(rtm)
    out = np.zeros(n, dtype=int)
    for i in range(length - 1, n):
        window = rtm[i - length + 1 : i + 1]
        if window[-1] != 0 and np.all(window == window[-1]):
            out[i] = 1
    return out


def part_of_run(flags: np.ndarray, length: int) -> np.ndarray:
    """1 for every point of a run whose last point is flagged."""
    n = len(flags)
    out = np.zeros(n, dtype=int)
    for i in range(n):
        if np.any(flags[i : i + length] != 0):
            out[i] = 1
    return out


def trend_run(y: np.ndarray, length: int) -> np.ndarray:
    """+1/-1 where the point ends `length` points all rising/falling (ties break a trend)."""
    n = len(y)
    out = np.zeros(n, dtype=int)
    for i in range(length - 1, n):
        d = np.sign(np.diff(y[i - length + 1 : i + 1]))
        if np.all(d == 1):
            out[i] = 1
        elif np.all(d == -1):
            out[i] = -1
    return out


def two_in_three(close: np.ndarray, rtm: np.ndarray) -> np.ndarray:
    """1 for points in a window of three holding two or more close-to-limit points, all three
    on the same side of the mean."""
    n = len(close)
    vp = np.concatenate([[0, 0], close, [0, 0]])
    rp = np.concatenate([[0, 0], rtm, [0, 0]])
    out = np.zeros(n, dtype=int)
    for i in range(n):
        for s in (i, i + 1, i + 2):
            if vp[s : s + 3].sum() >= 2 and abs(rp[s : s + 3].sum()) == 3:
                out[i] = 1
                break
    return out


def _trend_direction(y: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Direction (+1/-1) of the trend each trend point belongs to: the step to the next point
    when that point is in the trend too, else the step from the previous one."""
    n = len(y)
    d = np.sign(np.diff(y)).astype(int)
    out = np.zeros(n, dtype=int)
    for i in range(n):
        if not part[i]:
            continue
        if i + 1 < n and part[i + 1]:
            out[i] = d[i]
        elif i > 0:
            out[i] = d[i - 1]
    return out


def xmr(
    values: Sequence[float] | pd.Series | np.ndarray,
    *,
    improvement: Improvement = "neutral",
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
    rebase: Sequence[int] = (),
    shift_length: int = 7,
    trend_length: int = 7,
    minimum_points: int = 15,
    target: float | None = None,
) -> pd.DataFrame:
    """One row per value with the XmR limits and the special-cause result.

    Args:
        values: the series in time order (no gaps).
        improvement: "increase" if higher is better, "decrease" if lower is better.
        screen_outliers: leave out moving ranges above 3.267 x the mean moving range before
            computing the limits (default True, as NHSRplotthedots).
        fix_after_n_points: compute the mean and limits from the first n points of each
            group only (a fixed baseline), then extend them.
        rebase: positions where a new group of limits starts (e.g. when a strategy began).
        shift_length: run length on one side of the mean that counts as a shift (default 7).
        trend_length: run of rising or falling points that counts as a trend (default 7).
        minimum_points: groups with fewer points are marked `provisional`.
        target: optional target value, returned per row for the assurance icon.

    Returns:
        DataFrame with columns value, rebase_group, mean, lpl, upl, nlpl, nupl,
        outside_limits, relative_to_mean, close_to_limits, special_cause, rule, point_type,
        provisional, target.
    """
    if improvement not in DIRECTION:
        raise ValueError(f"improvement must be one of {', '.join(DIRECTION)}, not {improvement!r}")
    y = np.asarray(values, dtype=float)
    if np.isnan(y).any():
        raise ValueError("values must not contain gaps (NaN); fill or shorten the series")
    n = len(y)
    starts = sorted({0, *[int(r) for r in rebase if 0 < int(r) < n]})
    group = np.zeros(n, dtype=int)
    for g, s in enumerate(starts):
        group[s:] = g
    cols: dict[str, np.ndarray] = {
        k: np.full(n, np.nan) for k in ("mean", "lpl", "upl", "nlpl", "nupl")
    }
    special = np.zeros(n, dtype=bool)
    rule = np.full(n, "", dtype=object)
    rtm_all = np.zeros(n, dtype=int)
    outside_all = np.zeros(n, dtype=bool)
    close_all = np.zeros(n, dtype=bool)
    provisional = np.zeros(n, dtype=bool)
    sdir = np.zeros(n, dtype=int)  # direction of the special cause: +1 high/rising, -1 low
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        yg = y[idx]
        fixed = yg[:fix_after_n_points] if fix_after_n_points else yg
        mean = float(np.mean(fixed)) if len(fixed) else np.nan
        mr = np.abs(np.diff(fixed))
        amr = float(np.mean(mr)) if len(mr) else np.nan
        if screen_outliers and len(mr):
            kept = mr[mr < SCREEN * amr]
            amr = float(np.mean(kept)) if len(kept) else np.nan
        amr = 0.0 if np.isnan(amr) else amr
        lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
        nlpl, nupl = mean - 2 * LIMIT / 3 * amr, mean + 2 * LIMIT / 3 * amr
        for k, v in (("mean", mean), ("lpl", lpl), ("upl", upl), ("nlpl", nlpl), ("nupl", nupl)):
            cols[k][idx] = v
        outside = (yg > upl) | (yg < lpl)
        rtm = np.sign(yg - mean).astype(int)
        close = ~outside & ((yg < nlpl) | (yg > nupl))
        shift = part_of_run(run_on_one_side(rtm, shift_length), shift_length)
        trend = part_of_run(trend_run(yg, trend_length), trend_length)
        two3 = (two_in_three(close.astype(int), rtm) == 1) & close
        flags = {
            "outside_limits": outside,
            "trend": trend == 1,
            "two_in_three": two3,
            "shift": shift == 1,
        }
        for name in reversed(RULES):  # the first rule in RULES wins the label
            rule[idx[flags[name]]] = name
        special[idx] = outside | (shift == 1) | (trend == 1) | two3
        tdir = _trend_direction(yg, trend == 1)
        sdir[idx] = np.where(rule[idx] == "trend", tdir, np.where(rule[idx] != "", rtm, 0))
        rtm_all[idx], outside_all[idx], close_all[idx] = rtm, outside, close
        provisional[idx] = len(idx) < minimum_points
    direction = DIRECTION[improvement]
    point_type = np.where(
        ~special | (sdir == 0),
        "common_cause",
        np.where(
            direction == 0,
            "special_cause_neutral",
            np.where(sdir == direction, "special_cause_improvement", "special_cause_concern"),
        ),
    )
    return pd.DataFrame(
        {
            "value": y,
            "rebase_group": group,
            **cols,
            "outside_limits": outside_all,
            "relative_to_mean": rtm_all,
            "close_to_limits": close_all,
            "special_cause": special,
            "rule": rule,
            "special_direction": sdir,
            "point_type": point_type,
            "provisional": provisional,
            "target": np.full(n, np.nan if target is None else float(target)),
        }
    )


def variation(result: pd.DataFrame, improvement: Improvement) -> str:
    """The variation icon from the last point: common_cause, improvement_high/low,
    concern_high/low or neutral_high/low."""
    if result.empty:
        return "common_cause"
    last = result.iloc[-1]
    if last["point_type"] == "common_cause":
        return "common_cause"
    way = last["special_direction"] if "special_direction" in result else (last["relative_to_mean"])
    side = "high" if way > 0 else "low"
    if improvement == "neutral" or last["point_type"] == "special_cause_neutral":
        return f"neutral_{side}"
    kind = "improvement" if last["point_type"] == "special_cause_improvement" else "concern"
    return f"{kind}_{side}"


def assurance(result: pd.DataFrame, improvement: Improvement, target: float | None) -> str | None:
    """consistent_pass / consistent_fail / inconsistent against the last point's limits;
    None without a target or when direction is neutral."""
    if target is None or improvement == "neutral" or result.empty or np.isnan(target):
        return None
    last = result.iloc[-1]
    increasing = improvement == "increase"
    if target > last["upl"]:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < last["lpl"]:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


# Seasonality and shifts ------------------------------------------------------------------------
def seasonal_indices(
    values: Sequence[float], months: Sequence[int], alpha: float = 0.05, per_year: int = 12
) -> tuple[np.ndarray | None, float]:
    """(month-of-year indices, p-value) when monthly values show seasonality, else (None, p).

    `months` are positions in the year, 1..`per_year` (12 for months, 4 for quarters).
    Classical multiplicative decomposition (Makridakis, Wheelwright and Hyndman, *Forecasting:
    Methods and Applications*, 3rd edition, 1998, chapter 4): each value is divided by the
    centred moving average over a year (a 2 x 12 average for months, 2 x 4 for quarters:
    the trend-cycle), which a trend does not tilt as dividing by each year's mean does; a
    one-way analysis of variance of these ratios by position in the year tests for
    seasonality. Where significant at `alpha`, the index of a position is its mean ratio,
    scaled to average 1. Needs a ratio for every position and more ratios than positions:
    with a year lost at the ends, more than two years of data.
    """
    y = np.asarray(values, dtype=float)
    m = np.asarray(months, dtype=int)
    k = per_year
    ratio = seasonal_ratios(y, k)
    keep = ~np.isnan(ratio)
    groups = [ratio[keep & (m == j)] for j in range(1, k + 1)]
    if any(len(g) < 1 for g in groups) or keep.sum() <= k:
        return None, float("nan")
    if np.allclose(ratio[keep], ratio[keep][0]):
        return None, float("nan")
    p = float(sp_stats.f_oneway(*groups).pvalue)
    if not p < alpha:
        return None, p
    idx = np.array([g.mean() for g in groups])
    if not (idx > 0).all():  # a month that is always zero cannot be divided by: no adjustment
        return None, p
    return idx / idx.mean(), p


def seasonally_adjusted(
    values: Sequence[float], months: Sequence[int], indices: np.ndarray
) -> np.ndarray:
    """Each value divided by its calendar month's index."""
    return np.asarray(values, dtype=float) / indices[np.asarray(months, dtype=int) - 1]


def sustained_shift_start(result: pd.DataFrame, shift_length: int = 7) -> int | None:
    """Position where a run of `shift_length` or more points on one side of the mean, still
    running at the latest point, began (a candidate for recalculating the limits)."""
    if result.empty:
        return None
    rtm = result["relative_to_mean"].to_numpy()
    group = result["rebase_group"].to_numpy()
    last = rtm[-1]
    if last == 0:
        return None
    i = len(rtm) - 1
    while i > 0 and rtm[i - 1] == last and group[i - 1] == group[-1]:
        i -= 1
    return i if len(rtm) - i >= shift_length else None


def baseline_special_causes(series: pd.DataFrame, start: str, end: str) -> list[tuple[str, str]]:
    """(period label, "high" or "low") of each special-cause point whose period starts in the
    baseline (`start`..`end`, YYYY-MM), from an indicator's series with its XmR columns
    (`period`, `period_start`, `special_cause`, `relative_to_mean`). A baseline holding
    unusual points tends to be followed by more ordinary ones (regression to the mean): the
    caveat on a before-and-after change names these periods rather than speaking in general.
    """
    need = {"period", "period_start", "special_cause", "relative_to_mean"}
    if series.empty or not need <= set(series.columns):
        return []
    within = series["period_start"].astype(str).between(start, end)
    flagged = series[within & series["special_cause"].fillna(False).astype(bool)]
    return [
        (str(r["period"]), "high" if r["relative_to_mean"] > 0 else "low")
        for _, r in flagged.iterrows()
    ]
