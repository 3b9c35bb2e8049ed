"""What the scan of uncovered crime types and measures (`horizon.scan`) could not test, and
why: a dataset not received, or a month of the baseline or the review period with no data (a
missing month is never a zero, so no change is worked out). Each is a typed `NotTested`, which
the report renders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from reviewkit.analysis.coverage import covered, partner_windows, police_gaps, uncovered_measures
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Strategy


@dataclass(frozen=True)
class NotTested:
    """Crime types or measures the scan could not test, and why: never a zero for a gap.

    `what`: the types (police.uk) or measures (partner) no indicator covers that could not be
    tested; empty when none can be named (no data received). `missing_baseline` and
    `missing_review`: the months (YYYY-MM) with no data in each period; `received`: False when
    no data of the dataset was received for either period.
    """

    source: str  # "police.uk" or "partner"
    dataset: str
    what: tuple[str, ...]
    missing_baseline: tuple[str, ...] = ()
    missing_review: tuple[str, ...] = ()
    received: bool = True

    def reason(self) -> str:
        """Why, in words for the board: which months are missing from which period."""
        if not self.received:
            return "no data was received for the baseline or the review period"
        parts = []
        for label, months in (
            ("the baseline", self.missing_baseline),
            ("the review period", self.missing_review),
        ):
            if months:
                names = [f"{pd.Period(m, 'M'):%B %Y}" for m in months]
                shown = ", ".join(names[:4]) + (
                    f" and {len(names) - 4} more" if len(names) > 4 else ""
                )
                parts.append(f"{shown} missing from {label}")
        return "; ".join(parts) + " (a missing month is not a zero, so no change is worked out)"


def not_tested(
    strategy: Strategy,
    baseline: MonthRange,
    review: MonthRange,
    police: dict[str, pd.DataFrame | None],
    partner: pd.DataFrame | None,
    unreceived: Sequence[str] = (),
) -> list[NotTested]:
    """What the scan could not test, and why: each police dataset lacking a month of either
    period (every uncovered type in it: a month with no rows at all is missing data), or not
    received; each uncovered partner measure lacking a period; each partner dataset in
    `unreceived` (requested, nothing usable received) that no indicator wholly covers."""
    cover_police, cover_partner = covered(strategy)
    out = [
        NotTested("partner", str(ds), (), received=False)
        for ds in unreceived
        if ds not in police and cover_partner.get(ds, set()) is not None
    ]
    for dataset, table in police.items():
        untested = _police_not_tested(
            dataset, table, cover_police.get(dataset, set()), baseline, review
        )
        out += [untested] if untested is not None else []
    out += _partner_not_tested(partner, cover_partner, baseline, review)
    return out


def _police_not_tested(
    dataset: str,
    table: pd.DataFrame | None,
    covered_types: set[str],
    baseline: MonthRange,
    review: MonthRange,
) -> NotTested | None:
    """A police dataset's uncovered types that cannot be tested (a month of either period with
    no rows at all, or nothing received); None when every month is there."""
    gaps = police_gaps(table, baseline, review)
    if gaps is None:
        return NotTested("police.uk", dataset, (), received=False)
    if not any(gaps):
        return None
    assert table is not None  # gaps is None for a dataset with no rows
    wanted = {str(m) for m in (*baseline.months, *review.months)}
    types = sorted(
        {
            str(t)
            for t in table.loc[table["month"].astype(str).isin(wanted), "crime_type"]
            if t and t not in covered_types
        }
    )
    return NotTested("police.uk", dataset, tuple(types), *gaps)


def _partner_not_tested(
    partner: pd.DataFrame | None,
    cover_partner: dict[str, set[str] | None],
    baseline: MonthRange,
    review: MonthRange,
) -> list[NotTested]:
    """Each uncovered partner measure that lacks a period of the baseline or the review."""
    out = []
    for dataset, measure, g in uncovered_measures(partner, cover_partner):
        _, base_gap, rev_gap = partner_windows(g, baseline, review)
        if base_gap or rev_gap:
            received = len(base_gap) < baseline.n_months or len(rev_gap) < review.n_months
            out.append(NotTested("partner", dataset, (measure,), base_gap, rev_gap, received))
    return out
