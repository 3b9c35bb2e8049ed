"""Street rows whose crime type, month or LSOA code is blank, spaces, tabs or non-breaking
spaces are each accounted for, alone or mixed with other values, in one file or across files,
with the parse cache on and off: rows read = accepted + set aside (with a reason) + ..."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import read_police

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
IN_AREA = ("E01000001", "Brackwell 001A")
OUT_OF_AREA = ("E01000009", "Otherton 001A")
NBSP = "\u00a0"
# Cells with no crime type in them. A tab or a leading space only survives the CSV in quotes.
BLANKS = ["", " ", "   ", '"\t"', NBSP, f" {NBSP} "]
EMPTY_REASON = "unknown crime type (empty)"
NOT_A_NAME = "unknown crime type (a value that is not a category name; not quoted)"


def _row(month: str, crime: str, place: tuple[str, str] = IN_AREA, crime_id: str = "") -> str:
    code, name = place
    return f"{crime_id},{month},F,F,-1.5,52.4,On or near X,{code},{name},{crime},,"


def _write(folder: Path, files: list[list[str]]) -> list[Path]:
    """One file per list of rows (`_row` lines), named for 2024-01, 2024-02, ..."""
    paths = []
    for i, rows in enumerate(files):
        month = f"2024-{i + 1:02d}"
        path = folder / month / f"{month}-northshire-street.csv"
        path.parent.mkdir(parents=True)
        path.write_text(STREET_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _read(paths: list[Path], cache: str):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWKIT_CACHE", cache)
        return read_police(
            "police_street",
            "police_uk_street",
            paths,
            AreaMatcher(["Brackwell"]),
            review_date=dt.date(2025, 1, 1),
        )


def _reads(folder: Path, files: list[list[str]]) -> list:
    """The same files read with the cache off, into an empty cache, and from that cache."""
    paths = _write(folder / "data", files)
    cache = str(folder / "cache")
    off, cold, warm = _read(paths, "off"), _read(paths, cache), _read(paths, cache)
    assert warm.parsed_from_cache == len(paths)  # the third read really came from the cache
    return [off, cold, warm]


def _accounts(res) -> list[tuple[int, int, int, int, int]]:
    return [
        (a.rows_read, a.accepted, a.quarantined, a.out_of_area, a.unassigned) for a in res.accounts
    ]


def _set_aside(res) -> list[tuple[str, int, str]]:
    """(file's month, line, reason) of each row set aside."""
    q = res.quarantine
    if q is None or len(q) == 0:
        return []
    return sorted(
        (Path(f).parent.name, int(r), str(why))
        for f, r, why in zip(q["file"], q["row"], q["reason"], strict=True)
    )


def _typed(res) -> dict[tuple[str, str], int]:
    return res.tidy.groupby(["month", "crime_type"])["n"].sum().to_dict()


def test_blank_crime_type_is_set_aside_when_the_file_also_holds_a_value_that_is_no_name(
    tmp_path,
):
    """The reported case: a blank crime type next to one that is only a space and one that is
    no category name at all. All three rows are set aside (before: the blank row was counted as
    accepted with crime type '' and the problem said 3 rows while 2 were set aside)."""
    rows = [
        _row("2024-01", "Burglary"),
        _row("2024-01", ""),
        _row("2024-01", " "),
        _row("2024-01", "123"),
    ]
    for res in _reads(tmp_path, [rows]):
        # line 2 Burglary kept; line 3 blank, 4 a space, 5 '123' set aside
        assert _accounts(res) == [(4, 1, 3, 0, 0)]
        assert all(a.balanced for a in res.accounts)
        assert _typed(res) == {("2024-01", "Burglary"): 1}
        assert _set_aside(res) == [
            ("2024-01", 3, EMPTY_REASON),
            ("2024-01", 4, EMPTY_REASON),
            ("2024-01", 5, NOT_A_NAME),
        ]
        (problem,) = [p.description for p in res.problems]
        assert problem.startswith("3 row(s) with unknown crime type(s): (empty), (a value that")


@pytest.mark.parametrize("blank", BLANKS)
def test_each_blank_crime_type_alone_is_set_aside_as_empty(tmp_path, blank):
    rows = [_row("2024-01", "Burglary"), _row("2024-01", blank), _row("2024-01", "Shoplifting")]
    for res in _reads(tmp_path, [rows]):
        assert _accounts(res) == [(3, 2, 1, 0, 0)]
        assert _set_aside(res) == [("2024-01", 3, EMPTY_REASON)]
        assert _typed(res) == {("2024-01", "Burglary"): 1, ("2024-01", "Shoplifting"): 1}
        assert [p.description for p in res.problems] == [
            "1 row(s) with unknown crime type(s): (empty); update the crime type mapping or "
            "ask the provider"
        ]


def test_every_kind_of_blank_and_stray_value_together_in_one_file(tmp_path):
    """Blanks of every kind, a name police.uk never used, a value that is no name, and the
    text '(empty)' itself, among valid types, in and out of the area."""
    crimes = ["Burglary", *BLANKS, "Teleportation", "123", "(empty)", "Violent crime"]
    rows = [_row("2024-01", c) for c in crimes] + [_row("2024-01", "", OUT_OF_AREA)]
    # lines 2-12 in the area, line 13 out of it with a blank type: set aside, not out of area
    expected = (
        [("2024-01", 3 + k, EMPTY_REASON) for k in range(len(BLANKS))]  # lines 3-8
        + [("2024-01", 9, "unknown crime type 'Teleportation'")]
        + [("2024-01", 10, NOT_A_NAME), ("2024-01", 11, NOT_A_NAME)]
        + [("2024-01", 13, EMPTY_REASON)]
    )
    for res in _reads(tmp_path, [rows]):
        assert _accounts(res) == [(12, 2, 10, 0, 0)]
        assert all(a.balanced for a in res.accounts)
        assert _set_aside(res) == sorted(expected)
        # 'Violence and sexual offences' is today's name for 'Violent crime'
        assert _typed(res) == {
            ("2024-01", "Burglary"): 1,
            ("2024-01", "Violence and sexual offences"): 1,
        }
        (problem,) = [p.description for p in res.problems]
        assert problem.startswith("10 row(s) ")
        assert res.rest_of_force is None or len(res.rest_of_force) == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (["Burglary", ""], ["Burglary", "123"]),  # blank in one file, a non-name in another
        (["Burglary", " "], ["", "Shoplifting"]),  # a space in one file, blank in another
        (["", '"\t"'], [NBSP, "(empty)", "Burglary"]),
        (["Burglary"], ["Burglary", "", " ", "123", "Teleportation"]),
    ],
)
def test_blank_crime_types_across_files(tmp_path, first, second):
    """Each file has its own Arrow dictionary; the combined one must still mark every row."""
    ok = {"Burglary", "Shoplifting"}
    files = [
        [_row(f"2024-{i + 1:02d}", c) for c in crimes] for i, crimes in enumerate([first, second])
    ]
    want_accounts = [
        (len(c), sum(x in ok for x in c), sum(x not in ok for x in c), 0, 0)
        for c in (first, second)
    ]
    want_typed: dict[tuple[str, str], int] = {}
    for i, crimes in enumerate([first, second]):
        for c in crimes:
            if c in ok:
                key = (f"2024-{i + 1:02d}", c)
                want_typed[key] = want_typed.get(key, 0) + 1
    blank = {"", " ", '"\t"', NBSP}
    want_aside = sorted(
        (
            f"2024-{i + 1:02d}",
            line + 2,
            EMPTY_REASON
            if c in blank
            else "unknown crime type 'Teleportation'"
            if c == "Teleportation"
            else NOT_A_NAME,
        )
        for i, crimes in enumerate([first, second])
        for line, c in enumerate(crimes)
        if c not in ok
    )
    for res in _reads(tmp_path, files):
        assert _accounts(res) == want_accounts
        assert all(a.balanced for a in res.accounts)
        assert _set_aside(res) == want_aside
        assert _typed(res) == want_typed


@pytest.mark.parametrize("blank", BLANKS)
def test_blank_months_are_set_aside_with_blank_crime_types_beside_them(tmp_path, blank):
    """A month that is blank or spaces is set aside as missing (the first reason found), also
    in a row whose crime type is blank too, and with blank crime types elsewhere."""
    rows = [
        _row("2024-01", "Burglary"),
        _row(blank, "Burglary"),
        _row(blank, ""),
        _row("2024-01", " "),
        _row("2024-01", "123"),
    ]
    month_reason = "month missing or not YYYY-MM"
    for res in _reads(tmp_path, [rows]):
        assert _accounts(res) == [(5, 1, 4, 0, 0)]
        assert _set_aside(res) == [
            ("2024-01", 3, month_reason),
            ("2024-01", 4, month_reason),
            ("2024-01", 5, EMPTY_REASON),
            ("2024-01", 6, NOT_A_NAME),
        ]
        assert _typed(res) == {("2024-01", "Burglary"): 1}


@pytest.mark.parametrize("blank", BLANKS)
def test_blank_lsoa_codes_are_unassigned_and_blank_crime_types_set_aside_first(tmp_path, blank):
    """A blank LSOA code is a row with no location (unassigned, as police.uk publishes them);
    a row whose crime type is blank as well is set aside, never counted twice."""
    rows = [
        _row("2024-01", "Burglary"),
        _row("2024-01", "Burglary", (blank, "")),
        _row("2024-01", "", (blank, "")),
        _row("2024-01", "123", (blank, blank)),
        _row("2024-01", "Shoplifting", OUT_OF_AREA),
    ]
    for res in _reads(tmp_path, [rows]):
        assert _accounts(res) == [(5, 1, 2, 1, 1)]
        assert all(a.balanced for a in res.accounts)
        assert _set_aside(res) == [("2024-01", 4, EMPTY_REASON), ("2024-01", 5, NOT_A_NAME)]
        assert _typed(res) == {("2024-01", "Burglary"): 1}
        assert res.rest_of_force.to_dict("records") == [
            {"month": "2024-01", "crime_type": "Shoplifting", "n": 1}
        ]


_CRIMES = ["Burglary", "Shoplifting", "Violent crime", "Teleportation", "123", *BLANKS]
_MONTHS = ["=", "=", "", " ", NBSP, "2024-13"]
_PLACES = [IN_AREA, OUT_OF_AREA, ("", ""), (" ", " "), ('"\t"', ""), (NBSP, NBSP)]
_FILE = st.lists(
    st.tuples(st.sampled_from(_MONTHS), st.sampled_from(_CRIMES), st.sampled_from(_PLACES)),
    min_size=1,
    max_size=10,
)


@settings(max_examples=30, deadline=None)
@given(st.lists(_FILE, min_size=1, max_size=3))
def test_any_mix_of_blank_values_is_accounted_for_row_by_row(tmp_path_factory, files):
    """Any mix, counted again row by row in plain Python: a bad month first, then a crime type
    that is not a police.uk name, then no location, out of area, accepted."""
    folder = tmp_path_factory.mktemp("blanks")
    named = {"Burglary": "Burglary", "Shoplifting": "Shoplifting"}
    named["Violent crime"] = "Violence and sexual offences"
    lines, want_accounts, want_typed, want_aside = [], [], {}, []
    for i, rows in enumerate(files):
        month = f"2024-{i + 1:02d}"
        counts = [len(rows), 0, 0, 0, 0]
        for line, (m, crime, place) in enumerate(rows, start=2):
            if m != "=":
                counts[2] += 1
                want_aside.append((month, line, "month missing or not YYYY-MM"))
            elif crime not in named:
                counts[2] += 1
                why = (
                    "unknown crime type 'Teleportation'"
                    if crime == "Teleportation"
                    else NOT_A_NAME
                    if crime == "123"
                    else EMPTY_REASON
                )
                want_aside.append((month, line, why))
            elif place[0] not in (IN_AREA[0], OUT_OF_AREA[0]):
                counts[4] += 1
            elif place == OUT_OF_AREA:
                counts[3] += 1
            else:
                counts[1] += 1
                key = (month, named[crime])
                want_typed[key] = want_typed.get(key, 0) + 1
        want_accounts.append(tuple(counts))
        # a Crime ID per file: files of identical content would be set aside as sent twice
        lines.append([_row(month if m == "=" else m, c, p, f"f{i}") for m, c, p in rows])
    for res in _reads(folder, lines):
        assert _accounts(res) == want_accounts
        assert all(a.balanced for a in res.accounts)
        assert _set_aside(res) == sorted(want_aside)
        assert (_typed(res) if len(res.tidy) else {}) == want_typed
        unknown = sum(1 for _, _, why in want_aside if why.startswith("unknown crime type"))
        if unknown:
            assert any(
                p.description.startswith(f"{unknown} row(s) with unknown crime")
                for p in res.problems
            )
        if res.quarantine is not None and len(res.quarantine):
            assert not pd.isna(res.quarantine["reason"]).any()
