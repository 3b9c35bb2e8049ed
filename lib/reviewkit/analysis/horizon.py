"""What the strategy is missing: real rises since the baseline in what no indicator covers.

Every police.uk crime type, and every partner measure received, that no count or rate
indicator of the strategy follows is compared between the baseline and the review period with
the same change test as the indicators (`change_test`: the exact Poisson comparison, or the
quasi-Poisson one when the month-to-month counts vary more than chance would). Many
types are tested at once, so p-values are adjusted for multiple comparisons (Holm's method)
before a rise is called real, and a rise must also be at least `min_rise_pct` in size. The list
is for the next strategic assessment to consider, not a finding about the partnership's work.

A type or measure whose baseline or review period lacks a month (or whose dataset was not
received at all) is never compared as if the month were zero: `not_tested` says which could
not be tested and why (a typed `NotTested` each, which the report renders), and `scan` leaves
them out of the tests and of Holm's count. What the indicators cover and where the data has
gaps is `coverage`; what could not be tested is `untested` (its names importable here too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewkit.analysis.coverage import covered, partner_windows, police_gaps, uncovered_measures
from reviewkit.analysis.untested import NotTested, not_tested
from reviewkit.base.periods import MonthRange
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
__all__ = [
    "COLUMNS",
    "METHOD",
    "NotTested",
    "aligned",
    "change_test",
    "covered",
    "holm",
    "not_tested",
    "scan",
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
    Types or measures missing any month of either period are left out (not a zero); the
    reader is told which, and why, by `not_tested`.
    """
    cover_police, cover_partner = covered(strategy)
    test = _Test(baseline.n_months, review.n_months, alpha, aligned(baseline, review))
    rows = []
    for dataset, table in police.items():
        rows += _police_tests(
            dataset,
            table,
            cover_police.get(dataset, set()),
            baseline,
            review,
            test,
            recording or {},
        )
    rows += _partner_tests(partner, cover_partner, baseline, review, test)
    return _holm_rises(rows, alpha, min_rise_pct)


def _police_tests(
    dataset: str,
    table: pd.DataFrame,
    covered_types: set[str],
    baseline: MonthRange,
    review: MonthRange,
    test: _Test,
    recording: dict[str, str],
) -> list[dict[str, object]]:
    """A row per uncovered crime type of a police dataset, tested; none when a month of either
    period has no rows at all (missing data, not a zero: `not_tested` says so)."""
    gaps = police_gaps(table, baseline, review)
    if gaps is None or any(gaps):
        return []
    wanted = [str(m) for m in (*baseline.months, *review.months)]
    per = (
        table[table["month"].isin(wanted)]
        .groupby(["crime_type", "month"])["n"]
        .sum()
        .unstack(fill_value=0)
        .reindex(columns=wanted, fill_value=0)
    )
    nb = baseline.n_months
    rows = []
    for ctype, counts in per.iterrows():
        if ctype in covered_types or not ctype:
            continue
        values = counts.astype(float).tolist()
        row = _row("police.uk", dataset, str(ctype), values[:nb], values[nb:], test)
        row.update(_recording_withdrawn(recording.get(str(ctype)), baseline, review))
        rows.append(row)
    return rows


def _recording_withdrawn(
    month: str | None, baseline: MonthRange, review: MonthRange
) -> dict[str, object]:
    """The test withdrawn, and why, when a type's possible recording change (its first month)
    falls between the baseline and the end of the review period; nothing otherwise."""
    if not month or not str(baseline.start) < month <= str(review.end):
        return {}
    return {
        "p_value": math.nan,
        "method": "",
        "not_comparable": f"possible recording change from {pd.Period(month, 'M'):%B %Y}",
    }


def _partner_tests(
    partner: pd.DataFrame | None,
    cover_partner: dict[str, set[str] | None],
    baseline: MonthRange,
    review: MonthRange,
    test: _Test,
) -> list[dict[str, object]]:
    """A row per uncovered partner measure with every period of both windows, tested."""
    rows = []
    for dataset, measure, g in uncovered_measures(partner, cover_partner):
        windows, base_gap, rev_gap = partner_windows(g, baseline, review)
        if not base_gap and not rev_gap:  # else `not_tested`
            rows.append(_row("partner", dataset, measure, windows[0], windows[1], test))
    return rows


def _holm_rises(rows: list[dict[str, object]], alpha: float, min_rise_pct: float) -> pd.DataFrame:
    """The tested rows as the scan's table: Holm over the types actually tested, real rises
    first, then by the size of the change."""
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("p_adjusted", "real_rise")])
    out["p_adjusted"] = holm(out["p_value"].tolist()) if len(out) else []
    out["real_rise"] = (
        ((out["p_adjusted"] < alpha) & (out["change_pct"] >= min_rise_pct)).astype(bool)
        if len(out)
        else []
    )
    return out[COLUMNS].sort_values(
        ["real_rise", "change_pct"], ascending=[False, False], ignore_index=True
    )
