"""The data request register: what each agency is asked for, who gathers and analyses it, when.

It also says how each dataset is read (`source`), so intake needs no code per agency.
Whether a dataset arrived is worked out from what is on disk, never typed in.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from reviewkit.base.paths import resolve
from reviewkit.base.periods import PeriodType
from reviewkit.inputs.params import Strict
from reviewkit.inputs.yaml_files import load_yaml, validate

PoliceKind = Literal["police_uk_street", "police_uk_outcomes", "police_uk_stop_search"]
POLICE_KINDS: tuple[PoliceKind, ...] = get_args(PoliceKind)
# each police.uk file kind and the end of its file names (YYYY-MM-force-street.csv)
POLICE_SUFFIX: dict[str, str] = {
    "police_uk_street": "-street.csv",
    "police_uk_outcomes": "-outcomes.csv",
    "police_uk_stop_search": "-stop-and-search.csv",
}


class PoliceSource(Strict):
    """data.police.uk files: one CSV, a folder of monthly folders, or a custom-download zip."""

    kind: PoliceKind
    path: str


class TableSource(Strict):
    """A partner extract (CSV or XLSX) mapped onto tidy measures."""

    kind: Literal["table"]
    path: str = Field(description="file or glob pattern, e.g. data/raw/asb/asb_*.csv")
    sheet: str | None = Field(None, description="XLSX sheet name; default the first sheet")
    header_row: int | None = Field(
        None,
        ge=1,
        description="1-based row of the column headers; "
        "default: found by looking for the mapped columns",
    )
    encoding: str | None = Field(None, description="default: detected (UTF-8, BOM, Windows-1252)")
    period_column: str
    period_type: PeriodType = "month"
    area_column: str | None = Field(
        None, description="column naming the area; none = the whole file is the partnership's"
    )
    area_values: list[str] | None = Field(
        None,
        description="values of area_column that are the "
        "partnership; default its local authority names",
    )
    total_values: list[str] = Field(default_factory=lambda: ["total", "all", "all areas"])
    measures: dict[str, str] = Field(description="value column -> tidy measure name")

    @field_validator("measures")
    @classmethod
    def _some(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("map at least one value column to a measure")
        return value


Source = Annotated[PoliceSource | TableSource, Field(discriminator="kind")]


class DataRequest(Strict):
    """One dataset asked of an agency: who provides, gathers and analyses it, when it is due,
    and how it is read (`source`)."""

    dataset: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="short id used by indicators")
    description: str
    provider: str = Field(description="the agency that provides it")
    gatherer: str = Field(description="who gathers it")
    analyst: str = Field(description="who analyses it")
    frequency: Literal["monthly", "quarterly", "annual"] = "monthly"
    due: dt.date
    received: dt.date | None = Field(
        None, description="date it arrived; default the newest file's modification date"
    )
    expected_format: str = ""
    lag_days: int | None = Field(
        None,
        ge=0,
        le=366,
        description="days after each period ends that its data is due (a month's, a "
        "quarter's or the year's); default: the days from the end of the review period to "
        "`due`",
    )
    analyst_days: float | None = Field(
        None, gt=0, description="analyst days a review cycle takes to gather, check and analyse it"
    )
    source: Source

    @property
    def period_type(self) -> str:
        """The period each row covers: a partner extract's own, a month for police.uk files."""
        if isinstance(self.source, TableSource):
            return self.source.period_type
        return "month"

    @property
    def is_police(self) -> bool:
        """Whether the dataset is data.police.uk files (read by the police reader, not mapped)."""
        return self.source.kind in POLICE_KINDS


class Register(Strict):
    """The data request register: every data request, each dataset id listed once."""

    data_requests: list[DataRequest]

    @model_validator(mode="after")
    def _unique(self) -> Register:
        seen: set[str] = set()
        for req in self.data_requests:
            if req.dataset in seen:
                raise ValueError(
                    f"dataset '{req.dataset}' is listed twice; give each data request its own id"
                )
            seen.add(req.dataset)
        return self

    def get(self, dataset: str) -> DataRequest | None:
        """The data request for a dataset id (None when the register has none)."""
        return next((r for r in self.data_requests if r.dataset == dataset), None)

    @property
    def datasets(self) -> list[str]:
        """The dataset ids, in the register's order: the ids indicators may name."""
        return [r.dataset for r in self.data_requests]


def street_dataset(register: Register) -> str | None:
    """The data request holding police.uk street records, whatever the partnership calls it
    (the first, if the register has several; None if it has none)."""
    return next(
        (r.dataset for r in register.data_requests if r.source.kind == "police_uk_street"), None
    )


def load_register(path: str | Path) -> Register:
    """Read and validate the data request register; raise ReviewError naming file and key."""
    source = resolve(path)
    return validate(Register, load_yaml(source, "data request register"), source)


def source_files(request: DataRequest) -> list[Path]:
    """Files on disk for a data request, in name order (a later name supersedes an earlier one)."""
    pattern = str(resolve(request.source.path))
    if request.is_police:
        root = Path(pattern)
        if root.is_file():
            return [root]
        if root.is_dir():
            suffix = POLICE_SUFFIX[request.source.kind]
            files = [
                p for p in walk_files(root) if p.name.endswith(suffix) or p.suffix.lower() == ".zip"
            ]
            return sorted(files, key=lambda p: p.relative_to(root).as_posix())
        return sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file())
    return sorted(
        (Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file()),
        key=lambda p: p.name,
    )


POLICE_SUFFIXES = (*POLICE_SUFFIX.values(), ".zip")


def stray_files(request: DataRequest) -> list[Path]:
    """Files in a police.uk folder that are not data.police.uk files of any kind (so a
    misnamed file is reported rather than silently passed over)."""
    if not request.is_police:
        return []
    root = resolve(request.source.path)
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in walk_files(root)
        if not p.name.startswith(".") and not p.name.lower().endswith(POLICE_SUFFIXES)
    )


def walk_files(root: Path) -> list[Path]:
    """Every file under `root`, following folders that are symbolic links (a month folder
    linked from elsewhere is read like any other) but never visiting one folder twice, so a
    link loop ends."""
    out: list[Path] = []
    seen: set[str] = set()
    for folder, dirs, names in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        out += [Path(folder) / n for n in sorted(names) if (Path(folder) / n).is_file()]
    return out
