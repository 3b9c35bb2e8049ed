"""Classing every row of a police.uk dataset: accepted (in the partnership's area), out of
area, unassigned (no location), after the review period, or quarantined with a reason. Each
decision is made once per category (few) and spread to rows by their codes (many)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from reviewkit.intake.accounting import Problem
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import checks
from reviewkit.intake.policeuk.codes import Reasons, categorical, remap
from reviewkit.intake.policeuk.columns import TIDY_KEYS
from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.places import (
    IN_AREA,
    OUT_OF_AREA,
    Authorities,
    lsoa_names,
    lsoa_places,
    no_area_match,
    rest_of_force,
    tidy_counts,
)
from reviewkit.intake.policeuk.quarantine import quarantined
from reviewkit.methods.grid import cell_counts

# Each row's place as classed: the three of `places`, then these two, which come first.
AFTER_REVIEW_PERIOD, QUARANTINED = 3, 4
OUTCOMES = ("unassigned", "out_of_area", "accepted", "after_review_period", "quarantined")


@dataclass(frozen=True)
class Rules:
    """How a police.uk dataset's rows are classed: its kind, the partnership's area, and the
    months after which rows are later than the review period or impossible."""

    kind: str
    area: AreaMatcher
    review_end: str | None = None  # YYYY-MM: later rows are counted, used nowhere
    review_date: dt.date | None = None  # later months cannot be real: quarantined


@dataclass
class Classified:
    """What classing the rows of a police.uk dataset gives: per file, the rows in each outcome;
    the quarantined rows with their reasons; the tidy counts; and for street data the rest of
    the force, the LSOA names and the grid of approximate locations."""

    counts: dict[str, np.ndarray]  # outcome -> rows per file
    tidy: pd.DataFrame
    periods: list[str]
    quarantine: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rest_of_force: pd.DataFrame | None = None
    lsoa_names: pd.DataFrame | None = None
    grid: pd.DataFrame | None = None


def categories(table: pa.Table, kind: str) -> dict[str, pd.Categorical]:
    """The table's category columns as Categoricals; stop and search's dates give its month."""
    df = {
        name: categorical(table[name])
        for name in table.column_names
        if pa.types.is_dictionary(table[name].type)
    }
    if kind == "police_uk_stop_search":
        dates = df["date"]
        df["month"] = remap(dates, [str(d)[:7] for d in dates.categories])
    return df


def set_aside(
    df: dict[str, pd.Categorical], file_idx: np.ndarray, raws: list[RawFile], rules: Rules
) -> tuple[Reasons, np.ndarray | None, list[Problem]]:
    """The rows set aside and why, the rows after the review period (None: none), and the
    problems to report; street rows' crime types are given today's names (in `df`)."""
    reasons = Reasons(len(file_idx))
    problems: list[Problem] = []
    if checks.month_trouble(df["month"], file_idx, raws, rules.review_date):  # else all clean
        problems += checks.month_reasons(df["month"], file_idx, raws, reasons, rules.review_date)
    later = checks.later_rows(df["month"], rules.review_end, reasons)
    if rules.kind == "police_uk_street":
        problems += checks.crime_type_reasons(df, reasons)
    return reasons, later, problems


def places(
    table: pa.Table, df: dict[str, pd.Categorical], area: AreaMatcher, kind: str
) -> tuple[np.ndarray, Authorities | None, list[str]]:
    """Each row's place (see `places.lsoa_places`), the LSOAs' local authorities, and the
    notes: stop and search rows have no LSOA and are placed force-wide."""
    if kind == "police_uk_stop_search":
        no_place = table["latitude"].is_null().to_numpy(zero_copy_only=False)
        place = np.where(no_place, np.int8(0), np.int8(IN_AREA))
        note = (
            "Stop and search records carry coordinates but no LSOA, so they "
            "are counted force-wide; rows with no location are unassigned."
        )
        return place, None, [note]
    place, authorities = lsoa_places(df, area)
    notes = no_area_match(area, authorities[1], int((place == OUT_OF_AREA).sum()), place)
    return place, authorities, notes


def counts_per_file(file_idx: np.ndarray, place: np.ndarray, files: int) -> dict[str, np.ndarray]:
    """For each outcome, the rows of each file in it."""
    key = file_idx.astype(np.int64) * len(OUTCOMES) + place
    per_file = np.bincount(key, minlength=len(OUTCOMES) * files).reshape(files, len(OUTCOMES))
    return {name: per_file[:, k] for k, name in enumerate(OUTCOMES)}


def classify(
    table: pa.Table,
    dataset: str,
    raws: list[RawFile],
    bad_lines: dict[int, list[int]],
    rules: Rules,
) -> Classified:
    """Class every row, deciding per category (few) and spreading by codes (many)."""
    table = table.combine_chunks()
    file_idx = table["_file"].to_numpy()
    df = categories(table, rules.kind)
    reasons, later, problems = set_aside(df, file_idx, raws, rules)
    place, authorities, notes = places(table, df, rules.area, rules.kind)
    if later is not None:
        place[later] = AFTER_REVIEW_PERIOD  # counted once, as such, and used nowhere
    if reasons.any:
        place[reasons.code != 0] = QUARANTINED
    accepted = np.flatnonzero(place == IN_AREA)  # rows, by index
    result = Classified(
        counts_per_file(file_idx, place, len(raws)),
        tidy_counts(df, accepted, TIDY_KEYS[rules.kind], authorities),
        arrived_months(df["month"], place),
        problems=problems,
        notes=notes,
    )
    bad = place == QUARANTINED
    if reasons.any and bad.any():
        result.quarantine = quarantined(df, bad, reasons, file_idx, raws, bad_lines, dataset)
    if rules.kind == "police_uk_street":
        street_tables(result, table, df, place)
    return result


def street_tables(
    result: Classified, table: pa.Table, df: dict[str, pd.Categorical], place: np.ndarray
) -> None:
    """Street data's further tables (into `result`): the rest of the force, the LSOA names
    with their middle grid cells, and the grid of the area's rows."""
    accepted, out = np.flatnonzero(place == IN_AREA), np.flatnonzero(place == OUT_OF_AREA)
    result.rest_of_force = rest_of_force(df, out)
    cells = None
    if "cell_row" in table.column_names:
        cells = (
            table["cell_row"].to_numpy(zero_copy_only=False).astype(float),
            table["cell_col"].to_numpy(zero_copy_only=False).astype(float),
        )
    result.lsoa_names = lsoa_names(df, accepted, cells)
    if cells is not None:
        result.grid = cell_counts(df["month"], df["crime_type"], *cells, place == IN_AREA)


def arrived_months(month: pd.Categorical, place: np.ndarray) -> list[str]:
    """The months that arrived: those of every row read for the review (in the area, out of
    it, or with no location), so a month in which a small area had no record is a zero, not
    missing data. Rows quarantined or after the review period do not make a month arrive."""
    codes = np.asarray(month.codes)[place <= IN_AREA]
    return sorted(str(month.categories[c]) for c in np.unique(codes[codes >= 0]))
