"""data.police.uk readers: the real City of London and Gwent files, and messy shapes."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import read_police

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)


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
    res = read_police("police_street", "police_uk_street", files, AreaMatcher(["City of London"]))
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
    assert set(res.tidy.columns) == {
        "month",
        "lsoa_code",
        "local_authority",
        "crime_type",
        "outcome_category",
        "n",
    }


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
    res = read_police(
        "police_stop_search", "police_uk_stop_search", files, AreaMatcher(["City of London"])
    )
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
    jan = _write(
        tmp_path / "2026-01" / "2026-01-northshire-street.csv",
        [
            _row("a1", "2026-01", "E01", "Brackwell 001A", "Burglary", "Under investigation"),
            _row("", "2026-01", "E01", "Brackwell 001A", "Anti-social behaviour"),
            _row("a2", "2026-01", "", "", "Robbery", "Under investigation").replace(
                "On or near Street", "No Location"
            ),
            _row("a3", "2026-01", "E09", "Dunmere 001A", "Drugs", "Local resolution"),
            _row("a4", "2026-01", "E02", "The Brackwell 002B", "Violent crime", "x"),
            _row("a5", "2026-01", "E01", "Brackwell 001A", "Alien abduction", "x"),
        ],
        newline="\r\n",
    )
    feb_old = _write(
        tmp_path / "old" / "2026-02" / "2026-02-northshire-street.csv",
        [_row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs")],
    )
    os.utime(feb_old, (1_700_000_000, 1_700_000_000))  # downloaded earlier
    feb_new = _write(
        tmp_path / "new" / "2026-02" / "2026-02-northshire-street.csv",
        [
            _row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs"),
            _row("b2", "2026-02", "E02", "Brackwell 002B", "Drugs"),
        ],
    )
    res = read_police("police_street", "police_uk_street", [jan, feb_new, feb_old], area)
    j = next(a for a in res.accounts if "2026-01" in a.file)
    assert (j.rows_read, j.accepted, j.quarantined, j.out_of_area, j.unassigned) == (6, 3, 1, 1, 1)
    # February sent twice: the newer download is used, the older one's rows are quarantined
    old_acc = next(a for a in res.accounts if "/old/" in a.file)
    new_acc = next(a for a in res.accounts if "/new/" in a.file)
    assert (old_acc.quarantined, old_acc.accepted) == (1, 0) and "superseded" in old_acc.note
    assert (new_acc.accepted, new_acc.quarantined) == (2, 0)
    assert sorted(set(res.quarantine["reason"])) == [
        f"superseded by re-sent file {new_acc.file}",
        "unknown crime type 'Alien abduction'",
    ]
    # "Violent crime" is today's "Violence and sexual offences"; "The Brackwell" is Brackwell
    assert "Violence and sexual offences" in set(res.tidy["crime_type"])
    assert any(p.category == "quality" and "Alien abduction" in p.description for p in res.problems)
    assert all(a.balanced for a in res.accounts)


def test_resent_month_keeps_the_later_file(tmp_path):
    area = AreaMatcher(["Brackwell"])
    first = _write(
        tmp_path / "a" / "2026-02" / "2026-02-northshire-street.csv",
        [_row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs")],
    )
    os.utime(first, (1_700_000_000, 1_700_000_000))
    second = _write(
        tmp_path / "b" / "2026-02" / "2026-02-northshire-street.csv",
        [
            _row("b1", "2026-02", "E01", "Brackwell 001A", "Drugs"),
            _row("b2", "2026-02", "E01", "Brackwell 001A", "Drugs"),
        ],
    )
    res = read_police("police_street", "police_uk_street", [first, second], area)
    a, b = res.accounts
    assert (a.quarantined, a.accepted) == (1, 0) and "superseded" in a.note
    assert (b.accepted, b.quarantined) == (2, 0)
    assert int(res.tidy["n"].sum()) == 2


def test_zip_from_a_custom_download(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "2026-03/2026-03-northshire-street.csv",
            STREET_HEADER
            + "\n"
            + _row("c1", "2026-03", "E01", "Brackwell 001A", "Shoplifting")
            + "\n",
        )
        zf.writestr("2026-03/2026-03-northshire-outcomes.csv", "Crime ID,Month\n")
        zf.writestr("README.txt", "hello")
    z = tmp_path / "download.zip"
    z.write_bytes(buf.getvalue())
    res = read_police("police_street", "police_uk_street", [z], AreaMatcher(["Brackwell"]))
    assert res.totals()["accepted"] == 1
    assert any("not -street.csv files" in n and "README.txt" in n for n in res.notes)


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "empty file"),
        (b"\x00\x01\x02\xff\xfe" * 50, "not a CSV text file"),
        (b"Crime ID;Month;LSOA code\n1;2026-01;E01\n", "missing column"),
        ((STREET_HEADER.replace("Crime type,", "") + "\n").encode(), "missing column"),
    ],
)
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
    f = _write(
        tmp_path / "2026-01" / "2026-01-x-street.csv",
        [
            _row("z", "2026-01", "E02", "Brackwell 002A", "Drugs"),
            _row("y", "2026-01", "E01", "Brackwell 001A", "Drugs"),
        ],
    )
    res = read_police("police_street", "police_uk_street", [f], AreaMatcher(["Brackwell"]))
    assert list(res.tidy["lsoa_code"]) == ["E01", "E02"]
    assert res.tidy["n"].dtype == "int64"
    assert list(res.tidy["n"]) == [1, 1]


# Months: missing, cut short, mislabelled, copied, linked -----------------------------------------
def _month(
    folder: Path,
    month: str,
    n: int,
    said: str | None = None,
    force: str = "northshire",
) -> Path:
    return _write(
        folder / month / f"{month}-{force}-street.csv",
        [_row(f"{month}-{k}", said or month, "E01", "Brackwell 001A", "Drugs") for k in range(n)],
        newline="\r\n",
    )


def _read(files: list[Path]):
    return read_police("police_street", "police_uk_street", files, AreaMatcher(["Brackwell"]))


def _per_month(res) -> dict[str, int]:
    return res.tidy.groupby("month")["n"].sum().to_dict()


def test_a_month_whose_rows_say_another_month_is_not_counted(tmp_path):
    jan = _month(tmp_path, "2026-01", 3)
    feb = _month(tmp_path, "2026-02", 4, said="2026-01")  # February's file holds January
    res = _read([jan, feb])
    assert _per_month(res) == {"2026-01": 3}  # never 7 in January
    acc = next(a for a in res.accounts if "2026-02" in a.file)
    assert (acc.accepted, acc.quarantined) == (0, 4) and "Month column says 2026-01" in acc.note
    assert any("named for 2026-02" in p.description for p in res.problems)
    assert all(a.balanced for a in res.accounts)


def test_a_few_rows_of_another_month_are_set_aside_alone(tmp_path):
    f = _write(
        tmp_path / "2026-02" / "2026-02-northshire-street.csv",
        [
            _row("a", "2026-02", "E01", "Brackwell 001A", "Drugs"),
            _row("b", "2026-01", "E01", "Brackwell 001A", "Drugs"),
            _row("c", "2026-02", "E01", "Brackwell 001A", "Drugs"),
        ],
    )
    res = _read([f])
    assert _per_month(res) == {"2026-02": 2}
    assert list(res.quarantine["row"]) == [3]
    assert "not 2026-02, the month its file is named for" in res.quarantine["reason"].iloc[0]


@pytest.mark.parametrize(
    "where",
    [
        "extra/2026-03-northshire_b-street.csv",
        "2026-04/2026-04-northshire-street.csv",
        "copies/Copy of 2026-03-northshire-street.csv",
    ],
)
def test_a_copy_of_a_month_is_never_counted_twice(tmp_path, where):
    mar = _month(tmp_path, "2026-03", 5)
    copy = tmp_path / where
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(mar.read_bytes())
    res = _read([mar, copy])
    assert _per_month(res) == {"2026-03": 5}
    acc = next(a for a in res.accounts if a.file.endswith(copy.name))
    assert acc.accepted == 0 and acc.quarantined == 5
    assert any(copy.name in n and "2026-03-northshire-street.csv" in n for n in res.notes)


def test_a_file_in_another_months_folder_is_not_counted(tmp_path):
    mar = _month(tmp_path, "2026-03", 2)
    stray = _write(
        tmp_path / "2026-04" / "2026-03-northshire-street.csv",
        [_row("z", "2026-03", "E01", "Brackwell 001A", "Robbery")],
    )
    res = _read([mar, stray])
    assert _per_month(res) == {"2026-03": 2}
    assert any("in the 2026-04 folder but its name says 2026-03" in n for n in res.notes)


def test_files_without_a_month_in_their_name_never_repeat_a_month(tmp_path):
    mar = _month(tmp_path, "2026-03", 2)
    other = _write(
        tmp_path / "odd-street.csv", [_row("z", "2026-03", "E01", "Brackwell 001A", "Robbery")]
    )
    res = _read([mar, other])
    assert _per_month(res) == {"2026-03": 2}
    assert any("already given by" in n for n in res.notes)


def test_a_file_cut_short_is_set_aside_whole(tmp_path):
    f = _month(tmp_path, "2026-03", 6)
    f.write_bytes(f.read_bytes()[:-40])  # an interrupted download: ends mid-row
    res = _read([f])
    (acc,) = res.accounts
    assert acc.accepted == 0 and acc.quarantined == acc.rows_read == 6
    assert "ends part-way through a row" in acc.note
    assert res.periods == []


def test_a_malformed_row_is_set_aside_alone_and_never_quoted(tmp_path):
    secret = "c0ffee1234abcdef"
    f = _write(
        tmp_path / "2026-03" / "2026-03-northshire-street.csv",
        [
            _row("a", "2026-03", "E01", "Brackwell 001A", "Drugs"),
            f"{secret},2026-03,Force,Force,-1.2345,51.9876,On or near Secret Lane,E01",
            _row("b", "2026-03", "E01", "Brackwell 001A", "Drugs"),
            _row("c", "2026-03", "E01", "Brackwell 001A", "Secret Lane, On or near 4"),
            _row("d", "2026-03", "E01", "Brackwell 001A", "On or near Hidden Road"),
        ],
    )
    res = _read([f])
    (acc,) = res.accounts
    assert (acc.rows_read, acc.accepted, acc.quarantined) == (5, 2, 3) and acc.balanced
    assert sorted(res.quarantine["row"]) == [3, 5, 6]  # line numbers, header is line 1
    everything = " ".join(
        [res.quarantine.to_csv(), *res.notes, acc.note, *(p.description for p in res.problems)]
    )
    for leaked in (secret, "Secret Lane", "Hidden Road", "-1.2345", "51.9876"):
        assert leaked not in everything


def test_a_month_folder_that_is_a_link_is_read(tmp_path):
    from reviewkit.inputs.register import walk_files

    real = _month(tmp_path / "elsewhere", "2026-03", 2).parent
    root = tmp_path / "police"
    root.mkdir()
    (root / "2026-03").symlink_to(real, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)  # a loop ends
    files = walk_files(root)
    assert [f.name for f in files] == ["2026-03-northshire-street.csv"]
    assert _per_month(_read(files)) == {"2026-03": 2}


@pytest.mark.parametrize("make", ["corrupt", "encrypted_member", "cut_short"])
def test_an_unreadable_zip_is_named_and_the_rest_is_read(tmp_path, make):
    good = _month(tmp_path, "2026-01", 2)
    z = tmp_path / "download.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "2026-02/2026-02-northshire-street.csv",
            STREET_HEADER + "\n" + _row("x", "2026-02", "E01", "Brackwell 001A", "Drugs") + "\n",
        )
    data = buf.getvalue()
    if make == "corrupt":
        data = b"PK\x03\x04" + b"\x00garbage" * 20
    elif make == "cut_short":
        data = data[: len(data) // 2]
    else:  # flag the member as encrypted, as a password-protected zip does
        data = bytearray(data)
        data[6] |= 1
        cd = data.rfind(b"PK\x01\x02")
        data[cd + 8] |= 1
        data = bytes(data)
    z.write_bytes(data)
    res = _read([good, z])
    assert _per_month(res) == {"2026-01": 2}
    said = " ".join(res.notes + [f"{a.file}: {a.note}" for a in res.accounts])
    assert "download.zip" in said and (
        "not a readable zip" in said or "could not be read from its zip" in said
    )
    assert all(a.balanced for a in res.accounts)


def test_a_copy_saved_again_under_another_force_name_is_not_counted_twice(tmp_path):
    mar = _month(tmp_path, "2026-03", 12)
    again = tmp_path / "extra" / "2026-03-northshire_copy-street.csv"
    again.parent.mkdir()
    lines = mar.read_bytes().decode().split("\r\n")
    again.write_text("\n".join([lines[0], *reversed(lines[1:-1])]) + "\n")  # LF, reordered
    res = _read([mar, again])
    assert _per_month(res) == {"2026-03": 12}
    assert any("holds the same records as" in n and again.name in n for n in res.notes)
    # another force's file for the same month with other records is counted
    btp = _write(
        tmp_path / "2026-03b" / "2026-03-btp-street.csv",
        [_row(f"t{k}", "2026-03", "E01", "Brackwell 001A", "Robbery") for k in range(12)],
    )
    assert _per_month(_read([mar, btp])) == {"2026-03": 24}
