"""The board report's block for one indicator: its sentence, the facts under it (what it
counts, the test, other comparisons, the target, caveats, peers) and its XmR chart.
"""

from __future__ import annotations

import math

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.verdict import Verdict
from reviewkit.base.formatting import fmt_change_for, fmt_value, series_unit
from reviewkit.inputs.strategy import AllExcept, Strategy
from reviewkit.methods import spc
from reviewkit.report import html, icons, indicator_chart
from reviewkit.report import verdict_words as words
from reviewkit.report.benchmarking import peer_row, peer_sentence
from reviewkit.report.charts import Chart, ChartContext, xmr_chart
from reviewkit.report.context import ReportContext
from reviewkit.report.narrative import indicator_sentence


def indicator_block(ctx: ReportContext, r: pd.Series) -> Markup:
    """One indicator under its priority: its sentence, its facts and its XmR chart (when its
    series has two points or more)."""
    v = ctx.verdict(str(r["id"]))
    parts = [
        html.h(3, r["name"]),
        html.p(indicator_sentence(r, v, ctx.review_desc, ctx.baseline_desc, ctx.dataset_names)),
    ]
    facts = _indicator_facts(ctx, r, v)
    parts.append(html.ul(facts))
    s = ctx.series.get(r["id"])
    if s is not None and len(s) >= 2 and "point_type" in s:

        def draw() -> Chart:
            return xmr_chart(
                r["name"],
                s,
                r["measure"],
                words.chart_conclusion(v),
                context=chart_context(ctx, r, s),
            )

        # the progress step's image, unless the analyst marked months it does not know of
        key = f"{r['id']}-xmr"
        chart = ctx.drawn(f"{key}-marked", draw) if _marks(ctx, r) else ctx.chart(key, draw)
        parts.append(html.figure(chart, _chart_caption(r, v, s), legend=_chart_legend(r, v)))
    return html.join(parts)


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


def _chart_legend(r: pd.Series, v: Verdict) -> Markup:
    legend = [icons.with_words(r["variation"], words.spc_label(v))] if v.spc else []
    if r["assurance"] and v.target in ("met", "on track"):
        legend.append(icons.with_words(r["assurance"]))
    return html.join(legend, " ")


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


def _marks(ctx: ReportContext, r: pd.Series) -> list[tuple[str, str]]:
    """The months the analyst marked on this indicator's chart (`ReportContext.markers`)."""
    return ctx.markers.get("*", []) + ctx.markers.get(r["id"], [])


def chart_context(ctx: ReportContext, r: pd.Series, s: pd.DataFrame) -> ChartContext:
    """The periods, target trajectory and markers around an indicator's XmR chart."""
    return indicator_chart.chart_context(
        ctx.params,
        ctx.strategy.indicator(r["id"]),
        r,
        s,
        ctx.recording if ctx.police is not None else {},
        ctx.street_dataset,
        _marks(ctx, r),
    )
