"""Steps in monthly counts: every step beyond chance and beyond a trend, the largest one,
and the steps at months found elsewhere (`reviewkit.methods.recording`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from reviewkit.methods.segmentation import (
    MIN_MONTHS,
    MIN_RATIO,
    deviance_terms,
    level_size,
    merge_small,
    month_season,
    phi_from_differences,
    segment,
    segment_cost,
)


@dataclass(frozen=True)
class Step:
    """One step in a monthly series: from the level of the segment before `month` to the
    level of the segment that starts at `month` and runs to `until`."""

    month: str  # first month at the new level
    before: float  # level (mean monthly count, seasonally adjusted) of the segment before
    after: float  # level of the segment from `month`
    ratio: float  # after / before
    p_value: float  # quasi-likelihood ratio test of one level against two
    until: str = ""  # last month at the new level (the month before the next step, or the end)
    local_size: float = math.nan  # the step's size on the months next to it (>= 1, either way)


def _ratio(after: float, before: float) -> float:
    return after / before if before > 0 else math.inf if after > 0 else 1.0


LOCAL_MONTHS = 12
TREND_ALPHA = 1e-3  # a step found must also stand out from a trend through its months


def _poisson_fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, float]:
    """(coefficients, deviance) of a log-linear Poisson model, by Newton's method."""
    beta = np.zeros(x.shape[1])
    beta[0] = math.log(max(y.sum(), 0.5) / np.exp(offset).sum())
    for _ in range(50):
        mu = np.exp(x @ beta + offset)
        step = np.linalg.lstsq(x.T @ (x * mu[:, None]), x.T @ (y - mu), rcond=None)[0]
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    mu = np.exp(x @ beta + offset)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return beta, float(2 * (term - (y - mu)).sum())


def step_beyond_trend(
    y: np.ndarray, s: np.ndarray, bounds: Sequence[int], start: int, phi: float
) -> tuple[float, float]:
    """(size, p-value) of the step at `start` allowing for a trend: on the months next to it
    (up to `LOCAL_MONTHS` each side), a log-linear trend with a step at each change point
    (`bounds`) in those months, against the same without the step at `start`, by
    quasi-likelihood (deviance over phi, chi-squared on 1 degree of freedom). A trend cut
    into two segments differs between them only because they are long; a step is a jump
    between two months beyond the trend. Size is the step's factor either way (at least 1)."""
    lo, hi = max(0, start - LOCAL_MONTHS), min(len(y), start + LOCAL_MONTHS)
    t = np.arange(lo, hi, dtype=float)
    yy = y[lo:hi]
    offset = np.log(s[lo:hi])
    if yy.sum() <= 0:
        return 1.0, 1.0
    others = [(t >= b).astype(float) for b in bounds if lo < b < hi and b != start]
    base = np.column_stack([np.ones_like(t), (t - start) / 12, *others])
    _, d_without = _poisson_fit(base, yy, offset)
    beta, d_with = _poisson_fit(np.column_stack([base, (t >= start).astype(float)]), yy, offset)
    p = float(stats.chi2.sf(max(d_without - d_with, 0.0) / phi, 1))
    return float(math.exp(min(abs(beta[-1]), 700))), p


def find_steps(
    counts: pd.Series,
    min_ratio: float = MIN_RATIO,
    alpha: float = 1e-4,
    min_months: int = MIN_MONTHS,
    season: np.ndarray | None = None,
) -> list[Step]:
    """Every step of at least `min_ratio` beyond chance in a series of monthly counts (index
    YYYY-MM, in order), earliest first; `season`, when given, is each month's factor."""
    y = counts.to_numpy(dtype=float)
    months = [str(m) for m in counts.index]
    n = len(y)
    if n < 2 * min_months or y.sum() <= 0:
        return []
    if season is None:
        season = month_season(counts, min_ratio)
    seg = segment(y, season, min_months=min_months)
    bounds, levels = merge_small(y, seg.season, seg.bounds, min_ratio)
    cy, cs = deviance_terms(y, seg.season)
    edges = [0, *bounds, n]
    steps = []
    for k, start in enumerate(bounds):
        a, c = edges[k], edges[k + 2]
        lr = segment_cost(cy, cs, a, c) - segment_cost(cy, cs, a, start)
        lr -= segment_cost(cy, cs, start, c)
        p = float(stats.chi2.sf(max(lr, 0.0) / seg.phi, 1))
        local, p_trend = step_beyond_trend(y, seg.season, bounds, start, seg.phi)
        if not (p < alpha and p_trend < TREND_ALPHA) or local < min_ratio:
            continue
        steps.append(
            Step(
                months[start],
                levels[k],
                levels[k + 1],
                _ratio(levels[k + 1], levels[k]),
                p,
                months[c - 1],
                local,
            )
        )
    return steps


def find_step(
    counts: pd.Series,
    min_ratio: float = MIN_RATIO,
    alpha: float = 1e-4,
    min_months: int = MIN_MONTHS,
) -> Step | None:
    """The largest step in a series of monthly counts (see `find_steps`), or None."""
    steps = find_steps(counts, min_ratio, alpha, min_months)
    return max(steps, key=lambda s: level_size(s.after, s.before)) if steps else None


def at_months(
    counts: pd.Series, months: Sequence[str], season: np.ndarray | None = None
) -> list[Step]:
    """The step at each of `months` (change points found elsewhere, e.g. in the rest of the
    force) in a series of monthly counts: the levels of the segments between them and the
    quasi-likelihood ratio test of the two segments beside each change point. The months are
    given, not searched for, so the test's p-value is an ordinary one."""
    y = counts.to_numpy(dtype=float)
    index = [str(m) for m in counts.index]
    n = len(y)
    s = np.ones(n) if season is None else np.asarray(season, dtype=float)
    bounds = sorted({index.index(m) for m in months if m in index} - {0})
    if not bounds:
        return []
    cy, cs = deviance_terms(y, s)
    phi = phi_from_differences(y / s)
    steps = []
    edges = [0, *bounds, n]
    for k, start in enumerate(bounds):
        a, c = edges[k], edges[k + 2]
        lr = segment_cost(cy, cs, a, c) - segment_cost(cy, cs, a, start)
        lr -= segment_cost(cy, cs, start, c)
        before = float((cy[start] - cy[a]) / (cs[start] - cs[a]))
        after = float((cy[c] - cy[start]) / (cs[c] - cs[start]))
        p = float(stats.chi2.sf(max(lr, 0.0) / phi, 1))
        local, _p = step_beyond_trend(y, s, bounds, start, phi)
        steps.append(
            Step(index[start], before, after, _ratio(after, before), p, index[c - 1], local)
        )
    return steps
