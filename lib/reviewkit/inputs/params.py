"""The review cycle's parameters: one YAML file per cycle, validated before anything runs.

Unknown keys, wrong types, impossible periods and missing files are rejected with the file
and key named. Relative paths resolve from the repository root.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal, overload

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import repo_root, resolve
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.team import ReviewTeam, team_problems
from reviewkit.inputs.yaml_files import load_yaml, validate

STEP_NOTEBOOKS = ("01_intake", "02_progress", "03_report", "explore")
CYCLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # a folder name, never ../


CycleLength = Literal["quarter", "year"]
# months from one review to the next, per cycle length
CYCLE_MONTHS: dict[CycleLength, int] = {"year": 12, "quarter": 3}
# how funnel limits allow for over-dispersion between peers (analysis.peers applies it)
FunnelAdjustment = Literal["additive", "multiplicative", "none"]


class Strict(BaseModel):
    """Base for every params and input schema: unknown keys are errors, not warnings."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(Strict):
    """An inclusive run of whole months, written `YYYY-MM`."""

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        if isinstance(value, dt.date):
            value = f"{value.year}-{value.month:02d}"
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}", text):
            raise ValueError(f"'{value}' is not a month; write it as YYYY-MM, e.g. 2026-03")
        try:
            pd.Period(text, "M")
        except ValueError:
            raise ValueError(f"'{value}' is not a real month") from None
        if not 1 <= int(text[5:]) <= 12:
            raise ValueError(f"'{value}' is not a real month")
        return text

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(
                f"the period ends ({self.end}) before it starts ({self.start}); swap start and end"
            )
        return self

    @property
    def range(self) -> MonthRange:
        """The period as a `MonthRange`, the form the analysis works with."""
        return MonthRange.of(self.start, self.end)


class Area(Strict):
    """The partnership's area: local authority names (the LSOA name prefix) or an LSOA list."""

    local_authorities: list[str] = Field(default_factory=list)
    lsoa_file: str | None = None

    @model_validator(mode="after")
    def _one_given(self) -> Area:
        if not self.local_authorities and not self.lsoa_file:
            raise ValueError(
                "give local_authorities (LSOA name prefixes) or lsoa_file "
                "(a CSV with an lsoa_code column)"
            )
        return self


class Inputs(Strict):
    """Files the analyst keeps for the partnership (paths from the repository root)."""

    strategy: str
    data_requests: str
    difficulties: str
    population: str | None = None
    peers: str | None = None
    narrative: str | None = None
    place_names: str | None = Field(
        None,
        description="optional CSV of friendly neighbourhood names by MSOA (e.g. the House of "
        "Commons Library's MSOA Names), for the community update",
    )
    lsoa_boundaries: str | None = Field(
        None,
        description="optional GeoJSON of LSOA boundaries "
        "for maps by LSOA (else maps use ~500 m grid cells)",
    )
    # The strategy re-assessment's inputs (analysis/reassessment.py; docs/inputs.md)
    priority_scores: str | None = Field(
        None, description="optional YAML of the analyst's priority-setting scores"
    )
    harm_weights: str | None = Field(
        None, description="optional CSV of harm weights by crime type (a crime harm index)"
    )


class SpcOptions(Strict):
    """XmR chart options; defaults follow NHS England's Making Data Count guidance."""

    shift_length: int = Field(7, ge=2, description="run of points on one side of the mean")
    trend_length: int = Field(7, ge=2, description="run of points all rising or all falling")
    screen_outliers: bool = Field(True, description="drop moving ranges above 3.267 x mean")
    minimum_points: int = Field(15, ge=2, description="points needed before limits are relied on")
    fix_after_n_points: int | None = Field(None, ge=2)
    rebase: list[str] = Field(
        default_factory=list,
        description="months (YYYY-MM) where the "
        "limits are recalculated, e.g. when the strategy started",
    )

    @field_validator("rebase")
    @classmethod
    def _months(cls, value: list[str]) -> list[str]:
        for m in value:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(m)):
                raise ValueError(f"'{m}' is not a month; write it as YYYY-MM")
        return [str(m) for m in value]


class RecordingDecision(Strict):
    """The analyst's decision on a possible recording change the data quality page flagged."""

    crime_type: str = Field(description="police.uk crime type, as the data quality page names it")
    month: str = Field(description="first month at the new level (YYYY-MM)")
    decision: Literal["exclude", "rebase", "real"] = Field(
        description="exclude the type from indicators; rebase (compare only from that month); "
        "or real (a real change: compare as usual)"
    )
    reason: str = Field("", description="why, in a sentence, for the method annex")

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(value)):
            raise ValueError(f"'{value}' is not a month; write it as YYYY-MM")
        return str(value)


class Analysis(Strict):
    """The `analysis:` block of the params: how changes are tested, charted and flagged
    (docs/params.md)."""

    significance_level: float = Field(0.05, gt=0, lt=0.5)
    spc: SpcOptions = SpcOptions()
    reassess_after_months: int = Field(
        12,
        ge=1,
        description="months an initiative runs before no improvement flags it for re-assessment",
    )
    quarantine_difficulty_share: float = Field(
        0.01, ge=0, le=1, description="share of a dataset's rows quarantined that logs a difficulty"
    )
    meaningful_change_pct: float = Field(
        10.0,
        gt=0,
        lt=100,
        description="a change this large "
        "(%) matters: a non-significant change whose interval "
        "still allows it is 'cannot tell yet'",
    )
    recording_changes: list[RecordingDecision] = Field(
        default_factory=list,
        description=("decisions on possible recording changes (crime_type, month, decision)"),
    )
    funnel_adjustment: FunnelAdjustment = Field(
        "additive", description="how funnel limits allow for over-dispersion between peers"
    )
    scan_min_rise_pct: float = Field(
        10.0,
        ge=0,
        description="smallest rise (%) in a crime "
        "type or measure no indicator covers that is listed for "
        "the next strategic assessment",
    )


class Report(Strict):
    """The `report:` block of the params: small-number suppression and how to report crime
    in the community update, and whether the board paper is a draft or signed off."""

    suppression_threshold: int = Field(
        5,
        ge=1,
        description="counts from 1 to threshold - 1 are "
        "shown as 'fewer than <threshold>' in the community update",
    )
    contact: str | None = Field(None, description="moved to community.contact (still read)")
    report_crime: str = (
        "Report a crime online or call 101. In an emergency always call 999. "
        "To report anonymously call Crimestoppers on 0800 555 111."
    )
    status: Literal["draft", "final"] = Field(
        "draft", description="draft while the board paper is reviewed; final once it is signed off"
    )
    signed_off_by: str | None = Field(None, description="final: who signed the paper off")
    signed_off_on: dt.date | None = Field(None, description="final: the date it was signed off")

    @model_validator(mode="after")
    def _sign_off(self) -> Report:
        if self.status == "final":
            missing = [
                k
                for k in ("signed_off_by", "signed_off_on")
                if not str(getattr(self, k) or "").strip()
            ]
            if missing:
                raise ValueError(
                    f"status is final but {' and '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} not given: say who "
                    "signed the paper off and when, or set status: draft"
                )
        on = self.signed_off_on
        if on is not None and on > dt.date.today():
            raise ValueError(
                f"signed_off_on {on} is in the future: a paper is marked final once it has "
                "been signed off; keep status: draft until then"
            )
        return self

    def status_line(self) -> str:
        """What the paper is, in the words printed on it."""
        if self.status == "final":
            return f"Final: signed off by {self.signed_off_by} on {self.signed_off_on:%d %B %Y}"
        return "Draft for the partnership board"


# How residents get involved (the community update) ---------------------------------------------
WEB_LINK = re.compile(r"^https?://[^\s<>\"']+$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _words(value: str, key: str) -> str:
    text = " ".join(str(value).split())
    if not text:
        raise ValueError(f"{key} is blank: write it as residents should read it")
    return text


class CommunityMeeting(Strict):
    """A meeting residents can come to: when, where, and a page about it."""

    date: dt.date
    time: str | None = Field(None, description="start time, 24-hour HH:MM, e.g. 18:30")
    place: str = Field(description="where, as residents would find it (venue and street)")
    what: str = Field("Community safety meeting", description="the meeting's public name")
    link: str | None = Field(None, description="a web page about it (https://...)")

    @field_validator("place", "what")
    @classmethod
    def _said(cls, value: str, info: ValidationInfo) -> str:
        return _words(value, str(info.field_name))

    @field_validator("time", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            value = f"{value // 60:02d}:{value % 60:02d}"  # YAML 1.1 reads 18:30 as 1110
        if value is not None and not CLOCK.fullmatch(str(value).strip()):
            raise ValueError(f"'{value}' is not a time; write it as HH:MM, e.g. 18:30")
        return None if value is None else str(value).strip()

    @field_validator("link")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        if value is not None and not WEB_LINK.fullmatch(str(value).strip()):
            raise ValueError(
                f"'{value}' is not a web address; give one starting https:// (or http://)"
            )
        return None if value is None else str(value).strip()


class Community(Strict):
    """What the community update tells residents about getting involved: meetings to come to
    (those before the update is published are left out) and how to contact the partnership."""

    meetings: list[CommunityMeeting] = Field(default_factory=list)
    contact: str | None = Field(
        None, description="how residents contact the partnership (email, phone, address)"
    )
    website: str | None = Field(None, description="the partnership's page for residents")
    get_involved: list[str] = Field(
        default_factory=list,
        description="other ways to take part, one sentence each (e.g. Neighbourhood Watch)",
    )
    place_names_credit: str | None = Field(
        None,
        description="the credit line the place names lookup asks for, printed under 'About "
        "these figures'",
    )

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        return None if value is None else _words(value, "contact")

    @field_validator("get_involved")
    @classmethod
    def _ways(cls, value: list[str]) -> list[str]:
        return [_words(v, f"get_involved[{i}]") for i, v in enumerate(value)]

    @field_validator("website")
    @classmethod
    def _site(cls, value: str | None) -> str | None:
        return CommunityMeeting._web(value)

    @field_validator("meetings")
    @classmethod
    def _in_order(cls, value: list[CommunityMeeting]) -> list[CommunityMeeting]:
        seen = [(m.date, m.time, m.place) for m in value]
        for k, m in enumerate(seen):
            if seen.index(m) != k:
                raise ValueError(f"the meeting on {m[0]} at {m[2]} is listed twice")
        return sorted(value, key=lambda m: (m.date, m.time or ""))


def contact_deprecation(params: CycleParams) -> str | None:
    """The message for params that still give `report.contact` (read as `community.contact`)."""
    if params.report.contact is None:
        return None
    return (
        "the key report.contact has moved to community.contact (with community.meetings): move "
        "the line there; it is still read this cycle"
    )


class OwnNotebook(Strict):
    """An analyst's own notebook, run in the sequence with the cycle's parameters and exported
    to `analysis/<name>.html`, linked from the board report."""

    file: str = Field(
        description="the notebook, from the repository root, e.g. notebooks/own/hotspots.ipynb"
    )
    after: Literal["intake", "progress"] = Field(
        "progress",
        description="the step it runs after (the report step comes last and links to it)",
    )
    title: str | None = Field(
        None, description="link text in the board report (default: the notebook's first heading)"
    )

    @field_validator("file")
    @classmethod
    def _ipynb(cls, value: str) -> str:
        if not value.lower().endswith(".ipynb"):
            raise ValueError(f"'{value}' is not a notebook; give an .ipynb file")
        return value

    @property
    def name(self) -> str:
        """The notebook's file name without `.ipynb`: it names its `analysis/<name>.html`."""
        return Path(self.file).stem


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
            if name in STEP_NOTEBOOKS:
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


def outside_problem(path: Path, allowed: list[Path]) -> str | None:
    """Why a notebook may not run from where it is, or None: an own notebook is code run with
    the analyst's rights, so it runs only from the repository or a folder the params name
    (`own_notebook_folders`); a link is judged by where it leads."""
    real = path.resolve()
    if any(real.is_relative_to(root) for root in allowed):
        return None
    return (
        f"{path} is outside the repository ({allowed[0]}). Own notebooks run with your rights, "
        "so only notebooks in the repository run (e.g. notebooks/own/), or in a folder you "
        "name under the key own_notebook_folders. Move the notebook, or name its folder there."
    )


def own_notebook_problem(path: Path) -> str | None:
    """What stops `path` from running as an own notebook, or None: it must exist, be a
    notebook, and have one cell tagged `parameters` setting only params_file and run_dir."""
    import ast

    from reviewkit.base.notebooks import notebook_cells

    if not path.is_file():
        return (
            f"file {path} not found. Copy notebooks/own_template.ipynb to start one "
            "(paths start at the repository root)."
        )
    try:
        all_cells = notebook_cells(path)
    except Exception:  # noqa: BLE001 - any unreadable notebook gets the same message
        return f"{path} is not a readable Jupyter notebook."
    cells = [c for c in all_cells if "parameters" in (c["metadata"].get("tags") or [])]
    if len(cells) != 1:
        return (
            f"{path} needs exactly one cell tagged 'parameters' (it has {len(cells)}); "
            "start from notebooks/own_template.ipynb."
        )
    try:
        tree = ast.parse(cells[0]["source"])
    except SyntaxError:
        return f"{path}: the parameters cell is not valid Python."
    names = {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    if names != {"params_file", "run_dir"}:
        return (
            f"{path}: the parameters cell must set params_file and run_dir only (it sets "
            f"{', '.join(sorted(names)) or 'nothing'})."
        )
    return None


def load_params(path: str | Path, check_files: bool = True) -> CycleParams:
    """Read and validate a cycle's params file; raise ReviewError naming file and key."""
    source = resolve(path)
    data = load_yaml(source, "params")
    params = validate(CycleParams, data, source)
    if check_files:
        _check_files(params, source)
    return params
