"""The committed notebooks: valid, thin, without outputs, with their parameters cell and kernel."""

import ast
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_three_steps_are_there_in_order():
    assert [p.name for p in NOTEBOOKS] == ["01_intake.ipynb", "02_progress.ipynb",
                                          "03_report.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], "committed notebooks carry no outputs"
            assert cell.execution_count is None
    # The parameters cell only assigns literals: derived values belong in later cells.
    tree = ast.parse(tagged[0].source)
    for node in tree.body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    assert {t.id for n in tree.body for t in n.targets} == {"params_file", "run_dir"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path: Path):
    """Logic lives in lib/: no function or class definitions, no loops in notebooks."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saving_a_run_notebook_in_jupyterlab_writes_the_committed_bytes(path: Path):
    """What JupyterLab adds on run and save (outputs, counts, language_info, timings) is
    stripped by the pre-save hook `make lab` configures, so the file is the committed one."""
    import subprocess

    from reviewkit.run.labhooks import strip_on_save

    name = path.name
    committed = subprocess.run(["git", "show", f":notebooks/{name}"], cwd=ROOT,
                               capture_output=True, text=True, check=False).stdout or (
        path.read_text(encoding="utf-8"))
    nb = nbformat.reads(committed, as_version=4)
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.execution_count = i
            cell.outputs = [nbformat.v4.new_output("stream", text="x\n")]
            cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    model = {"type": "notebook", "content": nb}
    strip_on_save(model, f"notebooks/{name}")
    assert nbformat.writes(model["content"]) + "\n" == committed


def test_make_lab_listens_on_localhost_saves_as_git_keeps_and_allows_root_only_as_root():
    import os
    import shutil
    import subprocess

    if shutil.which("make") is None or not hasattr(os, "getuid"):
        pytest.skip("make is not installed (Windows users run jupyter lab themselves)")
    res = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    line = res.stdout.strip().splitlines()[-1]
    assert "jupyter lab" in line and "--ip=127.0.0.1" in line
    assert "--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save" in line
    assert ("--allow-root" in line) == (os.getuid() == 0)
