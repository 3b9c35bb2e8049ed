"""Initiatives' output measures against their plan: the counting rule on hand-worked cases,
missing returns never read as nothing delivered, validation, and the board's table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.analysis.initiatives import assess_initiative
from reviewkit.analysis.outputs import (
    OutputResult,
    assess_output,
    outputs_table,
)
from reviewkit.analysis.vocabulary import output_problems
from reviewkit.inputs.register import Register
from reviewkit.inputs.strategy import Initiative, Strategy
from reviewkit.report import html
from reviewkit.report import verdict_words as words

REVIEW_END = pd.Period("2026-09", "M")


def initiative(**output) -> Initiative:
    spec = {"name": "homes secured", "dataset": "delivery", "measure": "homes", "planned": 400}
    spec.update({"by": "2027-03-31"}, **output)
    return Initiative.model_validate(
        {
            "id": "hard",
            "name": "Target hardening",
            "priority": "p",
            "lead_agency": "Council",
            "start": "2025-04-01",
            "end": "2027-03-31",
            "outputs": [spec],
        }
    )


def monthly(values: dict[str, float], measure: str = "homes") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": "delivery",
            "measure": measure,
            "period_type": "month",
            "period_start": list(values),
            "period": list(values),
            "area": "Brackwell",
            "value": list(values.values()),
        }
    )


def months(first: str, last: str, value: float) -> dict[str, float]:
    return {str(m): value for m in pd.period_range(first, last, freq="M")}


def assess(ini: Initiative, rows: pd.DataFrame) -> OutputResult:
    return assess_output(ini.outputs[0], ini, rows, REVIEW_END)


def test_behind_plan_worked_by_hand():
    # April 2025 to March 2027 is 24 months: 400 / 24 a month. April 2025 to September 2026
    # is 18 of them: 400 * 18 / 24 = 300 expected by now. 18 months of 10 = 180 < 0.9 * 300.
    r = assess(initiative(), monthly(months("2025-04", "2026-09", 10)))
    assert (r.delivered, r.expected_by_now, r.status) == (180, 300, "behind plan")
    assert (r.counted_from, r.counted_to) == ("2025-04", "2026-09")


def test_on_plan_at_ninety_per_cent_and_behind_just_below():
    # 270 is exactly 90% of 300
    at = months("2025-04", "2026-09", 15)
    assert assess(initiative(), monthly(at)).status == "on plan"
    at["2026-09"] = 14  # 269
    assert assess(initiative(), monthly(at)).status == "behind plan"


def test_months_before_the_start_and_after_the_span_are_not_counted():
    rows = monthly({**months("2024-10", "2025-03", 99), **months("2025-04", "2026-12", 20)})
    r = assess(initiative(), rows)
    assert r.delivered == 18 * 20  # only April 2025 to September 2026


def test_a_plan_due_before_the_review_ends_is_judged_on_the_whole_plan():
    ini = initiative(by="2026-03-31", planned=120)  # 12 months, all of them past
    r = assess(ini, monthly(months("2025-04", "2026-09", 9)))
    assert (r.counted_to, r.expected_by_now, r.delivered, r.status) == (
        "2026-03",
        120,
        108,
        "on plan",
    )
    r = assess(ini, monthly(months("2025-04", "2026-09", 10)))
    assert r.status == "delivered"


def test_a_missing_month_is_never_read_as_nothing_delivered():
    rows = months("2025-04", "2026-09", 20)
    del rows["2026-02"]
    r = assess(initiative(), monthly(rows))
    assert r.status == "cannot tell" and r.missing_periods == ("2026-02",)
    text = words.output_words(r)
    assert "returns are missing for February 2026" in text and "whether it is on plan" in text
    assert "behind" not in text


def test_what_did_arrive_may_already_meet_the_plan():
    rows = months("2025-04", "2026-09", 30)
    del rows["2026-02"]
    r = assess(initiative(), monthly(rows))  # 17 * 30 = 510 >= 400
    assert r.status == "delivered" and r.missing_periods == ("2026-02",)


def test_no_returns_at_all_and_not_started():
    r = assess(initiative(), monthly({}, measure="other"))
    assert r.status == "cannot tell" and r.delivered is None
    assert "No returns yet" in words.output_words(r)
    late = initiative(start="2026-11-01", by="2027-03-31")
    r = assess(late, monthly(months("2025-04", "2026-09", 5)))
    assert r.status == "not started" and r.delivered is None and r.expected_by_now is None


def test_quarterly_returns_count_whole_quarters_only():
    ini = initiative(start="2025-05-01", by="2026-04-30", planned=40)  # 12 months
    q = pd.DataFrame(
        {
            "dataset": "delivery",
            "measure": "homes",
            "period_type": "quarter",
            "period_start": ["2025-04", "2025-07", "2025-10", "2026-01", "2026-04"],
            "period": ["Apr-Jun 2025", "Jul-Sep 2025", "Oct-Dec 2025", "Jan-Mar 2026", "x"],
            "area": "A",
            "value": [100.0, 10.0, 10.0, 10.0, 100.0],
        }
    )
    r = assess(ini, q)
    # May 2025 to April 2026: only July-September, October-December and January-March lie
    # wholly inside; April-June 2025 began before and April-June 2026 ends after
    assert (r.delivered, r.status) == (30, "behind plan")
    assert r.expected_by_now == 40


def test_areas_are_summed():
    rows = pd.concat([monthly(months("2025-04", "2026-09", 10))] * 2)
    assert assess(initiative(), rows).delivered == 360


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(0, 40), min_size=18, max_size=18),
    gone=st.sets(st.integers(0, 17), min_size=1, max_size=5),
)
def test_any_gap_gives_cannot_tell_unless_the_plan_is_met(values, gone):
    keys = [str(m) for m in pd.period_range("2025-04", "2026-09", freq="M")]
    rows = {k: float(v) for i, (k, v) in enumerate(zip(keys, values, strict=True)) if i not in gone}
    r = assess(initiative(), monthly(rows))
    assert r.delivered == sum(rows.values())
    assert r.status == ("delivered" if r.delivered >= 400 else "cannot tell")
    assert len(r.missing_periods) == len(gone)


def test_the_table_reads_back_to_the_same_results():
    ini = initiative()
    rs = [
        assess(ini, monthly(months("2025-04", "2026-09", 10))),
        assess(ini, monthly({}, measure="none")),
    ]
    back = [OutputResult.from_row(r) for _, r in outputs_table(rs).iterrows()]
    assert back == rs


def test_behind_plan_is_a_reason_to_reassess():
    ini = initiative()
    out = [assess(ini, monthly(months("2025-04", "2026-09", 10)))]
    res = assess_initiative(ini, dt.date(2026, 11, 20), {}, outputs=out)
    assert res.reassess
    assert res.reasons == [
        "behind its plan: homes secured, 180 delivered against 300 expected by now "
        "(400 by Mar 2027)"
    ]
    fine = [assess(ini, monthly(months("2025-04", "2026-09", 20)))]
    assert not assess_initiative(ini, dt.date(2026, 11, 20), {}, outputs=fine).reassess


def test_validation_names_the_key():
    with pytest.raises(ValueError, match=r"outputs.0.by 2025-01-31 is before"):
        initiative(by="2025-01-31")
    with pytest.raises(ValueError, match="greater than 0"):
        initiative(planned=0)


def test_an_output_must_name_a_partner_measure_the_register_reads():
    register = Register.model_validate(
        {
            "data_requests": [
                {
                    "dataset": "delivery",
                    "description": "Delivery returns",
                    "provider": "Council",
                    "gatherer": "Officer",
                    "analyst": "Analyst",
                    "due": "2026-10-31",
                    "frequency": "monthly",
                    "source": {
                        "kind": "table",
                        "path": "x/*.csv",
                        "period_column": "Month",
                        "measures": {"Homes secured": "homes"},
                    },
                },
                {
                    "dataset": "street",
                    "description": "Police",
                    "provider": "Police",
                    "gatherer": "Analyst",
                    "analyst": "Analyst",
                    "due": "2026-10-31",
                    "frequency": "monthly",
                    "source": {"kind": "police_uk_street", "path": "p"},
                },
            ]
        }
    )
    strategy = Strategy.model_validate(
        {
            "partnership": "P",
            "priorities": [{"id": "p", "name": "P"}],
            "indicators": [
                {"id": "a", "priority": "p", "name": "A", "dataset": "street", "better": "lower"}
            ],
            "initiatives": [
                initiative(measure="homes").model_dump(),
                {**initiative(measure="visits").model_dump(), "id": "two"},
                {**initiative(dataset="street").model_dump(), "id": "three"},
            ],
        }
    )
    problems = output_problems(strategy, register)
    assert len(problems) == 2
    assert "initiatives.1.outputs.0.measure': 'visits' is not a measure of delivery" in problems[0]
    assert "known: homes" in problems[0]
    assert "'street' is police data" in problems[1]


def test_the_board_table_says_each_reading_in_words_and_escapes_names():
    r = assess(initiative(name="<b>homes</b>"), monthly(months("2025-04", "2026-09", 10)))
    cell = html.table(["o"], [[r.output]], "c", row_header=False)
    assert "<b>" not in cell
    assert words.output_badge(r) == ("bad", "▼", "Behind plan")
    assert words.output_words(r) == (
        "180 delivered from April 2025 to September 2026 against 300 expected by then "
        "(400 planned by March 2027): behind plan."
    )


def test_delivery_cell_reads_each_standing():
    ini = initiative()
    behind = assess(ini, monthly(months("2025-04", "2026-09", 10)))
    gap = months("2025-04", "2026-09", 10)
    del gap["2025-12"]
    unsure = assess(ini, monthly(gap))
    done = assess(ini, monthly(months("2025-04", "2026-09", 30)))
    from reviewkit.report.board import delivery_cell

    assert delivery_cell([]) == "–"
    assert delivery_cell([behind]) == (
        "Homes secured: 180 against 300 expected by now (400 by Mar 2027): behind plan."
    )
    assert delivery_cell([done]) == "Homes secured: 540, the 400 planned: delivered."
    assert "returns are missing for December 2025" in delivery_cell([unsure])


@pytest.mark.e2e
def test_the_demo_board_shows_what_each_initiative_delivered(cycle_run):
    """Delivered so far, recomputed from the demo's raw returns file, reaches the board."""
    raw = pd.read_csv(
        cycle_run["data"] / "brackwell" / "delivery" / "initiative_delivery_returns.csv"
    )
    raw["month"] = pd.PeriodIndex(pd.to_datetime(raw["Month"], format="%b %Y"), freq="M")
    inside = raw[raw["month"].between(pd.Period("2025-04", "M"), pd.Period("2026-09", "M"))]
    homes = int(inside["Homes secured"].sum())
    table = pd.read_csv(cycle_run["cycle"] / "tables" / "initiative_outputs.csv")
    row = table[table["measure"] == "homes_secured"].iloc[0]
    assert row["delivered"] == homes and row["expected_by_now"] == 300
    status = "behind plan" if homes < 270 else ("on plan" if homes < 400 else "delivered")
    assert row["status"] == status
    page = (cycle_run["cycle"] / "review_report.html").read_text(encoding="utf-8")
    assert "Delivered against plan" in page
    assert f"Homes given better locks and lighting: {homes:,} against 300 expected by now" in page
    assert set(table["initiative"]) == {
        "asb_taskforce",
        "fire_education",
        "target_hardening",
        "youth_diversion",
    }
    community = (cycle_run["cycle"] / "community_update.html").read_text(encoding="utf-8")
    assert f"So far: {homes:,} homes given better locks and lighting (400 planned by" in community
    from openpyxl import load_workbook

    book = load_workbook(cycle_run["cycle"] / "review_tables.xlsx", read_only=True)
    assert "Initiative outputs" in book.sheetnames


def test_residents_hear_a_count_so_far_never_a_gap_as_none():
    ini = initiative()
    behind = assess(ini, monthly(months("2025-04", "2026-09", 10)))
    assert words.delivered_words(behind) == (
        "So far: 180 homes secured (400 planned by March 2027)."
    )
    gap = months("2025-04", "2026-09", 10)
    del gap["2025-12"]
    assert words.delivered_words(assess(ini, monthly(gap))) == ""
    assert words.delivered_words(assess(ini, monthly({}, measure="none"))) == ""


def test_output_measures_are_not_scanned_as_uncovered_harm():
    """What an initiative delivered counts work done: neither the scan of what the strategy
    does not cover nor the re-assessment's candidates list it."""
    from reviewkit.analysis.coverage import covered

    strategy = Strategy.model_validate(
        {
            "partnership": "P",
            "priorities": [{"id": "p", "name": "P"}],
            "indicators": [
                {"id": "a", "priority": "p", "name": "A", "dataset": "street", "better": "lower"}
            ],
            "initiatives": [initiative().model_dump()],
        }
    )
    _, partner = covered(strategy)
    assert partner["delivery"] == {"homes"}
