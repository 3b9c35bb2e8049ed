"""The strategy re-assessment of one cycle, built from the report context: subjects,
evidence, the analyst's scores checked, and the priority-setting matrix."""

from __future__ import annotations

from dataclasses import dataclass

from reviewkit.analysis import reassessment as ra
from reviewkit.base.errors import ReviewError
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.harm import NO_WEIGHTS, HarmWeights, load_harm_weights
from reviewkit.inputs.scores import PriorityScores, load_scores, unknown_subjects
from reviewkit.report.benchmarking import peer_row, position_words
from reviewkit.report.context import ReportContext


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
    """The re-assessment from the report context: subjects, evidence, matrix. Built once per
    context: every surface that shows it reads the same one."""
    found = ctx.derived.get("reassessment")
    if isinstance(found, Reassessment):
        return found
    built = _build(ctx)
    ctx.derived["reassessment"] = built
    return built


def _build(ctx: ReportContext) -> Reassessment:
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
        if not c.confirmed_real:
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
