"""data.police.uk readers: the real City of London and Gwent files, and messy shapes."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from reviewkit.area import AreaMatcher
from reviewkit.policeuk import read_police

STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                 "LSOA code,LSOA name,Crime type,Last outcome category,Context")


def _expected_street(files: list[Path], authority: str):
    """Independent count with the csv module: in area, out of area, unassigned, by type+month."""
    inside, out, unassigned = Counter(), 0, 0
    by_type_month: Counter = Counter()
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not row["LSOA code"].strip():
                    unassigned += 1
                elif row["LSOA name"].startswith(authority + " "):
                    inside[row["Crime type"]] += 1
                    by_type_month[(row["Crime type"], row["Month"])] += 1
                else:
                    out += 1
    return inside, out, unassigned, by_type_month


def test_city_of_london_street_counts(real_police):
    files = sorted(real_police.glob("city-of-london/*/*-street.csv"))
    assert len(files) == 25
    res = read_police("police_street", "police_uk_street", files,
                      AreaMatcher(["City of London"]))
    inside, out, unassigned, by_type_month = _expected_street(files, "City of London")
    totals = res.totals()
    assert totals["rows_read"] == 19950  # SOURCES.md
    assert totals["unassigned"] == unassigned == 1803  # SOURCES.md: rows with no location
    assert totals["out_of_area"] == out
    assert totals["accepted"] == sum(inside.values())
    assert totals["quarantined"] == 0
    got = res.tidy.groupby(["crime_type", "month"])["n"].sum().to_dict()
    assert got == dict(by_type_month)
    assert all(a.balanced for a in res.accounts)
    # no crime IDs, coordinates or free text leave intake
    assert set(res.tidy.columns) == {"month", "lsoa_code", "local_authority", "crime_type",
                                     "outcome_category", "n"}


def test_neighbouring_borough_from_the_same_force_file(real_police):
    files = sorted(real_police.glob("city-of-london/*/*-street.csv"))
    res = read_police("police_street", "police_uk_street", files, AreaMatcher(["Camden"]))
    inside, _out, _un, _ = _expected_street(files, "Camden")
    assert res.totals()["accepted"] == sum(inside.values()) > 0


def test_gwent_outcomes_for_newport(real_police):
    files = sorted(real_police.glob("gwent/*/*-outcomes.csv"))
    res = read_police("police_outcomes", "police_uk_outcomes", files, AreaMatcher(["Newport"]))
    rows = inside = no_loc = 0
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows += 1
                if not row["LSOA code"]:
                    no_loc += 1
                    assert row["Location"] == "No location"
                elif row["LSOA name"].startswith("Newport "):
                    inside += 1
    t = res.totals()
    assert t["rows_read"] == rows == 6337 + 3863 + 4770 + 4878 + 4455 + 4397
    assert t["unassigned"] == no_loc
    assert t["accepted"] == inside
    assert t["quarantined"] == 0
    assert t["out_of_area"] == rows - inside - no_loc


def test_stop_and_search_is_counted_force_wide(real_police):
    files = sorted(real_police.glob("city-of-london/*/*-stop-and-search.csv"))
    res = read_police("police_stop_search", "police_uk_stop_search", files,
                      AreaMatcher(["City of London"]))
    rows = no_coords = 0
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows += 1
                no_coords += not row["Latitude"]
    t = res.totals()
    assert t["rows_read"] == rows == 1330
    assert t["unassigned"] == no_coords
    assert t["accepted"] == rows - no_coords
    assert "gender" not in " ".join(res.tidy.columns).lower()  # personal columns never read


# Synthetic messy shapes --------------------------------------------------------------------------
def _row(cid, month, code, name, ctype, outcome=""):
    return f"{cid},{month},Force,Force,-1.0,52.0,On or near Street,{code},{name},{ctype},{outcome},"


def _write(path: Path, rows: list[str], newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join([STREET_HEADER, *rows]) + newline).encode())
    return path


def test_messy_street_files(tmp_path):
    area = AreaMatcher(["Brackwell"])
    jan = _write(tmp_path / "2026-01" / "2026-01-northshire-street.csv", [
        _row("a1", "2026-01", "E01", "Brackwell 001A", "Burglary", "Under investigation"),
        _row("", "2026-01", "E01", "Brackwell 001A", "Anti-social behaviour"),
        _row("a2", "2026-01", "", "", "Robbery", "Under investigation").replace(
            "On or near Street", "No Location"),
        _row("a3", "2026-01", "E09", "Dunmere 001A", "Drugs", "Local resolution"),
        _row("a4", "2026-01", "E02", "The Brackwell 002B", "Violent crime", "x"),
        _row("a5", "2026-01", "E01", "Brackwell 001A", "Alien abduction", "x"),
    ], newline="\r\n")
    feb_old = _write(tmp_path / "old" / "2026-02" / "2026-02-northshire-street.csv",
                     [_row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs")])
    os.utime(feb_old, (1_700_000_000, 1_700_000_000))  # downloaded earlier
    feb_new = _write(tmp_path / "new" / "2026-02" / "2026-02-northshire-street.csv",
                     [_row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs"),
                      _row("b2", "2026-02", "E02", "Brackwell 002B", "Drugs")])
    res = read_police("police_street", "police_uk_street", [jan, feb_new, feb_old], area)
    j = next(a for a in res.accounts if "2026-01" in a.file)
    assert (j.rows_read, j.accepted, j.quarantined, j.out_of_area, j.unassigned) == (6, 3, 1, 1, 1)
    # February sent twice: the newer download is used, the older one's rows are quarantined
    old_acc = next(a for a in res.accounts if "/old/" in a.file)
    new_acc = next(a for a in res.accounts if "/new/" in a.file)
    assert (old_acc.quarantined, old_acc.accepted) == (1, 0) and "superseded" in old_acc.note
    assert (new_acc.accepted, new_acc.quarantined) == (2, 0)
    assert sorted(set(res.quarantine["reason"])) == [
        f"superseded by re-sent file {new_acc.file}", "unknown crime type 'Alien abduction'"]
    # "Violent crime" is today's "Violence and sexual offences"; "The Brackwell" is Brackwell
    assert "Violence and sexual offences" in set(res.tidy["crime_type"])
    assert any(p.category == "quality" and "Alien abduction" in p.description
               for p in res.problems)
    assert all(a.balanced for a in res.accounts)


def test_resent_month_keeps_the_later_file(tmp_path):
    area = AreaMatcher(["Brackwell"])
    first = _write(tmp_path / "a" / "2026-02" / "2026-02-northshire-street.csv",
                   [_row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs")])
    os.utime(first, (1_700_000_000, 1_700_000_000))
    second = _write(tmp_path / "b" / "2026-02" / "2026-02-northshire-street.csv",
                    [_row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs"),
                     _row("b2", "2026-02", "E01", "Brackwell 001A", "Drugs")])
    res = read_police("police_street", "police_uk_street", [first, second], area)
    a, b = res.accounts
    assert (a.quarantined, a.accepted) == (1, 0) and "superseded" in a.note
    assert (b.accepted, b.quarantined) == (2, 0)
    assert int(res.tidy["n"].sum()) == 2


def test_zip_from_a_custom_download(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("2026-03/2026-03-northshire-street.csv",
                    STREET_HEADER + "\n" + _row("c1", "2026-03", "E01", "Brackwell 001A",
                                                "Shoplifting") + "\n")
        zf.writestr("2026-03/2026-03-northshire-outcomes.csv", "Crime ID,Month\n")
        zf.writestr("README.txt", "hello")
    z = tmp_path / "download.zip"
    z.write_bytes(buf.getvalue())
    res = read_police("police_street", "police_uk_street", [z], AreaMatcher(["Brackwell"]))
    assert res.totals()["accepted"] == 1
    assert any("not -street.csv files" in n and "README.txt" in n for n in res.notes)


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"\x00\x01\x02\xff\xfe" * 50, "not a CSV text file"),
    (b"Crime ID;Month;LSOA code\n1;2026-01;E01\n", "missing column"),
    ((STREET_HEADER.replace("Crime type,", "") + "\n").encode(), "missing column"),
])
def test_unreadable_files_are_reported_not_fatal(tmp_path, content, reason):
    f = tmp_path / "2026-01" / "2026-01-northshire-street.csv"
    f.parent.mkdir()
    f.write_bytes(content)
    res = read_police("police_street", "police_uk_street", [f], AreaMatcher(["Brackwell"]))
    (acc,) = res.accounts
    assert reason in acc.note
    assert acc.balanced
    assert res.problems and res.problems[0].category == "incompatible format"


def test_tidy_is_sorted_and_typed(tmp_path):
    f = _write(tmp_path / "2026-01" / "2026-01-x-street.csv", [
        _row("z", "2026-01", "E02", "Brackwell 002A", "Drugs"),
        _row("y", "2026-01", "E01", "Brackwell 001A", "Drugs")])
    res = read_police("police_street", "police_uk_street", [f], AreaMatcher(["Brackwell"]))
    assert list(res.tidy["lsoa_code"]) == ["E01", "E02"]
    assert res.tidy["n"].dtype == "int64"
    assert isinstance(res.tidy, pd.DataFrame)
