"""The analyst's own priority-setting scores: public concern and partnership capacity.

A small YAML file (`inputs.priority_scores`, optional; template in docs/inputs.md) scores
each priority of the strategy, or a crime type or partner measure no indicator covers, on two
things the data cannot measure: how much the public is concerned about it, and how able the
partnership is to act on it. Every score names its source (a survey, a meeting, a plan), so
the board report's audit trail can say where each came from. A subject left unscored is "not
scored" in the priority-setting matrix, never a zero.

The next cycle's `new-cycle` carries the file forward (`carry_forward`) with
`carried_forward_from` set, so the report says the scores await re-checking until the
analyst has reviewed them and removed the key.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import Strict
from reviewkit.inputs.yaml_files import load_yaml, validate

SCORE_KINDS = ("public_concern", "capacity")
SCORE_NAMES = {"public_concern": "public concern", "capacity": "partnership capacity"}


class Score(Strict):
    """One subject's scores, each with its source."""

    priority: str | None = Field(None, description="a priority id of the strategy")
    crime_type: str | None = Field(
        None, description="a police.uk crime type no indicator of the strategy covers"
    )
    measure: str | None = Field(
        None, description="a partner measure (its id) no indicator of the strategy covers"
    )
    public_concern: int | None = Field(
        None, ge=1, le=5, description="1 (little public concern) to 5 (great concern)"
    )
    public_concern_source: str = Field("", description="where the public concern score came from")
    capacity: int | None = Field(
        None, ge=1, le=5, description="1 (little capacity to act) to 5 (well able to act)"
    )
    capacity_source: str = Field("", description="where the capacity score came from")

    @model_validator(mode="after")
    def _one_subject_and_sources(self) -> Score:
        given = [k for k in ("priority", "crime_type", "measure") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "name one subject per score: priority (an id of the strategy), crime_type "
                "or measure" + (f" (this one names {' and '.join(given)})" if given else "")
            )
        for kind in SCORE_KINDS:
            if getattr(self, kind) is not None and not getattr(self, f"{kind}_source").strip():
                raise ValueError(
                    f"{kind} is scored but {kind}_source is empty: say where the score came "
                    "from (a survey, a meeting, a plan), for the audit trail"
                )
        if self.public_concern is None and self.capacity is None:
            raise ValueError("give public_concern or capacity (1 to 5), or remove the entry")
        return self

    @property
    def subject(self) -> tuple[str, str]:
        """(kind, name): ('priority', id), ('crime_type', type) or ('measure', id)."""
        for kind in ("priority", "crime_type", "measure"):
            value = getattr(self, kind)
            if value:
                return kind, str(value)
        raise AssertionError("validated: one subject")  # pragma: no cover


class PriorityScores(Strict):
    """The whole file."""

    scored_by: str = Field(description="who scored (name or role)")
    scored_on: dt.date = Field(description="the date the scores were agreed")
    carried_forward_from: str | None = Field(
        None,
        description="set by new-cycle: the review the scores were carried from; remove it once "
        "every score and source has been re-checked",
    )
    scores: list[Score] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> PriorityScores:
        seen: set[tuple[str, str]] = set()
        for i, s in enumerate(self.scores):
            if s.subject in seen:
                raise ValueError(
                    f"scores[{i}]: {s.subject[0]} '{s.subject[1]}' is scored twice; keep one entry"
                )
            seen.add(s.subject)
        return self

    def for_subject(self, kind: str, name: str) -> Score | None:
        """The scores of one subject, or None when it is not scored."""
        return next((s for s in self.scores if s.subject == (kind, name)), None)


def load_scores(path: Path) -> PriorityScores:
    """Read and validate a priority scores file; a ReviewError names the file and key."""
    return validate(PriorityScores, load_yaml(path, "priority scores"), path)


def unknown_subjects(
    scores: PriorityScores, path: Path, subjects: set[tuple[str, str]], covered: set[str]
) -> list[str]:
    """Each scored subject the matrix does not have, with the file and key: a priority the
    strategy does not have, or a crime type or measure that is not an uncovered one in this
    cycle's data (`covered`: the crime types and measures indicators cover, scored through
    their priority instead). A draft names them for the analyst; a final paper refuses."""
    problems = []
    for i, s in enumerate(scores.scores):
        kind, name = s.subject
        if (kind, name) in subjects:
            continue
        if kind != "priority" and name in covered:
            why = f"an indicator of the strategy covers '{name}': score its priority instead"
        elif kind == "priority":
            why = f"'{name}' is not a priority id of the strategy"
        else:
            why = (
                f"'{name}' is not a {kind.replace('_', ' ')} in this cycle's data that the "
                "strategy leaves uncovered"
            )
        problems.append(f"{path}: key 'scores[{i}].{kind}': {why}.")
    return problems


_CARRIED = re.compile(r"^carried_forward_from:.*$", re.MULTILINE)


def carry_forward(data: dict[str, Any], previous_cycle: str, new_id: str) -> list[str]:
    """For `new-cycle`: copy the previous cycle's scores file (params `inputs.priority_scores`,
    when set) to `<name>_<new_id>.yaml` beside it, marked `carried_forward_from`, and point
    the new params at it; return the notes to print. The copy keeps every comment; nothing is
    overwritten. A cycle without a scores file gets no note and no file."""
    inputs = data.get("inputs") or {}
    given = inputs.get("priority_scores")
    if not given:
        return []
    source = resolve(str(given))
    if not source.is_file():
        return [f"priority scores file {given} not found: not carried forward"]
    stem = source.stem.removesuffix(f"_{previous_cycle}")
    target = source.with_name(f"{stem}_{new_id}.yaml")
    if target.exists():
        raise ReviewError(f"{relative(target)} already exists; it is not overwritten.")
    text = source.read_text(encoding="utf-8")
    line = (
        f"carried_forward_from: {previous_cycle}  # re-check every score and its source, "
        "then remove this line"
    )
    text = _CARRIED.sub(line, text) if _CARRIED.search(text) else f"{line}\n{text}"
    target.write_text(text, encoding="utf-8")
    inputs["priority_scores"] = relative(target)
    return [
        f"priority scores carried forward for review: {relative(target)} (re-check each "
        "score and its source, then remove carried_forward_from)"
    ]
