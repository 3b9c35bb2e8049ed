"""The committed notebooks: valid, thin, without outputs, with their parameters cell and kernel.

The checks read the notebooks as committed (git's index), not the working copy: an analyst who
runs and saves a notebook in JupyterLab has outputs in the working copy, which the nbstripout
filter keeps out of git.
"""

import ast
import subprocess

import nbformat
import pytest

from conftest import ROOT

STEPS = ["01_intake.ipynb", "02_progress.ipynb", "03_report.ipynb"]
SHIPPED = [*STEPS, "explore.ipynb", "own_template.ipynb"]
AUDIENCE_TAGS = {"quality", "board", "community", "planning"}


def _committed(name: str) -> nbformat.NotebookNode:
    """The notebook as git holds it (the index), or the file where there is no git."""
    res = subprocess.run(
        ["git", "show", f":notebooks/{name}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if res.returncode == 0:
        return nbformat.reads(res.stdout, as_version=4)
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def _parameters(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def test_the_shipped_notebooks_are_there():
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert set(SHIPPED) <= set(names)
    assert sorted(n for n in names if n[:2].isdigit()) == STEPS  # the steps, in run order


@pytest.mark.parametrize("name", SHIPPED)
def test_committed_notebook_is_clean(name: str):
    nb = _committed(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    # what JupyterLab adds on save is not committed (nbstripout extrakeys)
    assert set(nb.metadata) == {"kernelspec"}
    tagged = _parameters(nb)
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for cell in nb.cells:
        assert set(cell.get("metadata", {})) <= {"tags"}
        if cell.cell_type == "code":
            assert cell.outputs == [], "committed notebooks carry no outputs"
            assert cell.execution_count is None
    # The parameters cell only assigns literals: derived values belong in later cells.
    tree = ast.parse(tagged[0].source)
    for node in tree.body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    names = {t.id for n in tree.body for t in n.targets}
    if name == "explore.ipynb":
        assert names == {"params_file", "indicator"}
    else:
        assert names == {"params_file", "run_dir"}
        # run by hand, the folder is derived from the params: no second path to keep in step
        assert {n.targets[0].id: n.value.value for n in tree.body}["run_dir"] == ""


@pytest.mark.parametrize("name", SHIPPED)
def test_notebooks_are_thin(name: str):
    """Logic lives in lib/: no function or class definitions, no loops in notebooks."""
    for cell in _committed(name).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While)


@pytest.mark.parametrize("name", STEPS)
def test_steps_show_the_analysis_and_say_what_each_part_does(name: str):
    """Run by hand a step shows DataFrames or figures (cells tagged `explore`) or the report
    sections, and markdown explains the steps; every cell with output is tagged or computes."""
    nb = _committed(name)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(markdown) >= 3
    tags = [set(c.get("metadata", {}).get("tags", [])) for c in nb.cells if c.cell_type == "code"]
    shown = [t for t in tags if t & (AUDIENCE_TAGS | {"explore"})]
    assert len(shown) >= 3
    if name != "03_report.ipynb":
        assert any("explore" in t for t in tags)
    # no cell is tagged for two audiences
    assert all(len(t & AUDIENCE_TAGS) <= 1 for t in tags)


@pytest.mark.parametrize("name", SHIPPED)
def test_saving_a_run_notebook_in_jupyterlab_writes_the_committed_bytes(name: str):
    """What JupyterLab adds on run and save (outputs, counts, language_info, timings) is
    stripped by the pre-save hook `make lab` configures, so the file is the committed one."""
    from reviewkit.run.labhooks import strip_on_save

    committed = subprocess.run(
        ["git", "show", f":notebooks/{name}"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout or (ROOT / "notebooks" / name).read_text(encoding="utf-8")
    nb = nbformat.reads(committed, as_version=4)
    nb.metadata["language_info"] = {
        "name": "python",
        "version": "3.11.2",
        "mimetype": "text/x-python",
    }
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.execution_count = i
            cell.outputs = [nbformat.v4.new_output("stream", text="x\n")]
            cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
            cell.metadata["scrolled"] = True
    model = {"type": "notebook", "content": nb}
    strip_on_save(model, f"notebooks/{name}")
    assert nbformat.writes(model["content"]) + "\n" == committed
    # only notebooks under notebooks/ are touched
    other = {"type": "notebook", "content": {"cells": [{"cell_type": "code", "outputs": [1]}]}}
    strip_on_save(other, "elsewhere/x.ipynb")
    assert other["content"]["cells"][0]["outputs"] == [1]


def test_the_git_filter_and_the_save_hook_strip_the_same_keys():
    import re

    from reviewkit.run.labhooks import CELL_KEYS, NOTEBOOK_KEYS

    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    keys = set(re.search(r"^NBSTRIP_KEYS = (.*)$", text, re.M).group(1).split())
    assert keys <= {f"metadata.{k}" for k in NOTEBOOK_KEYS} | {
        f"cell.metadata.{k}" for k in CELL_KEYS
    }
    assert "metadata.language_info" in keys


def test_make_lab_listens_on_localhost_saves_as_git_keeps_and_allows_root_only_as_root():
    import os
    import shutil

    if shutil.which("make") is None or not hasattr(os, "getuid"):
        pytest.skip("make is not installed (Windows users run jupyter lab themselves)")
    # --no-print-directory: run from inside `make test`, make would add its directory lines
    res = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [ln for ln in res.stdout.splitlines() if "jupyter lab" in ln]
    assert len(lines) == 1, res.stdout
    line = lines[0]
    assert "--ip=127.0.0.1" in line
    assert "--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save" in line
    assert ("--allow-root" in line) == (os.getuid() == 0)
