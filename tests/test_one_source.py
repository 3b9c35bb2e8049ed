"""One source for each fact: each vocabulary is its `Literal` type, every table keyed by a
vocabulary covers all of it, and the periods a range needs are worked out by one function."""

from __future__ import annotations

from types import UnionType
from typing import Union, get_args, get_origin

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewkit.base.periods import PERIOD_MONTHS, PERIOD_TYPES, MonthRange, expected_periods
from reviewkit.inputs.params import CYCLE_MONTHS, Analysis, CycleParams
from reviewkit.inputs.register import POLICE_KINDS, POLICE_SUFFIX, PoliceSource, TableSource
from reviewkit.inputs.strategy import INITIATIVE_STATUSES, MEASURES, Indicator, StatusUpdate


def _field_values(model: type, name: str) -> set[str]:
    """The values a pydantic field accepts, read from its annotation (None left out)."""
    annotation = model.model_fields[name].annotation
    parts = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    return {value for part in parts for value in get_args(part)}


@pytest.mark.parametrize(
    ("model", "name", "vocabulary"),
    [
        (Indicator, "measure", MEASURES),
        (Indicator, "period", PERIOD_TYPES),
        (TableSource, "period_type", PERIOD_TYPES),
        (PoliceSource, "kind", POLICE_KINDS),
        (StatusUpdate, "status", INITIATIVE_STATUSES),
        (CycleParams, "cycle_length", tuple(CYCLE_MONTHS)),
    ],
)
def test_each_field_accepts_exactly_its_vocabulary(model, name, vocabulary):
    assert _field_values(model, name) == set(vocabulary)


def test_tables_keyed_by_a_vocabulary_cover_all_of_it():
    from reviewkit.analysis.indicators import UNIT
    from reviewkit.analysis.initiatives import ORDER
    from reviewkit.report.board import STATUS_BADGE
    from reviewkit.report.community import PLAIN_STATUS
    from reviewkit.report.indicator_chart import PERIOD_AXIS

    assert set(PERIOD_MONTHS) == set(PERIOD_AXIS) == set(PERIOD_TYPES)
    assert set(POLICE_SUFFIX) == set(POLICE_KINDS)
    assert set(UNIT) == set(MEASURES)
    assert set(ORDER) == set(STATUS_BADGE) == set(PLAIN_STATUS) == set(INITIATIVE_STATUSES)


def test_the_funnel_adjustment_is_the_params_vocabulary():
    from reviewkit.analysis.peers import Adjustment

    assert (
        set(get_args(Adjustment))
        == _field_values(Analysis, "funnel_adjustment")
        == {"additive", "multiplicative", "none"}
    )


def _range(start: str, end: str) -> MonthRange:
    return MonthRange(pd.Period(start, "M"), pd.Period(end, "M"))


@pytest.mark.parametrize(
    ("start", "end", "period_type", "expected"),
    [
        # a financial year (April to March) as review: four calendar quarters, one year, 12 months
        ("2025-04", "2026-03", "quarter", ["2025-04", "2025-07", "2025-10", "2026-01"]),
        ("2025-04", "2026-03", "financial_year", ["2025-04"]),
        # a calendar year holds no whole financial year, and its quarters start in Jan, Apr, ...
        ("2025-01", "2025-12", "financial_year", []),
        ("2025-02", "2025-12", "quarter", ["2025-04", "2025-07", "2025-10"]),
        ("2025-11", "2026-01", "month", ["2025-11", "2025-12", "2026-01"]),
    ],
)
def test_expected_periods_are_the_whole_periods_inside(start, end, period_type, expected):
    assert expected_periods(_range(start, end), period_type) == expected


@given(
    st.integers(2015, 2030), st.integers(1, 12), st.integers(0, 40), st.sampled_from(PERIOD_TYPES)
)
def test_expected_periods_tile_the_range_without_gaps(year, month, extra, period_type):
    start = pd.Period(f"{year}-{month:02d}", "M")
    rng = MonthRange(start, start + extra)
    length = PERIOD_MONTHS[period_type]
    starts = [pd.Period(s, "M") for s in expected_periods(rng, period_type)]
    covered = [s + k for s in starts for k in range(length)]
    assert all(rng.contains(m) for m in covered)  # wholly inside
    assert len(covered) == len(set(covered))  # no overlap
    assert all((b - a).n == length for a, b in zip(starts, starts[1:], strict=False))  # no gap
    # a whole period left out would have to start in a month not covered and fit inside
    assert len(covered) > rng.n_months - 2 * length
