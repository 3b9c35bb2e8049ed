"""The community update's key messages: one plain sentence per indicator (or why it is not
given), a sentence on the figures as a whole, and the one comparison the update makes.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.verdict import Verdict
from reviewkit.base.formatting import fmt_value
from reviewkit.report import html
from reviewkit.report.community_figures import (
    community_numbers,
    comparison_period,
)
from reviewkit.report.context import ReportContext
from reviewkit.report.suppression import (
    suppress_count,
)
from reviewkit.report.verdict_words import community_trend, month_words


def plain_change(
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


def not_said(r: pd.Series, v: Verdict, names: dict[str, str]) -> str | None:
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


def community_messages(ctx: ReportContext) -> Markup:
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
        if v.judged and v.change == call and (s := plain_change(r, v, t, allowed))
    ]
    msgs.append(_overall(rows))
    missing = [m for r, v in rows if (m := not_said(r, v, ctx.dataset_names))]
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
    return counted + join_and(parts) + "."


def join_and(parts: list[str]) -> str:
    """Words joined as a resident reads a list: "a, b and c" (one word alone as it is)."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
