"""Decisions for the board: page 1 of the board report, drafted from the data.

Each item is a typed `Decision`: what the board is asked to decide, why (the evidence, in the
reader's words), and a link to the section that holds the evidence. They are drawn from the
verdicts and tables the earlier steps wrote, never from another section's text:

- initiatives recommended for re-assessment, with their reasons;
- possible recording changes that await a decision;
- overdue milestones, and lead agencies' own "at risk" or "off track" updates;
- difficulties escalated to the board and still open;
- rises in crime types or partner measures the strategy does not cover, with their test;
- missing data that stops an indicator being assessed.

The analyst adds or rewords items in the narrative file (section `## decisions`), shown after
the drafted ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.indicators import Change
from reviewkit.base.formatting import fmt_p, fmt_pct
from reviewkit.report import html, reassessment
from reviewkit.report.context import ReportContext
from reviewkit.report.planning import board_escalations


@dataclass(frozen=True)
class Decision:
    """One thing the board is asked to decide."""

    kind: str  # re-assess | recording change | milestones | escalated | uncovered rise | data
    subject: str
    ask: str  # what the board is asked to decide
    why: str  # the evidence, in the reader's words
    evidence: str  # the id of the section that holds the evidence


def drafted(ctx: ReportContext) -> list[Decision]:
    """Every decision the data asks the board for, in the order above."""
    return [
        *_reassess(ctx),
        *_recording(ctx),
        *_initiative_updates(ctx),
        *_escalated(ctx),
        *(uncovered := _uncovered(ctx)),
        *_strategy(ctx, {d.subject for d in uncovered}),
        *_blocked_by_data(ctx),
    ]


def _priority_anchor(ctx: ReportContext, priority: str) -> str:
    return f"priority-{priority}"


def _reassess(ctx: ReportContext) -> list[Decision]:
    ini = ctx.initiatives
    if not len(ini):
        return []
    return [
        Decision(
            "re-assess",
            str(r["name"]),
            f"Re-assess {r['name']} ({r['lead_agency']}): continue, change or stop it?",
            f"{r['reassess_reasons']}.",
            _priority_anchor(ctx, str(r["priority"])),
        )
        for _, r in ini[ini["reassess"].astype(bool)].iterrows()
    ]


def _recording(ctx: ReportContext) -> list[Decision]:
    """One item per crime type with possible recording changes awaiting a decision (a type
    may step more than once), naming the indicators they stop being compared (or saying that
    none counts the type)."""
    names = dict(zip(ctx.scorecard["id"], ctx.scorecard["name"], strict=True))
    waiting: dict[str, list[Change]] = defaultdict(list)
    for c in sorted(ctx.recording.values(), key=lambda c: (c.month, c.crime_type)):
        if c.awaiting_decision:
            waiting[c.crime_type].append(c)
    out = []
    for crime_type, steps in waiting.items():
        inds = [
            str(names[i])
            for i, v in ctx.verdicts.items()
            if v.decision_pending and crime_type in v.recording_types
        ]
        why = (
            f"Until then these cannot be compared with the baseline: {'; '.join(inds)}."
            if inds
            else "No indicator counts this type, but the residents' crime table and the scan "
            "of what the strategy does not cover leave it uncompared until then."
        )
        when = " and ".join(f"from {c.label}" for c in steps)
        out.append(
            Decision(
                "recording change",
                crime_type,
                f"Agree how to treat the possible change{'s' if len(steps) > 1 else ''} in how "
                f"the police record {crime_type.lower()} {when}: set the type aside, start a "
                "new series, or accept it as a real change?",
                why,
                "data",
            )
        )
    return out


def _initiative_updates(ctx: ReportContext) -> list[Decision]:
    """Overdue milestones and a lead agency's own 'at risk' or 'off track' update, for the
    initiatives not already listed for re-assessment."""
    ini = ctx.initiatives
    if not len(ini):
        return []
    out = []
    for _, r in ini[~ini["reassess"].astype(bool)].iterrows():
        overdue = str(r.get("overdue_milestones") or "")
        reported = str(r.get("reported_status") or "")
        if not overdue and reported not in ("at risk", "off track"):
            continue
        why = []
        if overdue:
            why.append(f"overdue: {overdue}")
        if reported in ("at risk", "off track"):
            update = str(r.get("latest_update") or "")
            why.append(
                f"{r['lead_agency']} reports it {reported}" + (f" (“{update}”)" if update else "")
            )
        out.append(
            Decision(
                "milestones",
                str(r["name"]),
                f"{r['name']}: what support or change of plan does it need?",
                "; ".join(why) + ".",
                _priority_anchor(ctx, str(r["priority"])),
            )
        )
    return out


def _escalated(ctx: ReportContext) -> list[Decision]:
    open_ = board_escalations(ctx)  # escalated by the analyst, or with an overdue action
    return [
        Decision(
            "escalated",
            str(r["description"]),
            f"{r['agency']}: {r['description']}. What will the board do?",
            f"{r['board_note']}; action so far: {r['action']} ({r['owner']}).",
            "data",
        )
        for _, r in open_.iterrows()
    ]


def _uncovered(ctx: ReportContext) -> list[Decision]:
    found = ctx.uncovered
    if found is None or not len(found):
        return []
    rises = found[found["real_rise"]]
    return [
        Decision(
            "uncovered rise",
            str(r["what"]),
            f"{r['what']} rose and no priority covers it: add it to the next strategic assessment?",
            f"{int(r['baseline_count']):,} in the baseline, {int(r['review_count']):,} in the "
            f"review period ({fmt_pct(r['change_pct'])}; p {fmt_p(r['p_adjusted'])} after "
            "allowing for the many types tested).",
            "strategy-gaps",
        )
        for _, r in rises.iterrows()
    ]


def _strategy(ctx: ReportContext, asked: set[str]) -> list[Decision]:
    """What the strategy re-assessment puts to the board: a subject the strategy does not
    cover banded high (unless already asked about as a rise), and a priority banded low.
    The matrix recommends; the board decides."""
    out = []
    for r in reassessment.build(ctx).rows:
        name, kind = r.evidence.subject.name, r.evidence.subject.kind
        if kind != "priority" and r.band == "high" and name not in asked:
            out.append(
                Decision(
                    "strategy",
                    name,
                    f"Consider {name}, which the strategy does not cover, for the next "
                    "strategic assessment?",
                    f"The strategy re-assessment bands it {reassessment.band_basis(r)}; it "
                    "recommends, the board decides.",
                    "strategy-reassessment",
                )
            )
        elif kind == "priority" and r.band == "low":
            out.append(
                Decision(
                    "strategy",
                    name,
                    f"Is {name} still a priority for the next strategic assessment?",
                    f"The strategy re-assessment bands it {reassessment.band_basis(r)}; it "
                    "recommends, the board decides.",
                    "strategy-reassessment",
                )
            )
    return out


def _blocked_by_data(ctx: ReportContext) -> list[Decision]:
    """Missing data that stops an indicator being assessed, one item per data request."""
    blocked: dict[str, list[str]] = defaultdict(list)
    names = dict(zip(ctx.scorecard["id"], ctx.scorecard["name"], strict=True))
    for ind, v in ctx.verdicts.items():
        if v.data_missing:
            blocked[v.why_dataset].append(str(names[ind]))
    done = ctx.completeness.set_index("dataset") if len(ctx.completeness) else pd.DataFrame()
    out = []
    for dataset, inds in blocked.items():
        what = ctx.dataset_names.get(dataset, "Data")
        provider = str(done.at[dataset, "provider"]) if dataset in done.index else "its provider"
        missing = str(done.at[dataset, "missing_periods"] or "") if dataset in done.index else ""
        out.append(
            Decision(
                "data",
                what,
                f"Ask {provider} for the missing data: {what}"
                + (f" ({missing})" if missing else "")
                + ": without it the review cannot assess these indicators.",
                "; ".join(inds) + ".",
                "data",
            )
        )
    return out


def _section(ctx: ReportContext, d: Decision) -> str:
    """The title of the section that holds a decision's evidence, for its link's words."""
    if d.evidence.startswith("priority-"):
        pid = d.evidence.removeprefix("priority-")
        name = next((p.name for p in ctx.strategy.priorities if p.id == pid), pid)
        return f"Priority: {name}"
    return {
        "data": "Data completeness and difficulties (Annex C)",
        "strategy-gaps": "What the strategy does not cover",
        "strategy-reassessment": "Strategy re-assessment",
    }.get(d.evidence, "the evidence")


def decisions_section(ctx: ReportContext) -> Markup:
    """'Decisions for the board': the first section of the board report."""
    items = drafted(ctx)
    body = [html.h(2, "Decisions for the board", "decisions")]
    if items:
        body.append(
            html.p(
                "The board is asked to decide the following. Each item links to its evidence "
                "in this report; the analyst's recommendations follow the figures, and the "
                "board decides."
            )
        )
        listed = [
            html.safe(
                f"<strong>{html.esc(d.ask)}</strong> {html.esc(d.why)} "
                f"{html.link(f'#{d.evidence}', f'See {_section(ctx, d)}.')}"
            )
            for d in items
        ]
        body.append(html.ul(listed))
    else:
        body.append(html.p("The data ask the board for no decision this review."))
    body.append(ctx.narrative_html("decisions"))
    return html.section(html.join(body), cls="decisions")
