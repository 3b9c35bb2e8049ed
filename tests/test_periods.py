import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewkit.base.periods import (
    MonthRange,
    financial_year_start,
    parse_month,
    parse_period,
    period_label,
)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01",
        "2026/01",
        "01/2026",
        "1/2026",
        "Jan-26",
        "Jan 2026",
        "January 2026",
        "jan-2026",
        "2026-01-01",
        "2026-01-31",
        "15/01/2026",
        "46023",
        46023,
        46023.0,
        dt.date(2026, 1, 9),
        dt.datetime(2026, 1, 1, 12),
    ],
)
def test_months_as_partners_write_them(text):
    assert parse_month(text) == pd.Period("2026-01", "M")


def test_excel_serial_matches_excel():
    # Excel shows serial 45658 as 1 January 2025 (its day 1 is 1 Jan 1900, with the 1900 bug).
    assert parse_month(45658) == pd.Period("2025-01", "M")


@pytest.mark.parametrize(
    "bad", ["", None, "2026-13", "31/02/2026", "next month", "123", "Foo-26", 12.5, float("nan")]
)
def test_bad_months_say_why(bad):
    with pytest.raises(ValueError) as err:
        parse_month(bad)
    assert str(err.value)


@pytest.mark.parametrize(
    "text,start",
    [
        ("2025/26 Q1", "2025-04"),
        ("2025/26 Q4", "2026-01"),
        ("2025-26 Q3", "2025-10"),
        ("2026 Q1", "2026-01"),
        ("Q3 2025", "2025-07"),
        ("Apr-Jun 2025", "2025-04"),
        ("2025-05", "2025-04"),
    ],
)
def test_quarters(text, start):
    assert parse_period(text, "quarter") == pd.Period(start, "M")


@pytest.mark.parametrize(
    "text,start",
    [
        ("2025/26", "2025-04"),
        ("2025-26", "2025-04"),
        ("FY2025/26", "2025-04"),
        ("2026-02", "2025-04"),
        ("2025-04", "2025-04"),
        ("2025-03", "2024-04"),
    ],
)
def test_financial_years_run_april_to_march(text, start):
    assert parse_period(text, "financial_year") == pd.Period(start, "M")


def test_financial_year_label_must_be_consecutive():
    for bad in ("2025/27", "FY2025/27", "20xx/26"):
        with pytest.raises(ValueError, match="financial year"):
            parse_period(bad, "financial_year")


def test_labels():
    assert period_label(pd.Period("2026-01", "M"), "quarter") == "Jan-Mar 2026"
    assert period_label(pd.Period("2025-04", "M"), "financial_year") == "2025/26"
    assert MonthRange.of("2025-10", "2026-09").describe() == "October 2025 to September 2026"
    assert MonthRange.of("2025-10", "2026-09").n_months == 12


@given(st.integers(2000, 2090), st.integers(1, 12))
def test_month_round_trips_in_every_written_form(year, month):
    p = pd.Period(year=year, month=month, freq="M")
    for text in (
        f"{year}-{month:02d}",
        f"{month:02d}/{year}",
        p.strftime("%b-%y"),
        p.strftime("%B %Y"),
        f"{year}-{month:02d}-15",
    ):
        assert parse_month(text) == p
    fy = financial_year_start(p)
    assert fy.month == 4 and 0 <= (p - fy).n < 12
