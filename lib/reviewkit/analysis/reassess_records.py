"""The strategy re-assessment's records: a subject, its trend, its evidence and its matrix
row with the audit trail of each score (`analysis.reassessment`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from reviewkit.base.periods import MonthRange

Kind = Literal["priority", "crime_type", "measure"]
Band = Literal["high", "medium", "low", ""]


@dataclass(frozen=True)
class Subject:
    """What a matrix row is about, and which data measure it."""

    kind: Kind
    key: str  # priority id, crime type or measure id
    name: str  # the words the board reads
    crime_types: tuple[str, ...] = ()  # police.uk types counted
    measure: tuple[str, str] | None = None  # (dataset, measure) when a partner measure
    indicators: tuple[str, ...] = ()  # a priority's indicators
    also: tuple[str, ...] = ()  # a priority's partner measures not added to its counts
    why_no_data: str = ""  # why no data can measure it ('' when it can)
    measure_name: str = ""  # the partner measure's name as the board reads it


@dataclass(frozen=True)
class Trend:
    """Three 12-month years and year 3 against year 1."""

    years: tuple[MonthRange, MonthRange, MonthRange]
    counts: tuple[float | None, float | None, float | None]  # None: a month missing
    why_not: str = ""  # why it could not be tested ('' when tested)
    ratio: float = math.nan
    low: float = math.nan
    high: float = math.nan
    p_value: float = math.nan
    significant: bool = False
    method: str = ""
    why_code: str = ""  # the reason in two or three words, for a table cell

    @property
    def short(self) -> str:
        """The trend in a few words: 'rising, +89%' or 'not tested (recording change)'."""
        if not self.tested:
            return f"not tested ({self.why_code})" if self.why_code else "not tested"
        return f"{self.direction}, {(self.ratio - 1) * 100:+.0f}%"

    @property
    def tested(self) -> bool:
        """Whether the trend was tested (no reason is recorded why it could not be)."""
        return not self.why_not

    @property
    def direction(self) -> str:
        """rising, falling or no change beyond chance ('' when not tested)."""
        if not self.tested:
            return ""
        if self.significant and self.ratio > 1:
            return "rising"
        if self.significant and self.ratio < 1:
            return "falling"
        return "no change beyond chance"


@dataclass(frozen=True)
class Evidence:
    """The evidence for one subject."""

    subject: Subject
    trend: Trend
    volume: float | None  # year 3's count (None: year 3 incomplete)
    harm: float | None  # year 3's weighted harm (None: not worked out, `harm_why`)
    harm_why: str = ""
    harm_status: tuple[str, ...] = ()  # the statuses of the weights used
    peers: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditEntry:
    """One score, its value and where it came from."""

    subject: str
    score: str
    value: str
    source: str


@dataclass(frozen=True)
class MatrixRow:
    """One subject's scores and the recommendation drawn from them."""

    evidence: Evidence
    share: float | None  # of all weighted harm in year 3
    impact: int | None
    likelihood: int | None
    risk: int | None
    public_concern: int | None
    capacity: int | None
    score: float | None  # with the analyst's scores (None: not scored)
    band: Band
    recommendation: str
    basis: str  # what the band rests on
    audit: tuple[AuditEntry, ...] = field(default_factory=tuple)
