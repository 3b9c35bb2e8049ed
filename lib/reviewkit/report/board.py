"""The board report's sections as HTML: title, executive summary, scorecard, a section per
priority with its indicators and initiatives, re-assessment, data completeness and the analyst's
own analyses.

Everything is built from the tables the earlier steps wrote (scorecard, initiative status,
completeness, difficulties log, indicator series), so the narrative and the tables cannot
disagree. Every string from data or params is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.outputs import OutputResult
from reviewkit.analysis.verdict import Verdict
from reviewkit.base.formatting import fmt_change_for, fmt_value, series_unit, unit_suffix
from reviewkit.inputs.own import own_title
from reviewkit.inputs.strategy import AllExcept, Strategy
from reviewkit.methods import spc
from reviewkit.report import html, icons, indicator_chart, quality, reassessment
from reviewkit.report import verdict_words as words
from reviewkit.report.benchmarking import peer_row, peer_sentence
from reviewkit.report.charts import ChartContext, trend_chart, xmr_chart
from reviewkit.report.context import ReportContext
from reviewkit.report.narrative import executive_summary, indicator_sentence
from reviewkit.store.layout import CycleLayout

STATUS_BADGE = {
    "complete": ("good", "✔", "Complete"),
    "on track": ("good", "▲", "On track"),
    "at risk": ("warn", "!", "At risk"),
    "off track": ("bad", "✖", "Off track"),
    "not started": ("none", "○", "Not started"),
}


def _kind_text_sym(badge: words.Badge) -> tuple[str, str, str]:
    kind, sym, text = badge
    return kind, text, sym


def _target_cell(v: Verdict, assurance: str) -> Markup:
    """The target's badge with, for a target met or on track, the Making Data Count assurance
    icon beside it: one cell, so status and assurance cannot be read apart."""
    cell = html.badge(*_kind_text_sym(words.target_badge(v)))
    if v.target in ("met", "on track") and assurance:
        cell += " " + icons.assurance_icon(assurance, 24)
    return cell


def _badge(mapping: dict[str, tuple[str, str, str]], key: object) -> Markup:
    kind, sym, text = mapping.get(str(key), ("none", "", str(key) if key else "–"))
    return html.badge(kind, text, sym)


def board_title(ctx: ReportContext) -> str:
    """The paper's title: the partnership, the review period against the baseline, the date
    of the review, and whether the paper is a draft or signed off."""
    p = ctx.params
    return (
        f'<header class="title">{html.h(1, f"{p.partnership}: strategy review")}'
        f'<p class="subtitle">Review period {html.esc(ctx.review_desc)} · compared with '
        f"{html.esc(ctx.baseline_desc)} · review carried out {p.review_date:%d %B %Y}</p>"
        f'<p class="status">{html.esc(p.report.status_line())}</p></header>'
    )


def board_summary(ctx: ReportContext) -> str:
    """The executive summary: the analyst's words, then bullets drawn from the scorecard,
    initiatives and completeness, and the strategy re-assessment's line when it has one."""
    bullets = executive_summary(
        ctx.scorecard,
        ctx.verdicts,
        ctx.initiatives,
        ctx.completeness,
        ctx.params.analysis.significance_level,
        ctx.dataset_names,
    )
    strategy = reassessment.summary_bullet(ctx)
    return html.section(
        html.h(2, "Executive summary", "summary")
        + ctx.narrative_html("executive_summary")
        + html.ul([*bullets, *([html.safe(strategy)] if strategy else [])])
    )


def scorecard_table(ctx: ReportContext) -> str:
    """The scorecard: each indicator by priority, its review period against the baseline, the
    verdict on the change, the latest SPC point, the target and a trend line, with an icon key."""
    groups: list[tuple[str, list[Sequence[object]]]] = []
    for pr in ctx.strategy.priorities:
        rows: list[Sequence[object]] = []
        for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows():
            s = ctx.series.get(r["id"], pd.DataFrame())
            trend = ctx.chart(
                f"{r['id']}-trend",
                partial(trend_chart, r["name"], s, r["measure"], str(ctx.params.review.start)),
            )
            img = html.img(trend.data_uri, trend.alt, "spark")
            unit = unit_suffix(r["measure"]).replace(" a year", "").strip()
            name = (
                r["name"] if (not unit or "per 1,000" in r["name"]) else (f"{r['name']} ({unit})")
            )
            v = ctx.verdict(str(r["id"]))
            rows.append(
                [
                    name,
                    fmt_value(r["review_value"], r["measure"]),
                    fmt_value(r["baseline_value"], r["measure"]),
                    "–"
                    if not v.judged
                    else fmt_change_for(r["change"], r["change_pct"], r["measure"]),
                    html.badge(*_kind_text_sym(words.change_badge(v))),
                    icons.with_words(r["variation"], words.spc_label(v)) if v.spc else "No chart",
                    _target_cell(v, str(r["assurance"] or "")),
                    img,
                ]
            )
        if rows:
            groups.append((f"Priority: {pr.name}", rows))
    caption = (
        f"Scorecard: each indicator over {ctx.review_desc} against the baseline "
        f"({ctx.baseline_desc})"
    )
    return html.section(
        html.h(2, "Scorecard", "scorecard")
        + html.grouped_table(
            [
                "Indicator",
                "Review period",
                "Baseline",
                "Change",
                "Verdict on the change",
                "Latest point (SPC)",
                "Target",
                "Trend",
            ],
            groups,
            caption,
            numeric=(1, 2, 3),
            cls="scorecard",
        )
        + _icon_key()
    )


def _icon_key() -> str:
    """What the Making Data Count icons mean, under the scorecard."""
    items = [
        icons.with_words(k)
        for k in (
            "common_cause",
            "improvement_low",
            "improvement_high",
            "concern_high",
            "concern_low",
            "neutral_high",
        )
    ]
    items += [icons.with_words(k) for k in ("consistent_pass", "consistent_fail", "inconsistent")]
    return (
        '<div class="icon-key"><p><strong>Verdict on the change</strong>: the review period '
        "against the baseline by a test that allows for month-to-month variation. "
        "<strong>Latest point</strong>: is the latest point unusual for the series (SPC, "
        "H or L: high or low)? <strong>Target</strong>: met or on track is <em>assured</em> "
        "only when the change is beyond normal variation and the process limits do not "
        "straddle the target; the assurance icon beside it is Making Data Count's:</p>"
        + html.ul(items)
        + "</div>"
    )


def _indicator_block(ctx: ReportContext, r: pd.Series) -> str:
    v = ctx.verdict(str(r["id"]))
    parts = [
        html.h(3, r["name"]),
        f"<p>{indicator_sentence(r, v, ctx.review_desc, ctx.baseline_desc, ctx.dataset_names)}</p>",
    ]
    facts = _indicator_facts(ctx, r, v)
    parts.append(html.ul(facts))
    s = ctx.series.get(r["id"])
    if s is not None and len(s) >= 2 and "point_type" in s:
        chart = ctx.chart(
            f"{r['id']}-xmr",
            lambda: xmr_chart(
                r["name"],
                s,
                r["measure"],
                words.chart_conclusion(v),
                context=chart_context(ctx, r, s),
            ),
        )
        parts.append(html.figure(chart, _chart_caption(r, v, s), legend=_chart_legend(r, v)))
    return "".join(parts)


def _indicator_facts(ctx: ReportContext, r: pd.Series, v: Verdict) -> list[str]:
    """The facts under an indicator's sentence: what it counts, the test, the other
    comparisons, the target (with its one caveat), peers and the reader's notes."""
    counted = what_is_counted(ctx.strategy, str(r["id"]))
    facts = [counted] if counted else []
    if v.judged:
        facts += ([f"Test: {r['test']}."] if r["test"] else []) + other_comparisons(r)
    facts += target_facts(r, v, ctx.dataset_names)
    if v.judged:
        facts += _test_and_chart(v)
        facts += _regression_to_the_mean(ctx, r, v)
    peer = peer_row(ctx, r["id"])
    if peer is not None:
        facts.append(peer_sentence(peer))
    if v.comparability in ("excluded", "confirmed real"):
        facts.append(f"It {words.comparability_words(v)}.")
    if r["notes"]:
        facts.append(f"Note: {r['notes']}.")
    return facts


def other_comparisons(r: pd.Series) -> list[str]:
    """Same period last year, and the latest 12 months against the previous 12 when that is
    a different comparison (the review period is not itself the latest 12 months)."""
    m = r["measure"]
    out = []
    if not math.isnan(r["last_year_change_pct"]) or (
        m == "proportion" and not math.isnan(r["last_year_value"])
    ):
        since = fmt_change_for(
            r["review_value"] - r["last_year_value"], r["last_year_change_pct"], m
        )
        out.append(f"Same period last year: {fmt_value(r['last_year_value'], m)} ({since} since).")
    same_as_last_year = (
        r["rolling_value"] == r["review_value"] and r["rolling_previous"] == r["last_year_value"]
    )  # the review period is the latest 12 months: one comparison, said once
    if not same_as_last_year and (
        not math.isnan(r["rolling_change_pct"])
        or (m == "proportion" and not math.isnan(r["rolling_previous"]))
    ):
        rolled = fmt_change_for(
            r["rolling_value"] - r["rolling_previous"], r["rolling_change_pct"], m
        )
        beyond = " (beyond chance variation)" if r["rolling_significant"] else ""
        out.append(f"Latest 12 months against the previous 12: {rolled}{beyond}.")
    return out


def target_facts(r: pd.Series, v: Verdict, dataset_names: dict[str, str]) -> list[str]:
    """The target as the verdict reads it, with the trajectory it is judged against, or why
    it cannot be judged this review."""
    m = r["measure"]
    if v.target in ("met", "on track", "off track"):
        return [
            f"Target {fmt_value(r['target_value'], m)} by {r['target_by']}: "
            f"{words.target_phrase(v)} (the straight line from the baseline to the target "
            f"stands at {fmt_value(r['trajectory_value'], m)} at the end of the review period)."
        ]
    if v.target == "no target":
        return ["No target is set for this indicator."]
    if not r["target_by"]:
        return []
    why = words.comparability_words(v) if v.assessable else words.why_not_words(v, dataset_names)
    return [
        f"The strategy sets a target by {r['target_by']}; it cannot be assessed "
        f"this review ({why})."
    ]


def _regression_to_the_mean(ctx: ReportContext, r: pd.Series, v: Verdict) -> list[str]:
    """The caveat on a change beyond chance whose baseline held unusual points on the side
    the change moved away from: named periods, not a general warning."""
    if v.change not in ("improved", "worsened"):
        return []
    s = ctx.series.get(r["id"])
    if s is None:
        return []
    ind = ctx.strategy.indicator(r["id"])
    base = ind.baseline.range if ind.baseline else ctx.params.baseline
    flagged = spc.baseline_special_causes(s, str(base.start), str(base.end))
    fell = r["change"] < 0
    side = "high" if fell else "low"
    periods = [p for p, how in flagged if how == side]
    if not periods:
        return []
    return [
        f"The baseline held unusually {side} periods ({', '.join(periods)}): a baseline with "
        f"unusual {side}s tends to be followed by {'lower' if fell else 'higher'} figures "
        "whatever else happens (regression to the mean), so part of this change may be that."
    ]


def _chart_caption(r: pd.Series, v: Verdict, s: pd.DataFrame) -> str:
    """The XmR chart's caption: what a point is, and the verdict's SPC words."""
    caption = (
        f"{r['name']}, {series_unit(r['measure'], r['period'])} (the headline figure above "
        f"is for the whole review period). {words.chart_conclusion(v)}"
    )
    if bool(s["provisional"].iloc[-1]):
        caption += " Limits are provisional (few points)."
    per = "quarter" if r["period"] == "quarter" else "month"
    if r.get("seasonal") == "adjusted":
        caption += (
            f" Points are seasonally adjusted (each divided by its {per}-of-year index) so "
            "that winter and summer are not read as signals; the dotted line shows the "
            "values as recorded."
        )
    elif r.get("seasonal") == "too short":
        caption += " Two years of data or less: flags may reflect the season rather than a change."
    return caption


def _chart_legend(r: pd.Series, v: Verdict) -> str:
    legend = [icons.with_words(r["variation"], words.spc_label(v))] if v.spc else []
    if r["assurance"] and v.target in ("met", "on track"):
        legend.append(icons.with_words(r["assurance"]))
    return " ".join(legend)


def _test_and_chart(v: Verdict) -> list[str]:
    """A plain explanation when the two-period test and the SPC chart seem to disagree."""
    beyond = v.change in ("improved", "worsened")
    common = v.spc == "common cause"
    if beyond and common:
        return [
            "The test and the chart answer different questions: the test compares the "
            "whole review period with the baseline, the chart asks whether the latest "
            "point is unusual for the series. A change between two periods can be "
            "larger than chance while no single point stands out."
        ]
    if not beyond and v.spc and not common:
        return [
            "The test and the chart answer different questions: the chart flags a "
            "recent unusual point or run, the test compares the whole review period with "
            "the baseline and finds no difference beyond chance. Watch the next points."
        ]
    return []


def what_is_counted(strategy: Strategy, indicator: str) -> str:
    """The police.uk crime types (and outcomes) an indicator counts, stated in the report."""
    ind = next((i for i in strategy.indicators if i.id == indicator), None)
    if ind is None or ind.filter.crime_types is None:
        return ""
    given = ind.filter.crime_types
    if given == "all":
        text = "Counts every police.uk crime type, anti-social behaviour included."
    elif isinstance(given, AllExcept):
        text = f"Counts every police.uk crime type except {', '.join(given.all_except)}."
    else:
        text = f"Counts the police.uk crime type{'s' if len(given) > 1 else ''} {', '.join(given)}."
    if ind.numerator is not None and ind.numerator.outcome_categories:
        text += (
            " The share is of those whose last outcome is "
            + " or ".join(ind.numerator.outcome_categories)
            + "."
        )
    return text


def chart_context(ctx: ReportContext, r: pd.Series, s: pd.DataFrame) -> ChartContext:
    """The periods, target trajectory and markers around an indicator's XmR chart."""
    return indicator_chart.chart_context(
        ctx.params,
        ctx.strategy.indicator(r["id"]),
        r,
        s,
        ctx.recording if ctx.police is not None else {},
        ctx.street_dataset,
        ctx.markers.get("*", []) + ctx.markers.get(r["id"], []),
    )


DELIVERY_NOTE = (
    " Delivered against plan counts the lead agencies' returns to the end of the review "
    "period against the plan spread evenly over its months; on plan means at least 90% of the "
    "figure expected by then. It is a count against a plan, not a test: it says what was "
    "delivered, not what it achieved."
)


def delivery_cell(outputs: list[OutputResult]) -> str:
    """What an initiative delivered against plan, one line per output measure ('–' when it
    names none): the initiative's own assessment criteria, beside its indicators."""
    if not outputs:
        return "–"
    lines = []
    for o in outputs:
        name = o.output[:1].upper() + o.output[1:]
        badge = words.output_badge(o)[2].lower()
        if o.delivered is None or o.status == "cannot tell":
            lines.append(f"{name}: {words.output_words(o)}")
        elif o.status == "delivered":
            lines.append(f"{name}: {o.delivered:,.0f}, the {o.planned:,.0f} planned: delivered.")
        else:
            lines.append(
                f"{name}: {o.delivered:,.0f} against {o.expected_by_now or 0:,.0f} expected by "
                f"now ({o.planned:,.0f} by {o.by:%b %Y}): {badge}."
            )
    return " ".join(lines)


def _delivers(initiatives: pd.DataFrame, outputs: list[OutputResult]) -> bool:
    """Whether any of these initiatives names an output measure."""
    ids = set(initiatives["id"])
    return any(o.initiative in ids for o in outputs)


def _milestones_cell(r: pd.Series) -> str:
    """Milestones done, and the overdue ones or the next one."""
    if r.get("overdue_milestones"):
        return f"{r['milestones']}. Overdue: {r['overdue_milestones']}"
    nxt = f"Next: {r['next_milestone']}" if r["next_milestone"] else "None left"
    return f"{r['milestones']}. {nxt}"


def _initiative_rows(df: pd.DataFrame, outputs: list[OutputResult]) -> list[list[object]]:
    return [
        [
            html.safe(f"{html.esc(r['name'])}<br><small>{html.esc(r['lead_agency'])}</small>"),
            html.safe(
                f"{_badge(STATUS_BADGE, r['status'])}<br>"
                f"{html.esc(r.get('latest_update') or 'No update this review')}"
            ),
            _milestones_cell(r),
            delivery_cell([o for o in outputs if o.initiative == r["id"]]),
            r["indicator_movement"] or "–",
            "Yes: " + r["reassess_reasons"] if r["reassess"] else "No",
        ]
        for _, r in df.iterrows()
    ]


def priority_sections(ctx: ReportContext) -> str:
    """A section per priority: each indicator's sentence, facts and XmR chart (when it has
    one), and its initiatives' table, with why their indicators are not read as their effect."""
    out = []
    for pr in ctx.strategy.priorities:
        parts = [html.h(2, f"Priority: {pr.name}", f"priority-{pr.id}")]
        if pr.description:
            parts.append(html.p(pr.description))
        parts.append(ctx.narrative_html(f"priority_{pr.id}"))
        for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows():
            parts.append(_indicator_block(ctx, r))
        ini = (
            ctx.initiatives[ctx.initiatives["priority"] == pr.id]
            if len(ctx.initiatives)
            else ctx.initiatives
        )
        if len(ini):
            parts.append(html.h(3, f"Initiatives for {pr.name.lower()}"))
            parts.append(
                html.table(
                    [
                        "Initiative and lead agency",
                        "Status and the lead agency's latest update",
                        "Milestones",
                        "Delivered against plan",
                        "Its indicators against the baseline",
                        "Re-assess?",
                    ],
                    _initiative_rows(ini, ctx.outputs),
                    f"Initiatives: {pr.name}",
                )
            )
            parts.append(
                html.p(
                    "What an initiative's indicators did is shown beside it, not "
                    "measured as its effect: a before-and-after comparison with no "
                    "comparison area cannot separate the initiative from everything "
                    "else that changed, and a baseline year that was unusually high "
                    "tends to be followed by a lower one (regression to the mean)."
                    + (
                        DELIVERY_NOTE
                        if any(o.initiative in set(ini["id"]) for o in ctx.outputs)
                        else ""
                    )
                )
            )
        out.append(html.section("".join(parts)))
    return "".join(out)


def reassessment_section(ctx: ReportContext) -> str:
    """The rule for recommending an initiative for re-assessment, and the initiatives it
    recommends this cycle with their lead agencies (or that none needs it)."""
    ini = ctx.initiatives
    flagged = ini[ini["reassess"]] if len(ini) else ini
    body = [html.h(2, "Recommendations for re-assessment", "reassessment")]
    body.append(
        html.p(
            "An initiative is recommended for re-assessment when it is off track, when "
            "an indicator it is meant to move shows special-cause concern, when what it "
            "delivered is behind its plan, when it has "
            f"run {ctx.params.analysis.reassess_after_months} months or more with no "
            "improvement beyond chance in its indicators, or when it cannot be judged "
            "because its data is missing. A complete initiative, or one not started yet, is "
            "not re-assessed."
        )
    )
    if len(flagged):
        names = "; ".join(f"{r['name']} ({r['lead_agency']})" for _, r in flagged.iterrows())
        body.append(
            html.p(
                f"Recommended this cycle: {names}. Each one's reasons are in the decisions "
                "for the board and in its priority's table of initiatives."
            )
        )
    else:
        body.append(html.p("No initiative needs re-assessment this cycle."))
    return html.section("".join(body))


DECIDED = {
    "exclude": "it was agreed to set the type aside in the indicators",
    "rebase": "it was agreed that the figures start a new series from then",
    "real": "it was looked into and judged a real change, not a change in recording",
}


def recording_notes(ctx: ReportContext) -> str:
    """Possible changes in how the police record a crime type, each with where it stands:
    awaiting the board's decision, or what was agreed."""
    found = (
        {(str(r["crime_type"]), str(r["month"])): r for _, r in ctx.recording_found.iterrows()}
        if ctx.recording_found is not None
        else {}
    )
    items = []
    for c in sorted(ctx.recording.values(), key=lambda c: (c.month, c.crime_type)):
        text = f"{c.crime_type} from {c.label}: "
        r = found.get((c.crime_type, c.month))
        if r is not None:
            text += (
                f"about {r['before']:,.0f} a month before and {r['after']:,.0f} after in this "
                "partnership"
            )
            if not pd.isna(r["rest_before"]):
                text += (
                    f", and {r['rest_before']:,.0f} to {r['rest_after']:,.0f} in the rest of "
                    "the force at the same time"
                )
            text += ". "
        text += (
            f"Decided: {DECIDED[c.decision]}."
            if c.decision
            else "Awaiting the board's decision: until then comparisons across this month "
            "are not made."
        )
        items.append(text)
    if not items:
        return ""
    return html.h(3, "Possible changes in how crimes are recorded") + html.ul(items)


def for_analyst(ctx: ReportContext) -> str:
    """A draft's box of what only the analyst acts on (params keys to set, data requests by
    id); a final paper has none."""
    if ctx.params.report.status == "final":
        return ""
    items = [
        f"{r['name']}: {r['analyst_notes']}."
        for _, r in ctx.scorecard.iterrows()
        if isinstance(r.get("analyst_notes"), str) and r["analyst_notes"]
    ]
    items += [
        f"{c.crime_type} from {c.month}: record the board's decision (exclude, rebase or real) "
        "in the params under analysis.recording_changes."
        for c in ctx.recording.values()
        if not c.decision
    ]
    items += [
        f"{r['name']}: {r['reason'].removeprefix('not assessable: ')}."
        for _, r in ctx.scorecard.iterrows()
        if not r["assessable"]
    ]
    if not ctx.params.previous_cycle:
        items.append("Set previous_cycle in the params next time, for 'since the last review'.")
    if not items:
        return ""
    return (
        '<aside class="for-analyst" aria-label="For the analyst">'
        + html.h(2, "For the analyst (left out of the final paper)", "for-analyst")
        + html.ul(items)
        + "</aside>"
    )


def _named(ctx: ReportContext, table: pd.DataFrame) -> pd.DataFrame:
    """A table with each data request named by its description, as the board reads it (the
    data quality page, the analyst's, keeps the ids)."""
    if "dataset" not in table.columns:
        return table
    return table.assign(
        dataset=[ctx.dataset_names.get(d, d) if isinstance(d, str) else d for d in table["dataset"]]
    )


def data_section(ctx: ReportContext) -> str:
    """Annex C: possible recording changes, data completeness, the row reconciliation and the
    difficulties log, so the board sees what the figures rest on."""
    return html.section(
        html.h(2, "Annex C: Data completeness and difficulties", "data")
        + recording_notes(ctx)
        + quality.completeness_table(ctx.completeness)
        + quality.reconciliation_summary(_named(ctx, ctx.reconciliation))
        + quality.difficulties_tables(
            _named(ctx, ctx.difficulties),
            ctx.params.cycle,
            completeness=_named(ctx, ctx.completeness),
        )
    )


def own_analyses(ctx: ReportContext) -> str:
    """Links to the analyst's own notebooks run in this cycle (empty when there are none)."""
    items = []
    for own in ctx.params.own_notebooks:
        href = CycleLayout(ctx.run_dir).analysis_html(own.file).relative_to(ctx.run_dir)
        items.append(html.link(href.as_posix(), own_title(own)))
    if not items:
        return ""
    return html.section(
        html.h(2, "Further analysis", "further-analysis")
        + "<p>The analyst's own analyses for this review cycle, run with the same "
        "data and parameters (files beside this report):</p>" + html.ul(items)
    )
