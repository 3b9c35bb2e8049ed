"""The strategy re-assessment's evidence for each subject: its trend, volume, weighted harm,
peers and recording caveats, and all weighted harm in the latest year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.analysis.reassess_records import (
    Evidence,
    Subject,
    Trend,
)
from reviewkit.analysis.reassess_trend import (
    partner_windows,
    police_windows,
    trend_test,
)
from reviewkit.analysis.verdict import Verdict
from reviewkit.base.periods import MonthRange, month_name
from reviewkit.inputs.harm import HarmWeights


@dataclass(frozen=True)
class Sources:
    """The data and judgements the evidence is drawn from."""

    police: pd.DataFrame | None  # month, crime_type, n
    arrived: set[str]  # months the police data arrived for
    partner: pd.DataFrame | None
    weights: HarmWeights
    recording: Mapping[str, list[str]]  # crime type -> months of changes not judged real
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    peers: Mapping[str, str] = field(default_factory=dict)  # indicator id -> position words
    indicator_names: Mapping[str, str] = field(default_factory=dict)


def _recording_in(types: tuple[str, ...], years: tuple[MonthRange, ...], src: Sources) -> str:
    span = MonthRange(years[0].start, years[-1].end)
    found = [
        f"a possible change in how {t} is recorded from {month_name(pd.Period(m, 'M'))}"
        for t in types
        for m in src.recording.get(t, [])
        if span.start < pd.Period(m, "M") <= span.end
    ]
    return "; ".join(found)


def _harm(
    subject: Subject, volume_by_type: dict[str, float | None], src: Sources
) -> tuple[float | None, str, tuple[str, ...]]:
    names = list(subject.crime_types) or ([subject.measure[1]] if subject.measure else [])
    if not names:
        return None, subject.why_no_data or "nothing to weight", ()
    unweighted = [n for n in names if src.weights.get(n) is None]
    if unweighted:
        said = [subject.measure_name or n if subject.measure else n for n in unweighted]
        return None, "no harm weight for " + ", ".join(said), ()
    missing = [n for n in names if volume_by_type.get(n) is None]
    if missing:
        return None, "the latest year is incomplete", ()
    total = 0.0
    statuses = []
    for n in names:
        w = src.weights.get(n)
        assert w is not None
        total += w.weight * float(volume_by_type[n] or 0.0)
        statuses.append(w.status)
    return total, "", tuple(sorted(set(statuses)))


def evidence(
    subject: Subject, years: tuple[MonthRange, MonthRange, MonthRange], alpha: float, src: Sources
) -> Evidence:
    """The evidence for one subject from the cycle's data."""
    volume_by_type: dict[str, float | None] = {}
    if subject.crime_types:
        windows = police_windows(src.police, src.arrived, subject.crime_types, years)
        for t in subject.crime_types:
            w = police_windows(src.police, src.arrived, (t,), years[2:])[0]
            volume_by_type[t] = None if w is None else float(sum(w))
        trend = trend_test(windows, years, alpha, _recording_in(subject.crime_types, years, src))
    elif subject.measure is not None:
        windows = partner_windows(src.partner, *subject.measure, years)
        volume_by_type[subject.measure[1]] = None if windows[2] is None else float(sum(windows[2]))
        trend = trend_test(windows, years, alpha)
        if all(w is None for w in windows):
            trend = Trend(years, (None, None, None), "no data was received", why_code="no data")
    else:
        trend = Trend(years, (None, None, None), subject.why_no_data, why_code="no measure")
    harm, why, statuses = _harm(subject, volume_by_type, src)
    peers = tuple(
        f"{src.indicator_names.get(i, i)}: {src.peers[i]}"
        for i in subject.indicators
        if i in src.peers
    )
    caveats = []
    for i in subject.indicators:
        v = src.verdicts.get(i)
        if v is not None and v.comparability in ("awaiting decision", "rebased", "excluded"):
            caveats.append(
                f"{src.indicator_names.get(i, i)}: a possible change in how "
                f"{', '.join(v.recording_types) or 'its crimes are'} recorded "
                f"({v.comparability})"
            )
    if subject.kind == "crime_type":
        for m in src.recording.get(subject.key, []):
            caveats.append(
                f"a possible change in how it is recorded from {month_name(pd.Period(m, 'M'))}"
            )
    return Evidence(subject, trend, trend.counts[2], harm, why, statuses, peers, tuple(caveats))


def total_harm(
    police: pd.DataFrame | None, arrived: set[str], year: MonthRange, weights: HarmWeights
) -> tuple[float | None, tuple[str, ...]]:
    """(All weighted harm of the police crime types in the year, the types left out for want
    of a weight); None when the year is incomplete."""
    if police is None or police.empty or any(m not in arrived for m in year.labels()):
        return None, ()
    rows = police[police["month"].astype(str).isin(year.labels())]
    per = rows.groupby("crime_type")["n"].sum()
    total, left_out = 0.0, []
    for t, n in per.items():
        w = weights.get(str(t))
        if w is None:
            left_out.append(str(t))
        else:
            total += w.weight * float(n)
    return total, tuple(sorted(left_out))
