"""The indicator engine: each indicator's series, its value for the review period against the
baseline, the same period last year and the previous 12 months, whether the change is real,
its SPC signal and its target status.

Every piece reads the cycle's inputs as one `IndicatorInputs`. The pieces live in modules of
their own: the result (`indicator_result`), the series (`series`), the comparisons
(`comparison`), targets (`targets`), recording changes (`recording`) and the SPC chart
(`control_chart`); the names other modules use are importable from here too."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from reviewkit.analysis.comparison import (
    Window,
    against_baseline,
    last_year_and_rolling,
    missing_data,
    no_whole_period,
    review_interval,
    window,
)
from reviewkit.analysis.control_chart import with_spc
from reviewkit.analysis.indicator_inputs import IndicatorInputs
from reviewkit.analysis.indicator_result import (
    UNIT,
    VERDICT_FIELDS,
    ForAnalyst,
    IndicatorResult,
    Why,
)
from reviewkit.analysis.recording import (
    Change,
    changes_affecting,
    comparability,
    decision_notes,
    not_comparable,
    recording_changes,
    recording_fields,
    without_excluded,
)
from reviewkit.analysis.series import (
    EMPTY_SERIES,
    indicator_series,
    police_counts,
    police_rows,
    series_gaps,
    to_periods,
)
from reviewkit.analysis.targets import target_fields, target_status, trajectory_by_period
from reviewkit.analysis.verdict import Comparability
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Indicator, Strategy

__all__ = [
    "EMPTY_SERIES",
    "UNIT",
    "VERDICT_FIELDS",
    "Change",
    "IndicatorInputs",
    "IndicatorResult",
    "Why",
    "compute_all",
    "compute_indicator",
    "indicator_series",
    "police_counts",
    "police_rows",
    "recording_changes",
    "series_gaps",
    "target_status",
    "to_periods",
    "trajectory_by_period",
]


def compute_all(
    strategy: Strategy, inputs: IndicatorInputs
) -> tuple[pd.DataFrame, dict[str, IndicatorResult], dict[str, pd.DataFrame]]:
    """Scorecard (one row per indicator), results by id, and series by id."""
    results: dict[str, IndicatorResult] = {}
    series: dict[str, pd.DataFrame] = {}
    for ind in strategy.indicators:
        results[ind.id], series[ind.id] = compute_indicator(ind, inputs)
    scorecard = pd.DataFrame([r.row() for r in results.values()])
    return scorecard, results, series


def compute_indicator(
    ind: Indicator, inputs: IndicatorInputs
) -> tuple[IndicatorResult, pd.DataFrame]:
    """One indicator's result and its series (with SPC columns)."""
    affecting = changes_affecting(ind, inputs.tidy, inputs.changes)
    excluded = [c for c in affecting if c.decision == "exclude"]
    pending = [c for c in affecting if c.decision in ("", "rebase")]
    ind = without_excluded(ind, inputs.tidy, excluded)
    res = _new_result(ind)
    res.notes.extend(decision_notes(excluded, affecting))
    if excluded and not ind.filter.crime_types:
        # Nothing left to count is missing, not zero: no value, change or target status.
        excluded_all = Why(
            "every type excluded",
            "every crime type it counts is excluded (recording change)",
            ind.dataset,
        )
        nothing = pd.DataFrame(columns=EMPTY_SERIES)
        return _not_assessable(res, excluded_all, "excluded", excluded), nothing
    series, why = indicator_series(ind, inputs)
    review = inputs.params.review
    baseline_rng = ind.baseline.range if ind.baseline else inputs.params.baseline
    why = why or no_whole_period(ind, review, baseline_rng)
    if why:
        return _not_assessable(res, why), series
    res, rev, base = _measured(res, series, ind, inputs, baseline_rng)
    res = replace(
        res, **target_fields(ind, base.value, rev.value, baseline_rng, review, res.assessable)
    )
    res = replace(res, **comparability(affecting, baseline_rng, review))
    if res.assessable:
        res = replace(res, **not_comparable(pending, baseline_rng, review))
    return _charted(res, series, ind, inputs, pending)


def _charted(
    res: IndicatorResult,
    series: pd.DataFrame,
    ind: Indicator,
    inputs: IndicatorInputs,
    pending: list[Change],
) -> tuple[IndicatorResult, pd.DataFrame]:
    """(result, series): the SPC chart's columns on the series, its fields and notes on the
    result (the analyst's apart), and the latest period's value."""
    series, fields, notes = with_spc(
        series, ind, inputs.params.analysis.spc, pending, res.target_value, res.target_status
    )
    res = replace(res, **fields)
    res.notes.extend(n for n in notes if not isinstance(n, ForAnalyst))
    res.analyst_notes.extend(n for n in notes if isinstance(n, ForAnalyst))
    if len(series):
        res.latest_period = str(series["period"].iloc[-1])
        res.latest_value = float(series["value"].iloc[-1])
    return res, series


def _measured(
    res: IndicatorResult,
    series: pd.DataFrame,
    ind: Indicator,
    inputs: IndicatorInputs,
    baseline_rng: MonthRange,
) -> tuple[IndicatorResult, Window, Window]:
    """(result, review window, baseline window): the review period's and the baseline's
    values and the review value's interval, then the comparisons when both are whole (not
    assessable, with why, when either lacks data or there is nothing to compare)."""
    params = inputs.params
    rev = window(series, params.review, ind, inputs.population)
    base = window(series, baseline_rng, ind, inputs.population)
    alpha = params.analysis.significance_level
    why = missing_data(rev, base, series, ind, baseline_rng)
    if rev.missing:
        rev = replace(rev, value=math.nan, num=math.nan)
        res.notes.append(f"review period incomplete: {', '.join(rev.missing)} not received")
    ci_low, ci_high = review_interval(rev, ind, alpha)
    res = replace(
        res,
        review_value=rev.value,
        review_count=rev.num,
        baseline_value=base.value,
        baseline_count=base.num,
        ci_low=ci_low,
        ci_high=ci_high,
    )
    if why:
        return _not_assessable(res, why), rev, base
    res.assessable = True
    fields, notes = against_baseline(rev, base, ind, params, baseline_rng)
    rolling = last_year_and_rolling(series, rev, ind, params.review, inputs.population, alpha)
    res = replace(res, **fields, **rolling)
    res.notes.extend(notes)
    if res.direction == "not assessable":  # e.g. a share of no events: 0 of 0
        detail = "no events in the periods compared (a share or rate of nothing)"
        res = _not_assessable(res, Why("nothing to compare", detail, ind.dataset))
    return res, rev, base


def _not_assessable(
    res: IndicatorResult,
    why: Why,
    comparability: Comparability = "comparable",
    changes: list[Change] | None = None,
) -> IndicatorResult:
    """The result of an indicator that cannot be assessed, with why (typed for the verdict,
    and in detail for the analyst)."""
    return replace(
        res,
        assessable=False,
        direction="not assessable",
        reason=f"not assessable: {why.detail}",
        why_not=why.code,
        why_dataset=why.dataset,
        missing=why.missing,
        comparability=comparability,
        **recording_fields(changes or []),
    )


def _new_result(ind: Indicator) -> IndicatorResult:
    """An indicator's result before anything is computed: not assessable, with its target
    (known even when the indicator cannot be assessed)."""
    res = IndicatorResult(
        id=ind.id,
        priority=ind.priority,
        name=ind.name,
        plain_name=ind.plain_name or ind.name.lower(),
        measure=ind.measure,
        unit=UNIT[ind.measure],
        period=ind.period,
        better=ind.better,
        dataset=ind.dataset,
        assessable=False,
    )
    if ind.target is not None:
        res.target_by = ind.target.by_month
        if ind.target.value is not None:
            res.target_value = ind.target.value
    return res
