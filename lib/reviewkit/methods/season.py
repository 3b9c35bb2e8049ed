"""Seasonal factors as ratios to a centred moving average (classical multiplicative
decomposition: Makridakis, Wheelwright and Hyndman, *Forecasting: Methods and Applications*,
3rd edition, 1998, chapter 4; the first step of X-11).

The trend-cycle at each period is the centred moving average over one year: for an even
number of periods a year (12 months, 4 quarters) a 2 x 12 (or 2 x 4) average, the two ends
weighted a half. Each value divided by it is a seasonal-irregular ratio, defined from half a
year after the first period to half a year before the last. A period-of-year's factor is the
mean (or, robust to a step in the level, the median) of its ratios, the factors scaled to
average 1. A trend does not tilt these factors, as dividing by the year's mean would: a falling
series' first months sit above their year's mean and its last months below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

Average = Literal["mean", "median"]


def centred_moving_average(values: Sequence[float] | np.ndarray, per_year: int = 12) -> np.ndarray:
    """The centred moving average over one year at each period (NaN within half a year of
    either end)."""
    y = np.asarray(values, dtype=float)
    k = per_year
    if k % 2:
        weights = np.full(k, 1.0 / k)
    else:
        weights = np.concatenate([[0.5], np.ones(k - 1), [0.5]]) / k
    half = len(weights) // 2
    out = np.full(len(y), np.nan)
    if len(y) < len(weights):
        return out
    out[half : len(y) - half] = np.convolve(y, weights, mode="valid")
    return out


def seasonal_ratios(values: Sequence[float] | np.ndarray, per_year: int = 12) -> np.ndarray:
    """Each value over its centred moving average (NaN where that is undefined or not
    positive)."""
    y = np.asarray(values, dtype=float)
    cma = centred_moving_average(y, per_year)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cma > 0, y / cma, np.nan)


def seasonal_factors(
    values: Sequence[float],
    positions: Sequence[int],
    per_year: int = 12,
    average: Average = "mean",
) -> np.ndarray | None:
    """Factors for positions 1..`per_year` in the year (index 0 is position 1), averaging 1;
    None when a position has no ratio or a factor is not positive."""
    ratio = seasonal_ratios(values, per_year)
    pos = np.asarray(positions, dtype=int)
    pick = np.nanmedian if average == "median" else np.nanmean
    factors = np.empty(per_year)
    for j in range(1, per_year + 1):
        got = ratio[(pos == j) & ~np.isnan(ratio)]
        if not len(got):
            return None
        factors[j - 1] = float(pick(got))
    if not (factors > 0).all():
        return None
    return factors / factors.mean()
