"""The community update's sections as HTML, for residents: plain key messages, each
priority in plain words, where crime happens, crime by type and how to help. Small counts go
through `report.suppression`, checked over the whole page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.analysis import places
from reviewkit.analysis.verdict import Verdict
from reviewkit.base.formatting import fmt_value
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Filter, Indicator
from reviewkit.report import html
from reviewkit.report.community_involved import (
    contact,
    link,
    meeting_words,
    upcoming_meetings,
)
from reviewkit.report.community_places import local_areas, place_names
from reviewkit.report.community_ready import involvement_gaps
from reviewkit.report.community_steps import NextStep, date_words, next_steps, scheme_name
from reviewkit.report.context import ReportContext
from reviewkit.report.sources import OGL, sources_sentence, sources_used
from reviewkit.report.suppression import (
    Page,
    Ratio,
    disclosed,
    is_small,
    narrowed,
    suppress_count,
    suppress_table,
    table_relations,
)
from reviewkit.report.verdict_words import community_trend, delivered_words, month_words
from reviewkit.report.where import area_map

PLAIN_STATUS = {
    "complete": "finished",
    "on track": "going to plan",
    "at risk": "some delays",
    "off track": "behind schedule",
    "not started": "starting soon",
}


def community_title(ctx: ReportContext) -> str:
    """The update's title, naming the area residents live in (the local authorities, else
    the partnership), with the partnership and the review period."""
    area = ", ".join(ctx.params.area.local_authorities) or ctx.params.partnership
    return (
        f'<header class="title">{html.h(1, f"Keeping {area} safe: an update for residents")}'
        f'<p class="subtitle">{html.esc(ctx.params.partnership)} · '
        f"{html.esc(ctx.review_desc)}</p></header>"
    )


def _plain_change(
    r: pd.Series,
    v: Verdict,
    threshold: int,
    allowed: set[tuple[str, str]] | None = None,
) -> str | None:
    """One plain sentence about an indicator for residents, from its verdict, or None if it
    cannot be said. Counts not in `allowed` (see `community_numbers`) are left out."""
    said = community_trend(v, str(r["better"]))
    if said is None:
        return None
    trend, sure = said
    what = r["plain_name"]
    now = suppress_count(float(r["review_count"]), threshold)
    before = suppress_count(float(r["baseline_count"]), threshold)
    if allowed is not None:
        now = now if (r["id"], "review_count") in allowed else None
        before = before if (r["id"], "baseline_count") in allowed else None
    if r["measure"] == "proportion":
        if now is None or before is None:
            return f"The share of {what} {trend}. {sure}"
        return (
            f"The share of {what} {trend}: {fmt_value(r['review_value'], 'proportion')} "
            f"this year, compared with {fmt_value(r['baseline_value'], 'proportion')} "
            "the year before our plan started. " + sure
        )
    if now is None or before is None:
        return f"The number of {what} {trend}. {sure}"
    return (
        f"The number of {what} {trend}: {now} this year, compared with {before} "
        f"the year before our plan started. {sure}"
    )


def _not_said(r: pd.Series, v: Verdict, names: dict[str, str]) -> str | None:
    """Why residents are not told about an indicator, in plain words (None when they are)."""
    if v.judged:
        return None
    what = r["plain_name"]
    types = " and ".join(t.lower() for t in v.recording_types)
    if v.why_not == "every type excluded":
        return (
            f"We are not reporting {what} this time: the way the police record {types} "
            "changed, so its figures would mislead."
        )
    if not v.assessable:
        if v.data_missing:
            data = names.get(v.why_dataset, "the figures")
            when = f" for {', '.join(month_words(m) for m in v.missing)}" if v.missing else ""
            return (
                f"We cannot yet say how {what} changed: the figures for {data}{when} had "
                "not reached us when this update was written."
            )
        return None  # not missing data: a matter of definition, for the board and the analyst
    if v.comparability in ("awaiting decision", "rebased"):
        return (
            f"We cannot compare {what} with the year before our plan started: the way the "
            f"police record {types} changed in "
            "between, so the change would mislead."
        )
    return None


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


def _crime_table(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
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
    built = _crime_table(ctx)
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


def community_messages(ctx: ReportContext) -> str:
    """Key messages: the one comparison made; at most seven lines (the figures that got better,
    then worse, in plain words with small counts suppressed, then a sentence on them all); and
    what cannot be told yet."""
    t = ctx.params.report.suppression_threshold
    allowed = community_numbers(ctx)
    rows = [(r, ctx.verdict(str(r["id"]))) for _, r in ctx.scorecard.iterrows()]
    msgs = [
        s
        for call in ("improved", "worsened")
        for r, v in rows
        if v.judged and v.change == call and (s := _plain_change(r, v, t, allowed))
    ]
    msgs.append(_overall(rows))
    missing = [m for r, v in rows if (m := _not_said(r, v, ctx.dataset_names))]
    return html.section(
        html.h(2, "Key messages", "key-messages")
        + html.p(_comparison_sentence(ctx))
        + ctx.narrative_html("community_intro")
        + html.ul(msgs[:7])
        + (
            html.h(3, "What we cannot tell you yet") + html.ul(dict.fromkeys(missing))
            if missing
            else ""
        )
    )


def _comparison_sentence(ctx: ReportContext) -> str:
    """The one comparison the whole update makes, said once."""
    prev = comparison_period(ctx)
    before = (prev or ctx.params.baseline).describe()
    return (
        f"Throughout this update, “this year” means {ctx.review_desc}, and we compare it "
        f"with {before}, the year before our plan started."
    )


def _overall(rows: list[tuple[pd.Series, Verdict]]) -> str:
    """One sentence on the figures as a whole, counted from the verdicts (never 'most things
    stayed the same' unless most did)."""
    judged = [v for _, v in rows if v.judged]
    if not judged:
        return "We cannot yet compare any of the figures we follow with the year before our plan."
    calls = [v.change for v in judged]
    better, worse = calls.count("improved"), calls.count("worsened")
    same = calls.count("about the same")
    n = len(judged)
    if n == 1:
        return {
            "improved": "The one figure we could compare got better.",
            "worsened": "The one figure we could compare got worse.",
            "about the same": "The one figure we could compare stayed about the same.",
        }.get(calls[0], "For the one figure we could compare, we cannot tell yet.")
    counted = f"Of the {n} figures we could compare, "
    parts = []
    if better:
        parts.append(f"{better} got better")
    if worse:
        parts.append(f"{worse} got worse")
    if same:
        parts.append(f"{same} stayed about the same")
    unsure = n - better - worse - same
    if unsure:
        parts.append(f"for {unsure} we cannot tell yet")
    return counted + _and(parts) + "."


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def community_priorities(ctx: ReportContext) -> str:
    """A section per priority in plain words: its message to residents, what its figures show
    or why they are not given, what is being done and what happens next."""
    t = ctx.params.report.suppression_threshold
    allowed = community_numbers(ctx)
    steps = community_next_steps(ctx)
    out = []
    for pr in ctx.strategy.priorities:
        parts = [html.h(2, pr.name, f"c-{pr.id}")]
        if pr.community_message:
            parts.append(html.p(pr.community_message))
        parts.append(ctx.narrative_html(f"community_priority_{pr.id}"))
        rows = [
            (r, ctx.verdict(str(r["id"])))
            for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows()
        ]
        facts = [s for r, v in rows if (s := _plain_change(r, v, t, allowed))]
        facts += [s for r, v in rows if (s := _not_said(r, v, ctx.dataset_names))]
        if facts:
            parts.append(html.h(3, "What the figures show"))
            parts.append(html.ul(facts))
        parts.append(_doing(ctx, pr.id))
        parts.append(_next(ctx, [s for s in steps if s.priority == pr.id]))
        out.append(html.section("".join(parts)))
    return "".join(out)


def community_next_steps(ctx: ReportContext) -> list[NextStep]:
    """The update's dated next steps, as at the review date; an initiative whose status (as
    the progress step judged it) is complete has none."""
    ini = ctx.initiatives
    finished = {str(i) for i in ini.loc[ini["status"] == "complete", "id"]} if len(ini) else set()
    return next_steps(ctx.strategy, ctx.params.review_date, finished)


def _doing(ctx: ReportContext, priority: str) -> str:
    """The priority's initiatives by their public names, each with its lead, how long it runs
    and its own progress in plain words."""
    initiatives = [i for i in ctx.strategy.initiatives if i.priority == priority]
    status = (
        dict(zip(ctx.initiatives["id"].astype(str), ctx.initiatives["status"], strict=True))
        if len(ctx.initiatives)
        else {}
    )
    if not initiatives:
        return ""
    items = []
    for ini in initiatives:
        state = str(status.get(ini.id, ""))
        runs = "" if state == "complete" else f"; until {date_words(ini.end)}"
        said = PLAIN_STATUS.get(state, state)
        items.append(
            f"{scheme_name(ini)} (led by {ini.lead_agency}{runs})"
            + (f": {said}." if said else ".")
            + "".join(
                f" {said}"
                for said in (delivered_words(o) for o in ctx.outputs if o.initiative == ini.id)
                if said
            )
        )
    return (
        html.h(3, "What we are doing")
        + html.p(
            "How each piece of work is going is its own progress, not a measure of "
            "the figures above: many things affect them at once."
        )
        + html.ul(items)
    )


def _next(ctx: ReportContext, steps: list[NextStep]) -> str:
    """What happens next under one priority: its dated steps, or that none is planned yet."""
    as_of = f"{ctx.params.review_date.day} {ctx.params.review_date:%B %Y}"
    if not steps:
        return html.h(3, "What happens next") + html.p(
            f"As at our review on {as_of}, no further dated steps are planned for this "
            "priority. We will say what comes next in our next update."
        )
    late = any(s.late for s in steps)
    return (
        html.h(3, "What happens next")
        + html.p(
            f"The next steps planned, as at our review on {as_of}"
            + (", and those running late:" if late else ":")
        )
        + html.ul(s.words() for s in steps)
    )


def community_where(ctx: ReportContext) -> str:
    """Where crime and anti-social behaviour were reported, for residents: a map in classes
    and the busiest neighbourhoods, small numbers hidden as in the tables."""
    if ctx.police is None or ctx.police.empty:
        return ""
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    missing = police_missing(ctx, review)
    if missing:
        return html.section(
            html.h(2, "Where crime happens", "c-where")
            + html.p(
                f"We cannot show where crime happened this year: the police figures for "
                f"{_and(missing)} had not reached us when this update was written."
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
    return html.section("".join(body))


def _busiest_areas(ctx: ReportContext, table: pd.DataFrame) -> str:
    """The five local areas with the most records, by the names residents know them by; none
    without a place names lookup (a statistical code is never a place's name)."""
    names = place_names(ctx)
    if names is None:
        return ""
    t = ctx.params.report.suppression_threshold
    rows = []
    for _, c in local_areas(table, ctx.lsoa_names, names).head(5).iterrows():
        shown = suppress_count(float(c["review"]), t)
        rows.append(
            [
                c["area"],
                shown or f"fewer than {t}",
                f"{c['share_pct']:.0f}%" if shown else "not shown",
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


def crime_by_type(ctx: ReportContext) -> str:
    """Police-recorded crime and ASB by type: this year, the year before the plan, change;
    suppressed. When a month of either year is missing, no figure is shown (a missing month
    is never a fall) and residents are told why."""
    heading = html.h(2, "Crime and anti-social behaviour reported to the police", "crime-types")
    prev = comparison_period(ctx)
    if ctx.police is None or prev is None:
        return ""
    review = ctx.params.review
    missing = police_missing(ctx, review, prev)
    if missing:
        return html.section(
            heading
            + html.p(
                "We are not showing figures by type this time: the police figures for "
                f"{_and(missing)} had not reached us when this update was written, and totals "
                "without them would look like a fall that did not happen."
            )
        )
    built = _crime_table(ctx)
    if built is None:
        return ""
    t = ctx.params.report.suppression_threshold
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
    said = [str(v) for r in rows for v in r[1:]]
    notes = []
    if any(v.startswith("fewer than") for v in said):
        notes.append(
            f"To protect people's privacy, numbers from 1 to {t - 1} are shown as “fewer than {t}”."
        )
    if any(v == "not shown" for v in said):
        notes.append(
            "Numbers marked “not shown” are hidden so that a small number cannot be "
            "worked out from the total."
        )
    note = html.p(" ".join(notes)) if notes else ""
    if apart:
        types = sorted(c.crime_type.lower() for c in apart.values())
        note += html.p(
            "“Not comparable”: the way the police record "
            + _and(types)
            + (" appears to have" if any(not c.decision for c in apart.values()) else " has")
            + " changed between the two years, so the change would mislead"
            + (" (and so would the change in the total)." if len(rows) > 1 else ".")
        )
    return html.section(
        heading
        + html.table(
            ["Type", f"{review.describe()}", f"{prev.describe()}", "Change"],
            rows,
            "Crimes and incidents reported to the police in the area, by type",
            numeric=(1, 2, 3),
        )
        + note
    )


def community_help(ctx: ReportContext) -> str:
    """How to get involved: meetings still to come (date, time, place, page), how to contact
    the partnership, other ways to take part, and how to report crime."""
    params = ctx.params
    c = params.community
    meetings = upcoming_meetings(params)
    parts = [html.h(2, "How to get involved", "help")]
    if meetings:
        parts.append(html.h(3, "Come to a meeting"))
        parts.append(html.p("Tell us what matters where you live. Everyone is welcome."))
        parts.append(html.ul(meeting_words(m) for m in meetings))
    said = contact(params)
    if said or c.website:
        parts.append(html.h(3, "Contact us"))
        items: list[object] = [said] if said else []
        if c.website:
            items.append(html.safe(f"Online: {link(c.website)}"))
        parts.append(html.ul(items))
    parts.append(html.h(3, "Other ways to help"))
    parts.append(html.ul([*c.get_involved, params.report.report_crime]))
    return html.section("".join(parts))


def community_for_analyst(ctx: ReportContext) -> str:
    """A draft update's box of what the analyst still has to give before it can be published
    (public names, dated steps, meetings, contact, place names); a final update has none."""
    if ctx.params.report.status == "final":
        return ""
    items = involvement_gaps(ctx.params, ctx.strategy, community_next_steps(ctx))
    names = place_names(ctx)
    if names is None:
        items.append(
            "No local area is named for residents: give inputs.place_names (a CSV of local "
            "names by MSOA; docs/inputs.md) to list the busiest areas by name."
        )
    elif ctx.police is not None and not ctx.police.empty:
        table = places.by_lsoa(ctx.police, Filter(), ctx.params.baseline, ctx.params.review)
        top = local_areas(table, ctx.lsoa_names, names).head(5)
        unnamed = int((~top["named"]).sum())
        if unnamed:
            items.append(
                f"{unnamed} of the busiest local areas has no name in inputs.place_names: "
                "residents read it as part of its local authority."
            )
    if not items:
        return ""
    return (
        '<aside class="for-analyst" aria-label="For the analyst">'
        + html.h(2, "For the analyst (left out of the published update)", "for-analyst")
        + html.ul(items)
        + "</aside>"
    )


def community_about(ctx: ReportContext) -> str:
    """About the figures: explains only the terms the update uses; a draft's box for the
    analyst follows it."""
    judged = [v for v in ctx.verdicts.values() if v.judged]
    items = []
    if any(v.change in ("improved", "worsened") for v in judged):
        items.append(
            "“More than the normal ups and downs” means the change is bigger than we would "
            "expect by chance from month to month. It does not tell us what caused it."
        )
    if any(v.change in ("about the same", "cannot tell") for v in judged):
        items.append(
            "“Within the normal ups and downs” means the change is no bigger than figures "
            "like these vary by chance from month to month."
        )
    items += [sources_sentence(sources_used(ctx, community=True)), OGL]
    credit = ctx.params.community.place_names_credit
    if credit and ctx.params.inputs.place_names:
        items.append(f"Names of local areas: {credit}")
    about = html.section(html.h(2, "About these figures", "about") + html.ul(items))
    return about + community_for_analyst(ctx)  # the draft's box closes the update
