"""The board report's sections as HTML: title, executive summary, scorecard, a section per
priority with its indicators and initiatives, re-assessment, data completeness and the analyst's
own analyses.

Everything is built from the tables the earlier steps wrote (scorecard, initiative status,
completeness, difficulties log, indicator series), so the narrative and the tables cannot
disagree. Every string from data or params is escaped. The scorecard, the priorities'
sections and Annex C are built in modules of their own (`board_scorecard`, `board_indicators`,
`board_priorities`, `board_annex`) and named here too.
"""

from __future__ import annotations

from markupsafe import Markup

from reviewkit.inputs.own import own_title
from reviewkit.report import html, reassessment
from reviewkit.report.board_annex import DECIDED, data_section, recording_notes
from reviewkit.report.board_indicators import (
    chart_context,
    other_comparisons,
    target_facts,
    what_is_counted,
)
from reviewkit.report.board_priorities import (
    DELIVERY_NOTE,
    STATUS_BADGE,
    delivery_cell,
    priority_sections,
)
from reviewkit.report.board_scorecard import scorecard_table
from reviewkit.report.context import ReportContext
from reviewkit.report.narrative import executive_summary
from reviewkit.store.layout import CycleLayout

__all__ = [
    "DECIDED",
    "DELIVERY_NOTE",
    "STATUS_BADGE",
    "board_summary",
    "board_title",
    "chart_context",
    "data_section",
    "delivery_cell",
    "for_analyst",
    "other_comparisons",
    "own_analyses",
    "priority_sections",
    "reassessment_section",
    "recording_notes",
    "scorecard_table",
    "target_facts",
    "what_is_counted",
]


def board_title(ctx: ReportContext) -> Markup:
    """The paper's title: the partnership, the review period against the baseline, the date
    of the review, and whether the paper is a draft or signed off."""
    p = ctx.params
    return html.block(
        "header",
        html.h(1, f"{p.partnership}: strategy review")
        + html.p(
            f"Review period {ctx.review_desc} · compared with {ctx.baseline_desc} · review "
            f"carried out {p.review_date:%d %B %Y}",
            "subtitle",
        )
        + html.p(p.report.status_line(), "status"),
        "title",
    )


def board_summary(ctx: ReportContext) -> Markup:
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
        + html.ul([*bullets, *([strategy] if strategy else [])])
    )


def reassessment_section(ctx: ReportContext) -> Markup:
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
    return html.section(html.join(body))


def for_analyst(ctx: ReportContext) -> Markup:
    """A draft's box of what only the analyst acts on (params keys to set, data requests by
    id); a final paper has none."""
    if ctx.params.report.status == "final":
        return html.EMPTY
    items = [
        f"{r['name']}: {r['analyst_notes']}."
        for _, r in ctx.scorecard.iterrows()
        if isinstance(r.get("analyst_notes"), str) and r["analyst_notes"]
    ]
    items += [
        f"{c.crime_type} from {c.month}: record the board's decision (exclude, rebase or real) "
        "in the params under analysis.recording_changes."
        for c in ctx.recording.values()
        if c.awaiting_decision
    ]
    items += [
        f"{r['name']}: {r['reason'].removeprefix('not assessable: ')}."
        for _, r in ctx.scorecard.iterrows()
        if not r["assessable"]
    ]
    if not ctx.params.previous_cycle:
        items.append("Set previous_cycle in the params next time, for 'since the last review'.")
    if not items:
        return html.EMPTY
    return html.block(
        "aside",
        html.h(2, "For the analyst (left out of the final paper)", "for-analyst") + html.ul(items),
        "for-analyst",
        "For the analyst",
    )


def own_analyses(ctx: ReportContext) -> Markup:
    """Links to the analyst's own notebooks run in this cycle (empty when there are none)."""
    items = []
    for own in ctx.params.own_notebooks:
        href = CycleLayout(ctx.run_dir).analysis_html(own.file).relative_to(ctx.run_dir)
        items.append(html.link(href.as_posix(), own_title(own)))
    if not items:
        return html.EMPTY
    return html.section(
        html.h(2, "Further analysis", "further-analysis")
        + html.safe(
            "<p>The analyst's own analyses for this review cycle, run with the same "
            "data and parameters (files beside this report):</p>"
        )
        + html.ul(items)
    )
