"""The store between steps: every table is checked against its schema (built from the data
dictionary) when written and when read, keeps its types through a round trip, and an empty
table passes."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewkit.base.errors import ReviewError
from reviewkit.store import dictionary, schemas
from reviewkit.store.tables import CycleStore, police_schema

# The tables written to tables/ (CSV for partners, parquet for the next step); the rest are
# tidy tables (tidy/<name>.parquet).
TABLES = (
    "scorecard",
    "initiative_status",
    "benchmarking",
    "completeness",
    "reconciliation",
    "recording_changes",
    "indicator_series",
)
TIDY = (
    "police_street",
    "police_outcomes",
    "police_stop_search",
    "partner_measures",
    "grid",
    "lsoa_names",
    "population",
    "indicator_series",
)
# The types as numpy/pandas name them, written out here, not taken from the code under test.
EXPECTED = {
    "S": "str",
    "I": "int64",
    "I32": "int32",
    "F": "float64",
    "B": "bool",
    "IM": "whole or missing",
    "BM": "flag or missing",
}
# What those two are held as: complete, and with a value missing.
HELD = {"whole or missing": ("int64", "float64"), "flag or missing": ("bool", "object")}


def _held(table: str, frame: pd.DataFrame) -> dict[str, str]:
    """The dtype each column of `frame` should have after a round trip."""
    out = {}
    for name, dtype in schemas.dtypes(table).items():
        complete, gappy = HELD.get(dtype, (dtype, dtype))
        out[name] = gappy if frame[name].isna().any() else complete
    return out


def _store(tmp_path):
    return CycleStore(tmp_path / "cycle")


def _population(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"year": [2024, 2025], "population": [100_000, 101_000], "households": [40_000, 40_500]}
    )
    return frame.assign(**changes)


# Schemas come from the dictionary ------------------------------------------------------------
def test_every_column_of_every_table_has_a_type_in_the_dictionary():
    for table, columns in dictionary.TABLES.items():
        for name, column in columns.items():
            assert column.dtype in EXPECTED.values(), (table, name, column.dtype)


@pytest.mark.parametrize(
    ("table", "column", "dtype"),
    [
        ("scorecard", "assessable", "bool"),
        ("scorecard", "review_value", "float64"),
        ("scorecard", "points", "int64"),
        ("scorecard", "target_by", "str"),
        ("initiative_status", "reassess", "bool"),
        ("benchmarking", "is_self", "bool"),
        ("benchmarking", "rank", "int64"),
        ("completeness", "received", "str"),
        ("completeness", "received_after_review_date", "bool"),
        ("grid", "cell_row", "int32"),
        ("police_street", "n", "int64"),
        ("indicator_series", "parts", "int64"),
        ("indicator_series", "special_cause", "flag or missing"),
        ("reconciliation", "balanced", "bool"),
    ],
)
def test_schema_types_are_the_columns_types(table, column, dtype):
    assert schemas.dtypes(table)[column] == dtype


# Writing -------------------------------------------------------------------------------------
def test_write_refuses_a_wrong_typed_column_naming_table_and_column(tmp_path):
    store = _store(tmp_path)
    with pytest.raises(ReviewError) as err:
        store.write_tidy("population", _population(year=["2024", "2025"]))
    text = str(err.value)
    assert "'population'" in text and "column 'year'" in text
    assert "holds text, not whole numbers" in text
    assert not store.has_tidy("population")  # nothing half-written


def test_write_refuses_a_flag_written_as_text(tmp_path):
    frame = pd.DataFrame({"partnership": ["A", "B"], "is_self": ["True", "False"]})
    with pytest.raises(ReviewError, match=r"column 'is_self' holds text, not yes/no flags"):
        _store(tmp_path).write_table("benchmarking", frame)
    assert not (tmp_path / "cycle" / "tables" / "benchmarking.csv").exists()


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (pd.Series(["x", 3], dtype=object), "holds mixed values (object), not text"),
        (pd.Series([1.5, 2.5]), "holds numbers, not text"),
        (pd.Series([True, False]), "holds yes/no flags, not text"),
    ],
)
def test_text_is_checked_as_a_whole_column_and_other_values_still_refused(
    tmp_path, values, problem
):
    """A text column of the text dtype passes with one answer for the column (not one per
    row); any other column given for text is refused as before, naming the column."""
    text = schemas.schema("lsoa_names").columns["lsoa_name"].dtype
    names = pd.Series(["Brackwell 001A", "Brackwell 001B"], dtype=pd.StringDtype(na_value=np.nan))
    assert text.check(text, names) is True
    frame = pd.DataFrame({"lsoa_code": ["E01000001", "E01000002"], "lsoa_name": values})
    with pytest.raises(ReviewError, match=re.escape(f"column 'lsoa_name' {problem}")):
        _store(tmp_path).write_tidy("lsoa_names", frame)


def test_write_refuses_a_missing_whole_number_and_a_missing_column(tmp_path):
    store = _store(tmp_path)
    with pytest.raises(ReviewError, match=r"column 'year' holds numbers, not whole numbers"):
        store.write_tidy("population", _population(year=[2024, np.nan]))
    with pytest.raises(ReviewError, match=r"column 'lsoa_name' is missing"):
        store.write_tidy("lsoa_names", pd.DataFrame({"lsoa_code": ["E01000001"]}))


def test_text_in_report_tables_is_never_missing(tmp_path):
    frame = pd.DataFrame(
        {c: pd.Series(dtype=t) for c, t in schemas.dtypes("reconciliation").items()}
    )
    row = {
        "dataset": "d",
        "file": None,
        "rows_read": 1,
        "accepted": 1,
        "quarantined": 0,
        "out_of_area": 0,
        "unassigned": 0,
        "after_review_period": 0,
        "note": "",
        "balanced": True,
    }
    frame = pd.concat([frame, pd.DataFrame([row]).astype(schemas.dtypes("reconciliation"))])
    with pytest.raises(ReviewError, match=r"column 'file' has missing values \(data row 1\)"):
        _store(tmp_path).write_table("reconciliation", frame)


def test_a_police_dataset_is_checked_by_its_kind_whatever_its_name(tmp_path):
    frame = pd.DataFrame(
        {"month": ["2026-01"], "lsoa_code": ["E01000001"], "crime_type": ["Burglary"], "n": ["3"]}
    )
    with pytest.raises(ReviewError, match=r"'street_records'.*column 'n' holds text"):
        _store(tmp_path).write_tidy("street_records", frame, police_schema("police_uk_street"))
    _store(tmp_path).write_tidy(
        "street_records", frame.assign(n=[3]), police_schema("police_uk_street")
    )


def test_a_table_the_dictionary_does_not_know_has_no_schema(tmp_path):
    with pytest.raises(ReviewError, match=r"no entry in the data dictionary"):
        _store(tmp_path).write_tidy("mystery", pd.DataFrame({"a": [1]}))


# Reading -------------------------------------------------------------------------------------
def test_read_refuses_a_tampered_tidy_file(tmp_path):
    store = _store(tmp_path)
    store.write_tidy("population", _population())
    path = store.layout.tidy("population")
    pq.write_table(pa.table({"year": ["2024"], "population": [1], "households": [1]}), path)
    with pytest.raises(ReviewError) as err:
        store.read_tidy("population")
    text = str(err.value)
    assert "'population'" in text and "column 'year' holds text, not whole numbers" in text
    assert "rerun the cycle" in text


def test_read_refuses_a_tampered_typed_table(tmp_path):
    store = _store(tmp_path)
    store.write_table("benchmarking", pd.DataFrame({"partnership": ["A"], "is_self": [True]}))
    pq.write_table(
        pa.table({"partnership": ["A"], "is_self": ["yes"]}),
        store.layout.typed_table("benchmarking"),
    )
    with pytest.raises(ReviewError, match=r"column 'is_self' holds text, not yes/no flags"):
        store.read_table("benchmarking")


def test_a_table_not_written_is_named_with_those_that_are(tmp_path):
    store = _store(tmp_path)
    store.write_tidy("population", _population())
    with pytest.raises(ReviewError, match=r"no tidy table 'grid'; it has: population"):
        store.read_tidy("grid")


# Empty tables and round trips ----------------------------------------------------------------
def _schema_name(table: str) -> str:
    return {"grid": "grid_police_street", "lsoa_names": "lsoa_names_police_street"}.get(
        table, table
    )


@pytest.mark.parametrize("table", sorted(set(TABLES) | set(TIDY)))
def test_an_empty_table_passes_and_reads_back_typed(tmp_path, table):
    store = _store(tmp_path)
    name = _schema_name(table)
    empty = pd.DataFrame(columns=list(schemas.dtypes(table)))  # object columns, as pandas makes
    if table in TABLES:
        store.write_table(name, empty)
        back = store.read_table(name)
    else:
        store.write_tidy(name, empty, table)
        back = store.read_tidy(name, table)
    assert len(back) == 0
    assert {c: str(t) for c, t in back.dtypes.items()} == _held(table, back)


def _value(dtype: str, nullable: bool) -> st.SearchStrategy:
    if dtype == "whole or missing":
        return st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1))
    if dtype == "flag or missing":
        return st.one_of(st.none(), st.booleans())
    if dtype == "str":
        text = st.text(st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=8)
        return st.one_of(st.none(), text) if nullable else text
    if dtype in ("int64", "int32"):
        return st.integers(-(2**31), 2**31 - 1)
    if dtype == "float64":
        number = st.floats(allow_nan=False, allow_infinity=False, width=64)
        return st.one_of(st.none(), number) if nullable else number
    return st.booleans()


@st.composite
def _frames(draw: st.DrawFn, table: str) -> pd.DataFrame:
    rows = draw(st.integers(1, 4))
    columns = {}
    for name, dtype in schemas.dtypes(table).items():
        nullable = schemas.schema(table).columns[name].nullable
        values = [draw(_value(dtype, nullable)) for _ in range(rows)]
        complete, gappy = HELD.get(dtype, (dtype, dtype))
        columns[name] = pd.Series(
            [math.nan if v is None else v for v in values],
            dtype=gappy if None in values else complete,
        )
    return pd.DataFrame(columns)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.parametrize("table", sorted(set(TABLES) | set(TIDY)))
def test_round_trip_keeps_types_and_values(tmp_path, table, data):
    store = _store(tmp_path)
    name = _schema_name(table)
    frame = data.draw(_frames(table))
    if table in TABLES:
        store.write_table(name, frame)
        back = store.read_table(name)
    else:
        store.write_tidy(name, frame, table)
        back = store.read_tidy(name, table)
    assert {c: str(t) for c, t in back.dtypes.items()} == _held(table, frame)
    for name in [c for c in back.columns if pd.api.types.is_object_dtype(back[c].dtype)]:
        # a missing flag reads back as None
        back[name] = pd.Series([math.nan if v is None else v for v in back[name]], dtype=object)
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True))


@pytest.mark.parametrize("table", TABLES)
def test_a_cycle_without_the_typed_copy_is_read_from_its_csv_with_the_same_types(tmp_path, table):
    store = _store(tmp_path)
    first = {"str": "a b", "int64": 7, "float64": 0.1, "bool": True}
    second = {"str": "=c", "int64": -2, "float64": 2 / 3, "bool": False}
    held = {name: HELD.get(dtype, (dtype,))[0] for name, dtype in schemas.dtypes(table).items()}
    frame = pd.DataFrame(
        {
            name: pd.Series([first[dtype], second[dtype]], dtype=dtype)
            for name, dtype in held.items()
        }
    )
    store.write_table(table, frame)
    store.layout.typed_table(table).unlink()  # as a cycle written before the typed copy
    back = store.read_table(table)
    pd.testing.assert_frame_equal(back, frame)


# The report reads what the steps wrote, typed ------------------------------------------------
def test_the_report_reads_the_tables_as_written_without_retyping(cycle_run):
    from reviewkit.report.context import load_context

    ctx = load_context(cycle_run["params"], cycle_run["cycle"])
    store = CycleStore(cycle_run["cycle"])
    for table, frame in (
        ("scorecard", ctx.scorecard),
        ("initiative_status", ctx.initiatives),
        ("completeness", ctx.completeness),
        ("reconciliation", ctx.reconciliation),
        ("benchmarking", ctx.benchmarking),
    ):
        assert frame is not None
        want = (
            _held(table, frame)
            if table != "benchmarking"
            else {c: schemas.dtypes(table)[c] for c in frame}
        )
        assert {c: str(t) for c, t in frame.dtypes.items()} == want
        pd.testing.assert_frame_equal(frame, store.read_table(table))
    assert ctx.scorecard["assessable"].dtype == bool
    assert ctx.initiatives["reassess"].dtype == bool
    assert ctx.benchmarking["is_self"].sum() >= 1
    # the published CSV says the same as the typed copy the report read
    published = pd.read_csv(cycle_run["cycle"] / "tables" / "scorecard.csv", keep_default_na=False)
    assert list(published["assessable"]) == list(ctx.scorecard["assessable"])
    assert np.allclose(
        published["review_count"].replace("", np.nan).astype(float),
        ctx.scorecard["review_count"],
        equal_nan=True,
    )


def test_the_store_does_not_import_pandera_until_a_table_is_checked():
    code = (
        "import sys, reviewkit.store.tables, reviewkit.store.schemas; "
        "print('pandera' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
