"""The board report's section per priority: its indicators' blocks and its initiatives'
table (status, milestones, delivery against plan, re-assessment).
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.outputs import OutputResult
from reviewkit.report import html
from reviewkit.report import verdict_words as words
from reviewkit.report.board_indicators import indicator_block
from reviewkit.report.context import ReportContext

STATUS_BADGE = {
    "complete": ("good", "✔", "Complete"),
    "on track": ("good", "▲", "On track"),
    "at risk": ("warn", "!", "At risk"),
    "off track": ("bad", "✖", "Off track"),
    "not started": ("none", "○", "Not started"),
}


def _badge(mapping: dict[str, tuple[str, str, str]], key: object) -> Markup:
    kind, sym, text = mapping.get(str(key), ("none", "", str(key) if key else "–"))
    return html.badge(kind, text, sym)


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


def priority_sections(ctx: ReportContext) -> Markup:
    """A section per priority: each indicator's sentence, facts and XmR chart (when it has
    one), and its initiatives' table, with why their indicators are not read as their effect."""
    out = []
    for pr in ctx.strategy.priorities:
        parts = [html.h(2, f"Priority: {pr.name}", f"priority-{pr.id}")]
        if pr.description:
            parts.append(html.p(pr.description))
        parts.append(ctx.narrative_html(f"priority_{pr.id}"))
        for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows():
            parts.append(indicator_block(ctx, r))
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
        out.append(html.section(html.join(parts)))
    return html.join(out)
