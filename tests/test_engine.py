"""The runner's papermill engine: the executed notebook saved at most once a second while it
runs, and always at its start and at its end, a failing cell included; found by papermill
through its entry point."""

from __future__ import annotations

import nbformat
import pytest
from papermill.engines import NBClientEngine, papermill_engines

from reviewkit.run import engine
from reviewkit.run.steps import ENGINE


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


class Failed(Exception):
    pass


@pytest.fixture
def cells_run(monkeypatch):
    """papermill's nbclient engine without a kernel: each cell started and completed through
    the execution manager, as papermill's notebook client does (a failing cell: its
    exception, then its end, then the run stops)."""
    seen: list[int] = []

    @classmethod  # type: ignore[misc]
    def run(cls, nb_man, kernel_name, fail_at=None, **kwargs):
        for i, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, i)
            seen.append(i)
            if i == fail_at:
                nb_man.cell_exception(cell, i)
                nb_man.cell_complete(cell, i)
                raise Failed
            nb_man.cell_complete(cell, i)
        return nb_man.nb

    monkeypatch.setattr(NBClientEngine, "execute_managed_notebook", run)
    return seen


def _execute(nb, path, **kwargs):
    return engine.ReviewEngine.execute_notebook(
        nb, "python3", output_path=str(path), progress_bar=False, **kwargs
    )


def test_saves_at_start_and_end_not_at_every_cell(saves, cells_run, tmp_path):
    _execute(_notebook(20), tmp_path / "run.ipynb")
    assert cells_run == list(range(20))
    assert len(saves) == 2  # 20 quick cells: saved at the start and the end (papermill: 42)


def test_saves_again_once_a_second_has_passed(saves, cells_run, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "SAVE_EVERY", 0.0)
    _execute(_notebook(3), tmp_path / "r.ipynb")
    assert len(saves) == 2 + 6  # a long-running notebook still shows its progress on disk


def test_a_failing_notebook_is_saved_as_it_stops(saves, cells_run, tmp_path):
    with pytest.raises(Failed):
        _execute(_notebook(5), tmp_path / "r.ipynb", fail_at=2)
    assert cells_run == [0, 1, 2]
    assert len(saves) == 2  # at the start, and with the failing cell's error as it stopped


def test_throttled_saves_at_most_once_per_interval():
    calls: list[dict] = []
    save = engine.throttled(lambda **kw: calls.append(kw), lambda: 3600.0)
    for _ in range(5):
        save(a=1)
    assert calls == []
    save = engine.throttled(lambda **kw: calls.append(kw), lambda: 0.0)
    save(a=1)
    save(a=2)
    assert calls == [{"a": 1}, {"a": 2}]


def test_found_by_papermill_through_its_entry_point():
    assert papermill_engines.get_engine(ENGINE) is engine.ReviewEngine


def test_the_engine_loads_whoever_imports_first(tmp_path):
    """papermill loads the engine through its entry point as papermill is imported: a process
    that imports the runner before papermill still gets it."""
    import subprocess
    import sys

    for first in ("reviewkit.run.steps", "reviewkit.run.runner", "papermill"):
        code = (
            f"import {first}\n"
            "from papermill.engines import papermill_engines\n"
            "print(papermill_engines.get_engine('reviewkit').__name__)"
        )
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert res.stdout.strip() == "ReviewEngine", (first, res.stderr[-500:])
