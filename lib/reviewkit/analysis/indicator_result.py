"""What the indicator engine says about one indicator: its result (every figure the scorecard,
the charts and the narrative read), and why an indicator cannot be assessed."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from reviewkit.analysis.verdict import (
    Comparability,
    Verdict,
    WhyNot,
    change_call,
    spc_call,
    target_assurance,
    target_call,
)

UNIT = {
    "count": "",
    "rate_per_1000_residents": "per 1,000 residents",
    "rate_per_1000_households": "per 1,000 households",
    "proportion": "%",
}


# The result's fields that reach the scorecard through its verdict (`Verdict.columns`).
VERDICT_FIELDS = (
    "why_not",
    "why_dataset",
    "missing",
    "comparability",
    "recording_types",
    "recording_from",
    "special_improvement",
    "special_concern",
)


@dataclass
class IndicatorResult:
    """Everything the scorecard, the charts and the narrative say about one indicator."""

    id: str
    priority: str
    name: str
    plain_name: str
    measure: str
    unit: str
    period: str
    better: str
    dataset: str
    assessable: bool
    reason: str = ""  # why not assessable
    review_value: float = math.nan
    review_count: float = math.nan  # numerator count over the review period
    baseline_value: float = math.nan
    baseline_count: float = math.nan
    change: float = math.nan
    change_pct: float = math.nan
    direction: str = ""  # improved | worsened | no real change | cannot tell | not assessable
    p_value: float = math.nan
    significant: bool = False
    test: str = ""
    ratio: float = math.nan  # rate ratio (odds ratio for proportions), review / baseline
    ratio_low: float = math.nan
    ratio_high: float = math.nan
    dispersion: float = math.nan  # month-to-month dispersion the test allowed for
    not_comparable: str = ""  # why the comparisons cannot be made (a recording change)
    seasonal: str = ""  # "adjusted" (XmR on seasonally adjusted values), "too short" or ""
    ci_low: float = math.nan
    ci_high: float = math.nan
    last_year_value: float = math.nan
    last_year_change_pct: float = math.nan
    rolling_value: float = math.nan
    rolling_previous: float = math.nan
    rolling_change_pct: float = math.nan
    rolling_significant: bool = False
    target_value: float = math.nan
    target_by: str = ""
    trajectory_value: float = math.nan
    target_status: str = "not assessable"
    variation: str = ""
    assurance: str = ""
    spc_provisional: bool = False
    points: int = 0
    latest_period: str = ""
    latest_value: float = math.nan
    notes: list[str] = field(default_factory=list)  # caveats a reader needs
    # What only the analyst acts on (params keys to set): never printed in a published paper.
    analyst_notes: list[str] = field(default_factory=list)
    why_not: WhyNot = ""  # why not assessable, as a code (`analysis.verdict`)
    why_dataset: str = ""
    missing: tuple[str, ...] = ()
    comparability: Comparability = "comparable"
    recording_types: tuple[str, ...] = ()
    recording_from: str = ""
    special_improvement: int = 0
    special_concern: int = 0

    def verdict(self) -> Verdict:
        """The indicator's one verdict, from the figures computed above."""
        change = change_call(self.direction)
        target = target_call(
            self.target_status, bool(self.target_by) or not math.isnan(self.target_value)
        )
        assured, because = target_assurance(target, change, self.assurance)
        return Verdict(
            indicator=self.id,
            assessable=self.assessable,
            why_not=self.why_not,
            why_dataset=self.why_dataset,
            missing=self.missing,
            comparability=self.comparability,
            recording_types=self.recording_types,
            recording_from=self.recording_from,
            change=change,
            spc=spc_call(self.variation),
            special_improvement=self.special_improvement,
            special_concern=self.special_concern,
            target=target,
            assured=assured,
            not_assured=because,
        )

    def row(self) -> dict[str, object]:
        """The scorecard's row: the figures, notes joined, and the verdict's columns in place
        of the fields it is made from (so no surface reads the raw fields)."""
        d = asdict(self)
        d["notes"] = "; ".join(self.notes)
        d["analyst_notes"] = "; ".join(self.analyst_notes)
        for k in VERDICT_FIELDS:  # written as the verdict's columns instead
            d.pop(k)
        d.update(self.verdict().columns())
        return d


class ForAnalyst(str):
    """A note only the analyst acts on (a params key to set): kept out of published papers."""


@dataclass(frozen=True)
class Why:
    """Why an indicator cannot be assessed: a code for the verdict, the data request and the
    periods it is about, and the detail for the analyst (params keys, dataset ids)."""

    code: WhyNot
    detail: str
    dataset: str = ""
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.detail
