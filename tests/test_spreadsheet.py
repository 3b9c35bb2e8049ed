"""Spreadsheet safety: no cell the package writes can run as a formula (OWASP CSV injection),
genuine numbers are unchanged, and text comes back as it was for the reports."""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewkit.store.spreadsheet import read_csv, safe_cell, unsafe_cell, write_csv
from reviewkit.store.tables import CycleStore

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","click")',
    "=cmd|' /C calc'!A0",
    "+SUM(A1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_neutralised(text):
    assert safe_cell(text) == "'" + text
    assert unsafe_cell(safe_cell(text)) == text


@pytest.mark.parametrize(
    "value", [-3, -3.5, 0, "-3", "+1.5", "-1,200", "-12%", "1e5", "Burglary", "", None]
)
def test_numbers_and_plain_text_are_unchanged(value):
    assert safe_cell(value) == value


def _first_chars_safe(path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        cells = [c for row in csv.reader(f) for c in row]
    return [
        c
        for c in cells
        if c[:1] in ("=", "+", "@", "\t", "\r", "\n")
        or (c[:1] == "-" and not c[1:].replace(".", "", 1).isdigit())
    ]


def test_tables_csv_and_the_workbook_hold_no_live_formula(tmp_path):
    from reviewkit.report.publish import build_workbook, cycle_tables
    from reviewkit.store.layout import CycleLayout

    frame = pd.DataFrame(
        {
            "partnership": HOSTILE,
            "rate": [-3.5, -1, 0, 2, -0.25, 1, 2, 3],
            HOSTILE[0]: ["a\x00b\x1f", "x", "y", "z", "", "", "", ""],
        }
    )
    CycleStore(tmp_path).write_table("benchmarking", frame)
    path = tmp_path / "tables" / "benchmarking.csv"
    assert _first_chars_safe(path) == []
    back = read_csv(path)
    assert list(back["partnership"]) == [h.replace("\r", "\n") for h in HOSTILE]
    assert list(back["rate"]) == list(frame["rate"])
    # the workbook reads the tables back and writes their text as text
    tables = cycle_tables(CycleLayout(tmp_path))
    (tmp_path / "t.xlsx").write_bytes(
        build_workbook(
            tables,
            pd.DataFrame(columns=["file", "table", "column", "label", "type", "meaning", "source"]),
            "t",
        )
    )
    for sheet in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        xml = zipfile.ZipFile(tmp_path / "t.xlsx").read(sheet).decode()
        assert "<f>" not in xml and "<f " not in xml  # no formula element anywhere
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Benchmarking"]
    assert [c.value for c in ws["A"][1:]] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" for c in ws["A"][1:])
    assert [c.value for c in ws["B"][1:]] == list(frame["rate"])  # numbers stay numbers
    assert ws["C2"].value == "ab"  # characters XML cannot hold are dropped, not fatal


@given(st.text(max_size=12))
def test_any_text_round_trips_and_never_starts_a_formula(text):
    out = safe_cell(text)
    assert unsafe_cell(out) == text
    if out[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        assert out == text and text.lstrip("+-")[:1].isdigit() or text.lstrip("+-")[:1] == "."


def test_write_csv_covers_quarantine_and_logs(tmp_path):
    log = pd.DataFrame({"id": ["D001"], "description": ["=1+1"], "owner": ["@me"]})
    write_csv(log, tmp_path / "log.csv")
    text = (tmp_path / "log.csv").read_text()
    assert "'=1+1" in text and "'@me" in text
