"""The strategy re-assessment's tables in Annex F: the priority-setting matrix and the
evidence behind it."""

from __future__ import annotations

import math

from markupsafe import Markup

from reviewkit.analysis import reassessment as ra
from reviewkit.methods.exact_tests import interval_words
from reviewkit.report import html
from reviewkit.report.reassessment_build import Reassessment


def _count(x: float | None) -> str:
    return "not complete" if x is None else f"{x:,.0f}"


def scored(x: int | float | None) -> str:
    """A score as the tables print it: a whole number as it is, else one decimal; "not
    scored" when missing."""
    if x is None:
        return "not scored"
    return f"{x:g}" if isinstance(x, int) else f"{x:.1f}"


def _trend_cell(t: ra.Trend) -> str:
    if not t.tested:
        return f"not tested: {t.why_not}"
    pct = (t.ratio - 1) * 100
    return f"{t.direction} ({pct:+.0f}%, {interval_words(t.low, t.high)}; p {t.p_value:.3g})"


def _recommendation(r: ra.MatrixRow) -> str:
    return f"{r.band}: {r.recommendation}" if r.band else f"not banded: {r.recommendation}"


def matrix_table(re_: Reassessment, rows_shown: list[ra.MatrixRow] | None = None) -> Markup:
    """The matrix in brief: one short row per subject (`rows_shown`, default all)."""
    rows = []
    for r in re_.rows if rows_shown is None else rows_shown:
        ev = r.evidence
        name = ev.subject.name + ("" if ev.subject.kind == "priority" else " (not covered)")
        share = (
            "no weight"
            if r.share is None or math.isnan(r.share)
            else f"{r.share:.0%}"
            if r.share >= 0.01
            else f"{r.share:.1%}"
        )
        rows.append(
            [
                name,
                ev.trend.short,
                share,
                scored(r.impact),
                scored(r.likelihood),
                scored(r.risk),
                scored(r.public_concern),
                scored(r.capacity),
                scored(r.score),
                _recommendation(r),
            ]
        )
    return html.table(
        [
            "Priority or candidate",
            "Trend: latest year against two years before",
            "Share of harm",
            "Impact",
            "Likelihood",
            "Risk",
            "Public concern",
            "Capacity",
            "Score",
            "Suggested, for the board to consider",
        ],
        rows,
        "Priority-setting matrix (scores 1 to 5; risk to 25): recommendations for the board "
        "to consider",
    )


def evidence_table(re_: Reassessment) -> Markup:
    """Each subject's evidence in full: three years' counts, the test, harm, peers, caveats."""
    rows = []
    for r in re_.rows:
        ev = r.evidence
        rows.append(
            [
                ev.subject.name,
                " → ".join(_count(c) for c in ev.trend.counts),
                _trend_cell(ev.trend),
                "not worked out: " + ev.harm_why if ev.harm is None else f"{ev.harm:,.0f}",
                "; ".join(ev.peers) or "no peer figures",
                "; ".join(ev.caveats) or "none found",
                "; ".join(ev.subject.also),
            ]
        )
    return html.h(3, "Evidence") + html.table(
        [
            "Priority or candidate",
            "Three years' counts",
            "Latest year against two years before",
            "Harm in the latest year",
            "Against similar partnerships",
            "Recording caveats",
            "Also followed (not added to the counts)",
        ],
        rows,
        "Evidence behind the priority-setting matrix",
    )
