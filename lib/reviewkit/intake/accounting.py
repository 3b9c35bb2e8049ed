"""Every input row is accounted for: accepted, quarantined (with a reason), out of area,
unassigned or after the review period. These types carry that account from the readers to the
reports.

One rule for every dataset: a row dated after the review period (but not after the review
date) is counted as `after_review_period`, never as data of the review; a row dated after the
review date cannot be real and is quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError

OUTCOMES = ("accepted", "quarantined", "out_of_area", "unassigned", "after_review_period")
QUARANTINE_COLUMNS = ["dataset", "file", "row", "reason"]


@dataclass
class FileAccount:
    """What happened to the rows of one input file."""

    dataset: str
    file: str
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    out_of_area: int = 0
    unassigned: int = 0
    after_review_period: int = 0
    note: str = ""

    @property
    def balanced(self) -> bool:
        """Whether the rows read equal the rows of all outcomes added up (none lost or extra)."""
        return self.rows_read == sum(getattr(self, k) for k in OUTCOMES)


@dataclass
class Problem:
    """Something intake found that belongs in the difficulties log."""

    category: str  # unwilling to share | incompatible format | IT problem | late | quality
    description: str


@dataclass
class DatasetIntake:
    """The result of reading one data request's files."""

    dataset: str
    files: list[Path] = field(default_factory=list)
    accounts: list[FileAccount] = field(default_factory=list)
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    tidy: pd.DataFrame | None = None
    rest_of_force: pd.DataFrame | None = None  # street rows outside the area: month, type, n
    grid: pd.DataFrame | None = None  # police.uk street: counts per month, type and grid cell
    lsoa_names: pd.DataFrame | None = None  # police.uk street: each accepted LSOA's name
    periods: list[str] = field(default_factory=list)  # period labels with accepted rows
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    parse_seconds: float = 0.0  # time spent reading and parsing files (or the cache)
    parsed_from_cache: int = 0  # files whose parse came from the cache

    def totals(self) -> dict[str, int]:
        """Rows read and each outcome's rows, summed over the dataset's files."""
        return {k: sum(getattr(a, k) for a in self.accounts) for k in ("rows_read", *OUTCOMES)}


def reconciliation_table(results: list[DatasetIntake]) -> pd.DataFrame:
    """One row per input file: read = accepted + quarantined + out of area + unassigned +
    after the review period."""
    rows = [vars(a).copy() for r in results for a in r.accounts]
    cols = ["dataset", "file", "rows_read", *OUTCOMES, "note"]
    table = pd.DataFrame(rows, columns=cols)
    for c in ("rows_read", *OUTCOMES):
        table[c] = table[c].astype("int64")
    table["balanced"] = table["rows_read"] == table[list(OUTCOMES)].sum(axis=1)
    return table


def check_reconciliation(table: pd.DataFrame) -> None:
    """Fail loudly if any file's rows do not add up: numbers that do not add up are not used."""
    bad = table.loc[~table["balanced"]]
    if len(bad):
        lines = [
            f"{r.file}: read {r.rows_read} rows but accounted for "
            f"{sum(getattr(r, k) for k in OUTCOMES)}"
            for r in bad.itertuples()
        ]
        raise ReviewError(
            "Row reconciliation failed; no figures were produced from these "
            "files:\n" + "\n".join(lines) + "\nPlease report this as a bug "
            "with the file attached."
        )
