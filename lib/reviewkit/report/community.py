"""The community update's sections as HTML, for residents: plain key messages, each
priority in plain words, where crime happens, crime by type and how to help. Small counts go
through `report.suppression`, checked over the whole page."""

from __future__ import annotations

import math

import pandas as pd

from reviewkit.analysis import places
from reviewkit.base.formatting import fmt_value
from reviewkit.inputs.strategy import Filter
from reviewkit.report import html
from reviewkit.report.context import ReportContext
from reviewkit.report.sources import OGL, sources_sentence, sources_used
from reviewkit.report.suppression import (
    disclosed,
    is_small,
    suppress_count,
    suppress_table,
    table_relations,
)
from reviewkit.report.where import area_map

PLAIN_STATUS = {
    "complete": "finished",
    "on track": "going to plan",
    "at risk": "some delays",
    "off track": "behind schedule",
    "not started": "starting soon",
}


def community_title(ctx: ReportContext) -> str:
    area = ", ".join(ctx.params.area.local_authorities) or ctx.params.partnership
    return (
        f'<header class="title">{html.h(1, f"Keeping {area} safe: an update for residents")}'
        f'<p class="subtitle">{html.esc(ctx.params.partnership)} · '
        f"{html.esc(ctx.review_desc)}</p></header>"
    )


def _plain_change(
    r: pd.Series, threshold: int, allowed: set[tuple[str, str]] | None = None
) -> str | None:
    """One plain sentence about an indicator for residents, or None if it cannot be said.
    Counts not in `allowed` (see `community_numbers`) are left out of the sentence."""
    if not r["assessable"]:
        return None
    what = r["plain_name"]
    if r["direction"] == "not comparable":
        return (
            f"The figures for {what} cannot be compared with the year before our plan "
            "started: the way they are recorded appears to have changed in between."
        )
    now = suppress_count(float(r["review_count"]), threshold)
    before = suppress_count(float(r["baseline_count"]), threshold)
    if allowed is not None:
        now = now if (r["id"], "review_count") in allowed else None
        before = before if (r["id"], "baseline_count") in allowed else None
    if r["direction"] == "improved":
        trend = "went down" if r["better"] == "lower" else "went up"
        verdict = "This is more than the normal ups and downs from month to month."
    elif r["direction"] == "worsened":
        trend = "went up" if r["better"] == "lower" else "went down"
        verdict = (
            "This is more than the normal ups and downs from month to month, and we "
            "are working on it."
        )
    elif r["direction"] == "cannot tell":
        trend = "may have changed"
        verdict = (
            "The figures cannot tell yet whether it went up or down: the change is "
            "within the normal ups and downs."
        )
    else:
        trend = "stayed about the same"
        verdict = "The change is within the normal ups and downs from month to month."
    if r["measure"] == "proportion":
        if now is None or before is None:
            return f"The number of {what} {trend}. {verdict}"
        return (
            f"The share of {what} {trend}: {fmt_value(r['review_value'], 'proportion')} "
            f"this year, compared with {fmt_value(r['baseline_value'], 'proportion')} "
            "before our plan. " + verdict
        )
    if now is None or before is None:
        return f"The number of {what} {trend}. {verdict}"
    return (
        f"The number of {what} {trend}: {now} in the last year, compared with {before} "
        f"in the year before our plan started. {verdict}"
    )


def _crime_table(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(numbers, shown, hidden) of the community update's crime table, or None."""
    if ctx.police is None or ctx.police.empty:
        return None
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    prev = review.shift(-12)
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


def community_numbers(ctx: ReportContext) -> set[tuple[str, str]]:
    """(indicator, field) counts the community update may print.

    One disclosure check over the page: the crime table's cells and relations, plus each
    key-message count written as the sum of the table cells it covers (a police indicator
    over the review year or the year before). A count is left out when printing it would let
    a hidden small count be worked out by addition or subtraction, or when it is small.
    """
    t = ctx.params.report.suppression_threshold
    built = _crime_table(ctx)
    hidden: set = set()
    relations: list = []
    primary: set = set()
    rows: list[str] = []
    if built is not None:
        table, _shown, mask = built
        cols = ["this", "last", "change"]
        hidden = {(i, c) for i in table.index for c in cols if mask.at[i, c]}
        relations = table_relations(
            table, ["this", "last"], "All types", {"change": ("this", "last")}
        )
        primary = {
            (i, c)
            for i in table.index
            for c in ("this", "last")
            if is_small(float(table.at[i, c]), t)
        }
        rows = [i for i in table.index if i != "All types"]
    indicators = {i.id: i for i in ctx.strategy.indicators}
    prev = ctx.params.review.shift(-12)
    allowed: set[tuple[str, str]] = set()
    for _, r in ctx.scorecard.iterrows():
        ind = indicators.get(r["id"])
        for fld in ("review_count", "baseline_count"):
            value = float(r[fld]) if not pd.isna(r[fld]) else math.nan
            if math.isnan(value) or is_small(value, t):
                continue
            rel = None
            baseline = (
                ind.baseline.range if ind is not None and ind.baseline else (ctx.params.baseline)
            )
            col = (
                "this"
                if fld == "review_count"
                else ("last" if (baseline.start, baseline.end) == (prev.start, prev.end) else None)
            )
            if (
                ind is not None
                and built is not None
                and col
                and ind.dataset == ctx.street_dataset
                and ind.filter.outcome_categories is None
                and ind.numerator is None
            ):
                types = ind.filter.crime_type_set()
                cells = (
                    [("All types", col)]
                    if types is None
                    else [(x, col) for x in types if x in rows]
                )
                rel = (("message", r["id"], fld), cells, [])
            trial = relations + ([rel] if rel else [])
            if disclosed(hidden, trial) & primary:
                continue
            relations = trial
            allowed.add((r["id"], fld))
    return allowed


def community_messages(ctx: ReportContext) -> str:
    t = ctx.params.report.suppression_threshold
    sc = ctx.scorecard
    allowed = community_numbers(ctx)
    msgs = []
    for mask in (sc["direction"] == "improved", sc["direction"] == "worsened"):
        for _, r in sc[mask].iterrows():
            s = _plain_change(r, t, allowed)
            if s:
                msgs.append(s)
    if not msgs:
        msgs.append("Most things stayed about the same as before our plan started.")
    return html.section(
        html.h(2, "Key messages", "key-messages")
        + ctx.narrative_html("community_intro")
        + html.ul(msgs[:6])
    )


def community_priorities(ctx: ReportContext) -> str:
    t = ctx.params.report.suppression_threshold
    allowed = community_numbers(ctx)
    out = []
    for pr in ctx.strategy.priorities:
        parts = [html.h(2, pr.name, f"c-{pr.id}")]
        if pr.community_message:
            parts.append(html.p(pr.community_message))
        parts.append(ctx.narrative_html(f"community_priority_{pr.id}"))
        facts = [
            s
            for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows()
            if (s := _plain_change(r, t, allowed))
        ]
        if facts:
            parts.append(html.h(3, "What the figures show"))
            parts.append(html.ul(facts))
        ini = (
            ctx.initiatives[ctx.initiatives["priority"] == pr.id]
            if len(ctx.initiatives)
            else ctx.initiatives
        )
        if len(ini):
            parts.append(html.h(3, "What we are doing"))
            parts.append(
                html.ul(
                    f"{r['name']} (led by {r['lead_agency']}): "
                    f"{PLAIN_STATUS.get(r['status'], r['status'])}."
                    for _, r in ini.iterrows()
                )
            )
        out.append(html.section("".join(parts)))
    return "".join(out)


def community_where(ctx: ReportContext) -> str:
    """Where crime and anti-social behaviour were reported, for residents: a map in classes
    and the busiest neighbourhoods, small numbers hidden as in the tables."""
    if ctx.police is None or ctx.police.empty:
        return ""
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    table = places.by_lsoa(ctx.police, Filter(), ctx.params.baseline, review)
    top = places.concentrated(table, ctx.lsoa_names)
    rows = []
    for _, c in top.iterrows():
        shown = suppress_count(float(c["review"]), t)
        rows.append(
            [
                c["lsoa_name"] or c["lsoa_code"],
                shown or f"fewer than {t}",
                f"{c['share_pct']:.0f}%" if shown else "not shown",
            ]
        )
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
        html.table(
            ["Neighbourhood", "Crimes and incidents", "Share of the area"],
            rows,
            f"The five neighbourhoods with the most crime and anti-social behaviour "
            f"reported, {review.describe()}",
            numeric=(1, 2),
        ),
        html.p(
            f"Numbers from 1 to {t - 1} are not shown, to protect people's privacy; the "
            "map shows them as the lightest shade."
        ),
    ]
    return html.section("".join(body))


def _spread_sentence(table: pd.DataFrame) -> str:
    """How unevenly records are spread over the neighbourhoods, from the counts."""
    counts = table["review"].sort_values(ascending=False).to_numpy()
    total = counts.sum()
    if not total:
        return "No crime or anti-social behaviour with a location was reported this year."
    half = int((counts.cumsum() < total / 2).sum()) + 1
    return (
        f"Half of all the crime and anti-social behaviour reported to the police came from "
        f"{half} of the area's {int((counts > 0).sum())} neighbourhoods (LSOAs, small "
        "areas of about 1,500 residents) that had any. The map shows where reports were "
        "made; the table names the five neighbourhoods with the most."
    )


def crime_by_type(ctx: ReportContext) -> str:
    """Police-recorded crime and ASB by type: this year, last year, change; suppressed."""
    built = _crime_table(ctx)
    if built is None:
        return ""
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    prev = review.shift(-12)
    _table, shown, _hidden = built
    apart = {
        c.crime_type: c
        for c in ctx.recording.values()
        if c.decision != "real" and str(prev.start) < c.month <= str(review.end)
    }
    shown["change"] = shown["change"].astype(object)
    for name in shown.index:
        if name in apart or (name == "All types" and apart):
            shown.at[name, "change"] = "not comparable"
    rows = []
    for name, r in shown.iterrows():
        rows.append(
            [name]
            + [
                v if isinstance(v, str) else (f"{v:+,}" if col == "change" else f"{v:,}")
                for col, v in r.items()
            ]
        )
    note = html.p(
        f"To protect people's privacy, numbers from 1 to {t - 1} are shown as "
        f"“fewer than {t}”. Some other numbers are marked “not shown” so that a hidden "
        "number cannot be worked out from the total."
    )
    if apart:
        note += html.p(
            "“Not comparable”: the way the police record "
            + ", ".join(c.crime_type.lower() for c in apart.values())
            + " appears to have changed between the two years, so the change would "
            "mislead."
        )
    return html.section(
        html.h(2, "Crime and anti-social behaviour reported to the police", "crime-types")
        + html.table(
            ["Type", f"{review.describe()}", f"{prev.describe()}", "Change"],
            rows,
            "Crimes and incidents reported to the police in the area, by type",
            numeric=(1, 2, 3),
        )
        + note
    )


def community_help(ctx: ReportContext) -> str:
    r = ctx.params.report
    return html.section(
        html.h(2, "How you can help", "help")
        + html.ul(
            [
                r.report_crime,
                r.contact,
                "Come to a community meeting or join Neighbourhood Watch to tell us what matters "
                "where you live.",
            ]
        )
    )


def community_about(ctx: ReportContext) -> str:
    return html.section(
        html.h(2, "About these figures", "about")
        + html.ul(
            [
                "“More than the normal ups and downs” means the change is bigger than we would "
                "expect by chance from month to month. It does not tell us what caused it.",
                sources_sentence(sources_used(ctx, community=True)),
                OGL,
            ]
        )
    )
