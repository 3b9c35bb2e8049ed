"""Recording changes as the indicator engine sees them: the possible changes found at intake
with the analyst's decisions, which of them touch an indicator, and what they do to its
comparisons (withdrawn, rebased, excluded or confirmed real)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reviewkit.analysis.verdict import Comparability
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.strategy import Indicator


@dataclass(frozen=True)
class Change:
    """A possible recording change in one crime type, and the analyst's decision if any."""

    crime_type: str
    month: str  # YYYY-MM, first month at the new level
    decision: str = ""  # "", exclude, rebase or real

    @property
    def confirmed_real(self) -> bool:
        """Whether the analyst judged the step a real change in crime, not in recording: the
        periods on either side of it are then compared as usual. Any other decision, or
        none yet, keeps them apart (withdrawn, rebased or excluded)."""
        return self.decision == "real"

    @property
    def awaiting_decision(self) -> bool:
        """Whether the analyst has not yet decided what the step is (exclude, rebase or
        real): until then comparisons across it are withdrawn."""
        return not self.decision

    @property
    def label(self) -> str:
        """The first month at the new level in words ('April 2023'), as reports name it."""
        return pd.Period(self.month, "M").strftime("%B %Y")


def recording_changes(found: pd.DataFrame | None, params: CycleParams) -> dict[str, Change]:
    """Every possible recording change, keyed 'Burglary from 2023-04' (a crime type may step
    more than once: a dip that returns, two steps), with the analyst's decisions. A decision
    names its type and month: it settles the step of that type found within two months of it
    (detection can place a step a month early or late), or stands as a change of its own."""
    out: dict[str, Change] = {}
    if found is not None:
        for _, r in found.iterrows():
            c = Change(str(r["crime_type"]), str(r["month"]))
            out[_key(c)] = c
    for d in params.analysis.recording_changes:
        near = [
            k
            for k, c in out.items()
            if c.crime_type == d.crime_type
            and not c.decision
            and abs((pd.Period(c.month, "M") - pd.Period(d.month, "M")).n) <= 2
        ]
        for k in near[:1]:
            del out[k]
        decided = Change(d.crime_type, d.month, d.decision)
        out[_key(decided)] = decided
    return dict(sorted(out.items(), key=lambda kv: (kv[1].month, kv[1].crime_type)))


def _key(c: Change) -> str:
    return f"{c.crime_type} from {c.month}"


def changes_affecting(
    ind: Indicator, tidy: Mapping[str, pd.DataFrame], changes: Mapping[str, Change]
) -> list[Change]:
    """The recording changes in the crime types an indicator counts."""
    table = tidy.get(ind.dataset)
    if not changes or table is None or "crime_type" not in table:
        return []
    types = ind.filter.crime_type_set()  # 'all' and {all_except: ...} as names
    if types is None:
        types = sorted(set(table["crime_type"]))
    wanted = set(types)
    return [c for c in changes.values() if c.crime_type in wanted]


def straddles(rng_start: pd.Period | str, rng_end: pd.Period | str, change: Change) -> bool:
    """Whether a change's first month falls after `rng_start` and by `rng_end` (months, or
    'YYYY-MM'): the two ends of a comparison then sit on either side of it."""
    return str(rng_start) < change.month <= str(rng_end)


def without_excluded(
    ind: Indicator, tidy: Mapping[str, pd.DataFrame], excluded: list[Change]
) -> Indicator:
    """The indicator with the crime types the analyst excluded (recording changes) left out of
    its filter; the same indicator when none is excluded."""
    if not excluded:
        return ind
    keep = [
        t
        for t in (ind.filter.crime_type_set() or sorted(set(tidy[ind.dataset]["crime_type"])))
        if t not in {c.crime_type for c in excluded}
    ]
    return ind.model_copy(update={"filter": ind.filter.model_copy(update={"crime_types": keep})})


def decision_notes(excluded: list[Change], affecting: list[Change]) -> list[str]:
    """The analyst's decisions on recording changes, as notes on the indicator."""
    notes = [
        f"excludes {c.crime_type} (recording change from {c.label}; the analyst's decision)"
        for c in excluded
    ]
    notes += [
        f"the change in {c.crime_type} from {c.label} was confirmed as real by the "
        "analyst, not a change in recording"
        for c in affecting
        if c.confirmed_real
    ]
    return notes


def not_comparable(
    pending: list[Change], baseline_rng: MonthRange, review: MonthRange
) -> dict[str, Any]:
    """A recording change not yet decided (or rebased) between the baseline and the end of the
    review period: the comparisons and the target are withdrawn, and last year's and the
    rolling figures too when the change falls within them."""
    straddling = [c for c in pending if straddles(baseline_rng.start, review.end, c)]
    if not straddling:
        return {}
    c = straddling[0]
    fields: dict[str, Any] = {
        "not_comparable": (
            f"possible recording change in {c.crime_type} from {c.label}"
            if c.awaiting_decision
            else f"recording change in {c.crime_type} from {c.label} (rebased)"
        ),
        "direction": "not comparable",
        "p_value": math.nan,
        "significant": False,
        "test": "",
        "ratio": math.nan,
        "ratio_low": math.nan,
        "ratio_high": math.nan,
        "target_status": "not assessable",
        "trajectory_value": math.nan,
    }
    if any(straddles(review.shift(-12).start, review.end, c2) for c2 in straddling):
        fields.update(
            last_year_value=math.nan,
            last_year_change_pct=math.nan,
            rolling_value=math.nan,
            rolling_previous=math.nan,
            rolling_change_pct=math.nan,
            rolling_significant=False,
        )
    return fields


def comparability(
    affecting: list[Change], baseline_rng: MonthRange, review: MonthRange
) -> dict[str, Any]:
    """Whether the baseline and the review period are comparable, and the recording change
    that decides it (in the crime types the indicator counts, between the two periods)."""
    between = [c for c in affecting if straddles(baseline_rng.start, review.end, c)]
    order: list[tuple[str, Comparability]] = [
        ("", "awaiting decision"),
        ("rebase", "rebased"),
        ("exclude", "excluded"),
        ("real", "confirmed real"),
    ]
    for decision, word in order:
        hit = [c for c in between if c.decision == decision]
        if hit:
            return {"comparability": word, **recording_fields(hit)}
    return {}


def recording_fields(changes: list[Change]) -> dict[str, Any]:
    """The crime types of the recording changes that decide comparability, and the first
    month of the earliest."""
    if not changes:
        return {}
    return {
        "recording_types": tuple(c.crime_type for c in changes),
        "recording_from": min(c.month for c in changes),
    }
