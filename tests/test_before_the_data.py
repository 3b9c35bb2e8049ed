"""A review run before any of the review period's data has arrived (as after `new-cycle`) is
refused with what is missing and where: never a report of zeros."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from conftest import params_dict, params_yaml, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import CycleParams
from reviewkit.intake.step import IntakeResult, before_data, write_intake
from reviewkit.run.preflight import check_cycle


def _completeness(*present: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": [f"d{i}" for i in range(len(present))],
            "status": ["partial" if n else "not received" for n in present],
            "periods_present": list(present),
            "periods_expected": 12,
            "missing_periods": ["" for _ in present],
        }
    )


def test_refused_only_when_nothing_of_the_review_period_arrived():
    params = CycleParams.model_validate(params_dict())
    refusal = before_data(_completeness(0, 0), params)
    assert refusal.startswith("Nothing of the review period (October 2025 to September 2026)")
    assert "d0: 0 of 12 periods" in refusal and "never zeros" in refusal
    assert before_data(_completeness(0, 1), params) == ""  # something arrived: the review runs
    assert before_data(_completeness(), params) == ""


def test_the_intake_step_writes_nothing_for_a_review_of_no_data(tmp_path):
    result = IntakeResult.__new__(IntakeResult)
    result.refusal = "Nothing of the review period has arrived yet"
    with pytest.raises(ReviewError, match="Nothing of the review period"):
        write_intake(result, tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_check_after_new_cycle_says_nothing_has_arrived(tmp_path, demo_data):
    """The periods moved on a year, as `new-cycle` writes them, with last year's files still
    in place: `check` says why a run would be refused, naming each dataset."""
    p = write_params(
        tmp_path / "next.yaml",
        demo_data,
        review_period={"start": "2026-10", "end": "2027-09"},
        baseline_period={"start": "2024-10", "end": "2025-09"},
        review_date=dt.date(2027, 11, 20),
    )
    ok, lines = check_cycle(p)
    text = "\n".join(lines)
    assert not ok
    assert "error: Nothing of the review period (October 2026 to September 2027)" in text
    assert "police_street: 0 of 12 periods" in text
    # the datasets' own lines come first: last year's files, none of the new period
    assert "WARN    police_street: partial; missing 2026-10, 2026-11" in text


@pytest.mark.e2e
def test_a_run_after_new_cycle_before_the_extracts_is_refused(tmp_path, demo_data):
    """As a user would: `new-cycle`, then `run` with last year's files still in place. The
    run stops at the intake step with the message, and no cycle is published (no report of
    zeros); the failed run is kept to look at."""
    from conftest import NO_PDF, reviewkit

    first = write_params(tmp_path / "2025-26.yaml", demo_data, cycle="2025-26")
    outputs = tmp_path / "outputs"
    env = {"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    made = reviewkit("new-cycle", "2026-27", "--from", str(first), env=env)
    assert made.returncode == 0, made.stderr
    second = tmp_path / "2026-27.yaml"
    data = yaml.safe_load(second.read_text())
    # new-cycle links the previous cycle, which was never run here: drop the link
    assert data.pop("previous_cycle")
    assert data["review_period"] == {"start": "2026-10", "end": "2027-09"}
    second.write_text(params_yaml(data))
    res = reviewkit("run", str(second), "--quiet", env=env)
    assert res.returncode == 1
    assert "Nothing of the review period (October 2026 to September 2027) has arrived yet" in (
        res.stderr
    )
    assert "never zeros" in res.stderr and "Traceback" not in res.stderr
    group = outputs / "brackwell_community_safety_partnership"
    assert not (group / "2026-27").exists()
    assert not list(group.rglob("community_update.html"))
