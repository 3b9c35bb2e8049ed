"""Partner extracts in their messy real shapes, with exact accepted and quarantined rows."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest

from reviewkit.inputs.register import TableSource
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.partner import read_table_dataset

AREA = AreaMatcher(["Brackwell"])
REVIEW_DATE = dt.date(2026, 11, 20)


def src(**kw) -> TableSource:
    base = {
        "kind": "table",
        "path": "x",
        "period_column": "Month",
        "measures": {"Reports": "asb_reports"},
    }
    return TableSource.model_validate({**base, **kw})


def read(paths, source, area_values=None):
    return read_table_dataset("ds", source, paths, AREA, REVIEW_DATE, area_values)


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_utf8_bom_crlf_and_free_text_column(tmp_path):
    f = write(
        tmp_path / "asb.csv",
        "\ufeffMonth,Reports,Officer notes,Postcode\r\n"
        "Oct-25,10,called back,AB1 2CD\r\nNov-25,12,,\r\n",
        "utf-8",
    )
    res = read([f], src())
    assert res.totals() == {
        "rows_read": 2,
        "accepted": 2,
        "quarantined": 0,
        "out_of_area": 0,
        "unassigned": 0,
        "after_review_period": 0,
    }
    assert list(res.tidy["period_start"]) == ["2025-10", "2025-11"]
    assert list(res.tidy["value"]) == [10.0, 12.0]
    assert res.dropped_columns == ["Officer notes", "Postcode"]
    assert "notes" not in " ".join(res.tidy.columns)


def test_windows_1252_quarterly_with_own_column_names(tmp_path):
    f = write(
        tmp_path / "ae.csv",
        "Qtr,Local Authority,Assault attendances (ED),Trust comment\n"
        "2025/26 Q3,Brackwell,41,Provisional – NHS © 2026\n"
        "2025/26 Q3,Dunmere,17,Provisional – NHS\n"
        "2025/26 Q4,Brackwell,38,£ note\n",
        "cp1252",
    )
    source = src(
        period_column="Qtr",
        period_type="quarter",
        area_column="Local Authority",
        measures={"Assault attendances (ED)": "assault_attendances"},
    )
    res = read([f], source)
    t = res.totals()
    assert (t["accepted"], t["out_of_area"], t["quarantined"]) == (2, 1, 0)
    assert list(res.tidy["period_start"]) == ["2025-10", "2026-01"]
    assert list(res.tidy["period"]) == ["Oct-Dec 2025", "Jan-Mar 2026"]
    assert "cp1252" in res.accounts[0].note
    assert res.dropped_columns == ["Trust comment"]


def test_utf16_text_is_read(tmp_path):
    f = write(tmp_path / "u16.csv", "Month\tReports\r\n2026-01\t5\r\n", "utf-16")
    res = read([f], src())
    assert res.totals()["accepted"] == 1 and res.tidy["value"].iloc[0] == 5


def test_financial_year_periods(tmp_path):
    f = write(tmp_path / "fy.csv", "Year,Reports\n2024/25,100\n2025-26,90\n")
    res = read([f], src(period_column="Year", period_type="financial_year"))
    assert list(res.tidy["period_start"]) == ["2024-04", "2025-04"]
    assert list(res.tidy["period"]) == ["2024/25", "2025/26"]


def test_xlsx_with_title_rows_merged_cells_notes_and_several_sheets(tmp_path):
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover.append(["Nothing to see here"])
    ws = wb.create_sheet("Deliberate fires")
    ws.append(["Northshire Fire and Rescue Service"])
    ws.merge_cells("A1:C1")
    ws.append(["Extracted 20/10/2026"])
    ws.append([])
    ws.append(["Month", "Local authority", "Secondary deliberate fires"])
    ws.append([dt.datetime(2026, 1, 1), "Brackwell", 7])
    ws.append([46054, "Brackwell", 9])  # an Excel serial date: 1 February 2026
    ws.append(["2026-03", "Dunmere", 4])
    ws.append(["2026-03", "Total", 20])
    ws.append([])
    ws.append(["Source: IRS"])
    f = tmp_path / "fires.xlsx"
    wb.save(f)
    source = src(
        sheet="Deliberate fires",
        area_column="Local authority",
        measures={"Secondary deliberate fires": "secondary_deliberate_fires"},
    )
    res = read([f], source)
    t = res.totals()
    assert (t["rows_read"], t["accepted"], t["out_of_area"], t["quarantined"]) == (5, 2, 1, 2)
    assert list(res.tidy["period_start"]) == ["2026-01", "2026-02"]
    reasons = sorted(res.quarantine["reason"])
    assert reasons[0].startswith("period: 'Source: IRS'")
    assert reasons[1].startswith("total row")
    assert list(res.quarantine["row"].dropna().astype(int)) == sorted(
        res.quarantine["row"].dropna().astype(int)
    )


def test_bad_values_are_quarantined_with_reasons(tmp_path):
    f = write(
        tmp_path / "bad.csv",
        "Month,Reports\n"
        "2026-01,10\n"  # ok
        "2026-02,ten\n"  # not a number
        "2026-03,-4\n"  # negative
        "2026-04,\n"  # missing
        "2027-01,5\n"  # after the review date
        "Jan-26,10\n"  # exact duplicate of row 2 (same month, same value)
        "banana,3\n"  # unreadable period
        '2026-05,"1,234"\n',
    )  # thousands separator is fine
    res = read([f], src())
    q = res.quarantine.sort_values("row")
    assert list(q["row"]) == [3, 4, 5, 6, 7, 8]
    assert list(q["reason"]) == [
        "value 'ten' in column 'Reports' is not a number",
        "negative count -4 in column 'Reports'",
        "value missing in column 'Reports'",
        "period 2027-01 is after the review date (2026-11-20); check the period column",
        "duplicate of row 2",
        "period: 'banana' is not a month this tool can read (use YYYY-MM, e.g. 2026-01)",
    ]
    assert list(res.tidy["value"]) == [10.0, 1234.0]
    assert res.accounts[0].balanced


def test_resent_overlapping_extract_replaces_earlier_periods(tmp_path):
    old = write(tmp_path / "asb_a.csv", "Month,Reports\n2026-01,10\n2026-02,11\n")
    new = write(tmp_path / "asb_b.csv", "Month,Reports\n2026-02,13\n2026-03,12\n")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    res = read([old, new], src())
    assert list(res.tidy["value"]) == [10.0, 13.0, 12.0]
    q = res.quarantine
    assert len(q) == 1 and q["reason"].iloc[0].startswith("superseded by re-sent file")
    assert any(n.startswith("Restated: asb_reports 2026-02") and "11 -> 13" in n for n in res.notes)
    a, b = res.accounts
    assert (a.accepted, a.quarantined, b.accepted) == (1, 1, 2)


def test_conflicting_rows_in_one_file(tmp_path):
    f = write(tmp_path / "c.csv", "Month,Reports\n2026-01,10\n2026-01,12\n")
    res = read([f], src())
    assert list(res.tidy["value"]) == [10.0]
    assert "conflicts with an earlier row" in res.quarantine["reason"].iloc[0]


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("Date,Count\n2026-01,3\n", "column(s) 'Month', 'Reports' not found"),
        ("Month;Reports\n2026-01;3\n", None),  # semicolons are detected
    ],
)
def test_wrong_columns_and_delimiters(tmp_path, content, fragment):
    f = write(tmp_path / "w.csv", content)
    res = read([f], src())
    if fragment is None:
        assert res.totals()["accepted"] == 1
    else:
        assert fragment in res.accounts[0].note
        assert res.accounts[0].quarantined == 1 and res.accounts[0].balanced
        assert res.problems[0].category == "incompatible format"


def test_binary_junk_with_a_csv_name(tmp_path):
    f = tmp_path / "junk.csv"
    f.write_bytes(bytes(range(256)) * 20)
    res = read([f], src())
    assert "not a text file" in res.accounts[0].note
    assert res.problems[0].category == "incompatible format"


def test_header_only_and_empty(tmp_path):
    h = write(tmp_path / "h.csv", "Month,Reports\n")
    e = write(tmp_path / "e.csv", "")
    res = read([h, e], src())
    assert [a.rows_read for a in res.accounts] == [0, 0]
    assert res.tidy.empty
    assert "not found" in res.accounts[1].note


def test_missing_sheet_names_the_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    f = tmp_path / "x.xlsx"
    wb.save(f)
    res = read([f], src(sheet="Fires"))
    assert "no sheet named 'Fires'" in res.accounts[0].note and "Data" in res.accounts[0].note


def test_review_error_messages_name_the_file(tmp_path):
    f = write(tmp_path / "w.csv", "Date,Count\n2026-01,3\n")
    res = read([f], src())
    assert "w.csv" in res.problems[0].description


# One row, one rule at a time ------------------------------------------------------------------
AREA_SOURCE = {"area_column": "Area", "measures": {"Reports": "asb_reports"}}
POS = {"Month": 0, "Area": 1, "Reports": 2}


def outcome(row, review_end=None, allowed=None, **source):
    import pandas as pd

    from reviewkit.intake.partner import TableRules, row_outcome

    rules = TableRules(
        src(**{**AREA_SOURCE, **source}),
        AREA,
        REVIEW_DATE,
        pd.Period(review_end, "M") if review_end else None,
        allowed=allowed or set(),
    )
    area_name = "" if row[1] is None else str(row[1]).strip()
    return row_outcome(row, POS, area_name, rules)


@pytest.mark.parametrize(
    ("row", "kind", "reason"),
    [
        (["Oct-25", "Brackwell", "10"], "accepted", ""),
        (["not a month", "Brackwell", "10"], "quarantined", "period: "),
        (
            ["Dec-26", "Brackwell", "10"],
            "quarantined",
            "period 2026-12 is after the review date (2026-11-20)",
        ),
        (["Oct-25", "Brackwell", ""], "quarantined", "value missing in column 'Reports'"),
        (["Oct-25", "Brackwell", "ten"], "quarantined", "value 'ten' in column 'Reports' is not"),
        (["Oct-25", "Brackwell", "-3"], "quarantined", ""),  # a count below zero
        (["Oct-25", "", "10"], "unassigned", ""),
        (["Oct-25", "Total", "10"], "quarantined", "total row"),
        (["Oct-25", "Dunmere", "10"], "out_of_area", ""),
    ],
)
def test_each_row_goes_where_its_first_failed_rule_sends_it(row, kind, reason):
    found = outcome(row)
    assert found.outcome == kind and found.reason.startswith(reason)
    assert (found.outcome == "quarantined") == bool(found.reason)
    if kind == "accepted":
        assert str(found.start) == "2025-10" and found.values == {"asb_reports": 10.0}


def test_a_row_after_the_review_period_is_counted_as_such_before_its_values_are_read():
    assert outcome(["Oct-26", "Brackwell", "ten"], review_end="2026-09").outcome == (
        "after_review_period"
    )
    assert outcome(["Sep-26", "Brackwell", "10"], review_end="2026-09").outcome == "accepted"


def test_given_area_values_decide_the_area_instead_of_the_local_authority_names():
    assert outcome(["Oct-25", "North ward", "10"], allowed={"north ward"}).outcome == "accepted"
    assert outcome(["Oct-25", "Brackwell", "10"], allowed={"north ward"}).outcome == ("out_of_area")


def test_read_table_file_accounts_for_every_row_of_one_file(tmp_path):
    from reviewkit.intake.partner import TableRules, read_table_file

    f = write(
        tmp_path / "asb.csv",
        "Month,Area,Reports\nOct-25,Brackwell,10\n\nOct-25,Dunmere,4\nOct-25,Brackwell,x\n",
    )
    read_ = read_table_file(f, "ds", TableRules(src(**AREA_SOURCE), AREA, REVIEW_DATE))
    acc = read_.account
    assert (acc.rows_read, acc.accepted, acc.out_of_area, acc.quarantined) == (3, 1, 1, 1)
    assert [r["_row"] for r in read_.records] == [2]  # line numbers: the header is line 1
    assert [q["row"] for q in read_.quarantine] == [5]  # the blank line still counts a line
    assert read_.problem is None


def test_read_table_file_quarantines_every_row_of_a_file_without_its_columns(tmp_path):
    from reviewkit.intake.partner import TableRules, read_table_file

    f = write(tmp_path / "asb.csv", "Period,Place,Count\nOct-25,Brackwell,10\nNov-25,B,3\n")
    read_ = read_table_file(f, "ds", TableRules(src(**AREA_SOURCE), AREA, REVIEW_DATE))
    assert (read_.account.rows_read, read_.account.quarantined) == (2, 2)
    assert read_.problem is not None and read_.problem.category == "incompatible format"
    assert f.name in read_.problem.description and read_.records == []
