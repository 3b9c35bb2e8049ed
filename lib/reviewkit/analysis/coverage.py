"""What the strategy's indicators cover, and what the data of the rest holds: the crime
types and partner measures no count or rate indicator follows, and the months of the baseline
and the review period each lacks (missing data, never a zero). The scan of uncovered types
(`horizon`) and what it could not test (`untested`) both read them from here."""

from __future__ import annotations

import pandas as pd

from reviewkit.base.periods import PERIOD_MONTHS, MonthRange
from reviewkit.inputs.strategy import Indicator, Strategy


def counts_or_rates(ind: Indicator) -> bool:
    """Whether an indicator counts something (a count or a rate): only these say how many
    crimes or events there were; a proportion (e.g. a charge rate) does not. The coverage of
    the strategy and the re-assessment's subjects both follow this rule."""
    return ind.measure != "proportion"


def measure_covered(cover_partner: dict[str, set[str] | None], dataset: str, measure: str) -> bool:
    """Whether a partner measure is covered by an indicator (`covered`'s partner half; None
    there: every measure of the dataset is)."""
    cov = cover_partner.get(dataset, set())
    return cov is None or measure in cov


def covered(strategy: Strategy) -> tuple[dict[str, set[str]], dict[str, set[str] | None]]:
    """(police crime types covered per dataset, partner measures covered per dataset; None:
    every measure of that dataset). Only count and rate indicators of named crime types cover:
    a proportion (e.g. a charge rate) says nothing about how many crimes there were, and in
    an all-crime total one type's rise can hide. An initiative's output measures (what it
    delivered) are followed by the strategy too: they count work done, not harm."""
    police: dict[str, set[str]] = {}
    partner: dict[str, set[str] | None] = {}
    for ind in strategy.indicators:
        if not counts_or_rates(ind):
            continue
        if isinstance(ind.filter.crime_types, list):
            police.setdefault(ind.dataset, set()).update(ind.filter.crime_type_set() or [])
        elif ind.filter.crime_types is not None:
            continue  # all crime (or all but some): one type's rise can hide in the total
        elif ind.filter.measure is not None:
            measures = partner.setdefault(ind.dataset, set())
            if measures is not None:  # None: every measure of the dataset is covered already
                measures.add(ind.filter.measure)
        else:
            partner[ind.dataset] = None
    for ini in strategy.initiatives:
        for o in ini.outputs:
            measures = partner.setdefault(o.dataset, set())
            if measures is not None:
                measures.add(o.measure)
    return police, partner


def police_gaps(
    table: pd.DataFrame | None, baseline: MonthRange, review: MonthRange
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(baseline months, review months) with no rows at all in a police dataset (missing
    data, not a zero); None when nothing of either period was received."""
    months = set() if table is None or table.empty else {str(m) for m in table["month"]}
    base = tuple(str(m) for m in baseline.months if str(m) not in months)
    rev = tuple(str(m) for m in review.months if str(m) not in months)
    if len(base) == baseline.n_months and len(rev) == review.n_months:
        return None
    return base, rev


def partner_windows(
    g: pd.DataFrame, baseline: MonthRange, review: MonthRange
) -> tuple[list[list[float]], tuple[str, ...], tuple[str, ...]]:
    """A partner measure's values per period in each window, and the months each window lacks
    (periods with no value, or only partly inside the window)."""
    length = PERIOD_MONTHS[str(g["period_type"].iloc[0])]
    starts = [pd.Period(p, "M") for p in g["period_start"]]
    windows: list[list[float]] = []
    gaps: list[tuple[str, ...]] = []
    for rng in (baseline, review):
        inside = [rng.contains(s) and rng.contains(s + (length - 1)) for s in starts]
        part = g[inside].groupby("period_start")["value"].sum().sort_index()
        covered_months = {str(pd.Period(p, "M") + k) for p in part.index for k in range(length)}
        gaps.append(tuple(str(m) for m in rng.months if str(m) not in covered_months))
        windows.append(part.astype(float).tolist())
    return windows, gaps[0], gaps[1]


def uncovered_measures(
    partner: pd.DataFrame | None, cover_partner: dict[str, set[str] | None]
) -> list[tuple[str, str, pd.DataFrame]]:
    """(dataset, measure, its rows) for each partner measure no indicator covers, in order."""
    if partner is None or not len(partner):
        return []
    out = []
    for (dataset, measure), g in partner.groupby(["dataset", "measure"], sort=True):
        if measure_covered(cover_partner, str(dataset), str(measure)):
            continue
        out.append((str(dataset), str(measure), g))
    return out
