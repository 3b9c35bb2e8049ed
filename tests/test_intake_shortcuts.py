"""The police.uk intake's shortcuts give what reading the rows one by one gives.

Coordinates written plainly are read by one Arrow cast instead of pandas; tables of counts are
sorted by one key and built in Arrow; clean months skip the row-by-row checks. Each is checked
here against the plain way: pandas' own number parsing, a pandas sort, the row-by-row checks,
and (on the real City of London files) a count with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.inputs.crime_types import HISTORY
from reviewkit.intake.area import AreaMatcher, authority_of
from reviewkit.intake.policeuk import checks, read_police
from reviewkit.methods import grid
from reviewkit.methods.counting import count_groups, counts_frame


def _pandas_numbers(texts: list[str | None]) -> np.ndarray:
    """How intake read coordinates before the shortcut: pandas, value by value."""
    return pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(float)


def _same_numbers(got: np.ndarray, expected: np.ndarray) -> bool:
    """Bit for bit (the same double, NaN where either is NaN)."""
    return bool(np.array_equal(got, expected, equal_nan=True))


def _cell_edges() -> list[str]:
    """Every multiple of a cell's size inside the United Kingdom's range, written with 4 to 9
    decimals: the values where a last-bit difference between parsers would change a cell."""
    out = []
    for size, low, high in ((Decimal("0.0045"), 49, 61.5), (Decimal("0.0075"), -8.7, 2.0)):
        k = math.floor(Decimal(str(low)) / size)
        while k * size <= Decimal(str(high)):
            exact = k * size
            out += [f"{exact:.{d}f}" for d in (4, 6, 9)]
            k += 1
    return out


def test_coordinates_on_every_cell_edge_are_read_as_pandas_reads_them():
    texts = _cell_edges()
    assert len(texts) > 12_000
    values = pa.array(texts)
    assert grid.short_plain_text(values)  # the one-cast route is the one under test
    got = grid.parse_coordinates(values)
    assert _same_numbers(got, _pandas_numbers(texts))
    assert _same_numbers(got, np.array([float(t) for t in texts]))  # correctly rounded


_PLAIN = st.builds(
    lambda sign, whole, frac, digits: f"{sign}{whole}.{frac:0{digits}d}"[: 15 if sign else 14],
    st.sampled_from(["", "-"]),
    st.integers(0, 99),
    st.integers(0, 10**9 - 1),
    st.integers(1, 9),
)
_MESSY = st.one_of(
    _PLAIN,
    st.text(alphabet="0123456789.-+eE /naifNI", max_size=18),
    st.sampled_from(["", " 51.5", "51.5 ", "+51.5", "5.15e1", "nan", "inf", "1-2", "-", ".5"]),
    st.sampled_from(["51.5000000000000000001", "0000000000000051.5", "5/2", "51,5", "1e400"]),
    st.none(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_MESSY, min_size=1, max_size=30))
def test_any_coordinate_text_is_read_as_pandas_reads_it(texts):
    values = pa.array(texts, pa.string())
    assert _same_numbers(grid.parse_coordinates(values), _pandas_numbers(texts))
    encoded = grid.parse_coordinates(values.dictionary_encode())
    assert _same_numbers(encoded, _pandas_numbers(texts))


@settings(max_examples=100, deadline=None)
@given(st.lists(_PLAIN, min_size=1, max_size=30), st.lists(_PLAIN, min_size=1, max_size=30))
def test_plain_coordinates_take_the_one_cast_and_give_the_same_cells(lat_texts, lon_texts):
    n = min(len(lat_texts), len(lon_texts))
    lat, lon = pa.array(lat_texts[:n]), pa.array(lon_texts[:n])
    assert grid.short_plain_text(pa.concat_arrays([lat, lon]))
    out = grid.replace_coordinates(pa.table({"latitude": lat, "longitude": lon}))
    for k in range(n):  # by hand, from Python's float (correctly rounded, as both parsers are)
        y, x = float(lat_texts[k]), float(lon_texts[k])
        usable = 49.0 <= y <= 61.5 and -8.7 <= x <= 2.0
        row = math.floor(y / 0.0045) if usable else None
        col = math.floor(x / 0.0075) if usable else None
        assert (out["cell_row"][k].as_py(), out["cell_col"][k].as_py()) == (row, col)


def test_text_that_is_not_plain_is_left_to_pandas():
    assert not grid.short_plain_text(pa.array(["51.5", "5/2"]))  # '/' lies between '-' and '9'
    assert not grid.short_plain_text(pa.array(["51.5", "51.5000000000001"]))  # 16 characters
    assert not grid.short_plain_text(pa.array(["51.5", " 51.5"]))
    values = pa.array(["51.5", "1-2", "-", None])  # plain bytes Arrow refuses: pandas reads them
    assert _same_numbers(grid.parse_coordinates(values), _pandas_numbers(values.to_pylist()))


_TEXTS = st.lists(st.text(alphabet="abAB -z", min_size=1, max_size=4), unique=True, max_size=5)


@settings(max_examples=100, deadline=None)
@given(_TEXTS, st.lists(st.tuples(st.integers(-1, 4), st.integers(-3, 3)), max_size=40))
def test_a_table_of_counts_is_ordered_as_pandas_sorts_it(texts, rows):
    codes = np.array([min(r[0], len(texts) - 1) for r in rows], dtype=np.int64)
    numbers = np.array([r[1] for r in rows], dtype=np.int64)
    groups, n = count_groups([codes, numbers + 3], [len(texts), 7])
    frame = counts_frame({"type": (texts, groups[0]), "cell": (None, groups[1] - 3)}, n)
    expected = (
        pd.DataFrame(
            {
                "type": [texts[c] if c >= 0 else "" for c in groups[0]],
                "cell": groups[1] - 3,
                "n": n,
            }
        )
        .sort_values(["type", "cell"], kind="stable")
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(frame, expected.astype({"type": frame["type"].dtype}))
    assert frame["type"].dtype == pd.Series(["x"], dtype=str).dtype


STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
# "=": the month the file is named for (most rows); the rest are other, broken or later months
_MONTHS = ["=", "=", "=", "2024-02", "2024-13", "", " 2024-01", "2024-01-15", "2030-01"]
_TYPES = ["Burglary", "Violent crime", "Shoplifting", "Teleportation", ""]
_PLACES = [
    ("E01000001", "Brackwell 001A"),
    ("E01000002", "Brackwell 002A"),
    ("E01000009", "Otherton 001A"),
    ("", ""),
]


def _street_row(month: str, crime: str, place: tuple[str, str]) -> str:
    code, name = place
    return f",{month},F,F,-1.5,52.4,On or near X,{code},{name},{crime},,"


_FILE = st.lists(
    st.tuples(
        st.sampled_from(_MONTHS), st.sampled_from(_TYPES), st.sampled_from(range(len(_PLACES)))
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_FILE, min_size=1, max_size=3), st.booleans())
def test_skipping_the_month_checks_on_clean_files_changes_nothing(tmp_path_factory, files, late):
    """Where the months each file holds need no marking, skipping the row-by-row checks gives
    what running them gives: every output, for clean and messy files alike."""
    folder = tmp_path_factory.mktemp("months")
    paths = []
    for i, rows in enumerate(files):
        month = f"2024-0{i + 1}"
        path = folder / month / f"{month}-northshire-street.csv"
        path.parent.mkdir()
        lines = [_street_row(month if m == "=" else m, t, _PLACES[p]) for m, t, p in rows]
        path.write_text(STREET_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    args = ("police_street", "police_uk_street", paths, AreaMatcher(["Brackwell"]))
    kwargs = {"review_end": "2024-01" if late else None, "review_date": dt.date(2025, 1, 1)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWKIT_CACHE", "off")
        fast = read_police(*args, **kwargs)
        mp.setattr(checks, "month_trouble", lambda *a: True)
        slow = read_police(*args, **kwargs)
    assert [vars(a) for a in fast.accounts] == [vars(a) for a in slow.accounts]
    assert [vars(p) for p in fast.problems] == [vars(p) for p in slow.problems]
    assert fast.notes == slow.notes and fast.periods == slow.periods
    for name in ("tidy", "quarantine", "rest_of_force", "lsoa_names", "grid"):
        a, b = getattr(fast, name), getattr(slow, name)
        if a is None or b is None:  # no rows could be counted: neither has the table
            assert a is None and b is None, name
        else:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert all(a.balanced for a in fast.accounts)


def test_real_street_files_give_the_tables_a_row_by_row_count_gives(real_police):
    """Every accepted row of the real City of London files counted with the csv module, by
    month, LSOA, local authority, crime type and outcome; the rest of the force by month and
    crime type; and each file's account."""
    files = sorted(real_police.glob("city-of-london/*/*-street.csv"))
    res = read_police("police_street", "police_uk_street", files, AreaMatcher(["City of London"]))
    tidy: Counter = Counter()
    rest: Counter = Counter()
    accounts = []
    for f in files:
        acc = Counter()
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                acc["rows_read"] += 1
                crime = HISTORY[row["Crime type"].strip()]
                if not row["LSOA code"].strip():
                    acc["unassigned"] += 1
                elif row["LSOA name"].startswith("City of London "):
                    acc["accepted"] += 1
                    la = authority_of(row["LSOA name"])
                    outcome = row["Last outcome category"]
                    tidy[(row["Month"], row["LSOA code"], la, crime, outcome)] += 1
                else:
                    acc["out_of_area"] += 1
                    rest[(row["Month"], crime)] += 1
        accounts.append(acc)
    keys = ["month", "lsoa_code", "local_authority", "crime_type", "outcome_category"]
    expected = pd.DataFrame([(*k, n) for k, n in sorted(tidy.items())], columns=[*keys, "n"])
    got = res.tidy.astype({k: object for k in keys})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    rest_got = res.rest_of_force.itertuples(index=False)
    assert {(r.month, r.crime_type): r.n for r in rest_got} == dict(rest)
    for acc, mine in zip(res.accounts, accounts, strict=True):
        assert {k: getattr(acc, k) for k in mine} == dict(mine)
        assert acc.quarantined == 0
    assert Path(res.accounts[0].file).name == files[0].name
