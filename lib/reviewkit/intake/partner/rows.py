"""Judging one row of a partner file: its period, its values (counts: finite, whole, not
negative, plausible) and its area decide whether it is accepted, quarantined with a reason,
out of area, unassigned or after the review period, by the first rule it fails."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.base.periods import parse_period
from reviewkit.inputs.register import TableSource
from reviewkit.intake.area import AreaMatcher, normalise_authority
from reviewkit.intake.partner.sheets import Uncalculated, cell_text, norm

MAX_COUNT = 10_000_000  # no partner measure counts more in one period for one partnership


@dataclass(frozen=True)
class TableRules:
    """How a partner dataset's rows are judged: its mapping, the partnership's area (or the
    area values that are the partnership), and the review's dates."""

    source: TableSource
    area: AreaMatcher
    review_date: dt.date  # a period starting after its month cannot be real: quarantined
    review_end: pd.Period | None = None  # later periods: counted, used nowhere
    allowed: set[str] = field(default_factory=set)  # normalised area values; empty: the area's

    @property
    def totals(self) -> set[str]:
        """The area values that mark a total row (compared loosely)."""
        return {norm(t) for t in self.source.total_values}

    def inside(self, area_name: str) -> bool:
        """Whether a row's area is the partnership's (its area values, else its area)."""
        if self.allowed:
            return normalise_authority(area_name) in self.allowed
        return self.area.contains_name(area_name)


@dataclass(frozen=True)
class RowOutcome:
    """Where one row goes: an outcome of the accounts (accepted, quarantined, out_of_area,
    unassigned, after_review_period), why when quarantined, and an accepted row's period and
    values by measure."""

    outcome: str
    reason: str = ""
    start: pd.Period | None = None
    values: dict[str, float] = field(default_factory=dict)


def cell(row: list[object], pos: dict[str, int], column: str) -> object:
    """The cell of a mapped column in a row (None when the row is short)."""
    j = pos[column]
    return row[j] if j < len(row) else None


def row_outcome(
    row: list[object], pos: dict[str, int], area_name: str, rules: TableRules
) -> RowOutcome:
    """Where one row of a partner file goes, by the first rule it fails: its period (not a
    period, after the review date, after the review period), its values, its area (none,
    a total row, outside the partnership)."""
    source = rules.source
    try:
        start = parse_period(cell(row, pos, source.period_column), source.period_type)
    except ValueError as exc:
        return RowOutcome("quarantined", f"period: {exc}")
    if start > pd.Period(rules.review_date, "M"):
        return RowOutcome(
            "quarantined",
            f"period {start} is after the review date "
            f"({rules.review_date}); check the period column",
        )
    if rules.review_end is not None and start > rules.review_end:
        return RowOutcome("after_review_period")
    values, problem = _row_values(row, pos, source)
    if problem:
        return RowOutcome("quarantined", problem)
    if source.area_column:
        if area_name == "":
            return RowOutcome("unassigned")
        if norm(area_name) in rules.totals:
            return RowOutcome("quarantined", "total row (totals are worked out from the area rows)")
        if not rules.inside(area_name):
            return RowOutcome("out_of_area")
    return RowOutcome("accepted", start=start, values=values)


def _row_values(
    row: list[object], pos: dict[str, int], source: TableSource
) -> tuple[dict[str, float], str]:
    """(value per measure, problem): the first value missing, uncalculated, not a number or
    not a plausible count makes the problem."""
    values: dict[str, float] = {}
    for col, measure in source.measures.items():
        raw = cell(row, pos, col)
        if cell_text(raw) == "":
            return values, f"value missing in column '{col}'"
        if isinstance(raw, Uncalculated):
            return values, (
                f"value in column '{col}' is a formula with no saved result; open "
                "the workbook in Excel and save it (Excel stores formula results "
                "when it saves), or ask the provider to"
            )
        try:
            v = _number(raw)
        except ValueError:
            return values, f"value {quote_value(raw)} in column '{col}' is not a number"
        problem = count_problem(v, col)
        if problem:
            return values, problem
        values[measure] = v
    return values, ""


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if pd.isna(value):
            raise ValueError
        return float(value)
    text = str(value).strip().replace(",", "")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    return float(text)


def count_problem(value: float, column: str) -> str:
    """Why `value` cannot be a count ('' when it can): counts are finite, whole, not negative
    and below an absurd size."""
    if not math.isfinite(value):
        return f"value {_fmt(value)} in column '{column}' is not a finite number"
    if value < 0:
        return f"negative count {_fmt(value)} in column '{column}'"
    if not float(value).is_integer():
        return f"count {_fmt(value)} in column '{column}' is not a whole number"
    if value > MAX_COUNT:
        return (
            f"count {_fmt(value)} in column '{column}' is implausibly large (more than "
            f"{MAX_COUNT:,} in one period); check the file with the provider"
        )
    return ""


def _fmt(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else str(value)


def quote_value(value: object, limit: int = 30) -> str:
    """A cell value as messages quote it: short, on one line, without control characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", cell_text(value))
    return f"'{text[:limit]}...'" if len(text) > limit else f"'{text}'"
