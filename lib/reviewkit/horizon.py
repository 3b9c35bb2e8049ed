"""What the strategy is missing: real rises since the baseline in what no indicator covers.

Every police.uk crime type, and every partner measure received, that no count or rate
indicator of the strategy follows is compared between the baseline and the review period with
the same change test as the indicators (`change_test`, one place to swap in another). Many
types are tested at once, so p-values are adjusted for multiple comparisons (Holm's method)
before a rise is called real, and a rise must also be at least `min_rise_pct` in size. The list
is for the next strategic assessment to consider, not a finding about the partnership's work.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reviewkit import stats
from reviewkit.periods import PERIOD_MONTHS, MonthRange
from reviewkit.strategy import Strategy

COLUMNS = ["source", "dataset", "what", "baseline_count", "review_count", "baseline_months",
           "review_months", "change_pct", "p_value", "p_adjusted", "real_rise", "method"]
METHOD = ("exact Poisson comparison of the two periods (conditional binomial), p-values "
          "adjusted for the number of types tested (Holm)")


def change_test(baseline: int, baseline_months: int, review: int, review_months: int,
                alpha: float) -> tuple[float, str]:
    """(p-value, method) for a change in a count between two periods of given length.

    One function so that a test allowing for over-dispersion can replace the exact Poisson
    test everywhere the scan uses it.
    """
    cmp = stats.compare_counts(baseline, baseline_months, review, review_months, alpha)
    return cmp.p_value, "exact Poisson (conditional binomial)"


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (NaN kept as NaN), in the input order."""
    p = np.asarray(p_values, dtype=float)
    ok = np.flatnonzero(~np.isnan(p))
    out = np.full(len(p), math.nan)
    m = len(ok)
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def covered(strategy: Strategy) -> tuple[dict[str, set[str]], dict[str, set[str] | None]]:
    """(police crime types covered per dataset, partner measures covered per dataset; None:
    every measure of that dataset). Only count and rate indicators cover: a proportion (e.g. a
    charge rate) says nothing about how many crimes there were."""
    police: dict[str, set[str]] = {}
    partner: dict[str, set[str] | None] = {}
    for ind in strategy.indicators:
        if ind.measure == "proportion":
            continue
        if ind.filter.crime_types is not None:
            police.setdefault(ind.dataset, set()).update(ind.filter.crime_types)
        elif ind.filter.measure is not None:
            if partner.get(ind.dataset, set()) is not None:
                partner.setdefault(ind.dataset, set()).add(ind.filter.measure)
        else:
            partner[ind.dataset] = None
    return police, partner


def _row(source: str, dataset: str, what: str, base: float, rev: float, bm: int, rm: int,
         alpha: float) -> dict[str, object]:
    change = (rev / rm - base / bm) / (base / bm) * 100 if base else math.nan
    p, method = math.nan, ""
    if float(base).is_integer() and float(rev).is_integer():
        p, method = change_test(int(base), bm, int(rev), rm, alpha)
    return {"source": source, "dataset": dataset, "what": what, "baseline_count": base,
            "review_count": rev, "baseline_months": bm, "review_months": rm,
            "change_pct": change, "p_value": p, "method": method}


def scan(strategy: Strategy, baseline: MonthRange, review: MonthRange,
         police: dict[str, pd.DataFrame], partner: pd.DataFrame, alpha: float = 0.05,
         min_rise_pct: float = 10.0) -> pd.DataFrame:
    """Every uncovered crime type and partner measure, tested; `real_rise` marks those that
    rose by at least `min_rise_pct` with a Holm-adjusted p-value below `alpha`.

    `police`: tidy police.uk street tables by dataset (month, crime_type, n).
    `partner`: tidy partner measures (dataset, measure, period_type, period_start, value).
    Types or measures missing any month of either period are left out (not a zero).
    """
    cover_police, cover_partner = covered(strategy)
    rows = []
    for dataset, table in police.items():
        if table is None or table.empty:
            continue
        months = set(table["month"])
        if not all(str(m) in months for m in (*baseline.months, *review.months)):
            continue  # a month with no rows at all is missing data, not a zero
        b = table[table["month"].between(str(baseline.start), str(baseline.end))]
        r = table[table["month"].between(str(review.start), str(review.end))]
        bc = b.groupby("crime_type")["n"].sum()
        rc = r.groupby("crime_type")["n"].sum()
        for ctype in sorted(set(bc.index) | set(rc.index)):
            if ctype in cover_police.get(dataset, set()) or not ctype:
                continue
            rows.append(_row("police.uk", dataset, ctype, float(bc.get(ctype, 0)),
                             float(rc.get(ctype, 0)), baseline.n_months, review.n_months,
                             alpha))
    if partner is not None and len(partner):
        for (dataset, measure), g in partner.groupby(["dataset", "measure"], sort=True):
            cov = cover_partner.get(dataset, set())
            if cov is None or measure in cov:
                continue
            length = PERIOD_MONTHS[str(g["period_type"].iloc[0])]
            sums = []
            for rng in (baseline, review):
                starts = [pd.Period(p, "M") for p in g["period_start"]]
                inside = [rng.contains(s) and rng.contains(s + (length - 1)) for s in starts]
                part = g[inside]
                if part["period_start"].nunique() * length != rng.n_months:
                    sums = []
                    break
                sums.append(float(part["value"].sum()))
            if sums:
                rows.append(_row("partner", str(dataset), str(measure), sums[0], sums[1],
                                 baseline.n_months, review.n_months, alpha))
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in (
        "p_adjusted", "real_rise")])
    out["p_adjusted"] = holm(out["p_value"].tolist()) if len(out) else []
    out["real_rise"] = ((out["p_adjusted"] < alpha) & (out["change_pct"] >= min_rise_pct)
                        ).astype(bool) if len(out) else []
    return out[COLUMNS].sort_values(["real_rise", "change_pct"], ascending=[False, False],
                                    ignore_index=True)
