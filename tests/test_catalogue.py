"""The data dictionary of a cycle's folder: one row per column of every table file written,
its type the one the dictionary states (in words), whatever values the cycle holds; and the
store is the only reader and writer of a cycle's tables."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from conftest import ROOT
from reviewkit.base.errors import ReviewError
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


# Only the store reads and writes a cycle's records (the steps' summaries, the manifest) -------
# The layers above the store, intake among them: none reads or writes a JSON file of a cycle.
ABOVE_THE_STORE_RECORDS = ("intake", *ABOVE_THE_STORE)
# Modules above the store that read or write JSON files that are not a cycle's: the LSOA
# boundaries (a GeoJSON the analyst gives) and JupyterLab's settings.
NOT_A_CYCLES_JSON = {"report/maps.py", "run/lab.py"}
READS = {"read_text", "read_bytes", "open"}
WRITES = {"write_text", "write_bytes"}


def _json_file_calls(path) -> list[str]:
    """`json.load(...)`, `json.loads(<a file read>)`, `json.dump(...)` and
    `<path>.write_text(json.dumps(...))` in a module (a JSON message over a socket is not one)."""

    def calls(node, names):
        return [
            n
            for n in ast.walk(node)
            if isinstance(n, ast.Call)
            and (getattr(n.func, "attr", None) in names or getattr(n.func, "id", None) in names)
        ]

    def is_json(node, name):
        func = node.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr == name
            and (isinstance(func.value, ast.Name) and func.value.id == "json")
        )

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        if is_json(node, "load") or is_json(node, "dump"):
            found.append(f"line {node.lineno}: json.{node.func.attr}")
        elif is_json(node, "loads") and any(calls(a, READS) for a in node.args):
            found.append(f"line {node.lineno}: json.loads of a file")
        elif getattr(node.func, "attr", None) in WRITES and any(
            is_json(c, "dumps") for c in calls(node, {"dumps"})
        ):
            found.append(f"line {node.lineno}: {node.func.attr}(json.dumps(...))")
    return sorted(found, key=lambda f: int(f.split()[1].rstrip(":")))


@pytest.mark.parametrize(
    "path",
    [
        p
        for layer in ABOVE_THE_STORE_RECORDS
        for p in sorted((ROOT / "lib" / "reviewkit" / layer).rglob("*.py"))
        if p.relative_to(ROOT / "lib" / "reviewkit").as_posix() not in NOT_A_CYCLES_JSON
    ],
    ids=lambda p: p.relative_to(ROOT / "lib" / "reviewkit").as_posix(),
)
def test_only_the_store_reads_and_writes_a_cycles_records(path):
    found = _json_file_calls(path)
    assert found == [], f"{path.name} reads or writes a cycle's JSON records past the store"


def test_the_check_finds_a_record_read_or_written_past_the_store(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import json\n"
        "def f(layout, conn, store, summary):\n"
        "    store.read_intake_summary()\n"
        "    reply = json.loads(conn.recv_bytes() or b'{}')\n"
        "    months = json.loads(layout.intake_summary.read_text(encoding='utf-8'))\n"
        "    layout.progress_summary.write_text(json.dumps(summary, indent=2) + '\\n')\n"
        "    with open(layout.manifest) as f:\n"
        "        made = json.load(f)\n"
        "    json.dump(summary, open(layout.intake_summary, 'w'))\n"
        "    return reply, months, made\n"
    )
    assert _json_file_calls(module) == [
        "line 5: json.loads of a file",
        "line 6: write_text(json.dumps(...))",
        "line 8: json.load",
        "line 9: json.dump",
    ]


def test_the_steps_summaries_are_read_back_as_written(tmp_path):
    store = CycleStore(tmp_path)
    with pytest.raises(ReviewError, match="intake.json is missing"):
        store.read_intake_summary()
    assert not store.has_intake_summary()
    intake = {"notes": {"street": ["a note"]}, "months": {"street": ["2026-01"]}}
    store.write_intake_summary(intake)
    assert store.has_intake_summary() and store.read_intake_summary() == intake
    # written with its keys sorted; the progress summary keeps its keys' order
    assert store.layout.intake_summary.read_text(encoding="utf-8").index('"months"') < (
        store.layout.intake_summary.read_text(encoding="utf-8").index('"notes"')
    )
    progress = {"indicators": 3, "assessable": 2, "initiatives": 1, "reassess": ["I1"]}
    store.write_progress_summary(progress)
    assert store.read_progress_summary() == progress
    assert store.layout.progress_summary.read_text(encoding="utf-8") == (
        '{\n  "indicators": 3,\n  "assessable": 2,\n  "initiatives": 1,\n'
        '  "reassess": [\n    "I1"\n  ]\n}\n'
    )
    store.layout.progress_summary.write_text('{"indicators": 3', encoding="utf-8")  # cut short
    with pytest.raises(ReviewError, match="progress.json cannot be read"):
        store.read_progress_summary()


def test_a_manifest_is_read_one_way(tmp_path):
    from reviewkit.store.layout import CycleLayout, check_owner

    layout = CycleLayout(tmp_path / "p" / "c")
    layout.root.mkdir(parents=True)
    assert layout.read_manifest() is None  # no manifest: not a finished cycle
    layout.manifest.write_text('{"partnership": "P", "cycle": "c"}', encoding="utf-8")
    assert layout.read_manifest() == {"partnership": "P", "cycle": "c"}
    layout.manifest.write_text('{"partnership": "P",', encoding="utf-8")  # cut short
    with pytest.raises(ReviewError, match="manifest.json cannot be read"):
        layout.read_manifest()
    check_owner(tmp_path / "p", "Q")  # an unreadable manifest names no holder


RECORD_FILES = {"intake.json", "progress.json", "manifest.json", "cycle.json"}


def _record_names(path) -> list[str]:
    """Each string in a module that is the name of a cycle's record file (or a path ending
    in one): the layout names them, everything else asks it."""
    return [
        f"line {n.lineno}: {n.value}"
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and n.value.rsplit("/", 1)[-1] in RECORD_FILES
    ]


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in sorted((ROOT / "lib" / "reviewkit").rglob("*.py"))
        if p != ROOT / "lib" / "reviewkit" / "store" / "layout.py"
    ],
    ids=lambda p: p.relative_to(ROOT / "lib" / "reviewkit").as_posix(),
)
def test_only_the_layout_names_a_cycles_records(path):
    assert _record_names(path) == [], f"{path.name} names a cycle's record; ask CycleLayout"


def test_the_check_finds_a_record_named_past_the_layout(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("FILES = ('intake.json', 'tables/scorecard.csv', 'run/progress.json')\n")
    assert _record_names(module) == ["line 1: intake.json", "line 1: run/progress.json"]


def test_the_dictionary_says_which_step_writes_each_table():
    """`dictionary.STEP_OF` (what `--from` checks a finished cycle against) is the step whose
    module writes the table: read from the calls `store.write_table("name", ...)`."""
    from reviewkit.store import dictionary

    written = {}
    for step, module in (("intake", "intake/step.py"), ("progress", "analysis/step.py")):
        tree = ast.parse((ROOT / "lib" / "reviewkit" / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"write_table", "write_tidy"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                written[node.args[0].value] = step
    assert len(written) >= 9
    assert {name: dictionary.STEP_OF[name] for name in written} == written
