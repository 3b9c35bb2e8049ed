"""Own notebooks are code the analyst runs with their own rights: they run only from the
repository or a folder the params name (`own_notebook_folders`), and `check` lists them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import load_params
from reviewkit.run.preflight import check_cycle

TEMPLATE = ROOT / "notebooks" / "own_template.ipynb"


@pytest.fixture()
def outside(tmp_path) -> Path:
    """A good own notebook in a folder outside the repository."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return Path(shutil.copy(TEMPLATE, folder / "hotspots.ipynb"))


def _refused(path: Path) -> str:
    with pytest.raises(ReviewError) as err:
        load_params(path)
    return str(err.value)


def test_an_absolute_path_outside_the_repository_is_refused(tmp_path, demo_data, outside):
    """Case 3: it used to run with no warning, anywhere on the machine."""
    msg = _refused(
        write_params(tmp_path / "p.yaml", demo_data, own_notebooks=[{"file": str(outside)}])
    )
    assert "key 'own_notebooks[0].file'" in msg and "outside the repository" in msg
    assert "own_notebook_folders" in msg and "run with your rights" in msg


def test_a_relative_path_climbing_out_is_refused(tmp_path, demo_data, outside):
    climbing = os.path.relpath(outside, ROOT)
    assert climbing.startswith("..")
    msg = _refused(write_params(tmp_path / "p.yaml", demo_data, own_notebooks=[{"file": climbing}]))
    assert "outside the repository" in msg


def test_a_link_inside_the_repository_is_judged_by_where_it_leads(
    tmp_path, demo_data, outside, monkeypatch
):
    repo = tmp_path / "repo"
    (repo / "notebooks" / "own").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("")
    link = repo / "notebooks" / "own" / "hotspots.ipynb"
    link.symlink_to(outside)
    monkeypatch.setenv("REVIEWKIT_ROOT", str(repo))
    p = write_params(
        tmp_path / "p.yaml", demo_data, own_notebooks=[{"file": "notebooks/own/hotspots.ipynb"}]
    )
    assert "outside the repository" in _refused(p)
    # the same notebook copied into the repository runs
    link.unlink()
    shutil.copy(outside, link)
    assert load_params(p).own_notebooks[0].file == "notebooks/own/hotspots.ipynb"


def test_a_folder_the_params_name_is_allowed(tmp_path, demo_data, outside):
    p = write_params(
        tmp_path / "p.yaml",
        demo_data,
        own_notebooks=[{"file": str(outside)}],
        own_notebook_folders=[str(outside.parent)],
    )
    assert load_params(p).own_notebook_folders == [str(outside.parent)]
    # ... but not its neighbour
    other = outside.parent.parent / "neighbour"
    other.mkdir()
    shutil.copy(outside, other / "x.ipynb")
    p = write_params(
        tmp_path / "q.yaml",
        demo_data,
        own_notebooks=[{"file": str(other / "x.ipynb")}],
        own_notebook_folders=[str(outside.parent)],
    )
    assert "outside the repository" in _refused(p)


@pytest.mark.parametrize("folder", ["/", "~", "nowhere/at/all"])
def test_a_folder_that_holds_everything_or_nothing_is_refused(tmp_path, demo_data, folder):
    p = write_params(tmp_path / "p.yaml", demo_data, own_notebook_folders=[folder])
    msg = _refused(p)
    assert "key 'own_notebook_folders[0]'" in msg
    assert ("not found" in msg) == (folder == "nowhere/at/all")


def test_check_lists_what_will_run_and_says_it_runs_with_your_rights(tmp_path, demo_data, outside):
    p = write_params(
        tmp_path / "p.yaml",
        demo_data,
        own_notebooks=[
            {"file": "notebooks/own_template.ipynb", "after": "intake"},
            {"file": str(outside)},
        ],
        own_notebook_folders=[str(outside.parent)],
    )
    _, lines = check_cycle(p)
    assert "own notebooks: 2 will run, as code with your rights" in lines[2]
    assert lines[3] == "runs    notebooks/own_template.ipynb after the intake step"
    assert lines[4] == (
        f"runs    {outside} after the progress step (outside the repository, from a folder "
        "named in own_notebook_folders)"
    )
