"""Benchmarking against a most-similar group of partnerships: rate, rank and funnel limits.

The peer file has one row per partnership and measure for a 12-month window:
`partnership, period, measure, count, population`, where `period` is the window's last month
(`YYYY-MM`) and `measure` is an indicator id. Rows for the review period's last month are used.

Funnel limits are around the group rate for each population size, at 95% and 99.8%. Areas
often differ by more than chance (different places, different recording): the dispersion
test of Spiegelhalter (2005, "Handling over-dispersion of performance indicators", Qual Saf
Health Care 14:347-351), as NHS-R's FunnelPlotR does it, checks this. Each area's z-score on
the square-root scale, z = 2 x (sqrt(observed) - sqrt(expected)), is Winsorised at 10% each
end; phi = mean of the squared Winsorised z-scores; n x phi is compared with chi-squared on
n - 1 degrees of freedom. When n x phi > n - 1, the between-area variance
tau^2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w), w = 4 x expected, widens the limits
(additive random effects): ratio limits (1 +/- z sqrt(1 / (4E) + tau^2))^2. The
multiplicative alternative scales the Poisson spread by sqrt(phi). Without over-dispersion
the limits are exact Poisson limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
from scipy import stats

from reviewkit.base.textfiles import read_reference_table
from reviewkit.inputs.params import FunnelAdjustment

COLUMNS = ["partnership", "period", "measure", "count", "population"]
Adjustment = FunnelAdjustment  # the params' vocabulary, one list
WINSORISE = 0.10
Z = {0.95: stats.norm.ppf(0.975), 0.998: stats.norm.ppf(0.999)}


@dataclass(frozen=True)
class Dispersion:
    """Spiegelhalter's over-dispersion test for one measure across the peer group."""

    phi: float  # dispersion factor: mean squared Winsorised z-score (1 = Poisson)
    tau2: float  # between-area variance on the square-root ratio scale (additive model)
    n: int
    p_value: float  # n x phi against chi-squared on n - 1 degrees of freedom
    method: Adjustment  # the adjustment applied to the limits ("none" when not needed)

    @property
    def overdispersed(self) -> bool:
        return self.method != "none"


def dispersion_test(
    count: np.ndarray,
    expected: np.ndarray,
    adjustment: Adjustment = "additive",
    winsorise: float = WINSORISE,
) -> Dispersion:
    """phi, tau^2 and the dispersion test from observed and expected counts."""
    o = np.asarray(count, dtype=float)
    e = np.asarray(expected, dtype=float)
    n = len(o)
    if n < 3:
        return Dispersion(float("nan"), 0.0, n, float("nan"), "none")
    z = 2 * (np.sqrt(o) - np.sqrt(e))
    lo, hi = np.quantile(z, [winsorise, 1 - winsorise])  # R's default (type 7) quantiles
    zw = np.clip(z, lo, hi)
    phi = float(np.mean(zw**2))
    p = float(stats.chi2.sf(n * phi, n - 1))
    w = 4 * e
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    method: Adjustment = adjustment if n * phi > n - 1 else "none"
    return Dispersion(phi, tau2 if method == "additive" else 0.0, n, p, method)


def dispersion_of(rows: pd.DataFrame) -> Dispersion:
    """The dispersion a benchmark table was computed with (from its `od_*` columns)."""
    r = rows.iloc[0]
    method = cast(Adjustment, str(r["od_method"]))  # written by this module: a known method
    return Dispersion(float(r["od_phi"]), float(r["od_tau2"]), len(rows), float(r["od_p"]), method)


def load_peers(path: Path) -> pd.DataFrame:
    return read_reference_table(path, COLUMNS, {"count": True, "population": False}, "peer file")


def funnel_limits(
    group_rate: float,
    population: np.ndarray,
    level: float,
    per: float = 1000.0,
    dispersion: Dispersion | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Limits (as rates per `per`) for each population around the group rate: exact Poisson,
    or widened for over-dispersion when `dispersion` says the group is over-dispersed."""
    population = np.asarray(population, dtype=float)
    lam = group_rate / per * population
    if dispersion is None or not dispersion.overdispersed:
        alpha = 1 - level
        low = stats.poisson.ppf(alpha / 2, lam)
        high = stats.poisson.ppf(1 - alpha / 2, lam)
        return low / population * per, high / population * per
    s2 = 1 / (4 * lam)
    spread = (
        np.sqrt(s2 + dispersion.tau2)
        if dispersion.method == "additive"
        else (np.sqrt(dispersion.phi * s2))
    )
    z = Z[level]
    low = np.clip(1 - z * spread, 0, None) ** 2
    high = (1 + z * spread) ** 2
    return group_rate * low, group_rate * high


def adjusted_z(count: np.ndarray, expected: np.ndarray, dispersion: Dispersion) -> np.ndarray:
    """Each area's z-score on the square-root scale, allowing for the over-dispersion."""
    o = np.asarray(count, dtype=float)
    e = np.asarray(expected, dtype=float)
    z = 2 * (np.sqrt(o) - np.sqrt(e))
    if not dispersion.overdispersed:
        return z
    if dispersion.method == "additive":
        return (np.sqrt(o / e) - 1) / np.sqrt(1 / (4 * e) + dispersion.tau2)
    return z / np.sqrt(dispersion.phi)


def benchmark(
    peers: pd.DataFrame,
    partnership: str,
    measure: str,
    period: str,
    adjustment: Adjustment = "additive",
) -> pd.DataFrame:
    """One row per peer: rate, rank, limits and position against the group, with the
    dispersion test's phi, tau2, p-value and the adjustment made (`od_*` columns)."""
    rows = peers[(peers["measure"] == measure) & (peers["period"] == period)].copy()
    if rows.empty:
        return rows
    rows["rate"] = rows["count"] / rows["population"] * 1000
    group = rows["count"].sum() / rows["population"].sum() * 1000
    rows["group_rate"] = group
    expected = (group / 1000 * rows["population"]).to_numpy()
    od = dispersion_test(rows["count"].to_numpy(), expected, adjustment)
    rows["expected"] = expected
    rows["z"] = adjusted_z(rows["count"].to_numpy(), expected, od)
    rows["od_phi"], rows["od_tau2"], rows["od_p"] = od.phi, od.tau2, od.p_value
    rows["od_method"] = od.method
    for level, name in ((0.95, "95"), (0.998, "99.8")):
        lo, hi = funnel_limits(group, rows["population"].to_numpy(), level, dispersion=od)
        rows[f"lower_{name}"], rows[f"upper_{name}"] = lo, hi
    rows["rank"] = rows["rate"].rank(method="min").astype(int)
    rows["of"] = len(rows)
    rows["position"] = [
        "above the 99.8% limit"
        if r > u2
        else "above the 95% limit"
        if r > u1
        else "below the 99.8% limit"
        if r < l2
        else "below the 95% limit"
        if r < l1
        else "within the limits"
        for r, l1, u1, l2, u2 in zip(
            rows["rate"],
            rows["lower_95"],
            rows["upper_95"],
            rows["lower_99.8"],
            rows["upper_99.8"],
            strict=True,
        )
    ]
    rows["is_self"] = rows["partnership"].str.strip().str.lower() == partnership.strip().lower()
    rows["denominator"] = rows["population"]
    return rows.sort_values("rate", ignore_index=True)


def benchmark_all(
    peers: pd.DataFrame,
    partnership: str,
    measures: list[str],
    period: str,
    adjustment: Adjustment = "additive",
) -> pd.DataFrame:
    frames = [
        benchmark(peers, partnership, m, period, adjustment).assign(indicator=m) for m in measures
    ]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(
            columns=[
                "indicator",
                *COLUMNS,
                "rate",
                "group_rate",
                "rank",
                "of",
                "position",
                "is_self",
            ]
        )
    return pd.concat(frames, ignore_index=True)
