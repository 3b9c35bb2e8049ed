"""The review cycle's parameters: one YAML file per cycle, validated before anything runs.

Unknown keys, wrong types, impossible periods and missing files are rejected with the file
and key named. Relative paths resolve from the repository root.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal, overload

import pandas as pd
from pydantic import Field, ValidationInfo, field_validator, model_validator

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import repo_root, resolve
from reviewkit.base.periods import MonthRange
from reviewkit.base.steps import step_stems
from reviewkit.inputs.blocks import Area, Inputs, Period
from reviewkit.inputs.community import CLOCK, WEB_LINK, Community, CommunityMeeting
from reviewkit.inputs.own_notebooks import OwnNotebook, outside_problem, own_notebook_problem
from reviewkit.inputs.settings import (
    Analysis,
    FunnelAdjustment,
    RecordingDecision,
    Report,
    SpcOptions,
)
from reviewkit.inputs.strict import Strict
from reviewkit.inputs.team import ReviewTeam, team_problems
from reviewkit.inputs.yaml_files import load_yaml, validate

# The models of the params' blocks live in modules of their own; their names stay importable
# from here.
__all__ = [
    "CLOCK",
    "CYCLE_ID",
    "CYCLE_MONTHS",
    "INPUT_FILES",
    "TAKEN_NOTEBOOK_NAMES",
    "WEB_LINK",
    "Analysis",
    "Area",
    "Community",
    "CommunityMeeting",
    "CycleLength",
    "CycleParams",
    "FunnelAdjustment",
    "Inputs",
    "OwnNotebook",
    "Period",
    "RecordingDecision",
    "Report",
    "SpcOptions",
    "Strict",
    "contact_deprecation",
    "load_params",
    "outside_problem",
    "own_notebook_problem",
    "own_notebook_roots",
]

# The names an own notebook may not take: the review's steps' notebooks and `explore`, which
# ship in notebooks/.
TAKEN_NOTEBOOK_NAMES = (*step_stems(), "explore")
CYCLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # a folder name, never ../


CycleLength = Literal["quarter", "year"]
# months from one review to the next, per cycle length
CYCLE_MONTHS: dict[CycleLength, int] = {"year": 12, "quarter": 3}


def contact_deprecation(params: CycleParams) -> str | None:
    """The message for params that still give `report.contact` (read as `community.contact`)."""
    if params.report.contact is None:
        return None
    return (
        "the key report.contact has moved to community.contact (with community.meetings): move "
        "the line there; it is still read this cycle"
    )


class CycleParams(Strict):
    """Everything one review cycle needs; see docs/params.md."""

    cycle: str = Field(description="short id; outputs go to outputs/<partnership>/<cycle>/")
    partnership: str
    area: Area
    review_period: Period
    baseline_period: Period
    review_date: dt.date = Field(
        description="the date the review is carried out; late data "
        "and overdue milestones are judged on it"
    )
    inputs: Inputs
    previous_cycle: str | None = Field(None, description="outputs folder of the last review")
    cycle_length: CycleLength = "year"
    analysis: Analysis = Analysis()
    report: Report = Report()
    community: Community = Field(
        default_factory=Community,
        validate_default=True,
        description="how residents get involved (community update)",
    )

    @field_validator("community")
    @classmethod
    def _one_contact(cls, value: Community, info: ValidationInfo) -> Community:
        """`report.contact` (the old key) is read as `community.contact`; given both, they
        must agree, so the update never prints one and the manifest the other."""
        old = info.data["report"].contact if info.data.get("report") else None
        if old is None:
            return value
        if value.contact is not None and " ".join(old.split()) != value.contact:
            raise ValueError(
                "report.contact and community.contact are both given and differ: keep "
                "community.contact only (report.contact is its old name)"
            )
        return value.model_copy(update={"contact": " ".join(old.split()) or None})

    own_notebooks: list[OwnNotebook] = Field(
        default_factory=list, description="the analyst's own notebooks, run in the sequence"
    )
    own_notebook_folders: list[str] = Field(
        default_factory=list,
        description="folders outside the repository that own notebooks may run from (they "
        "run with your rights; by default only notebooks inside the repository run)",
    )
    # The core audit team, its meetings up to the next review, and the next review's owner
    # and date (inputs/team.py; docs/params.md#review_team).
    review_team: ReviewTeam | None = Field(
        None, description="the core audit team, its meetings and the next review's owner"
    )

    @model_validator(mode="after")
    def _team_dates(self) -> CycleParams:
        if self.review_team is None:
            return self
        end = pd.Period(self.review_period.end, "M") + self.cycle_months
        problems = team_problems(
            self.review_team, self.review_date, self.cycle_months, end.end_time.date()
        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @field_validator("cycle")
    @classmethod
    def _cycle_id(cls, value: str) -> str:
        if not CYCLE_ID.fullmatch(value):
            first = (
                " and start with a letter or digit (names starting with '_' or '.' are the "
                "tool's own folders)"
                if value and not value[0].isalnum()
                else ""
            )
            raise ValueError(
                f"'{value}' cannot name a folder; use letters, digits, '-', '_' "
                f"or '.'{first}, e.g. 2026-q3"
            )
        return value

    @field_validator("own_notebooks")
    @classmethod
    def _distinct(cls, value: list[OwnNotebook]) -> list[OwnNotebook]:
        names = [nb.name for nb in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(
                    f"two notebooks are named '{name}'; their reports would share "
                    f"analysis/{name}.html. Rename one"
                )
            if name in TAKEN_NOTEBOOK_NAMES:
                raise ValueError(
                    f"'{name}' is one of the review's own steps; give your notebook another name"
                )
        return value

    @field_validator("baseline_period")
    @classmethod
    def _baseline_first(cls, value: Period, info: ValidationInfo) -> Period:
        review = info.data.get("review_period")
        if review is not None and value.start > review.start:
            raise ValueError(
                f"the baseline ({value.start} to {value.end}) starts after the review period "
                f"({review.start} to {review.end}); the baseline must come first"
            )
        return value

    @field_validator("review_date")
    @classmethod
    def _after_review(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        review = info.data.get("review_period")
        if review is not None:
            end = pd.Period(review.end, "M").end_time.date()
            if value <= end:
                raise ValueError(
                    f"review_date {value} is not after the review period ends "
                    f"({review.end}); a review looks back on a finished period"
                )
        return value

    @model_validator(mode="after")
    def _signed_after_review(self) -> CycleParams:
        on = self.report.signed_off_on
        if self.report.status == "final" and on is not None and on < self.review_date:
            raise ValueError(
                f"report.signed_off_on {on} is before the review was carried out "
                f"(review_date {self.review_date}); a paper is signed off after "
                "its review"
            )
        return self

    # Resolved paths -------------------------------------------------------------------------
    @overload
    def path(self, key: Literal["strategy", "data_requests", "difficulties"]) -> Path: ...
    @overload
    def path(self, key: str) -> Path | None: ...
    def path(self, key: str) -> Path | None:
        """The input file named by `key`, resolved (None for an optional input not given)."""
        value = getattr(self.inputs, key)
        return resolve(value) if value else None

    @property
    def cycle_months(self) -> int:
        """Months from one review to the next: 12 for a yearly cycle, 3 for a quarterly one."""
        return CYCLE_MONTHS[self.cycle_length]

    @property
    def review(self) -> MonthRange:
        """The review period's months."""
        return self.review_period.range

    @property
    def baseline(self) -> MonthRange:
        """The baseline period's months, which the review period is compared with."""
        return self.baseline_period.range


# The keys under `inputs:` that name one file each (checked to exist; recorded in the manifest).
INPUT_FILES = (
    "strategy",
    "data_requests",
    "difficulties",
    "population",
    "peers",
    "narrative",
    "place_names",
    "lsoa_boundaries",
    "priority_scores",
    "harm_weights",
)


def _check_files(params: CycleParams, source: Path) -> None:
    problems = []
    for key in INPUT_FILES:
        p = params.path(key)
        if p is not None and not p.is_file():
            problems.append(
                f"{source}: key 'inputs.{key}': file {p} not found. Check the path "
                "(relative paths start at the repository root)."
            )
    if params.area.lsoa_file and not resolve(params.area.lsoa_file).is_file():
        problems.append(f"{source}: key 'area.lsoa_file': file {params.area.lsoa_file} not found.")
    allowed, folder_problems = own_notebook_roots(params)
    problems += [f"{source}: {p}" for p in folder_problems]
    for i, nb in enumerate(params.own_notebooks):
        problem = own_notebook_problem(resolve(nb.file)) or outside_problem(
            resolve(nb.file), allowed
        )
        if problem:
            problems.append(f"{source}: key 'own_notebooks[{i}].file': {problem}")
    if params.previous_cycle and not resolve(params.previous_cycle).is_dir():
        problems.append(
            f"{source}: key 'previous_cycle': folder {params.previous_cycle} not "
            "found. Point it at the last review's outputs folder, or remove the key."
        )
    if problems:
        raise ReviewError("\n".join(problems))


def own_notebook_roots(params: CycleParams) -> tuple[list[Path], list[str]]:
    """(the folders own notebooks may run from, problems with `own_notebook_folders`): the
    repository, and each folder the params names, resolved (links followed). A folder that
    holds everything (a drive's root, the home folder) is not a choice of folder."""
    roots = [repo_root().resolve()]
    problems = []
    home = Path.home().resolve()
    for i, name in enumerate(params.own_notebook_folders):
        folder = resolve(name).resolve()
        key = f"key 'own_notebook_folders[{i}]'"
        if not folder.is_dir():
            problems.append(f"{key}: folder {name} not found.")
        elif folder == Path(folder.anchor) or folder == home:
            problems.append(
                f"{key}: {name} is {'your home folder' if folder == home else 'a drive root'}; "
                "name the folder that holds your notebooks, not one that holds everything."
            )
        else:
            roots.append(folder)
    return roots, problems


def load_params(path: str | Path, check_files: bool = True) -> CycleParams:
    """Read and validate a cycle's params file; raise ReviewError naming file and key."""
    source = resolve(path)
    data = load_yaml(source, "params")
    params = validate(CycleParams, data, source)
    if check_files:
        _check_files(params, source)
    return params
