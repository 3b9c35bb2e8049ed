"""The board report's "what the strategy does not cover": real rises in crime types and
partner measures that no indicator follows."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis import horizon
from reviewkit.base.formatting import fmt_p, fmt_pct
from reviewkit.report import html
from reviewkit.report.context import ReportContext


def _not_compared(ctx: ReportContext, what: str) -> str:
    """Why an uncovered type was not compared: each of its recording changes and where it
    stands."""
    steps = [c for c in ctx.recording.values() if c.crime_type == what and not c.confirmed_real]
    if not steps:
        return what
    stands = {
        "": "awaiting the board's decision",
        "exclude": "agreed to set it aside",
        "rebase": "agreed that its figures start a new series then",
    }
    return "; ".join(
        f"{what} (a change in how it is recorded from {c.label}; {stands[c.decision]})"
        for c in steps
    )


def strategy_gaps_section(ctx: ReportContext) -> Markup:
    """Real rises in crime types and partner measures no indicator covers: for the next
    strategic assessment to consider."""
    alpha = ctx.params.analysis.significance_level
    minimum = ctx.params.analysis.scan_min_rise_pct
    found = ctx.uncovered
    police = {ctx.street_dataset: ctx.police_counted} if ctx.street_dataset else {}
    partner = ctx.partner if ctx.partner is not None else pd.DataFrame()
    unreceived = ctx.completeness.loc[
        ctx.completeness["status"].isin(["not received", "unusable"]), "dataset"
    ].tolist()
    untested = horizon.not_tested(
        ctx.strategy, ctx.params.baseline, ctx.params.review, police, partner, unreceived
    )
    body = [
        html.h(2, "What the strategy does not cover", "strategy-gaps"),
        html.p(
            f"Every police.uk crime type and every partner measure received that no "
            f"indicator of the strategy follows, with every month of both periods "
            f"({len(found)} in all, {int(found['p_value'].notna().sum())} of them comparable), "
            f"was compared between the baseline ({ctx.baseline_desc}) and the review period "
            f"({ctx.review_desc})."
        ),
    ]
    if untested:
        body.append(not_tested_block(ctx, untested))
    rises = found[found["real_rise"]]
    if len(rises):
        body.append(
            html.p(
                "Consider for the next strategic assessment: these rose by "
                f"{minimum:g}% or more, by more than chance would explain."
            )
        )
        rows = [
            [
                r["what"],
                "police.uk" if r["source"] == "police.uk" else r["dataset"],
                f"{int(r['baseline_count']):,}",
                f"{int(r['review_count']):,}",
                fmt_pct(r["change_pct"]),
                fmt_p(r["p_adjusted"]),
            ]
            for _, r in rises.iterrows()
        ]
        body.append(
            html.table(
                [
                    "Crime type or measure",
                    "Source",
                    ctx.baseline_desc,
                    ctx.review_desc,
                    "Change",
                    "p (adjusted)",
                ],
                rows,
                "Rises not covered by any indicator: consider for the next strategic assessment",
                numeric=(2, 3, 4, 5),
            )
        )
    elif untested:
        body.append(
            html.p(
                f"None of those compared rose by {minimum:g}% or more by more than chance would "
                "explain; those that could not be tested (above) may have."
            )
        )
    else:
        body.append(html.p(f"None rose by {minimum:g}% or more by more than chance would explain."))
    apart = found[found["not_comparable"] != ""]
    if len(apart):
        body.append(
            html.p(
                "Not compared: "
                + "; ".join(_not_compared(ctx, str(r["what"])) for _, r in apart.iterrows())
                + ". A change in how a type is recorded moves its figures whatever happened to "
                "crime; see the data section."
            )
        )
    body.append(
        html.p(
            f"Method: {horizon.METHOD}, allowing for over-dispersion and the seasons, two-sided "
            f"at {alpha:g}; a rise is listed when the adjusted p-value is below {alpha:g} and the "
            f"rise is at least {minimum:g}%. A rise says nothing about its cause. More in Annex D.",
            cls="method-note",
        )
    )
    return html.section(html.join(body))


def scan_method(alpha: float) -> str:
    """The scan's method and caveats in full, for the method annex."""
    return (
        f"What the strategy does not cover: every crime type and partner measure no count or "
        f"rate indicator follows is compared between the baseline and the review period by "
        f"{horizon.METHOD}, two-sided at {alpha:g}. Because many types are tested at once, "
        "some rises would pass an unadjusted test by chance alone; the adjustment guards "
        "against that at the cost of missing smaller rises. The test allows for counts that "
        "vary more from month to month than chance would (over-dispersion) and, when the two "
        "periods are the same months of the year, for the seasons. A rise says nothing about "
        "its cause: a change in recording or reporting can produce one."
    )


def not_tested_block(ctx: ReportContext, untested: list[horizon.NotTested]) -> Markup:
    """Which crime types and measures could not be tested, and why (never as if a missing
    month were zero): one line per dataset, in the board's words."""
    names = dict(zip(ctx.completeness["dataset"], ctx.completeness["description"], strict=True))
    items = []
    for n in untested:
        if n.source == "police.uk":
            source = "police.uk crime data"
            what = (
                f"{len(n.what)} crime type{'s' if len(n.what) != 1 else ''} ({', '.join(n.what)})"
                if n.what
                else "every crime type"
            )
        else:
            source = str(names.get(n.dataset, "a partner's data"))
            what = f"the measure {', '.join(n.what)}" if n.what else "its measures"
        items.append(f"{source}: {what} could not be tested; {n.reason()}.")
    return html.p(
        "Could not be tested, so a rise there would not show here: " + " ".join(items),
        cls="not-tested",
    )
