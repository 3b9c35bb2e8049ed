"""Filter vocabulary, received dates and the one rule for rows after the review period."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.analysis.vocabulary import (
    OUTCOME_CATEGORIES,
    check_filters,
    did_you_mean,
    empty_filter_problems,
    filter_problems,
)
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.crime_types import CRIME_TYPES, LEGACY_TYPES
from reviewkit.inputs.register import Register, TableSource
from reviewkit.inputs.strategy import Filter, Strategy
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.partner import read_table_dataset
from reviewkit.intake.policeuk import read_police
from reviewkit.store.receipts import first_seen, load_receipts, received, record_dates

REGISTER = Register.model_validate(
    {
        "data_requests": [
            {
                "dataset": "police_street",
                "description": "Street crime",
                "provider": "Police",
                "gatherer": "a",
                "analyst": "a",
                "due": "2026-10-31",
                "source": {"kind": "police_uk_street", "path": "x"},
            },
            {
                "dataset": "stops",
                "description": "Stop and search",
                "provider": "Police",
                "gatherer": "a",
                "analyst": "a",
                "due": "2026-10-31",
                "source": {"kind": "police_uk_stop_search", "path": "x"},
            },
            {
                "dataset": "council_asb",
                "description": "ASB",
                "provider": "Council",
                "gatherer": "a",
                "analyst": "a",
                "due": "2026-10-31",
                "source": {
                    "kind": "table",
                    "path": "x",
                    "period_column": "Month",
                    "measures": {"ASB reports": "asb_reports", "Noise": "noise_complaints"},
                },
            },
        ]
    }
)


def strategy(*indicators: dict) -> Strategy:
    inds = [
        {"id": f"i{k}", "priority": "p", "name": f"I{k}", "better": "lower", **i}
        for k, i in enumerate(indicators)
    ]
    return Strategy.model_validate(
        {"partnership": "P", "priorities": [{"id": "p", "name": "P"}], "indicators": inds}
    )


# Case 2: a misspelt crime type is an error with a suggestion, never "0 against 0".
@pytest.mark.parametrize(
    "flt,expected",
    [
        (
            {"crime_types": ["Burglery"]},
            "'Burglery' is not a data.police.uk crime type. Did you mean 'Burglary'?",
        ),
        ({"crime_types": ["burglary"]}, "Did you mean 'Burglary' (names are matched exactly)?"),
        (
            {"crime_types": {"all_except": ["Anti-social behavior"]}},
            "Did you mean 'Anti-social behaviour'?",
        ),
        ({}, "an indicator over police data states its crime types"),
        ({"crime_types": ["Burglary"], "measure": "x"}, "police data has no measures"),
    ],
)
def test_police_filter_values_are_checked(flt, expected):
    problems = filter_problems(strategy({"dataset": "police_street", "filter": flt}), REGISTER)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("key 'indicators.0.filter") for p in problems)


def test_outcome_categories_are_checked_and_data_values_accepted():
    s = strategy(
        {
            "dataset": "police_street",
            "filter": {"crime_types": ["Burglary"]},
            "measure": "proportion",
            "numerator": {"outcome_categories": ["Awaiting court outcom"]},
        }
    )
    problems = filter_problems(s, REGISTER)
    assert problems == [
        "key 'indicators.0.numerator.outcome_categories': 'Awaiting court "
        "outcom' is not a data.police.uk outcome category. Did you mean "
        "'Awaiting court outcome'?"
    ]
    # a category the list does not know but the data holds is accepted
    assert filter_problems(s, REGISTER, seen_outcomes=["Awaiting court outcom"]) == []


def test_partner_measures_come_from_the_register():
    problems = filter_problems(
        strategy(
            {"dataset": "council_asb", "filter": {"measure": "asb_report"}},
            {"dataset": "council_asb"},
            {
                "dataset": "council_asb",
                "filter": {"crime_types": ["Burglary"], "measure": "asb_reports"},
            },
        ),
        REGISTER,
    )
    assert problems[0] == (
        "key 'indicators.0.filter.measure': 'asb_report' is not a measure "
        "of this dataset (known: asb_reports, noise_complaints). Did you "
        "mean 'asb_reports'?"
    )
    assert "measures are never added together" in problems[1]  # no measure: not a sum of all
    assert "a partner dataset has no crime types" in problems[2]


def test_filters_that_do_not_apply_to_the_police_kind_are_errors():
    problems = filter_problems(
        strategy({"dataset": "stops", "filter": {"crime_types": ["Burglary"]}}), REGISTER
    )
    assert problems == [
        "key 'indicators.0.filter.crime_types': police_uk_stop_search files "
        "have no crime types; count them from a police_uk_street dataset"
    ]


def test_check_filters_names_the_strategy_file():
    with pytest.raises(ReviewError, match=r"^strategy.yaml: key 'indicators.0.filter"):
        check_filters(
            strategy({"dataset": "police_street", "filter": {"crime_types": ["Burglery"]}}),
            REGISTER,
            "strategy.yaml",
        )


def test_all_crime_excluding_asb_without_listing_thirteen_types():
    f = Filter.model_validate({"crime_types": {"all_except": ["Anti-social behaviour"]}})
    assert set(f.crime_type_set()) == (set(CRIME_TYPES) | set(LEGACY_TYPES)) - {
        "Anti-social behaviour"
    }
    assert len(set(f.crime_type_set()) & set(CRIME_TYPES)) == 13
    assert set(Filter.model_validate({"crime_types": "all"}).crime_type_set()) == set(
        CRIME_TYPES
    ) | set(LEGACY_TYPES)
    # an older name counts as today's (intake maps it the same way)
    assert Filter(crime_types=["Violent crime"]).crime_type_set() == [
        "Violence and sexual offences"
    ]


@given(st.sampled_from([*CRIME_TYPES, *OUTCOME_CATEGORIES]), st.integers(0, 30))
@settings(max_examples=60, deadline=None)
def test_one_typo_always_suggests_the_right_name(name, where):
    """Dropping one letter from a known name suggests that name back."""
    i = where % len(name)
    typo = name[:i] + name[i + 1 :]
    known = [*CRIME_TYPES, *OUTCOME_CATEGORIES]
    if typo in known or len(name) < 6:
        return
    assert f"'{name}'" in did_you_mean(typo, known)


def test_a_filter_matching_nothing_in_data_with_rows_is_an_error():
    tidy = {
        "police_street": pd.DataFrame(
            {
                "month": ["2025-10", "2025-11"],
                "lsoa_code": "E1",
                "local_authority": "B",
                "crime_type": ["Burglary", "Robbery"],
                "outcome_category": ["Under investigation", ""],
                "n": [633, 4],
            }
        )
    }
    s = strategy(
        {"dataset": "police_street", "filter": {"crime_types": ["Drugs"]}},
        {
            "dataset": "police_street",
            "filter": {"crime_types": ["Burglary"]},
            "measure": "proportion",
            "numerator": {"outcome_categories": ["Awaiting court outcome"]},
        },
        {"dataset": "police_street", "filter": {"crime_types": ["Robbery"]}},
    )
    problems = empty_filter_problems(s, tidy)
    assert len(problems) == 2
    assert problems[0].startswith(
        "key 'indicators.0.filter' (i0): matches none of the 637 police_street rows in any month"
    )
    assert "Values in the data: Burglary; Robbery" in problems[0]
    assert problems[1].startswith("key 'indicators.1.numerator' (i1): matches none of the 633")


# Case 3: received dates -----------------------------------------------------------------------
@pytest.fixture()
def receipts(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "receipts.csv"
    monkeypatch.setenv("REVIEWKIT_RECEIPTS", str(path))
    monkeypatch.setenv("REVIEWKIT_CACHE", "off")
    return path


def test_a_copied_file_keeps_its_first_seen_date_not_its_modification_time(tmp_path, receipts):
    a = tmp_path / "a.csv"
    a.write_text("Month,Reports\n2026-01,3\n")
    os.utime(a, (0, 0))  # a modification time in 1970 says nothing
    assert first_seen([a], today=dt.date(2026, 10, 20)) == {a: dt.date(2026, 10, 20)}
    copy = tmp_path / "copy" / "a.csv"
    copy.parent.mkdir()
    copy.write_bytes(a.read_bytes())  # copied later: a new modification time
    assert first_seen([copy], today=dt.date(2026, 11, 25)) == {copy: dt.date(2026, 10, 20)}
    b = tmp_path / "b.csv"
    b.write_text("Month,Reports\n2026-02,4\n")
    assert received(None, [a, b], today=dt.date(2026, 10, 29)) == (
        dt.date(2026, 10, 29),
        "receipt record",
    )
    with receipts.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["first_seen"] for r in rows] == ["2026-10-20", "2026-10-29"]


def test_the_register_overrides_and_is_kept_for_the_next_cycle(tmp_path, receipts):
    a = tmp_path / "a.csv"
    a.write_text("x\n")
    assert received(dt.date(2026, 10, 28), [a], today=dt.date(2026, 11, 25)) == (
        dt.date(2026, 10, 28),
        "register",
    )
    # next cycle: the register has no date, the same file keeps the register's
    assert received(None, [a], today=dt.date(2027, 11, 25)) == (
        dt.date(2026, 10, 28),
        "receipt record",
    )
    # new-cycle carrying an earlier date: the earliest date is kept
    assert record_dates([a], dt.date(2026, 10, 1), "register old.yaml") == 1
    assert record_dates([a], dt.date(2026, 10, 5), "register old.yaml") == 0
    assert list(load_receipts().values()) == [dt.date(2026, 10, 1)]


# Case 4: one rule for rows after the review period ---------------------------------------------
def test_partner_rows_after_the_review_period_are_counted_as_such(tmp_path):
    f = tmp_path / "asb.csv"
    f.write_text("Month,Reports\n2026-08,10\n2026-09,11\n2026-10,12\n2026-11,13\n2027-01,9\n")
    src = TableSource.model_validate(
        {
            "kind": "table",
            "path": "x",
            "period_column": "Month",
            "measures": {"Reports": "asb_reports"},
        }
    )
    res = read_table_dataset(
        "ds",
        src,
        [f],
        AreaMatcher(["Brackwell"]),
        dt.date(2026, 11, 20),
        review_end=pd.Period("2026-09", "M"),
    )
    t = res.totals()
    # 2026-10 and 2026-11: after the review period; 2027-01: after the review date (quarantined)
    assert (t["accepted"], t["after_review_period"], t["quarantined"]) == (2, 2, 1)
    assert list(res.tidy["period_start"]) == ["2026-08", "2026-09"]
    assert all(a.balanced for a in res.accounts)


def test_police_months_after_the_review_period_are_counted_as_such(real_police):
    files = sorted(real_police.glob("city-of-london/*/*-street.csv"))
    res = read_police(
        "police_street",
        "police_uk_street",
        files,
        AreaMatcher(["City of London"]),
        review_end="2024-12",
        review_date=dt.date(2025, 2, 15),
    )
    later = future = 0
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["Month"] > "2025-02":
                    future += 1
                elif row["Month"] > "2024-12":
                    later += 1
    t = res.totals()
    assert later > 0 and future > 0
    assert t["after_review_period"] == later
    assert t["quarantined"] == future
    assert res.tidy["month"].max() <= "2024-12"
    assert all(a.balanced for a in res.accounts)
    assert "month after the review date (2025-02-15); check the file" in set(
        res.quarantine["reason"]
    )


@pytest.mark.parametrize(
    "flt,numerator,expected",
    [
        ({"crime_types": ["Burglary"]}, None, "Counts the police.uk crime type Burglary."),
        (
            {"crime_types": {"all_except": ["Anti-social behaviour"]}},
            None,
            "Counts every police.uk crime type except Anti-social behaviour.",
        ),
        (
            {"crime_types": "all"},
            None,
            "Counts every police.uk crime type, anti-social behaviour included.",
        ),
        (
            {"crime_types": ["Burglary", "Robbery"]},
            {"outcome_categories": ["Suspect charged"]},
            "Counts the police.uk crime types Burglary, Robbery. The share is of those whose last "
            "outcome is Suspect charged.",
        ),
    ],
)
def test_the_report_states_what_a_police_indicator_counts(flt, numerator, expected):
    from reviewkit.report.board import what_is_counted

    extra = {"measure": "proportion", "numerator": numerator} if numerator else {}
    s = strategy({"dataset": "police_street", "filter": flt, **extra})
    assert what_is_counted(s, "i0") == expected
    assert (
        what_is_counted(
            strategy({"dataset": "council_asb", "filter": {"measure": "asb_reports"}}), "i0"
        )
        == ""
    )
