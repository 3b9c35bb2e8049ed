"""The data dictionary of a cycle's folder: one row per column of every table file written,
its type the one the dictionary states (in words), whatever values the cycle holds; and the
store is the only reader and writer of a cycle's tables."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from conftest import ROOT
from reviewkit.store.tables import CycleStore

# The types of these columns, written out from the data dictionary's words (S text,
# I whole number, F number), not taken from the code under test.
QUARANTINE = {
    "dataset": "text",
    "file": "text",
    "row": "whole number",
    "reason": "text",
    "period": "text",
    "area": "text",
}
RECORDING = {
    "dataset": "text",
    "crime_type": "text",
    "month": "text",
    "until": "text",
    "before": "number or empty",
    "after": "number or empty",
    "ratio": "number or empty",
    "p_value": "number or empty",
    "rest_before": "number or empty",
    "rest_after": "number or empty",
    "confirmed_by": "text",
}
LOG = ["id", "raised_cycle", "agency", "dataset", "category", "description", "action", "owner"]
LOG += ["status", "resolved_cycle", "board_note", "due"]


def _cycle(folder, *, digits: bool) -> CycleStore:
    """A cycle's folder with a quarantine, recording changes and a difficulties log; with
    `digits`, text columns that hold only digits and number columns left empty."""
    store = CycleStore(folder)
    text = "2024" if digits else "Burglary"
    store.write_quarantine(
        "asb",
        pd.DataFrame(
            {
                "dataset": ["asb"],
                "file": ["17.csv" if digits else "asb.csv"],
                "row": [3],
                "reason": ["no period"],
                "period": [None if digits else "2025-10"],
                "area": [None if digits else "E01000001"],
            }
        ),
    )
    number = float("nan") if digits else 1.5
    store.write_table(
        "recording_changes",
        pd.DataFrame(
            {
                "dataset": ["street"],
                "crime_type": [text],
                "month": ["2025-04"],
                "until": ["2026-09"],
                **{c: [number] for c, t in RECORDING.items() if t == "number or empty"},
                "confirmed_by": [""],
            }
        ),
    )
    store.write_difficulties(pd.DataFrame({c: ["1" if digits else "D-1"] for c in LOG}))
    return store


def test_each_column_has_the_dictionarys_type_whatever_the_cycle_holds(tmp_path):
    words = _cycle(tmp_path / "words", digits=False).write_dictionary()
    digits = _cycle(tmp_path / "digits", digits=True).write_dictionary()
    # a column of digits is still text, an all-empty number column still a number
    pd.testing.assert_frame_equal(words, digits)
    types = {(r.file, r.column): r.type for r in digits.itertuples()}
    assert {c: types["quarantine/asb.csv", c] for c in QUARANTINE} == QUARANTINE
    assert {c: types["tables/recording_changes.csv", c] for c in RECORDING} == RECORDING
    assert {c: types["difficulties_log.csv", c] for c in LOG} == dict.fromkeys(LOG, "text")
    # the typed copy is for the steps, not described twice; every row is described
    assert not any(f.startswith(".tables/") for f, _ in types)
    assert (digits["meaning"] != "").all() and (digits["label"] != "").all()


def test_the_dictionary_file_is_read_back_as_written(tmp_path):
    store = _cycle(tmp_path, digits=True)
    written = store.write_dictionary()
    assert store.layout.data_dictionary.is_file()
    pd.testing.assert_frame_equal(store.read_dictionary(), written.astype(str))


def test_a_cycle_without_the_file_gets_the_same_dictionary(tmp_path):
    store = _cycle(tmp_path, digits=False)
    made = store.read_dictionary()  # nothing written yet: made from the files
    assert not store.layout.data_dictionary.exists()
    assert made.equals(store.write_dictionary())


def test_a_column_the_dictionary_does_not_know_has_no_type_or_meaning(tmp_path):
    store = CycleStore(tmp_path)
    store.write_difficulties(pd.DataFrame({"id": ["D-1"], "my_own_column": ["x"]}))
    rows = store.read_dictionary().set_index("column")
    assert rows.loc["id", "type"] == "text"
    assert rows.loc["my_own_column", ["type", "meaning", "source"]].tolist() == ["", "", ""]


# Only the store reads and writes a cycle's tables ----------------------------------------------
# The layers above the store that hold a cycle's results: none of them opens a table file.
ABOVE_THE_STORE = ("analysis", "report", "run")
FILE_CALLS = {"read_csv", "read_parquet", "read_excel", "read_table", "to_csv", "to_parquet"}
FILE_CALLS |= {"write_table", "read_schema"}


def _file_calls(path) -> list[str]:
    """`pd.read_csv(...)`, `frame.to_csv(...)`, `pq.read_table(...)` and the like in a module
    (a call on `pd`, `pq` or a frame; a store's method of the same name is not one)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = node.func.attr
        if name in {"to_csv", "to_parquet"} or (
            isinstance(owner, ast.Name) and owner.id in {"pd", "pq", "pa"} and name in FILE_CALLS
        ):
            found.append(f"line {node.lineno}: {name}")
    return found


@pytest.mark.parametrize(
    "path",
    [
        p
        for layer in ABOVE_THE_STORE
        for p in sorted((ROOT / "lib" / "reviewkit" / layer).rglob("*.py"))
    ],
    ids=lambda p: p.relative_to(ROOT / "lib" / "reviewkit").as_posix(),
)
def test_only_the_store_reads_and_writes_a_cycles_tables(path):
    assert _file_calls(path) == [], f"{path.name} opens table files past the store"


def test_the_check_finds_a_table_read_past_the_store(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import pandas as pd\n"
        "def f(p, store, frame):\n"
        "    store.read_table('scorecard')\n"
        "    frame.to_csv(p)\n"
        "    return pd.read_csv(p, nrows=50)\n"
    )
    assert _file_calls(module) == ["line 4: to_csv", "line 5: read_csv"]
