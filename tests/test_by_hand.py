"""Notebooks run by hand: where they read and write comes from the params, earlier results are
found or the notebook says in one line what to run first, and a finished cycle is never
written to."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from conftest import BRACKWELL, ROOT
from reviewkit.base.errors import ReviewError
from reviewkit.store.layout import CycleLayout
from reviewkit.store.workspace import step_folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture()
def outputs(cycle_run, tmp_path, monkeypatch) -> Path:
    """A copy of the finished end-to-end cycle, as the outputs folder."""
    out = tmp_path / "outputs"
    shutil.copytree(cycle_run["outputs"], out)
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(out))
    return out


def test_by_hand_a_step_reads_the_finished_cycle_and_writes_beside_it(cycle_run, outputs):
    finished = _snapshot(outputs / BRACKWELL / "e2e")
    said: list[str] = []
    params, folder = step_folder(cycle_run["params"], "", "progress", echo=said.append)
    assert folder == outputs / "interactive" / BRACKWELL / "e2e"
    assert params.cycle == "e2e"
    assert CycleLayout(folder).has_intake and not CycleLayout(folder).finished
    assert said[0].startswith("Reading the intake results of the finished cycle")
    assert "the finished cycle is not changed" in said[0]
    assert _snapshot(outputs / BRACKWELL / "e2e") == finished
    # a second step by hand reads the scratch folder's own results
    said.clear()
    assert step_folder(cycle_run["params"], "", "report", echo=said.append)[1] == folder
    assert not any("finished cycle" in s and "Reading" in s for s in said)


def test_by_hand_with_no_earlier_results_it_says_what_to_run_first(
    cycle_run, tmp_path, monkeypatch
):
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "none"))
    with pytest.raises(ReviewError) as exc:
        step_folder(cycle_run["params"], "", "progress")
    message = str(exc.value)
    assert message.startswith(
        "No intake results for cycle 'e2e' yet: run notebooks/01_intake.ipynb first"
    )
    assert "\n" not in message
    with pytest.raises(ReviewError, match="run notebooks/02_progress.ipynb first"):
        step_folder(cycle_run["params"], "", "report")
    # intake needs nothing before it
    assert step_folder(cycle_run["params"], "", "intake", echo=lambda _m: None)[1].is_dir()


def test_a_notebook_never_writes_into_a_finished_cycle(cycle_run, outputs):
    with pytest.raises(ReviewError, match="finished review cycle .*by hand never write into it"):
        step_folder(cycle_run["params"], str(outputs / BRACKWELL / "e2e"), "progress")


def test_the_scratch_folder_follows_the_params(cycle_run, outputs, tmp_path):
    """Changing params_file alone moves the folder too: no second path to keep in step."""
    other = tmp_path / "other.yaml"
    other.write_text(cycle_run["params"].read_text().replace("cycle: e2e", "cycle: other"))
    with pytest.raises(ReviewError, match="No intake results for cycle 'other'"):
        step_folder(other, "", "progress")


def test_progress_notebook_run_on_its_own_says_in_one_line_what_to_run_first(
    cycle_run, tmp_path, monkeypatch
):
    """The reported case: 02_progress.ipynb run alone used to fail deep in pyarrow."""
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "outputs"))
    target = tmp_path / "02_progress.ipynb"
    with pytest.raises(pm.PapermillExecutionError):
        pm.execute_notebook(
            str(ROOT / "notebooks" / "02_progress.ipynb"),
            str(target),
            parameters={"params_file": str(cycle_run["params"])},
            kernel_name="python3",
            cwd=str(ROOT),
            progress_bar=False,
            log_output=False,
        )
    nb = nbformat.read(target, as_version=4)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert len(errors) == 1
    assert errors[0]["traceback"] == [
        "ReviewError: No intake results for cycle 'e2e' yet: run notebooks/01_intake.ipynb "
        f"first (or `reviewkit run {cycle_run['params']}`)."
    ]


def test_a_scratch_folder_never_carries_the_finished_cycles_old_reports(cycle_run, outputs):
    finished = outputs / BRACKWELL / "e2e"
    _, folder = step_folder(cycle_run["params"], "", "progress", echo=lambda _m: None)
    old = CycleLayout(finished)
    reports = [p for p in finished.iterdir() if old.is_report(p)]
    # the finished cycle has them: pages, PDFs where printed, the workbook, the notebooks
    assert {"review_report.html", "data_quality.html", "review_tables.xlsx", "notebooks"} <= {
        p.name for p in reports
    }
    copied = {p.name for p in folder.iterdir()}
    assert copied.isdisjoint(p.name for p in reports)
    assert not list(folder.rglob("*.html")) and not list(folder.rglob("*.pdf"))
    assert not list(folder.rglob("*.xlsx")) and "manifest.json" not in copied
    # every result the steps read is there
    assert {"tidy", "tables", ".tables", "intake.json", "cycle.json"} <= copied
