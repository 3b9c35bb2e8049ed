"""The planning pack's sections as HTML, for the core audit team: what the pack is for, the
team and the next review's owner and date, the team's meetings up to the next review with what
each reviews, the data requests with due dates by frequency and the resources they take, the
difficulties (stale ones proposed for closing, overdue ones escalated), the data gaps with how
long each has been open, and initiative milestones falling due."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis import schedule as sch
from reviewkit.inputs.register import Register, load_register
from reviewkit.inputs.team import meeting_dates, next_review_date
from reviewkit.intake import difficulties as dlog
from reviewkit.report import html
from reviewkit.report.context import ReportContext
from reviewkit.report.narrative import plural


def _day(d: dt.date) -> str:
    return f"{d:%d %b %Y}"


def _register(ctx: ReportContext) -> Register:
    return load_register(ctx.params.path("data_requests"))


def _next_review(ctx: ReportContext) -> dt.date:
    p = ctx.params
    return next_review_date(p.review_team, p.review_date, p.cycle_months)


def _name(ctx: ReportContext, dataset: str) -> str:
    """A data request as readers know it (its description, never its id)."""
    return ctx.dataset_names.get(dataset, dataset)


def planning_title(ctx: ReportContext) -> Markup:
    """The pack's opening: what it is for, the core audit team, the next review's owner."""
    p = ctx.params
    nxt = p.review.shift(p.cycle_months)
    team = p.review_team
    when = _next_review(ctx)
    owner = team.next_review.owner if team else None
    member = team.member(owner) if team and owner else None
    who = (
        f"{member.name} ({member.role}, {member.agency})"
        if member
        else "no owner named yet: the team should name one at its first meeting"
    )
    purpose = html.p(
        "What this pack is for: the core audit team runs the year to the next review from it. "
        "It says who is in the team, when the team meets and what each meeting reviews, what "
        "data is due from whom and when, which difficulties to resolve (and which can be "
        "closed), and the data gaps still open.",
        "lead",
    )
    review = html.p(f"Next review: {when:%d %B %Y}, of {nxt.describe()}. Owner: {who}.")
    if team:
        members = html.table(
            ["Name", "Role", "Agency"],
            [[m.name, m.role, m.agency] for m in team.members],
            "Members of the core audit team, their roles and agencies",
        )
    else:
        members = html.p(
            "No core audit team is named in this review's parameters: name its members, "
            "the next review's owner and the meetings, so that this pack can plan the year."
        )
    sub = f"For the core audit team · next review period {nxt.describe()} · prepared after "
    return html.block(
        "header",
        html.h(1, f"{p.partnership}: planning pack for the next review")
        + html.p(f"{sub}the review of {ctx.review_desc}", "subtitle"),
        "title",
    ) + html.section(purpose + review + html.h(2, "The core audit team", "team") + members)


def _deliveries(ctx: ReportContext) -> list[sch.Delivery]:
    register = _register(ctx)
    return sch.schedule(register, ctx.params.review, ctx.params.cycle_months)


def _data_cell(ctx: ReportContext, items: list[sch.Delivery]) -> Markup:
    by: dict[str, list[sch.Delivery]] = {}
    for d in items:
        by.setdefault(d.dataset, []).append(d)
    lines = [
        f"{_name(ctx, k)}: {', '.join(d.period for d in v)} (due {_day(v[0].due)}"
        + (f" to {_day(v[-1].due)})" if len(v) > 1 else ")")
        for k, v in by.items()
    ]
    return html.ul(lines) or html.p("None.")


def _milestone_cell(items: list[sch.MilestoneDue], since: dt.date) -> Markup:
    return html.ul(
        f"{m.initiative}: {m.milestone} ({m.lead_agency}, due {_day(m.due)}"
        + (", overdue)" if m.due < since else ")")
        for m in items
    ) or html.p("None.")


def _difficulty_cell(items: list[dict[str, str]], since: dt.date, stale: set[str]) -> Markup:
    out = []
    for r in items:
        due = dlog.due_date(r.get("due", ""))
        when = (
            "propose closing: its problem has gone"
            if r["id"] in stale
            else "no due date: set one"
            if due is None
            else f"due {_day(due)}" + (", overdue" if due < since else "")
        )
        out.append(
            f"{r['id']}: {r['action'] or 'no action yet'} ({r['owner'] or 'no owner'}, {when})"
        )
    return html.ul(out) or html.p("None.")


def planning_meetings(ctx: ReportContext) -> Markup:
    """The team's meetings up to the next review, each with the data due by then, the
    milestones due by then and the open difficulties whose actions are due by then."""
    p = ctx.params
    nxt = _next_review(ctx)
    dates = meeting_dates(p.review_team, p.review_date, nxt)
    milestones = sch.milestones_due(ctx.strategy, nxt)
    stale = {s.id for s in proposed_closing(ctx)}
    log = ctx.difficulties.copy()
    if "due" in log:  # a difficulty proposed for closing goes to the first meeting, to close
        log.loc[log["id"].isin(list(stale)), "due"] = ""
    meetings = sch.agendas(dates, p.review_date, nxt, (_deliveries(ctx), milestones, log))
    place = p.review_team.meetings.place if p.review_team and p.review_team.meetings else ""
    blocks = []
    for i, m in enumerate(meetings):
        label = (
            f"Next review: {m.date:%A %d %B %Y}"
            if m.is_review
            else f"Meeting {i + 1}: {m.date:%A %d %B %Y}" + (f", {place}" if place else "")
        )
        blocks.append(
            html.h(3, label, f"meeting-{i + 1}")
            + html.safe("<p><strong>Data due by then</strong></p>")
            + _data_cell(ctx, m.data)
            + html.safe("<p><strong>Milestones due by then</strong></p>")
            + _milestone_cell(m.milestones, p.review_date)
            + html.safe("<p><strong>Difficulties: actions due by then</strong></p>")
            + _difficulty_cell(m.difficulties, p.review_date, stale)
        )
    intro = (
        html.p(
            f"The core audit team meets {len(dates)} times before the next review. Each "
            "meeting reviews what falls due since the one before: the data, the initiatives' "
            "milestones and the actions on difficulties; the first also takes what is "
            "overdue or has no due date."
        )
        if dates
        else html.p(
            "No meetings of the core audit team are set before the next review: the guidance "
            "asks that the team keep meeting (e.g. quarterly). Until they are set, everything "
            "below falls to the next review."
        )
    )
    return html.section(
        html.h(2, "Meetings up to the next review", "meetings") + intro + html.join(blocks)
    )


def planning_requests(ctx: ReportContext) -> Markup:
    """What information is needed next time, who provides, gathers and analyses it, the
    analyst days it takes, and when each delivery is due by its frequency."""
    register = _register(ctx)
    review = ctx.params.review
    nxt = review.shift(ctx.params.cycle_months)
    status = dict(zip(ctx.completeness["dataset"], ctx.completeness["status"], strict=True))
    rows = []
    days = []
    for r in register.data_requests:
        lag = sch.lag_days(r, review)
        due = sch.deliveries(r, nxt, lag)
        after = {"monthly": "each month", "quarterly": "each quarter"}.get(
            r.frequency, "the period"
        )
        how = f"{r.frequency}: {lag} days after {after} ends"
        when = (
            f"{len(due)} deliveries, first {_day(due[0].due)} ({due[0].period}), last "
            f"{_day(due[-1].due)} ({due[-1].period})"
            if len(due) > 1
            else (f"once: {_day(due[0].due)}" if due else "none in the next review period")
        )
        days.append(r.analyst_days)
        rows.append(
            [
                r.description,
                r.provider,
                r.gatherer,
                r.analyst,
                "not given" if r.analyst_days is None else f"{r.analyst_days:g}",
                how,
                when,
                r.expected_format or "–",
                status.get(r.dataset, "–"),
            ]
        )
    given = [d for d in days if d is not None]
    total = (
        html.p(
            f"Analyst time: {sum(given):g} days in all"
            + (
                f" for the {plural(len(given), 'data request')} that give it; "
                f"{plural(len(days) - len(given), 'data request')} "
                f"{'does' if len(days) - len(given) == 1 else 'do'} not say."
                if len(given) < len(days)
                else "."
            )
        )
        if given
        else html.p("Analyst time: no data request gives the analyst days it takes.")
    )
    return html.section(
        html.h(2, "Information required for the next review", "requests")
        + html.table(
            [
                "Dataset",
                "Provided by",
                "Gathered by",
                "Analysed by",
                "Analyst days",
                "Frequency",
                "Due",
                "Format",
                "This review",
            ],
            rows,
            "Data requests for the next review: who provides, gathers and analyses each, "
            "and when each delivery is due",
            cls="small",
        )
        + total
    )


def _expected_formats(ctx: ReportContext) -> dict[str, str]:
    register = _register(ctx)
    return {r.dataset: r.expected_format for r in register.data_requests}


def proposed_closing(ctx: ReportContext) -> list[dlog.Proposal]:
    """Open difficulties whose problem has gone by what arrived this review."""
    return dlog.stale_difficulties(
        ctx.difficulties,
        ctx.completeness,
        ctx.reconciliation,
        _expected_formats(ctx),
        ctx.params.cycle,
    )


def board_escalations(ctx: ReportContext) -> pd.DataFrame:
    """The open difficulties the board is asked about (rows of the log, `board_note` saying
    why): escalated by the analyst, or with an action overdue on the review date; none that
    is proposed for closing. The board report's decisions read this too."""
    return dlog.escalated_difficulties(
        ctx.difficulties, ctx.params.review_date, {s.id for s in proposed_closing(ctx)}
    )


def planning_difficulties(ctx: ReportContext) -> Markup:
    """Open difficulties with owner, action and due date; those whose problem has gone,
    proposed for closing; overdue actions escalated to the board; data gaps and their age."""
    log = ctx.difficulties
    on = ctx.params.review_date
    stale = {s.id: s.reason for s in proposed_closing(ctx)}
    overdue = set(dlog.overdue_difficulties(log, on)["id"])
    esc = board_escalations(ctx)
    escalated_ids = set(esc["id"])
    open_ = log[log["status"] == "open"]
    rows = []
    for _, r in open_.iterrows():
        due = dlog.due_date(r.get("due", ""))
        state = (
            "propose closing"
            if r["id"] in stale
            else "overdue: escalated to the board"
            if r["id"] in overdue
            else "escalated to the board"
            if r["id"] in escalated_ids
            else "open"
        )
        rows.append(
            [
                r["id"],
                r["agency"],
                _name(ctx, r["dataset"]),
                r["category"],
                r["description"],
                r["action"] or "–",
                r["owner"] or "–",
                _day(due) if due else "not set",
                r["raised_cycle"],
                state,
            ]
        )
    proposals = [f"{i}: {reason}." for i, reason in stale.items()]
    escalated = [
        f"{r['id']} ({r['agency']}): {r['description']} {r['board_note']}."
        for _, r in esc.iterrows()
    ]
    return html.section(
        html.h(2, "Open difficulties", "open-difficulties")
        + html.table(
            [
                "Id",
                "Agency",
                "Dataset",
                "Category",
                "Difficulty",
                "Action",
                "Owner",
                "Due",
                "Raised",
                "State",
            ],
            rows,
            "Difficulties still open, with their owners, actions and due dates",
            cls="small",
        )
        + html.h(3, "Proposed for closing", "stale")
        + (
            html.p(
                "The problem these record has gone, by what arrived this review; the team decides:"
            )
            + html.ul(proposals)
            if proposals
            else html.p("None: every open difficulty still stands, by what arrived this review.")
        )
        + html.h(3, "Escalated to the board", "escalated")
        + (
            html.ul(escalated)
            if escalated
            else html.p("None: no open action is overdue and none was escalated.")
        )
        + planning_gaps(ctx)
    )


def planning_gaps(ctx: ReportContext) -> Markup:
    """Data gaps still open, each with how long it has been open, then what is missing now."""
    status = {str(r["dataset"]): r for r in ctx.completeness.to_dict("records")}
    complete = {d for d, r in status.items() if r["status"] == "complete"}
    ages = dlog.gap_ages(ctx.difficulties, ctx.params.cycle, complete, ctx.cycles)
    items = []
    for g in ages:
        now = status.get(g.dataset)
        state = (
            f"this review: {now['status']}"
            + (f", missing {now['missing_periods']}" if now["missing_periods"] else "")
            if now is not None
            else "not in this review's data requests"
        )
        items.append(f"{_name(ctx, g.dataset)}: {g.age_words()} ({', '.join(g.ids)}); {state}.")
    logged = {g.dataset for g in ages}
    unlogged = [
        f"{_name(ctx, d)}: {r['status']} this review"
        + (f", missing {r['missing_periods']}" if r["missing_periods"] else "")
        + " (no open difficulty records it)."
        for d, r in status.items()
        if r["status"] != "complete" and d not in logged
    ]
    items += unlogged
    return html.h(2, "Data gaps still open", "gaps") + (
        html.ul(items) if items else html.p("None: every requested dataset arrived complete.")
    )


def planning_milestones(ctx: ReportContext) -> Markup:
    """Milestones overdue or falling due before the next review."""
    start = ctx.params.review_date
    end = _next_review(ctx)
    rows = [
        [
            m.initiative,
            m.lead_agency,
            m.milestone,
            _day(m.due),
            "overdue" if m.due < start else "due",
        ]
        for m in sch.milestones_due(ctx.strategy, end)
    ]
    return html.section(
        html.h(2, "Initiative milestones falling due", "milestones")
        + html.table(
            ["Initiative", "Lead agency", "Milestone", "Due", "State"],
            rows,
            f"Milestones not done that are overdue or due by {end:%d %B %Y}",
        )
    )
