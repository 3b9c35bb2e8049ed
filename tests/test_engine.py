"""The runner's papermill engine: the executed notebook saved at most once a second while it
runs, and always at its start, after a failing cell and at its end."""

from __future__ import annotations

import nbformat
import pytest
from papermill.engines import papermill_engines

from reviewkit.run import engine


def _notebook(cells: int) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"x = {i}") for i in range(cells)]
    nb.metadata["papermill"] = {}
    return nb


@pytest.fixture
def saves(monkeypatch):
    written: list[str] = []
    monkeypatch.setattr("papermill.engines.write_ipynb", lambda nb, path: written.append(str(path)))
    return written


def test_saves_at_start_and_end_not_at_every_cell(saves, tmp_path):
    out = tmp_path / "run.ipynb"
    nb = _notebook(20)
    man = engine.ThrottledExecutionManager(nb, output_path=str(out), progress_bar=False)
    man.notebook_start()
    assert len(saves) == 1  # on disk from the start
    for i, cell in enumerate(nb.cells):
        man.cell_start(cell, i)
        man.cell_complete(cell, i)
    assert len(saves) == 1  # 20 quick cells: no save while they run (papermill: 40)
    man.notebook_complete()
    assert len(saves) == 2


def test_saves_again_once_a_second_has_passed(saves, tmp_path, monkeypatch):
    nb = _notebook(3)
    man = engine.ThrottledExecutionManager(
        nb, output_path=str(tmp_path / "r.ipynb"), progress_bar=False
    )
    man.notebook_start()
    monkeypatch.setattr(engine, "SAVE_EVERY", 0.0)
    man.cell_start(nb.cells[0], 0)
    assert len(saves) == 2  # a long-running notebook still shows its progress on disk


def test_a_failing_cell_is_saved_at_once(saves, tmp_path):
    nb = _notebook(3)
    man = engine.ThrottledExecutionManager(
        nb, output_path=str(tmp_path / "r.ipynb"), progress_bar=False
    )
    man.notebook_start()
    man.cell_start(nb.cells[0], 0)
    man.cell_exception(nb.cells[0], 0)
    man.cell_complete(nb.cells[0], 0)  # papermill's order: the exception, then the end
    assert len(saves) == 2


def test_registered_with_papermill():
    assert engine.register() == engine.NAME
    assert papermill_engines.get_engine(engine.NAME) is engine.ReviewEngine
