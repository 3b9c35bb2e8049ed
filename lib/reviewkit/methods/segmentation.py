"""Segments of constant level in monthly counts, by penalised likelihood (optimal
partitioning), allowing for over-dispersion and the season; the first job of finding
recording changes (`reviewkit.methods.recording`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_MONTHS = 3
MIN_RATIO = 1.5  # a step is kept when one level is at least this many times the other
PENALTY = 2.0  # per change, times log(n), on the deviance / phi scale (BIC for one level)


@dataclass(frozen=True)
class Segmentation:
    """The segments of constant level a series was cut into, with the season and dispersion
    the cost allowed for."""

    bounds: list[int]  # start positions of the segments after the first (change points)
    levels: list[float]  # each segment's level
    season: np.ndarray  # the factor of each month of the series (1 when not estimated)
    phi: float


def deviance_terms(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative sums of counts and season factors, for segment costs in constant time."""
    return np.concatenate([[0.0], np.cumsum(y)]), np.concatenate([[0.0], np.cumsum(s)])


def segment_cost(cy: np.ndarray, cs: np.ndarray, a: int, b: int) -> float:
    """-2 x Poisson log-likelihood of counts a..b-1 at level Y/S x season, without the terms
    that do not depend on where the segments are cut."""
    total = cy[b] - cy[a]
    if total <= 0:
        return 0.0
    return -2.0 * (total * math.log(total / (cs[b] - cs[a])) - total)


def optimal_partition(
    y: np.ndarray, season: np.ndarray, penalty: float, min_months: int = MIN_MONTHS
) -> list[int]:
    """Change points (start positions of new segments) that minimise the summed segment
    costs plus `penalty` per change, every segment at least `min_months` long."""
    n = len(y)
    cy, cs = deviance_terms(y, season)
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    for t in range(min_months, n + 1):
        taus = np.array([0, *range(min_months, t - min_months + 1)])
        taus = taus[np.isfinite(best[taus])]
        total = cy[t] - cy[taus]
        with np.errstate(divide="ignore", invalid="ignore"):
            cost = np.where(
                total > 0, -2.0 * (total * np.log(total / (cs[t] - cs[taus])) - total), 0.0
            )
        value = best[taus] + cost + penalty
        k = int(np.argmin(value))
        best[t], last[t] = value[k], taus[k]
    points, t = [], n
    while t > 0:
        t = int(last[t])
        if t > 0:
            points.append(t)
    return sorted(points)


def _levels(y: np.ndarray, season: np.ndarray, bounds: Sequence[int]) -> list[float]:
    edges = [0, *bounds, len(y)]
    return [
        float(y[a:b].sum() / season[a:b].sum()) for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]


def _fitted(y: np.ndarray, season: np.ndarray, bounds: Sequence[int]) -> np.ndarray:
    edges = [0, *bounds, len(y)]
    level = np.concatenate(
        [
            np.full(b - a, lv)
            for (a, b), lv in zip(
                zip(edges[:-1], edges[1:], strict=True), _levels(y, season, bounds), strict=True
            )
        ]
    )
    return level * season


def _season_from_levels(y: np.ndarray, moy: np.ndarray, bounds: list[int]) -> np.ndarray:
    """Each month's factor: its month of the year's mean ratio to its segment's level (the
    level without the season), the twelve factors scaled to average 1."""
    level = _fitted(y, np.ones(len(y)), bounds)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(level > 0, y / level, np.nan)
    factors = np.array(
        [
            np.nanmean(ratio[moy == m]) if (~np.isnan(ratio[moy == m])).any() else np.nan
            for m in range(1, 13)
        ]
    )
    if np.isnan(factors).any() or not (factors > 0).all():
        return np.ones(len(y))
    return (factors / factors.mean())[moy - 1]


def month_season(counts: pd.Series, min_ratio: float = MIN_RATIO) -> np.ndarray | None:
    """Each month's seasonal factor in a series of monthly counts (index YYYY-MM), estimated
    in turn with the steps: the series is cut into segments, those that differ by less than
    `min_ratio` merged, and each month's factor is its month of the year's mean ratio to its
    segment's level; then cut again allowing for that season. With less than two years, None
    (a season cannot be told from the level)."""
    if len(counts) < 24 or counts.sum() <= 0:
        return None
    y = counts.to_numpy(dtype=float)
    moy = np.array([int(str(m)[5:7]) for m in counts.index])
    s = np.ones(len(y))
    for _ in range(3):
        bounds, _ = merge_small(y, s, segment(y, s).bounds, min_ratio)
        new = _season_from_levels(y, moy, bounds)
        if np.allclose(new, s, atol=1e-3):
            break
        s = new
    return s


def phi_from_differences(y: np.ndarray) -> float:
    """A robust first guess at the dispersion: the spread (median absolute deviation) of
    month-to-month differences scaled by their Poisson standard error; a few steps among
    many months do not move a median."""
    a, b = y[:-1], y[1:]
    keep = (a + b) > 0
    if keep.sum() < 3:
        return 1.0
    d = (b[keep] - a[keep]) / np.sqrt(a[keep] + b[keep])
    mad = 1.4826 * float(np.median(np.abs(d - np.median(d))))
    return max(1.0, mad**2)


def segment(
    y: np.ndarray,
    season: np.ndarray | None = None,
    penalty: float = PENALTY,
    min_months: int = MIN_MONTHS,
) -> Segmentation:
    """Segments of constant level in monthly counts `y`, allowing for over-dispersion and
    for the season (`season`, each month's factor, when given)."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    s = np.ones(n) if season is None else np.asarray(season, dtype=float)
    phi = phi_from_differences(y / s)
    bounds = optimal_partition(y, s, phi * penalty * math.log(n), min_months)
    return Segmentation(bounds, _levels(y, s, bounds), s, phi)


def level_size(after: float, before: float) -> float:
    """How far apart two levels are, either way (with half a count added, so that a level
    near zero does not make every wobble a huge ratio)."""
    r = (after + 0.5) / (before + 0.5)
    return max(r, 1 / r)


def merge_small(
    y: np.ndarray, s: np.ndarray, bounds: list[int], min_ratio: float
) -> tuple[list[int], list[float]]:
    """Merge adjacent segments whose levels differ by less than `min_ratio`, the smallest
    difference first, until every remaining change is at least that large."""
    bounds = list(bounds)
    while bounds:
        levels = _levels(y, s, bounds)
        sizes = [level_size(levels[i + 1], levels[i]) for i in range(len(bounds))]
        i = int(np.argmin(sizes))
        if sizes[i] >= min_ratio:
            break
        del bounds[i]
    return bounds, _levels(y, s, bounds)
