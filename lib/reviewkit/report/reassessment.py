"""The strategy re-assessment in the board report, and its summary for the planning pack:
the priority-setting matrix of `analysis.reassessment`, its evidence and its audit trail.

It recommends, for the board to consider; the partnership decides. Nothing here names a
params key, a file path or a data request id: the analyst's scores are cited by who gave them
and when, and each score's own source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reviewkit.analysis import reassessment as ra
from reviewkit.base.errors import ReviewError
from reviewkit.base.periods import MonthRange, month_name
from reviewkit.inputs.harm import NO_WEIGHTS, HarmWeights, load_harm_weights
from reviewkit.inputs.scores import PriorityScores, load_scores, unknown_subjects
from reviewkit.methods.exact_tests import interval_words
from reviewkit.report import html
from reviewkit.report.benchmarking import peer_row, position_words
from reviewkit.report.context import ReportContext

# candidates' bands the main paper shows (the rest are in Annex F's full matrix)
BOARD = ("high", "medium")


@dataclass(frozen=True)
class Reassessment:
    """The matrix of one cycle and what it rests on."""

    rows: list[ra.MatrixRow]
    weights: HarmWeights
    weights_given: bool
    scores: PriorityScores | None
    left_out: tuple[str, ...]  # crime types out of the harm total for want of a weight
    years: tuple[MonthRange, MonthRange, MonthRange]
    problems: tuple[str, ...] = ()  # scores the matrix could not use (a draft names them)


def _weights_label(weights: HarmWeights) -> str:
    indexes = sorted({w.index for w in weights.weights.values() if w.index})
    return ", ".join(indexes) or "the partnership's harm weights"


def _scores_label(scores: PriorityScores | None) -> str:
    if scores is None:
        return ""
    return f"the analyst's scores, {scores.scored_by}, {scores.scored_on:%d %B %Y}"


def build(ctx: ReportContext) -> Reassessment:
    """The re-assessment from the report context: subjects, evidence, matrix."""
    p = ctx.params
    weights_file = p.path("harm_weights")
    weights = load_harm_weights(weights_file) if weights_file else NO_WEIGHTS
    police = ctx.police_counted
    types = set(police["crime_type"].astype(str)) if police is not None else set()
    types.discard("")
    partner = ctx.partner
    measures = (
        {(str(d), str(m)) for d, m in zip(partner["dataset"], partner["measure"], strict=True)}
        if partner is not None and len(partner)
        else set()
    )
    subjects = ra.subjects(ctx.strategy, ctx.street_dataset, types, measures, ctx.dataset_names)
    scores_file = p.path("priority_scores")
    problems: list[str] = []
    scores = load_scores(scores_file) if scores_file else None
    if scores is not None and scores_file is not None:
        covered = {t for s in subjects if s.kind == "priority" for t in s.crime_types}
        covered |= {
            i.filter.measure for i in ctx.strategy.indicators if i.filter.measure is not None
        }
        problems = unknown_subjects(
            scores, scores_file, {(s.kind, s.key) for s in subjects}, covered
        )
    if scores is not None and p.report.status == "final":
        if scores.carried_forward_from:
            problems.append(
                f"{scores_file}: the scores were carried forward from "
                f"{scores.carried_forward_from} and not re-checked: re-check each score and "
                "its source, then remove carried_forward_from"
            )
        if problems:
            raise ReviewError(
                "A final paper cannot be made with these priority scores:\n" + "\n".join(problems)
            )
    recording: dict[str, list[str]] = {}
    for c in ctx.recording.values():
        if c.decision != "real":
            recording.setdefault(c.crime_type, []).append(c.month)
    peers = {}
    for ind in ctx.strategy.indicators:
        row = peer_row(ctx, ind.id)
        if row is not None:
            peers[ind.id] = f"{position_words(row)}, rank {int(row['rank'])} of {int(row['of'])}"
    src = ra.Sources(
        police,
        ctx.police_months,
        partner,
        weights,
        recording,
        ctx.verdicts,
        peers,
        {i.id: i.name for i in ctx.strategy.indicators},
    )
    years = ra.three_years(p.review)
    evidence = [ra.evidence(s, years, p.analysis.significance_level, src) for s in subjects]
    total, left_out = ra.total_harm(police, ctx.police_months, years[2], weights)
    rows = ra.matrix(evidence, total, scores, _scores_label(scores), _weights_label(weights))
    return Reassessment(
        rows, weights, weights_file is not None, scores, left_out, years, tuple(problems)
    )


def _count(x: float | None) -> str:
    return "not complete" if x is None else f"{x:,.0f}"


def _scored(x: int | float | None) -> str:
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


def reassessment_section(ctx: ReportContext) -> str:
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
        f"priority score {_scored(r.score)}"
        if r.score is not None
        else f"risk {r.risk} of 25, the analyst's scores not given"
    )
    return f"{r.band}: {value}; trend {r.evidence.trend.short}"


def render(re_: Reassessment) -> str:
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
            '<aside class="for-analyst" aria-label="For the analyst">'
            + html.p("For the analyst (left out of the final paper): scores not used.")
            + html.ul(re_.problems)
            + "</aside>"
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
    return html.section("".join(body))


def reassessment_annex(ctx: ReportContext) -> str:
    """Annex F of the board report: the re-assessment's evidence, audit trail and method."""
    return render_annex(build(ctx))


def render_annex(re_: Reassessment) -> str:
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
    return html.section("".join(body))


def matrix_table(re_: Reassessment, rows_shown: list[ra.MatrixRow] | None = None) -> str:
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
                _scored(r.impact),
                _scored(r.likelihood),
                _scored(r.risk),
                _scored(r.public_concern),
                _scored(r.capacity),
                _scored(r.score),
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


def evidence_table(re_: Reassessment) -> str:
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


def reassessment_for_planning(ctx: ReportContext) -> str:
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
    return html.section("".join(body))


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


def summary_bullet(ctx: ReportContext) -> str:
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
        return ""
    return (
        "<strong>Strategy re-assessment</strong> (for the board to consider; it recommends, "
        f"the board decides): {html.esc('; '.join(parts))}."
    )


def _names(rows: list[ra.MatrixRow]) -> str:
    return ", ".join(r.evidence.subject.name for r in rows)
