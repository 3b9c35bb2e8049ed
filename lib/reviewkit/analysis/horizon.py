"""What the strategy is missing: real rises since the baseline in what no indicator covers.

Every police.uk crime type, and every partner measure received, that no count or rate
indicator of the strategy follows is compared between the baseline and the review period with
the same change test as the indicators (`change_test`: the exact Poisson comparison, or the
quasi-Poisson one when the month-to-month counts vary more than chance would). Many
types are tested at once, so p-values are adjusted for multiple comparisons (Holm's method)
before a rise is called real, and a rise must also be at least `min_rise_pct` in size. The list
is for the next strategic assessment to consider, not a finding about the partnership's work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewkit.base.periods import PERIOD_MONTHS, MonthRange
from reviewkit.inputs.strategy import Strategy
from reviewkit.methods import exact_tests as stats

COLUMNS = [
    "source",
    "dataset",
    "what",
    "baseline_count",
    "review_count",
    "baseline_months",
    "review_months",
    "change_pct",
    "p_value",
    "p_adjusted",
    "real_rise",
    "method",
    "not_comparable",
]
METHOD = (
    "the same change test as the indicators (exact Poisson comparison of the two "
    "periods, or quasi-Poisson when the monthly counts vary more than chance would), "
    "p-values adjusted for the number of types tested (Holm)"
)


def change_test(
    baseline: Sequence[float],
    baseline_months: int,
    review: Sequence[float],
    review_months: int,
    alpha: float,
    same_months: bool = False,
) -> tuple[float, str]:
    """(p-value, method) for a change between two windows of per-period counts.

    The indicators' test (`stats.compare_monthly_counts`): exact Poisson, or quasi-Poisson
    when the counts are over-dispersed; `same_months` when the windows cover the same months
    of the year, so seasonality is not taken for noise. One function for the scan and the
    LSOA changes.
    """
    cmp = stats.compare_monthly_counts(
        list(baseline), baseline_months, list(review), review_months, alpha, same_months
    )
    return cmp.p_value, cmp.method


def aligned(baseline: MonthRange, review: MonthRange) -> bool:
    """Whether two windows cover the same months of the year in the same order."""
    return baseline.n_months == review.n_months and (review.start - baseline.start).n % 12 == 0


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
    every measure of that dataset). Only count and rate indicators of named crime types cover:
    a proportion (e.g. a charge rate) says nothing about how many crimes there were, and in
    an all-crime total one type's rise can hide."""
    police: dict[str, set[str]] = {}
    partner: dict[str, set[str] | None] = {}
    for ind in strategy.indicators:
        if ind.measure == "proportion":
            continue
        if isinstance(ind.filter.crime_types, list):
            police.setdefault(ind.dataset, set()).update(ind.filter.crime_type_set() or [])
        elif ind.filter.crime_types is not None:
            continue  # all crime (or all but some): one type's rise can hide in the total
        elif ind.filter.measure is not None:
            if partner.get(ind.dataset, set()) is not None:
                partner.setdefault(ind.dataset, set()).add(ind.filter.measure)
        else:
            partner[ind.dataset] = None
    return police, partner


@dataclass(frozen=True)
class _Test:
    """How the two periods are compared: their lengths, the level, and whether they cover the
    same months of the year (then the test allows for the seasons)."""

    baseline_months: int
    review_months: int
    alpha: float
    same_months: bool


def _row(
    source: str,
    dataset: str,
    what: str,
    base_counts: list[float],
    rev_counts: list[float],
    test: _Test,
) -> dict[str, object]:
    bm, rm, alpha, same_months = (
        test.baseline_months,
        test.review_months,
        test.alpha,
        test.same_months,
    )
    base, rev = float(sum(base_counts)), float(sum(rev_counts))
    change = (rev / rm - base / bm) / (base / bm) * 100 if base else math.nan
    p, method = math.nan, ""
    if all(float(x).is_integer() for x in (*base_counts, *rev_counts)) and base + rev:
        p, method = change_test(base_counts, bm, rev_counts, rm, alpha, same_months)
    return {
        "source": source,
        "dataset": dataset,
        "what": what,
        "baseline_count": base,
        "review_count": rev,
        "baseline_months": bm,
        "review_months": rm,
        "change_pct": change,
        "p_value": p,
        "method": method,
        "not_comparable": "",
    }


def scan(
    strategy: Strategy,
    baseline: MonthRange,
    review: MonthRange,
    police: dict[str, pd.DataFrame],
    partner: pd.DataFrame,
    alpha: float = 0.05,
    min_rise_pct: float = 10.0,
    recording: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every uncovered crime type and partner measure, tested; `real_rise` marks those that
    rose by at least `min_rise_pct` with a Holm-adjusted p-value below `alpha`.

    `police`: tidy police.uk street tables by dataset (month, crime_type, n).
    `partner`: tidy partner measures (dataset, measure, period_type, period_start, value).
    `recording`: crime type -> first month (YYYY-MM) of a possible recording change; a type
    whose change falls between the baseline and the end of the review period is not tested
    (`not_comparable` says why), as its rise may be the recording, not crime.
    Types or measures missing any month of either period are left out (not a zero).
    """
    recording = recording or {}
    cover_police, cover_partner = covered(strategy)
    test = _Test(baseline.n_months, review.n_months, alpha, aligned(baseline, review))
    rows = []
    for dataset, table in police.items():
        if table is None or table.empty:
            continue
        months = set(table["month"])
        if not all(str(m) in months for m in (*baseline.months, *review.months)):
            continue  # a month with no rows at all is missing data, not a zero
        wanted = [str(m) for m in (*baseline.months, *review.months)]
        per = (
            table[table["month"].isin(wanted)]
            .groupby(["crime_type", "month"])["n"]
            .sum()
            .unstack(fill_value=0)
            .reindex(columns=wanted, fill_value=0)
        )
        nb = baseline.n_months
        for ctype, counts in per.iterrows():
            if ctype in cover_police.get(dataset, set()) or not ctype:
                continue
            values = counts.astype(float).tolist()
            row = _row("police.uk", dataset, str(ctype), values[:nb], values[nb:], test)
            month = recording.get(str(ctype))
            if month and str(baseline.start) < month <= str(review.end):
                row.update(
                    p_value=math.nan,
                    method="",
                    not_comparable=(
                        f"possible recording change from {pd.Period(month, 'M'):%B %Y}"
                    ),
                )
            rows.append(row)
    if partner is not None and len(partner):
        for (dataset, measure), g in partner.groupby(["dataset", "measure"], sort=True):
            cov = cover_partner.get(dataset, set())
            if cov is None or measure in cov:
                continue
            length = PERIOD_MONTHS[str(g["period_type"].iloc[0])]
            windows = []
            for rng in (baseline, review):
                starts = [pd.Period(p, "M") for p in g["period_start"]]
                inside = [rng.contains(s) and rng.contains(s + (length - 1)) for s in starts]
                part = g[inside].groupby("period_start")["value"].sum().sort_index()
                if len(part) * length != rng.n_months:
                    windows = []
                    break
                windows.append(part.astype(float).tolist())
            if windows:
                rows.append(
                    _row("partner", str(dataset), str(measure), windows[0], windows[1], test)
                )
    out = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in ("p_adjusted", "real_rise")]
    )  # Holm over the types actually tested
    out["p_adjusted"] = holm(out["p_value"].tolist()) if len(out) else []
    out["real_rise"] = (
        ((out["p_adjusted"] < alpha) & (out["change_pct"] >= min_rise_pct)).astype(bool)
        if len(out)
        else []
    )
    return out[COLUMNS].sort_values(
        ["real_rise", "change_pct"], ascending=[False, False], ignore_index=True
    )
