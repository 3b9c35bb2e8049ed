"""The planning pack's sections as HTML, for the core audit team: the data requests for the
next review, open difficulties and gaps, and initiative milestones falling due."""

from __future__ import annotations

import pandas as pd

from reviewkit.report import html
from reviewkit.report.context import ReportContext


def planning_title(ctx: ReportContext) -> str:
    months = ctx.params.cycle_months
    nxt = ctx.params.review.shift(months)
    return (
        f'<header class="title">'
        f"{html.h(1, f'{ctx.params.partnership}: planning pack for the next review')}"
        f'<p class="subtitle">For the core audit team · next review period '
        f"{html.esc(nxt.describe())} · prepared after the review of "
        f"{html.esc(ctx.review_desc)}</p></header>"
    )


def planning_requests(ctx: ReportContext) -> str:
    """What information is needed next time, who provides, gathers and analyses it, when."""
    from reviewkit.base.periods import add_months
    from reviewkit.inputs.register import load_register

    months = ctx.params.cycle_months
    register = load_register(ctx.params.path("data_requests"))
    status = dict(zip(ctx.completeness["dataset"], ctx.completeness["status"], strict=True))
    rows = [
        [
            r.description,
            r.provider,
            r.gatherer,
            r.analyst,
            r.frequency,
            add_months(r.due, months).strftime("%d %b %Y"),
            r.expected_format or "–",
            status.get(r.dataset, "–"),
        ]
        for r in register.data_requests
    ]
    return html.section(
        html.h(2, "Information required for the next review", "requests")
        + html.table(
            [
                "Dataset",
                "Provided by",
                "Gathered by",
                "Analysed by",
                "Frequency",
                "Due",
                "Format",
                "This review",
            ],
            rows,
            "Data requests for the next review, with due dates",
        )
    )


def planning_difficulties(ctx: ReportContext) -> str:
    log = ctx.difficulties
    open_ = log[log["status"] == "open"]
    rows = [
        [
            r["id"],
            r["agency"],
            r["dataset"],
            r["category"],
            r["description"],
            r["action"],
            r["owner"],
            r["raised_cycle"],
        ]
        for _, r in open_.iterrows()
    ]
    gaps = ctx.completeness[ctx.completeness["status"] != "complete"]
    gap_items = [
        f"{r['description']} ({r['provider']}): {r['status']}"
        + (f", missing {r['missing_periods']}" if r["missing_periods"] else "")
        for _, r in gaps.iterrows()
    ]
    return html.section(
        html.h(2, "Open difficulties", "open-difficulties")
        + html.table(
            ["Id", "Agency", "Dataset", "Category", "Difficulty", "Action", "Owner", "Raised"],
            rows,
            "Difficulties still open, with their owners and actions",
        )
        + html.h(2, "Data gaps still open", "gaps")
        + (
            html.ul(gap_items)
            if gap_items
            else html.p("None: every requested dataset arrived complete.")
        )
    )


def planning_milestones(ctx: ReportContext) -> str:
    """Milestones overdue or falling due before the next review."""
    from reviewkit.base.periods import add_months

    months = ctx.params.cycle_months
    start = ctx.params.review_date
    end = add_months(start, months)
    rows = []
    for ini in ctx.strategy.initiatives:
        for m in ini.milestones:
            if m.done is None and m.due <= end:
                when = "overdue" if m.due < start else "due"
                rows.append([ini.name, ini.lead_agency, m.name, m.due.strftime("%d %b %Y"), when])
    rows.sort(key=lambda r: pd.to_datetime(r[3], format="%d %b %Y"))
    return html.section(
        html.h(2, "Initiative milestones falling due", "milestones")
        + html.table(
            ["Initiative", "Lead agency", "Milestone", "Due", "State"],
            rows,
            f"Milestones not done that are overdue or due by {end:%d %B %Y}",
        )
    )
