"""The community update's section per priority, in plain words: its message, what its figures
show, what is being done (each initiative's own progress) and what happens next.
"""

from __future__ import annotations

from markupsafe import Markup

from reviewkit.report import html
from reviewkit.report.community_figures import (
    community_numbers,
)
from reviewkit.report.community_messages import not_said, plain_change
from reviewkit.report.community_steps import NextStep, date_words, next_steps, scheme_name
from reviewkit.report.context import ReportContext
from reviewkit.report.verdict_words import delivered_words

PLAIN_STATUS = {
    "complete": "finished",
    "on track": "going to plan",
    "at risk": "some delays",
    "off track": "behind schedule",
    "not started": "starting soon",
}


def community_priorities(ctx: ReportContext) -> Markup:
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
        facts = [s for r, v in rows if (s := plain_change(r, v, t, allowed))]
        facts += [s for r, v in rows if (s := not_said(r, v, ctx.dataset_names))]
        if facts:
            parts.append(html.h(3, "What the figures show"))
            parts.append(html.ul(facts))
        parts.append(_doing(ctx, pr.id))
        parts.append(_next(ctx, [s for s in steps if s.priority == pr.id]))
        out.append(html.section(html.join(parts)))
    return html.join(out)


def community_next_steps(ctx: ReportContext) -> list[NextStep]:
    """The update's dated next steps, as at the review date; an initiative whose status (as
    the progress step judged it) is complete has none."""
    ini = ctx.initiatives
    finished = {str(i) for i in ini.loc[ini["status"] == "complete", "id"]} if len(ini) else set()
    return next_steps(ctx.strategy, ctx.params.review_date, finished)


def _doing(ctx: ReportContext, priority: str) -> Markup:
    """The priority's initiatives by their public names, each with its lead, how long it runs
    and its own progress in plain words."""
    initiatives = [i for i in ctx.strategy.initiatives if i.priority == priority]
    status = (
        dict(zip(ctx.initiatives["id"].astype(str), ctx.initiatives["status"], strict=True))
        if len(ctx.initiatives)
        else {}
    )
    if not initiatives:
        return html.EMPTY
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


def _next(ctx: ReportContext, steps: list[NextStep]) -> Markup:
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
