"""The community update's figures and what it may print of them: the months of police data
missing, the one comparison period, the crime table by type (suppressed) and the disclosure
check over the whole page that decides which key-message counts are printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Indicator
from reviewkit.report.context import ReportContext
from reviewkit.report.suppression import (
    Page,
    Ratio,
    disclosed,
    is_small,
    narrowed,
    suppress_table,
    table_relations,
)


def police_missing(ctx: ReportContext, *ranges: MonthRange) -> list[str]:
    """Months of `ranges` the police street data lacks ('Mar 2026'): a figure over them would
    count a missing month as zero, so none is published."""
    if ctx.police is None:
        return []
    have = ctx.police_months
    out = []
    for rng in ranges:
        p = rng.start
        while p <= rng.end:
            if str(p) not in have:
                out.append(p.strftime("%b %Y"))
            p += 1
    return list(dict.fromkeys(out))


def comparison_period(ctx: ReportContext) -> MonthRange | None:
    """The one period the community update compares this year with: the year before the plan
    started (the verdicts' baseline), when it is a year long."""
    base = ctx.params.baseline
    return base if base.n_months == 12 and ctx.params.review.n_months == 12 else None


def crime_table(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(numbers, shown, hidden) of the community update's crime table, or None (no police
    data, no year-long comparison period, or a month missing from either year)."""
    prev = comparison_period(ctx)
    if ctx.police is None or ctx.police.empty or prev is None:
        return None
    review = ctx.params.review
    if police_missing(ctx, review, prev):
        return None
    t = ctx.params.report.suppression_threshold
    pol = ctx.police
    this = (
        pol[pol["month"].between(str(review.start), str(review.end))]
        .groupby("crime_type")["n"]
        .sum()
    )
    last = (
        pol[pol["month"].between(str(prev.start), str(prev.end))].groupby("crime_type")["n"].sum()
    )
    table = pd.DataFrame({"this": this, "last": last}).fillna(0).astype(int).sort_index()
    table["change"] = table["this"] - table["last"]
    table.loc["All types"] = table.sum()
    shown, hidden = suppress_table(
        table, ["this", "last"], t, total_row="All types", differences={"change": ("this", "last")}
    )
    return table, shown, hidden


@dataclass
class _PageFacts:
    """What a reader of the community update has before any key-message number: the crime
    table's cells (shown or hidden) and their relations, which cells are counts, which
    hidden ones are small, and the table's crime types."""

    values: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    counts: set = field(default_factory=set)
    hidden: set = field(default_factory=set)
    primary: set = field(default_factory=set)
    rows: list[str] = field(default_factory=list)


def _page_facts(ctx: ReportContext) -> _PageFacts:
    t = ctx.params.report.suppression_threshold
    built = crime_table(ctx)
    if built is None:
        return _PageFacts()
    table, _shown, mask = built
    cols = ["this", "last", "change"]
    return _PageFacts(
        values={(i, c): float(table.at[i, c]) for i in table.index for c in cols},
        relations=table_relations(
            table, ["this", "last"], "All types", {"change": ("this", "last")}
        ),
        counts={(i, c) for i in table.index for c in ("this", "last")},
        hidden={(i, c) for i in table.index for c in cols if mask.at[i, c]},
        primary={
            (i, c)
            for i in table.index
            for c in ("this", "last")
            if is_small(float(table.at[i, c]), t)
        },
        rows=[i for i in table.index if i != "All types"],
    )


def _column(ctx: ReportContext, ind: Indicator | None, fld: str) -> str | None:
    """The crime table's column an indicator's count covers ('this' year, or 'last' when its
    baseline is the update's comparison year), or None."""
    if fld == "review_count":
        return "this"
    prev = comparison_period(ctx)
    baseline = ind.baseline.range if ind is not None and ind.baseline else ctx.params.baseline
    same = prev is not None and (baseline.start, baseline.end) == (prev.start, prev.end)
    return "last" if same else None


def _covered(ind: Indicator, col: str, rows: list[str]) -> list[tuple[str, str]]:
    types = ind.filter.crime_type_set()
    return [("All types", col)] if types is None else [(x, col) for x in types if x in rows]


def _printable(r: pd.Series, fld: str, threshold: int) -> float | None:
    """A key-message count that could be printed at all (known and not small), else None."""
    value = float(r[fld]) if not pd.isna(r[fld]) else math.nan
    return None if math.isnan(value) or is_small(value, threshold) else value


def _message_terms(
    ctx: ReportContext,
    facts: _PageFacts,
    ind: Indicator | None,
    r: pd.Series,
    fld: str,
    key: tuple[str, str, str],
) -> tuple[list, list[Ratio], dict]:
    """(relations, shares, known ranges) a key-message count adds to what a reader of the
    crime table has: a count is the sum of the table cells it covers; a share is printed as a
    percentage of them (its numerator unknown to the reader). Nothing for other sources."""
    street = ind is not None and ind.dataset == ctx.street_dataset and bool(facts.rows)
    col = _column(ctx, ind, fld)
    if not street or not col or ind is None or ind.filter.outcome_categories is not None:
        return [], [], {}
    cells = _covered(ind, col, facts.rows)
    if ind.numerator is None:
        return [(key, cells, [])], [], {}
    shown = r["review_value" if fld == "review_count" else "baseline_value"]
    if pd.isna(shown):
        return [], [], {}
    return (
        [],
        [Ratio((key,), tuple(cells), round(float(shown), 1), 100.0, 1)],
        {key: (0.0, math.inf)},
    )


@dataclass
class _Printed:
    """What the page gives a reader so far: the crime table's relations and values, and each
    key-message count allowed until now (with its relations, shares and known ranges)."""

    relations: list
    ratios: list[Ratio]
    values: dict
    known: dict

    def add(
        self,
        facts: _PageFacts,
        key: tuple[str, str, str],
        value: float,
        terms: tuple[list, list[Ratio], dict],
        threshold: int,
    ) -> bool:
        """Print the count `key` unless, with all printed before, it would narrow what a
        reader can tell of a hidden small count; True when printed."""
        rel, rat, extra = terms
        trial, more, known = self.relations + rel, self.ratios + rat, {**self.known, **extra}
        if _narrows(facts, {**self.values, key: value}, trial, more, known, threshold):
            return False
        self.relations, self.ratios, self.known = trial, more, known
        self.values[key] = value
        return True


def community_numbers(ctx: ReportContext) -> set[tuple[str, str]]:
    """(indicator, field) counts the community update may print.

    One disclosure check over the page (`report.suppression.narrowed`): the crime table's
    cells and relations, each key-message count written as the sum of the table cells it
    covers, and each share printed as a percentage of those cells (its numerator unknown to
    the reader). A count is left out when printing it (or its share) would narrow what a
    reader can tell of a hidden small count, or when it is small.
    """
    t = ctx.params.report.suppression_threshold
    facts = _page_facts(ctx)
    indicators = {i.id: i for i in ctx.strategy.indicators}
    printed = _Printed(list(facts.relations), [], dict(facts.values), {})
    allowed: set[tuple[str, str]] = set()
    for _, r in ctx.scorecard.iterrows():
        ind = indicators.get(str(r["id"]))
        for fld in ("review_count", "baseline_count"):
            value = _printable(r, fld, t)
            if value is None:
                continue
            key = ("message", str(r["id"]), fld)
            terms = _message_terms(ctx, facts, ind, r, fld, key)
            if printed.add(facts, key, value, terms, t):
                allowed.add((str(r["id"]), fld))
    return allowed


def _narrows(
    facts: _PageFacts,
    values: dict,
    relations: list,
    ratios: list[Ratio],
    known: dict,
    threshold: int,
) -> bool:
    """Whether a reader with all of this could narrow a hidden small count of the table."""
    if not facts.primary & facts.hidden:
        return False
    if disclosed(facts.hidden, relations) & facts.primary:
        return True
    page = Page(
        values,
        relations,
        threshold,
        frozenset(facts.counts),
        tuple(ratios),
        known=known,
    )
    return bool(narrowed(page, facts.hidden | set(known), facts.primary))
