"""The strategy re-assessment in the board report, and its summary for the planning pack:
the priority-setting matrix of `analysis.reassessment`, its evidence and its audit trail.

It recommends, for the board to consider; the partnership decides. Nothing here names a
params key, a file path or a data request id: the analyst's scores are cited by who gave them
and when, and each score's own source.
"""

from __future__ import annotations

from markupsafe import Markup

from reviewkit.analysis import reassessment as ra
from reviewkit.base.periods import month_name
from reviewkit.report import html
from reviewkit.report.context import ReportContext
from reviewkit.report.reassessment_build import Reassessment, build
from reviewkit.report.reassessment_tables import evidence_table, matrix_table, scored

# The matrix is built, and its tables drawn, in modules of their own; their names stay
# importable from here.
__all__ = [
    "BOARD",
    "Reassessment",
    "band_basis",
    "build",
    "decision_items",
    "evidence_table",
    "matrix_table",
    "reassessment_annex",
    "reassessment_decisions",
    "reassessment_for_planning",
    "reassessment_section",
    "render",
    "render_annex",
    "summary_bullet",
]


# candidates' bands the main paper shows (the rest are in Annex F's full matrix)
BOARD = ("high", "medium")


def _notes(re_: Reassessment) -> list[str]:
    notes = []
    if not re_.weights_given:
        notes.append(
            "No harm weights were given, so no impact, and therefore no risk, could be scored: "
            "the matrix shows the trend and volume only."
        )
    elif re_.weights.illustrative:
        notes.append(
            "Some harm weights are illustrative, not taken from a published crime harm index, "
            "so the impact scores resting on them are illustrative too (see Annex F)."
        )
    if re_.left_out:
        notes.append(
            "Left out of the total harm, having no harm weight: "
            + ", ".join(re_.left_out)
            + " (not counted as no harm)."
        )
    if re_.scores is None:
        notes.append(
            "The analyst's scores of public concern and partnership capacity were not given: "
            "those columns say 'not scored', and each row's band rests on harm and trend alone."
        )
    elif re_.scores.carried_forward_from:
        notes.append(
            f"The analyst's scores were carried forward from the "
            f"{re_.scores.carried_forward_from} review and have not yet been re-checked."
        )
    return notes


def reassessment_section(ctx: ReportContext) -> Markup:
    """The board report's strategy re-assessment: the matrix, the evidence beside it, the
    audit trail of every score. Recommendations for the board to consider."""
    return render(build(ctx))


def _line(r: ra.MatrixRow) -> str:
    """One subject in the main paper: its suggestion, band and what the band rests on."""
    name = r.evidence.subject.name
    if not r.band:
        ev = r.evidence
        why = [ev.harm_why] if r.impact is None and ev.harm_why else []
        why += [ev.trend.why_not] if r.likelihood is None and ev.trend.why_not else []
        return f"{name}: not banded, the evidence is incomplete ({'; '.join(why)})."
    kind = "" if r.evidence.subject.kind == "priority" else ", not covered by the strategy"
    return f"{name}{kind}: {r.recommendation} ({band_basis(r)})."


def band_basis(r: ra.MatrixRow) -> str:
    """A banded subject's band and what it rests on: 'high: priority score 12.1; trend
    rising, +89%'."""
    value = (
        f"priority score {scored(r.score)}"
        if r.score is not None
        else f"risk {r.risk} of 25, the analyst's scores not given"
    )
    return f"{r.band}: {value}; trend {r.evidence.trend.short}"


def render(re_: Reassessment) -> Markup:
    """The board's section (main paper) for a re-assessment already built: each priority and
    each candidate banded high or medium, in a line; the full matrix, its evidence and audit
    trail are in the annex (`render_annex`)."""
    y1, _, y3 = re_.years
    body = [
        html.h(2, "Strategy re-assessment", "strategy-reassessment"),
        html.p(
            "Each priority, and each crime type or partner measure the strategy does not "
            f"cover, scored on its harm, its trend ({month_name(y1.start)} to "
            f"{month_name(y3.end)}) and the analyst's scores of public concern and capacity "
            "(impact x likelihood, as in MoRiLE). Recommendations for the board to consider; "
            "the partnership decides. The full matrix, its evidence and where every score "
            "came from are in Annex F."
        ),
    ]
    notes = _notes(re_)
    if notes:
        body.append(html.p(" ".join(notes)))
    if re_.problems:
        body.append(
            html.block(
                "aside",
                html.p("For the analyst (left out of the final paper): scores not used.")
                + html.ul(re_.problems),
                "for-analyst",
                "For the analyst",
            )
        )
    shown = [r for r in re_.rows if r.evidence.subject.kind == "priority" or r.band in BOARD]
    rest = len(re_.rows) - len(shown)
    items = [_line(r) for r in shown]
    if rest:
        items.append(
            f"The other {rest} crime types or measures the strategy does not cover are banded "
            "low or could not be banded (Annex F)."
        )
    body.append(html.ul(items))
    return html.section(html.join(body))


def reassessment_annex(ctx: ReportContext) -> Markup:
    """Annex F of the board report: the re-assessment's evidence, audit trail and method."""
    return render_annex(build(ctx))


def render_annex(re_: Reassessment) -> Markup:
    """Annex F for a re-assessment already built."""
    body = [
        html.h(
            2, "Annex F: Strategy re-assessment: evidence and audit trail", "reassessment-annex"
        ),
        html.h(3, "The full matrix"),
        matrix_table(re_),
        evidence_table(re_),
        html.h(3, "Audit trail: every score and where it came from"),
        html.table(
            ["Priority or candidate", "Score", "Value", "Where it came from"],
            [[a.subject, a.score, a.value, a.source] for r in re_.rows for a in r.audit],
            "Audit trail of the priority-setting matrix",
        ),
        html.p(
            "Method: impact 1 to 5 from the share of all weighted harm in the latest year "
            "(25% or more 5, 10% 4, 5% 3, 1% 2, less 1); likelihood 1 to 5 from the latest "
            "year against two years before, with the indicators' change test (a real rise of "
            "25% or more 5, a real rise 4, no change beyond chance 3, a real fall 2, a real "
            "fall of 25% or more 1); risk = impact x likelihood; the priority score = risk x "
            "(1 + (public concern - 3) / 10) x (1 + (3 - capacity) / 10). High: 12 or more; "
            "medium: 6 up to 12; low: below 6. A trend says nothing of its cause, and the harm "
            "weights of broad police.uk categories are averages over very different offences."
        ),
    ]
    return html.section(html.join(body))


def reassessment_for_planning(ctx: ReportContext) -> Markup:
    """For the planning pack (the core audit team): what the re-assessment suggests taking
    into the next strategic assessment, and what evidence is missing to score the rest.
    Recommendations for the board to consider, not decisions."""
    re_ = build(ctx)
    take = [
        f"{r.evidence.subject.name}: {r.recommendation} ({r.band})"
        for r in re_.rows
        if r.band in ("high", "medium") or (r.evidence.subject.kind == "priority" and r.band)
    ]
    missing = []
    for r in re_.rows:
        gaps = [
            a.score.lower()
            if a.score in ("Public concern", "Partnership capacity")
            else f"{a.score.lower()} ({a.source})"
            for a in r.audit
            if a.value == "not scored"
        ]
        if gaps:
            missing.append(f"{r.evidence.subject.name}: " + "; ".join(gaps))
    body = [
        html.h(2, "Strategy re-assessment: for the next strategic assessment", "reassessment"),
        html.p(
            "What the board report's priority-setting matrix suggests, for the board to "
            "consider; the partnership decides."
        ),
        html.ul(take) or html.p("Nothing is suggested this review."),
    ]
    if missing:
        body.append(html.h(3, "Scores and evidence to gather before the next review"))
        body.append(html.ul(missing))
    return html.section(html.join(body))


def decision_items(re_: Reassessment) -> list[str]:
    """What the matrix puts to the board, one sentence each: candidates banded high, and
    priorities banded low. Recommendations to consider, never decisions taken."""
    items = []
    for r in re_.rows:
        name, kind = r.evidence.subject.name, r.evidence.subject.kind
        if kind != "priority" and r.band == "high":
            items.append(
                f"To consider: {name}, which the strategy does not cover, as a priority in the "
                "next strategic assessment (the strategy re-assessment bands it high)."
            )
        elif kind == "priority" and r.band == "low":
            items.append(
                f"To consider: whether {name} is still a priority (the strategy "
                "re-assessment bands it low)."
            )
    return items


def reassessment_decisions(ctx: ReportContext) -> list[str]:
    """For the board's page 1 (the decisions it is asked to take) and the executive summary:
    the re-assessment's recommendations, as sentences."""
    return decision_items(build(ctx))


def summary_bullet(ctx: ReportContext) -> Markup:
    """The executive summary's line on the strategy re-assessment (HTML, escaped here; ''
    when nothing is banded): the priorities and the subjects not covered banded high, and
    the priorities banded low. Recommendations for the board to consider."""
    rows = build(ctx).rows
    named = {
        "kept": [r for r in rows if r.evidence.subject.kind == "priority" and r.band == "high"],
        "new": [r for r in rows if r.evidence.subject.kind != "priority" and r.band == "high"],
        "low": [r for r in rows if r.evidence.subject.kind == "priority" and r.band == "low"],
    }
    parts = []
    if named["kept"]:
        parts.append("banded high among the priorities: " + _names(named["kept"]))
    if named["new"]:
        parts.append("banded high and not covered by the strategy: " + _names(named["new"]))
    if named["low"]:
        parts.append("priorities banded low: " + _names(named["low"]))
    if not parts:
        return html.EMPTY
    return html.safe(
        "<strong>Strategy re-assessment</strong> (for the board to consider; it recommends, "
        f"the board decides): {html.esc('; '.join(parts))}."
    )


def _names(rows: list[ra.MatrixRow]) -> str:
    return ", ".join(r.evidence.subject.name for r in rows)
