"""The completeness table's judgements, each a rule of its own: whether a data request
arrived whole, and whether on time."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewkit.intake.completeness import arrival_status, timeliness_of

DUE, REVIEW = dt.date(2026, 10, 31), dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("has_files", "accepted", "missing", "status"),
    [
        (False, 0, True, "not received"),
        (True, 0, False, "unusable"),
        (True, 0, True, "unusable"),
        (True, 5, True, "partial"),
        (True, 5, False, "complete"),
    ],
)
def test_arrival_status(has_files, accepted, missing, status):
    assert arrival_status(has_files, accepted, missing) == status


@pytest.mark.parametrize(
    ("got", "has_files", "review_date", "timeliness"),
    [
        (dt.date(2026, 10, 31), True, REVIEW, "on time"),  # on the due date is on time
        (dt.date(2026, 11, 1), True, REVIEW, "late"),
        (None, True, REVIEW, "date unknown"),  # files there, arrival not dated
        (None, False, REVIEW, "overdue"),
        (None, False, dt.date(2026, 10, 31), "not yet due"),  # review on the due date
        (None, False, dt.date(2026, 10, 1), "not yet due"),
    ],
)
def test_timeliness(got, has_files, review_date, timeliness):
    assert timeliness_of(got, has_files, DUE, review_date) == timeliness
