"""The board report's "since the last review": what moved between this review and the one
before (statuses, data received, difficulties, restated figures)."""

from __future__ import annotations

import math

from markupsafe import Markup

from reviewkit.analysis.verdict import change_call, spc_call
from reviewkit.base.formatting import fmt_change, fmt_value
from reviewkit.report import html
from reviewkit.report import verdict_words as words
from reviewkit.report.context import ReportContext


def since_last_review(ctx: ReportContext) -> Markup:
    """The board report's 'since the last review' section: what changed in each
    indicator against the previous cycle's scorecard, or why there is nothing to compare."""
    body = [html.h(2, "Since the last review", "since")]
    if not ctx.params.previous_cycle:
        body.append(
            html.p(
                "This is the first review cycle with this tool: there is no earlier review "
                "to compare with."
            )
        )
        return html.section(html.join(body))
    items = status_changes(ctx) + data_now_complete(ctx) + difficulty_changes(ctx)
    items += restatements(ctx)
    body.append(html.ul(items) if items else html.p("Nothing has changed since the last review."))
    return html.section(html.join(body))


def status_changes(ctx: ReportContext) -> list[str]:
    """Each indicator new since the last review, or whose target status, SPC signal or
    change against the baseline moved, in the verdict's words."""
    prev = ctx.previous.get("scorecard")
    if prev is None:
        return []
    old = {r["id"]: r for _, r in prev.iterrows()}
    items = []
    for _, r in ctx.scorecard.iterrows():
        o = old.get(r["id"])
        if o is None:
            items.append(f"{r['name']}: new indicator.")
            continue
        for col, label in (
            ("target_status", "target status"),
            ("variation", "SPC signal at the latest point"),
            ("direction", "change against the baseline"),
        ):
            before, now = plain_code(col, o.get(col)), plain_code(col, r[col])
            if before != now:
                items.append(f"{r['name']}: {label} was {before}, now {now}.")
    return items


def data_now_complete(ctx: ReportContext) -> list[str]:
    """Data requests received complete this review that were not last time."""
    pc = ctx.previous.get("completeness")
    if pc is None:
        return []
    was = dict(zip(pc["dataset"], pc["status"], strict=True))
    return [
        f"{r['description']}: now received complete (was {was[r['dataset']]})."
        for _, r in ctx.completeness.iterrows()
        if r["status"] == "complete" and was.get(r["dataset"]) not in (None, "complete")
    ]


def difficulty_changes(ctx: ReportContext) -> list[str]:
    """The difficulties resolved, then those raised, this review."""
    log, cycle = ctx.difficulties, ctx.params.cycle
    return [
        f"Difficulty {r['id']} resolved: {r['description']}."
        for _, r in log[log["resolved_cycle"] == cycle].iterrows()
    ] + [
        f"Difficulty {r['id']} raised: {r['description']}."
        for _, r in log[log["raised_cycle"] == cycle].iterrows()
    ]


def plain_code(column: str, value: object) -> str:
    """A scorecard code (this review's or an earlier one's) in the verdict's words: the
    same words the scorecard uses; '–' for none. Codes never reach a report."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    if not text:
        return "–"
    if column == "variation":
        return words.SPC_WORDS[spc_call(text)].lower()
    if column == "direction":
        return words.CHANGE_BADGE[change_call(text)][2].lower()
    if column == "target_status":
        return words.TARGET_WORDS.get(text, text).lower()
    return text.replace("_", " ")


def restatements(ctx: ReportContext) -> list[str]:
    """Indicator figures for periods both reviews cover that changed (e.g. a partner re-sent
    corrected data), with the size of the change."""
    prev = ctx.previous.get("series")
    if prev is None or prev.empty:
        return []
    out = []
    names = dict(zip(ctx.scorecard["id"], ctx.scorecard["name"], strict=True))
    measures = dict(zip(ctx.scorecard["id"], ctx.scorecard["measure"], strict=True))
    for ind, now in ctx.series.items():
        before = prev[prev["indicator"] == ind]
        if before.empty or now.empty:
            continue
        both = before.merge(now, on="period_start", suffixes=("_old", "_new"))
        changed = both[(both["value_old"] - both["value_new"]).abs() > 1e-9]
        for _, r in changed.iterrows():
            m = measures.get(ind, "count")
            size = fmt_change(r["value_new"] - r["value_old"], m)
            out.append(
                f"Restated: {names.get(ind, ind)} for {r['period_new']} was "
                f"{fmt_value(r['value_old'], m)} at the last review and is now "
                f"{fmt_value(r['value_new'], m)} ({size}), because the data were "
                "re-sent or corrected."
            )
    return out
