"""Benchmarking against a most-similar group of partnerships: rate, rank and funnel limits.

The peer file has one row per partnership and measure for a 12-month window:
`partnership, period, measure, count, population`, where `period` is the window's last month
(`YYYY-MM`) and `measure` is an indicator id. Rows for the review period's last month are used.

Funnel limits are around the group rate for each population size, at 95% and 99.8%.

- **Exact limits.** Without over-dispersion the limits are the continuous exact Poisson limits
  of UK public health practice (PHE/OHID Fingertips technical guidance; PHEindicatormethods'
  funnels): at expected count E = group rate x population, the upper limit is the count O
  with P(X >= O | E) = alpha / 2 and the lower the count O with P(X <= O | E) = alpha / 2,
  both read through the regularised incomplete gamma function so that O is continuous (not
  the step-shaped integer quantiles).
- **Over-dispersion.** Areas often differ by more than chance (different places, different
  recording): Spiegelhalter's test (2005, "Handling over-dispersion of performance
  indicators", Qual Saf Health Care 14:347-351), as NHS-R's FunnelPlotR does it. Each area's
  z-score on the square-root scale, z = 2 x (sqrt(observed) - sqrt(expected)); phi = mean of
  the squared z-scores; n x phi is compared with chi-squared on n - 1 degrees of freedom.
  When n x phi > n - 1, the between-area variance tau^2 = (n phi - (n - 1)) / (sum w -
  sum w^2 / sum w), w = 4 x expected (DerSimonian and Laird's moment estimate) widens the
  limits (additive random effects): ratio limits (1 +/- z sqrt(1 / (4E) + tau^2))^2. The
  multiplicative alternative scales the Poisson spread by sqrt(phi).
- **Few areas.** Spiegelhalter Winsorises the z-scores at 10% each end to keep an outlier
  from inflating phi; FunnelPlotR does so by default. With fewer than `SMALL_GROUP` areas
  that trims two or more areas a tail without rescaling, which biases phi down (even among
  areas that differ only by chance, the Winsorised mean square of 15 normal z-scores is
  about 0.7) and halves it in real groups, so tau^2 is under-estimated and exchangeable peers
  fall outside the limits. So with fewer than `SMALL_GROUP` areas phi is not Winsorised
  (the moment estimate meta-analysis uses with 10-20 studies), with 30 or more it is. Both
  estimates are always computed: an area is called outside a limit only when it is outside
  that limit under both (`position_depends` marks an area whose position changes with the
  choice), so no position rests on the choice of estimate.
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
from reviewkit.methods.exact_tests import exact_poisson_limits

COLUMNS = ["partnership", "period", "measure", "count", "population"]
Adjustment = FunnelAdjustment  # the params' vocabulary, one list
WINSORISE = 0.10
SMALL_GROUP = 30  # fewer areas than this: phi is estimated without Winsorising
Z = {0.95: stats.norm.ppf(0.975), 0.998: stats.norm.ppf(0.999)}


@dataclass(frozen=True)
class Dispersion:
    """Spiegelhalter's over-dispersion test for one measure across the peer group."""

    phi: float  # dispersion factor: mean squared Winsorised z-score (1 = Poisson)
    tau2: float  # between-area variance on the square-root ratio scale (additive model)
    n: int
    p_value: float  # n x phi against chi-squared on n - 1 degrees of freedom
    method: Adjustment  # the adjustment applied to the limits ("none" when not needed)
    winsorise: float = WINSORISE  # share of z-scores Winsorised at each end (0: none)

    @property
    def overdispersed(self) -> bool:
        """Whether the limits were widened (a method other than 'none' was needed)."""
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
    if winsorise > 0:
        lo, hi = np.quantile(z, [winsorise, 1 - winsorise])  # R's default (type 7) quantiles
        z = np.clip(z, lo, hi)
    phi = float(np.mean(z**2))
    p = float(stats.chi2.sf(n * phi, n - 1))
    w = 4 * e
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    method: Adjustment = adjustment if n * phi > n - 1 else "none"
    return Dispersion(phi, tau2 if method == "additive" else 0.0, n, p, method, winsorise)


def winsorising(n: int) -> float:
    """The share of z-scores Winsorised at each end for a group of `n` areas: none below
    `SMALL_GROUP` (see the module's note on few areas), 10% from there."""
    return WINSORISE if n >= SMALL_GROUP else 0.0


def dispersion_of(rows: pd.DataFrame) -> Dispersion:
    """The dispersion a benchmark table was computed with (from its `od_*` columns)."""
    r = rows.iloc[0]
    method = cast(Adjustment, str(r["od_method"]))  # written by this module: a known method
    share = float(r["od_winsorise"]) if "od_winsorise" in rows else WINSORISE
    return Dispersion(
        float(r["od_phi"]), float(r["od_tau2"]), len(rows), float(r["od_p"]), method, share
    )


def load_peers(path: Path) -> pd.DataFrame:
    """The peer table (one row per partnership and measure), checked as a reference table."""
    return read_reference_table(path, COLUMNS, {"count": True, "population": False}, "peer file")


def funnel_limits(
    group_rate: float,
    population: np.ndarray,
    level: float,
    per: float = 1000.0,
    dispersion: Dispersion | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Limits (as rates per `per`) for each population around the group rate: continuous
    exact Poisson, or widened for over-dispersion when `dispersion` says the group is
    over-dispersed."""
    population = np.asarray(population, dtype=float)
    lam = group_rate / per * population
    if dispersion is None or not dispersion.overdispersed:
        low, high = exact_poisson_limits(lam, level)
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


LEVELS = ((0.95, "95"), (0.998, "99.8"))
POSITIONS = {
    2: "above the 99.8% limit",
    1: "above the 95% limit",
    0: "within the limits",
    -1: "below the 95% limit",
    -2: "below the 99.8% limit",
}


def _side(rate: np.ndarray, limits: dict[str, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Where each rate sits: 2 above the 99.8% limit, 1 above the 95%, 0 within, -1, -2."""
    lo95, hi95 = limits["95"]
    lo998, hi998 = limits["99.8"]
    return np.select(
        [rate > hi998, rate > hi95, rate < lo998, rate < lo95], [2, 1, -2, -1], default=0
    )


def least_extreme(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The position two estimates agree on: outside a limit only where both put it there."""
    same_side = np.sign(a) == np.sign(b)
    return np.where(same_side, np.sign(a) * np.minimum(np.abs(a), np.abs(b)), 0)


def benchmark(
    peers: pd.DataFrame,
    partnership: str,
    measure: str,
    period: str,
    adjustment: Adjustment = "additive",
) -> pd.DataFrame:
    """One row per peer: rate, rank, limits and position against the group, with the
    dispersion test's phi, tau2, p-value, the adjustment made and the share Winsorised
    (`od_*` columns), the other estimate's phi and tau2 (`od_phi_other`, `od_tau2_other`),
    and whether the position depends on the choice (`position_depends`)."""
    rows = peers[(peers["measure"] == measure) & (peers["period"] == period)].copy()
    if rows.empty:
        return rows
    rows["rate"] = rows["count"] / rows["population"] * 1000
    group = rows["count"].sum() / rows["population"].sum() * 1000
    rows["group_rate"] = group
    expected = (group / 1000 * rows["population"]).to_numpy()
    count = rows["count"].to_numpy()
    population = rows["population"].to_numpy()
    share = winsorising(len(rows))
    od = dispersion_test(count, expected, adjustment, share)
    other = dispersion_test(count, expected, adjustment, WINSORISE if share == 0 else 0.0)
    rows["expected"] = expected
    rows["z"] = adjusted_z(count, expected, od)
    rows["od_phi"], rows["od_tau2"], rows["od_p"] = od.phi, od.tau2, od.p_value
    rows["od_method"] = od.method
    rows["od_winsorise"] = od.winsorise
    rows["od_phi_other"], rows["od_tau2_other"] = other.phi, other.tau2
    limits = {name: funnel_limits(group, population, lv, dispersion=od) for lv, name in LEVELS}
    alt = {name: funnel_limits(group, population, lv, dispersion=other) for lv, name in LEVELS}
    for name, (lo, hi) in limits.items():
        rows[f"lower_{name}"], rows[f"upper_{name}"] = lo, hi
    rate = rows["rate"].to_numpy()
    mine, theirs = _side(rate, limits), _side(rate, alt)
    rows["position"] = [POSITIONS[int(k)] for k in least_extreme(mine, theirs)]
    rows["position_depends"] = mine != theirs
    rows["rank"] = rows["rate"].rank(method="min").astype(int)
    rows["of"] = len(rows)
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
    """Every measure benchmarked against the peers, one frame with an `indicator` column
    (empty, with its columns, when no measure has peer figures)."""
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
