"""The board report's scorecard: each indicator by priority against the baseline, with its
verdict, latest SPC point, target and trend line, and the key to the Making Data Count icons.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.verdict import Verdict
from reviewkit.base.formatting import fmt_change_for, fmt_value, unit_suffix
from reviewkit.report import html, icons
from reviewkit.report import verdict_words as words
from reviewkit.report.charts import trend_chart
from reviewkit.report.context import ReportContext


def _kind_text_sym(badge: words.Badge) -> tuple[str, str, str]:
    kind, sym, text = badge
    return kind, text, sym


def _target_cell(v: Verdict, assurance: str) -> Markup:
    """The target's badge with, for a target met or on track, the Making Data Count assurance
    icon beside it: one cell, so status and assurance cannot be read apart."""
    cell = html.badge(*_kind_text_sym(words.target_badge(v)))
    if v.target in ("met", "on track") and assurance:
        cell += " " + icons.assurance_icon(assurance, 24)
    return cell


def scorecard_table(ctx: ReportContext) -> Markup:
    """The scorecard: each indicator by priority, its review period against the baseline, the
    verdict on the change, the latest SPC point, the target and a trend line, with an icon key."""
    groups: list[tuple[str, list[Sequence[object]]]] = []
    for pr in ctx.strategy.priorities:
        rows: list[Sequence[object]] = []
        for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows():
            s = ctx.series.get(r["id"], pd.DataFrame())
            trend = ctx.chart(
                f"{r['id']}-trend",
                partial(trend_chart, r["name"], s, r["measure"], str(ctx.params.review.start)),
            )
            img = html.img(trend.data_uri, trend.alt, "spark")
            unit = unit_suffix(r["measure"]).replace(" a year", "").strip()
            name = (
                r["name"] if (not unit or "per 1,000" in r["name"]) else (f"{r['name']} ({unit})")
            )
            v = ctx.verdict(str(r["id"]))
            rows.append(
                [
                    name,
                    fmt_value(r["review_value"], r["measure"]),
                    fmt_value(r["baseline_value"], r["measure"]),
                    "–"
                    if not v.judged
                    else fmt_change_for(r["change"], r["change_pct"], r["measure"]),
                    html.badge(*_kind_text_sym(words.change_badge(v))),
                    icons.with_words(r["variation"], words.spc_label(v)) if v.spc else "No chart",
                    _target_cell(v, str(r["assurance"] or "")),
                    img,
                ]
            )
        if rows:
            groups.append((f"Priority: {pr.name}", rows))
    caption = (
        f"Scorecard: each indicator over {ctx.review_desc} against the baseline "
        f"({ctx.baseline_desc})"
    )
    return html.section(
        html.h(2, "Scorecard", "scorecard")
        + html.grouped_table(
            [
                "Indicator",
                "Review period",
                "Baseline",
                "Change",
                "Verdict on the change",
                "Latest point (SPC)",
                "Target",
                "Trend",
            ],
            groups,
            caption,
            numeric=(1, 2, 3),
            cls="scorecard",
        )
        + _icon_key()
    )


def _icon_key() -> Markup:
    """What the Making Data Count icons mean, under the scorecard."""
    items = [
        icons.with_words(k)
        for k in (
            "common_cause",
            "improvement_low",
            "improvement_high",
            "concern_high",
            "concern_low",
            "neutral_high",
        )
    ]
    items += [icons.with_words(k) for k in ("consistent_pass", "consistent_fail", "inconsistent")]
    return html.block(
        "div",
        html.safe(
            "<p><strong>Verdict on the change</strong>: the review period "
            "against the baseline by a test that allows for month-to-month variation. "
            "<strong>Latest point</strong>: is the latest point unusual for the series (SPC, "
            "H or L: high or low)? <strong>Target</strong>: met or on track is <em>assured</em> "
            "only when the change is beyond normal variation and the process limits do not "
            "straddle the target; the assurance icon beside it is Making Data Count's:</p>"
        )
        + html.ul(items),
        "icon-key",
    )
