"""The strategy re-assessment of one cycle, built from the report context: subjects,
evidence, the analyst's scores checked, and the priority-setting matrix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewkit.analysis import reassessment as ra
from reviewkit.analysis.recording import Change
from reviewkit.base.errors import ReviewError
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.harm import NO_WEIGHTS, HarmWeights, load_harm_weights
from reviewkit.inputs.scores import PriorityScores, load_scores, unknown_subjects
from reviewkit.inputs.strategy import Strategy
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


def _crime_types(police: pd.DataFrame | None) -> set[str]:
    """The police.uk crime types in the counted street data (none when it was not read)."""
    types = set(police["crime_type"].astype(str)) if police is not None else set()
    types.discard("")
    return types


def _partner_measures(partner: pd.DataFrame | None) -> set[tuple[str, str]]:
    """(dataset, measure) of every partner measure received."""
    if partner is None or not len(partner):
        return set()
    return {(str(d), str(m)) for d, m in zip(partner["dataset"], partner["measure"], strict=True)}


def _covered(subjects: list[ra.Subject], strategy: Strategy) -> set[str]:
    """The crime types and partner measures an analyst's score may not name as a candidate:
    those the priorities count, and every measure an indicator follows."""
    covered = {t for s in subjects if s.kind == "priority" for t in s.crime_types}
    return covered | {i.filter.measure for i in strategy.indicators if i.filter.measure is not None}


def _final_problems(scores: PriorityScores, scores_file: Path, problems: list[str]) -> list[str]:
    """A final paper's problems with the scores: those found, and scores carried forward from
    the last cycle and not re-checked (a draft may show them; a final paper may not)."""
    if not scores.carried_forward_from:
        return problems
    return [
        *problems,
        f"{scores_file}: the scores were carried forward from "
        f"{scores.carried_forward_from} and not re-checked: re-check each score and "
        "its source, then remove carried_forward_from",
    ]


def _checked_scores(
    ctx: ReportContext, subjects: list[ra.Subject]
) -> tuple[PriorityScores | None, tuple[str, ...]]:
    """The analyst's scores (None without a scores file) and what in them the matrix could not
    use; a final paper is refused (`ReviewError`) while there is any, so that it never rests
    on scores for nothing or scores not re-checked."""
    scores_file = ctx.params.path("priority_scores")
    if scores_file is None:
        return None, ()
    scores = load_scores(scores_file)
    keys: set[tuple[str, str]] = {(s.kind, s.key) for s in subjects}
    problems = unknown_subjects(scores, scores_file, keys, _covered(subjects, ctx.strategy))
    if ctx.params.report.status == "final":
        problems = _final_problems(scores, scores_file, problems)
        if problems:
            raise ReviewError(
                "A final paper cannot be made with these priority scores:\n" + "\n".join(problems)
            )
    return scores, tuple(problems)


def _recording_months(changes: Iterable[Change]) -> dict[str, list[str]]:
    """The months of each crime type's possible recording changes (not judged real): they make
    its trend not comparable."""
    recording: dict[str, list[str]] = {}
    for c in changes:
        if not c.confirmed_real:
            recording.setdefault(c.crime_type, []).append(c.month)
    return recording


def _peer_positions(ctx: ReportContext) -> dict[str, str]:
    """Each indicator's position among its peers in words, with its rank (indicators with
    peer figures only)."""
    peers = {}
    for ind in ctx.strategy.indicators:
        row = peer_row(ctx, ind.id)
        if row is not None:
            peers[ind.id] = f"{position_words(row)}, rank {int(row['rank'])} of {int(row['of'])}"
    return peers


def _build(ctx: ReportContext) -> Reassessment:
    """Subjects, their evidence and the matrix from the context's tables and the analyst's
    files (harm weights, scores)."""
    p = ctx.params
    weights_file = p.path("harm_weights")
    weights = load_harm_weights(weights_file) if weights_file else NO_WEIGHTS
    police, partner = ctx.police_counted, ctx.partner
    subjects = ra.subjects(
        ctx.strategy,
        ctx.street_dataset,
        _crime_types(police),
        _partner_measures(partner),
        ctx.dataset_names,
    )
    scores, problems = _checked_scores(ctx, subjects)
    src = ra.Sources(
        police,
        ctx.police_months,
        partner,
        weights,
        _recording_months(ctx.recording.values()),
        ctx.verdicts,
        _peer_positions(ctx),
        {i.id: i.name for i in ctx.strategy.indicators},
    )
    years = ra.three_years(p.review)
    evidence = [ra.evidence(s, years, p.analysis.significance_level, src) for s in subjects]
    total, left_out = ra.total_harm(police, ctx.police_months, years[2], weights)
    rows = ra.matrix(evidence, total, scores, _scores_label(scores), _weights_label(weights))
    return Reassessment(rows, weights, weights_file is not None, scores, left_out, years, problems)
