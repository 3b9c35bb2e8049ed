"""A month in the params and the strategy is read by one rule wherever it is written: the
review and baseline periods, a target's month, the SPC rebase months and a recording change's
month accept and refuse the same values, with the same words."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from reviewkit.inputs.blocks import Period, params_month
from reviewkit.inputs.settings import RecordingDecision, SpcOptions
from reviewkit.inputs.strategy import Target


def _readers():
    return {
        "period": lambda v: Period(start=v, end="9999-12").start,
        "target": lambda v: Target(value=1, by=v).by,
        "rebase": lambda v: SpcOptions(rebase=[v]).rebase[0],
        "recording": lambda v: (
            RecordingDecision(crime_type="Burglary", month=v, decision="real").month
        ),
    }


def _read(reader, value):
    try:
        return reader(value)
    except ValidationError as exc:
        return f"refused: {exc.errors()[0]['msg'].removeprefix('Value error, ')}"


CASES = {
    "2026-03": "2026-03",
    " 2026-03 ": "2026-03",
    dt.date(2026, 3, 5): "2026-03",
    "2026-3": "refused: '2026-3' is not a month; write it as YYYY-MM, e.g. 2026-03",
    "2026-13": "refused: '2026-13' is not a real month",
    "2026-00": "refused: '2026-00' is not a real month",
    "March 2026": "refused: 'March 2026' is not a month; write it as YYYY-MM, e.g. 2026-03",
}


@pytest.mark.parametrize("value", CASES, ids=str)
def test_every_month_key_reads_a_value_the_same_way(value):
    got = {name: _read(reader, value) for name, reader in _readers().items()}
    assert got == dict.fromkeys(got, CASES[value])


@given(st.text(max_size=12) | st.dates().map(lambda d: d))
def test_the_month_keys_never_disagree(value):
    got = {_read(reader, value) for reader in _readers().values()}
    assert len(got) == 1, got
    try:
        expected = params_month(value)
    except ValueError as exc:
        expected = f"refused: {exc}"
    assert got == {expected}
