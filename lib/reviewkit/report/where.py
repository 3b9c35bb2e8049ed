"""Where crime happens, for the board report: the LSOAs where each police indicator is
concentrated and where it changed most, and the maps both reports draw."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis import places
from reviewkit.analysis.coverage import counts_or_rates
from reviewkit.report import html, maps
from reviewkit.report import verdict_words as words
from reviewkit.report.context import ReportContext


def area_map(
    ctx: ReportContext,
    key: str,
    crime_types: list[str] | None,
    what: str,
    title: str,
    community: bool,
) -> Markup:
    """A map of the review period's records: LSOAs when boundaries are given, else grid
    cells. '' when there is nothing to draw."""
    review = ctx.params.review
    t = ctx.params.report.suppression_threshold
    boundaries = ctx.params.path("lsoa_boundaries")
    if boundaries is not None and ctx.police is not None:
        rows = ctx.police[ctx.police["month"].between(str(review.start), str(review.end))]
        if crime_types is not None:
            rows = rows[rows["crime_type"].isin(crime_types)]
        counts = rows[rows["lsoa_code"] != ""].groupby("lsoa_code")["n"].sum()
        chart = ctx.drawn(
            key,
            lambda: maps.choropleth(
                counts,
                maps.load_boundaries(boundaries),
                title,
                what,
                review.describe(),
                t,
                community,
            ),
        )
    elif ctx.grid is not None and len(ctx.grid):
        g = ctx.grid[ctx.grid["month"].between(str(review.start), str(review.end))]
        if crime_types is not None:
            g = g[g["crime_type"].isin(crime_types)]
        cells = g.groupby(["cell_row", "cell_col"], as_index=False)["n"].sum()
        places = [] if community else busiest_places(ctx, crime_types)
        chart = ctx.drawn(
            key,
            lambda: maps.density_map(
                cells, title, what, review.describe(), t, community, places=places
            ),
        )
    else:
        return html.EMPTY
    if not chart.png:
        return html.p(chart.alt)
    how = (
        "by LSOA"
        if boundaries is not None
        else "in squares of about 500 metres, from police.uk's approximate locations"
    )
    return html.figure(chart, f"{title}: {review.describe()}, {how}.", cls="chart map")


def _changed_most(ctx: ReportContext, ind_id: str, name: str, moved: pd.DataFrame) -> Markup:
    """The LSOAs whose change is beyond chance (or a sentence saying none is, or that the
    periods are not compared across a recording change)."""
    v = ctx.verdict(ind_id)
    if v.change == "not comparable":
        return html.p(f"Where it changed is not shown: it is {words.comparability_words(v)}.")
    real = moved[moved["real_change"].astype(bool)].head(5) if len(moved) else moved
    if not len(real):
        return html.p(
            f"No LSOA's count of {name.lower()} changed by more than chance would explain "
            "since the baseline."
        )
    return html.table(
        ["LSOA", "Name", "Baseline", "Review period", "Change"],
        [
            [
                c["lsoa_code"],
                c["lsoa_name"] or "–",
                f"{c['baseline']:,}",
                f"{c['review']:,}",
                f"{c['change']:+,.0f}",
            ]
            for _, c in real.iterrows()
        ],
        f"{name}: where it changed by more than chance would explain since the baseline",
        numeric=(2, 3, 4),
    )


def busiest_places(
    ctx: ReportContext, crime_types: list[str] | None, top: int = 5
) -> list[tuple[int, int, str]]:
    """(cell row, cell column, name) of the LSOAs with the most records of these types in the
    review period that have a cell: the place names a board map carries."""
    if ctx.police is None or not ctx.lsoa_cells:
        return []
    review = ctx.params.review
    rows = ctx.police[ctx.police["month"].between(str(review.start), str(review.end))]
    if crime_types is not None:
        rows = rows[rows["crime_type"].isin(crime_types)]
    counts = rows[rows["lsoa_code"].isin(ctx.lsoa_cells.keys())].groupby("lsoa_code")["n"].sum()
    busiest = counts[counts > 0].sort_values(ascending=False, kind="stable").head(top)
    return [(*ctx.lsoa_cells[code], ctx.lsoa_names.get(code, code)) for code in busiest.index]


def where_section(ctx: ReportContext) -> Markup:
    """For each police indicator: the LSOAs where it is concentrated and where it changed
    most, and a map of the review period."""
    if ctx.police is None or ctx.police.empty:
        return html.EMPTY
    alpha = ctx.params.analysis.significance_level
    base, review = ctx.params.baseline, ctx.params.review
    body = [
        html.h(2, "Annex B: Where crime happens", "where"),
        html.p(
            f"For each police indicator: the five LSOAs (small areas of about 1,500 "
            f"residents) with the most records in {ctx.review_desc}, with their share of "
            f"the partnership's total, and those where the number changed by more than "
            f"chance would explain since the baseline ({ctx.baseline_desc}; scaled to the "
            "same length). Police.uk "
            "places each record at an approximate location, so counts near an LSOA's edge "
            "can fall in its neighbour."
        ),
    ]
    for _, r in ctx.scorecard.iterrows():
        ind = ctx.strategy.indicator(r["id"])
        if ind.dataset != ctx.street_dataset or not counts_or_rates(ind):
            continue
        table = places.by_lsoa(ctx.police, ind.filter, base, review)
        if table.empty or not table["review"].sum():
            continue
        conc = places.concentrated(table, ctx.lsoa_names)
        moved = places.changed(table, ctx.lsoa_names, base, review, alpha, top=len(table))
        body.append(html.h(3, ind.name))
        body.append(
            html.table(
                ["LSOA", "Name", "Records", "Share of the partnership", "Top LSOAs together"],
                [
                    [
                        c["lsoa_code"],
                        c["lsoa_name"] or "–",
                        f"{c['review']:,}",
                        f"{c['share_pct']:.1f}%",
                        f"{c['cumulative_share_pct']:.1f}%",
                    ]
                    for _, c in conc.iterrows()
                ],
                f"{ind.name}: where it is most concentrated, {ctx.review_desc}",
                numeric=(2, 3, 4),
            )
        )
        body.append(_changed_most(ctx, ind.id, ind.name, moved))
        if ind.filter.outcome_categories is None:
            body.append(
                area_map(
                    ctx,
                    f"{ind.id}-map",
                    ind.filter.crime_type_set(),
                    "records",
                    f"{ind.name}",
                    community=False,
                )
            )
    body.append(
        html.p(
            "“Beyond chance” uses the indicators' change test on each LSOA's monthly counts "
            "(exact Poisson, or quasi-Poisson when they vary more than chance would), with "
            "p-values adjusted for the number of LSOAs compared (Holm). Small areas have small "
            "counts: "
            "most changes there are within chance, and a change says nothing about its cause.",
            cls="method-note",
        )
    )
    return html.section(html.join(body))
