"""The community update's crime sections: where crime happens (a map, the busiest local
areas and how unevenly reports are spread) and crime by type, small numbers suppressed.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis import places
from reviewkit.analysis.recording import Change, straddles
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Filter
from reviewkit.report import html
from reviewkit.report.community_figures import (
    comparison_period,
    crime_table,
    police_missing,
)
from reviewkit.report.community_messages import join_and
from reviewkit.report.community_places import local_areas, place_names
from reviewkit.report.context import ReportContext
from reviewkit.report.suppression import SECONDARY, label, suppress_count
from reviewkit.report.where import area_map


def community_where(ctx: ReportContext) -> Markup:
    """Where crime and anti-social behaviour were reported, for residents: a map in classes
    and the busiest neighbourhoods, small numbers hidden as in the tables."""
    if ctx.police is None or ctx.police.empty:
        return html.EMPTY
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    missing = police_missing(ctx, review)
    if missing:
        return html.section(
            html.h(2, "Where crime happens", "c-where")
            + html.p(
                f"We cannot show where crime happened this year: the police figures for "
                f"{join_and(missing)} had not reached us when this update was written."
            )
        )
    table = places.by_lsoa(ctx.police, Filter(), ctx.params.baseline, review)
    body = [
        html.h(2, "Where crime happens", "c-where"),
        html.p(_spread_sentence(table)),
        area_map(
            ctx,
            "community-map",
            None,
            "crimes and incidents",
            "Crime and anti-social behaviour reported to the police",
            community=True,
        ),
        _busiest_areas(ctx, table),
        html.p(
            f"Numbers from 1 to {t - 1} are not shown, to protect people's privacy; the "
            "map shows them as the lightest shade."
        ),
    ]
    return html.section(html.join(body))


def _busiest_areas(ctx: ReportContext, table: pd.DataFrame) -> Markup:
    """The five local areas with the most records, by the names residents know them by; none
    without a place names lookup (a statistical code is never a place's name)."""
    names = place_names(ctx)
    if names is None:
        return html.EMPTY
    t = ctx.params.report.suppression_threshold
    rows = []
    for _, c in local_areas(table, ctx.lsoa_names, names).head(5).iterrows():
        shown = suppress_count(float(c["review"]), t)
        rows.append(
            [
                c["area"],
                shown or label(t),
                f"{c['share_pct']:.0f}%" if shown else SECONDARY,
            ]
        )
    return html.table(
        ["Local area", "Crimes and incidents", "Share of the area"],
        rows,
        "The five local areas (of about 7,000 residents each) with the most crime and "
        f"anti-social behaviour reported, {ctx.params.review.describe()}",
        numeric=(1, 2),
    )


def _spread_sentence(table: pd.DataFrame) -> str:
    """How unevenly records are spread over the neighbourhoods, from the counts."""
    counts = table["review"].sort_values(ascending=False).to_numpy()
    total = counts.sum()
    if not total:
        return "No crime or anti-social behaviour with a location was reported this year."
    half = int((counts.cumsum() < total / 2).sum()) + 1
    return (
        f"Half of all the crime and anti-social behaviour reported to the police came from "
        f"{half} of the area's {int((counts > 0).sum())} neighbourhoods (small areas of "
        "about 1,500 residents each) that had any. The map shows where reports were made."
    )


def crime_by_type(ctx: ReportContext) -> Markup:
    """Police-recorded crime and ASB by type: this year, the year before the plan, change;
    suppressed. When a month of either year is missing, no figure is shown (a missing month
    is never a fall) and residents are told why."""
    heading = html.h(2, "Crime and anti-social behaviour reported to the police", "crime-types")
    prev = comparison_period(ctx)
    if ctx.police is None or prev is None:
        return html.EMPTY
    review = ctx.params.review
    missing = police_missing(ctx, review, prev)
    if missing:
        return html.section(html.join([heading, _missing_note(missing)]))
    built = crime_table(ctx)
    if built is None:
        return html.EMPTY
    apart = not_comparable_types(ctx, prev)
    rows = crime_rows(mark_not_comparable(built[1], apart))
    said = [str(v) for r in rows for v in r[1:]]
    return html.section(
        html.join(
            [
                heading,
                html.table(
                    ["Type", f"{review.describe()}", f"{prev.describe()}", "Change"],
                    rows,
                    "Crimes and incidents reported to the police in the area, by type",
                    numeric=(1, 2, 3),
                ),
                suppression_note(said, ctx.params.report.suppression_threshold),
                _not_comparable_note(apart, several_rows=len(rows) > 1),
            ]
        )
    )


def _missing_note(missing: list[str]) -> Markup:
    """Why no figures by type are shown: a missing month would look like a fall."""
    return html.p(
        "We are not showing figures by type this time: the police figures for "
        f"{join_and(missing)} had not reached us when this update was written, and totals "
        "without them would look like a fall that did not happen."
    )


def not_comparable_types(ctx: ReportContext, prev: MonthRange) -> dict[str, Change]:
    """The crime types whose recording changed between the comparison year and the end of the
    review period, and is not confirmed as a real change: their change would mislead."""
    return {
        c.crime_type: c
        for c in ctx.recording.values()
        if not c.confirmed_real and straddles(prev.start, ctx.params.review.end, c)
    }


def mark_not_comparable(shown: pd.DataFrame, apart: dict[str, Change]) -> pd.DataFrame:
    """The shown table with "not comparable" as the change of each type in `apart`, and of
    "All types" when any is (the total's change then mixes in the recording change)."""
    shown = shown.copy()
    shown["change"] = shown["change"].astype(object)
    for name in shown.index:
        if name in apart or (name == "All types" and apart):
            shown.at[name, "change"] = "not comparable"
    return shown


def crime_rows(shown: pd.DataFrame) -> list[list[object]]:
    """The table's rows as residents read them: the type, then each figure with thousands
    separators, a change signed; words (a hidden cell, "not comparable") as they are."""
    return [
        [name, *(_figure(v, signed=col == "change") for col, v in r.items())]
        for name, r in shown.iterrows()
    ]


def _figure(value: object, signed: bool) -> object:
    """One figure of the crime table: a number formatted, or the words shown instead."""
    if isinstance(value, str):
        return value
    return f"{value:+,}" if signed else f"{value:,}"


def suppression_note(said: list[str], threshold: int) -> Markup:
    """What the hidden cells' words mean, for each kind the table shows: none when nothing
    is hidden."""
    notes = []
    if label(threshold) in said:
        notes.append(
            f"To protect people's privacy, numbers from 1 to {threshold - 1} are shown as "
            f"“{label(threshold)}”."
        )
    if SECONDARY in said:
        notes.append(
            f"Numbers marked “{SECONDARY}” are hidden so that a small number cannot be "
            "worked out from the total."
        )
    return html.p(" ".join(notes)) if notes else html.EMPTY


def _not_comparable_note(apart: dict[str, Change], several_rows: bool) -> Markup:
    """Why a change says "not comparable": which types' recording changed (or appears to,
    while a decision is awaited); with several rows, the total's change misleads too."""
    if not apart:
        return html.EMPTY
    types = sorted(c.crime_type.lower() for c in apart.values())
    return html.p(
        "“Not comparable”: the way the police record "
        + join_and(types)
        + (" appears to have" if any(c.awaiting_decision for c in apart.values()) else " has")
        + " changed between the two years, so the change would mislead"
        + (" (and so would the change in the total)." if several_rows else ".")
    )
