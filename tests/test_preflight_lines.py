"""What `reviewkit check` prints for each data request and note, one function each."""

from __future__ import annotations

from conftest import cycle_params
from reviewkit.run.preflight import dataset_line, note_lines


def _row(**changes: object) -> dict[str, object]:
    row = {
        "dataset": "asb",
        "status": "complete",
        "timeliness": "on time",
        "due": "2026-10-31",
        "missing_periods": "",
        "received": "2026-10-20",
        "received_from": "register",
        "received_after_review_date": False,
        "files": 2,
        "accepted": 12345,
        "quarantined": 3,
        "after_review_period": 0,
    }
    return {**row, **changes}


TAIL = "; 2 file(s), 12,345 rows accepted, 3 quarantined, 0 after the review period"


def test_each_data_request_is_one_line_and_a_judgement():
    params = cycle_params()
    assert dataset_line(_row(), params) == (
        True,
        "ok      asb: complete; received 2026-10-20 (from the register)" + TAIL,
    )
    good, line = dataset_line(
        _row(status="partial", missing_periods="2026-03", timeliness="late"), params
    )
    assert not good
    assert line.startswith("WARN    asb: partial (late, due 2026-10-31); missing 2026-03;")
    good, line = dataset_line(_row(status="not received", received=""), params)
    assert not good and line == "MISSING asb: not received" + TAIL
    # complete, but when it arrived is not known: not good, and said
    good, line = dataset_line(_row(timeliness="date unknown"), params)
    assert not good and line.startswith("WARN    asb: complete (date unknown, due 2026-10-31)")
    # complete, but received after the review date: a warning naming the date
    good, line = dataset_line(_row(received_after_review_date=True), params)
    assert not good and line.startswith("WARN    asb: complete; received 2026-10-20")
    assert f"is AFTER the review date {params.review_date}" in line


def test_notes_then_the_receipt_records_problems_not_already_said():
    notes = {"asb": ["receipts.csv row 3: no date", "two files for 2026-03"]}
    receipts = ["receipts.csv row 3: no date", "receipts.csv row 9: no file"]
    assert note_lines(notes, receipts) == [
        "note    asb: receipts.csv row 3: no date",
        "note    asb: two files for 2026-03",
        "note    receipt record: receipts.csv row 9: no file",
    ]
    assert note_lines({}, []) == []
