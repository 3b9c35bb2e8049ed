"""Benchmarking against a most-similar group of partnerships: rate, rank and funnel limits.

The peer file has one row per partnership and measure for a 12-month window:
`partnership, period, measure, count, population`, where `period` is the window's last month
(`YYYY-MM`) and `measure` is an indicator id. Rows for the review period's last month are used.
Funnel limits are exact Poisson limits around the group rate for each population size, at 95%
and 99.8%.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from reviewkit.textfiles import read_reference_table

COLUMNS = ["partnership", "period", "measure", "count", "population"]


def load_peers(path: Path) -> pd.DataFrame:
    return read_reference_table(path, COLUMNS, {"count": True, "population": False},
                                "peer file")


def funnel_limits(group_rate: float, population: np.ndarray, level: float,
                  per: float = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits (as rates per `per`) for each population around the group rate."""
    lam = group_rate / per * np.asarray(population, dtype=float)
    alpha = 1 - level
    low = stats.poisson.ppf(alpha / 2, lam)
    high = stats.poisson.ppf(1 - alpha / 2, lam)
    return low / population * per, high / population * per


def benchmark(peers: pd.DataFrame, partnership: str, measure: str, period: str
              ) -> pd.DataFrame:
    """One row per peer: rate, rank, limits and position against the group."""
    rows = peers[(peers["measure"] == measure) & (peers["period"] == period)].copy()
    if rows.empty:
        return rows
    rows["rate"] = rows["count"] / rows["population"] * 1000
    group = rows["count"].sum() / rows["population"].sum() * 1000
    rows["group_rate"] = group
    for level, name in ((0.95, "95"), (0.998, "99.8")):
        lo, hi = funnel_limits(group, rows["population"].to_numpy(), level)
        rows[f"lower_{name}"], rows[f"upper_{name}"] = lo, hi
    rows["rank"] = rows["rate"].rank(method="min").astype(int)
    rows["of"] = len(rows)
    rows["position"] = [
        "above the 99.8% limit" if r > u2 else "above the 95% limit" if r > u1 else
        "below the 99.8% limit" if r < l2 else "below the 95% limit" if r < l1 else
        "within the limits"
        for r, l1, u1, l2, u2 in zip(rows["rate"], rows["lower_95"], rows["upper_95"],
                                     rows["lower_99.8"], rows["upper_99.8"], strict=True)]
    rows["is_self"] = rows["partnership"].str.strip().str.lower() == partnership.strip().lower()
    rows["denominator"] = rows["population"]
    return rows.sort_values("rate", ignore_index=True)


def benchmark_all(peers: pd.DataFrame, partnership: str, measures: list[str],
                  period: str) -> pd.DataFrame:
    frames = [benchmark(peers, partnership, m, period).assign(indicator=m) for m in measures]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["indicator", *COLUMNS, "rate", "group_rate", "rank", "of",
                                     "position", "is_self"])
    return pd.concat(frames, ignore_index=True)
