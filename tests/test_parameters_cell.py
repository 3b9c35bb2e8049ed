"""A name added to a notebook's parameters cell is refused, not silently ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from reviewkit.base.errors import ReviewError
from reviewkit.run.parameters_cell import (
    check_parameters_cells,
    parameter_names,
    unknown_parameters,
)


def _notebook(path: Path, parameters: str, other: str = "x = 1") -> Path:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {**cell, "metadata": {"tags": ["parameters"]}, "source": parameters},
            {**cell, "source": other},
        ],
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_the_committed_notebooks_hold_only_what_a_run_passes():
    for name in ("01_intake", "02_progress", "03_report", "own_template"):
        nb = ROOT / "notebooks" / f"{name}.ipynb"
        assert parameter_names(nb) == ["params_file", "run_dir"], name


def test_every_kind_of_assignment_is_seen(tmp_path):
    nb = _notebook(
        tmp_path / "a.ipynb",
        'params_file = "p.yaml"\nrun_dir = ""\nsignificance_level = 0.01  # stricter\n'
        "top_n: int = 5\nlow, high = 1, 2\nrun_dir += ''\n",
        other="not_a_parameter = 3",
    )
    assert unknown_parameters(nb) == ["significance_level", "top_n", "low", "high"]
    assert unknown_parameters(_notebook(tmp_path / "b.ipynb", "this is not python")) == []


def test_a_run_refuses_a_name_it_would_ignore_naming_the_notebook(tmp_path):
    good = _notebook(tmp_path / "good.ipynb", 'params_file = ""\nrun_dir = ""')
    bad = _notebook(tmp_path / "02_progress.ipynb", 'params_file = ""\nsignificance_level = 0.01')
    check_parameters_cells([good], tmp_path / "cycle.yaml")
    with pytest.raises(ReviewError) as err:
        check_parameters_cells([good, bad], tmp_path / "cycle.yaml")
    said = str(err.value)
    assert "02_progress.ipynb: `significance_level`" in said and "good.ipynb" not in said
    assert "cycle.yaml" in said and "params_file and run_dir" in said


@pytest.mark.parametrize("command", ["run", "check"])
def test_run_and_check_refuse_a_review_notebook_with_an_extra_parameter(
    tmp_path, demo_data, capsys, monkeypatch, command
):
    """(An own notebook's parameters cell is checked when the params are read.)"""
    import shutil

    from conftest import run_cli, write_params
    from reviewkit.base import paths
    from reviewkit.run import steps

    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    progress = folder / "02_progress.ipynb"
    nb = json.loads(progress.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = "".join(cell["source"]) + "\nsignificance_level = 0.01\n"
    progress.write_text(json.dumps(nb), encoding="utf-8")
    for module in (paths, steps):
        monkeypatch.setattr(module, "notebooks_dir", lambda: folder)
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "outputs"))
    params = write_params(tmp_path / "p.yaml", demo_data)
    res = run_cli(capsys, command, str(params))
    assert res.returncode == 1
    assert "02_progress.ipynb: `significance_level`" in res.stderr and "p.yaml" in res.stderr
    assert not list((tmp_path / "outputs").rglob("*.ipynb"))  # nothing ran


class FakeShell:
    """The part of IPython's shell the watch uses: its input history and its events."""

    def __init__(self, history: list[str]):
        from types import SimpleNamespace

        self.user_ns = {"In": history}
        self.hooks: list = []
        self.events = SimpleNamespace(register=lambda _event, hook: self.hooks.append(hook))

    def run(self, source: str) -> None:
        from types import SimpleNamespace

        self.user_ns["In"].append(source)
        for hook in self.hooks:
            hook(SimpleNamespace(info=SimpleNamespace(raw_cell=source)))


@pytest.mark.parametrize(
    "session,watched",
    [
        ("notebooks/02_progress.ipynb", True),
        ("/home/me/review/notebooks/01_intake.ipynb", True),
        ("notebooks/explore.ipynb", False),  # its parameters are its own
        ("", False),  # not in JupyterLab
    ],
)
def test_by_hand_a_name_the_run_would_ignore_is_said_under_the_cell(
    monkeypatch, capsys, session, watched
):
    import sys
    from types import SimpleNamespace

    from reviewkit.base import notebooks

    parameters = 'params_file = "params/example.yaml"\nrun_dir = ""\nsignificance_level = 0.01'
    shell = FakeShell(["", parameters, "import reviewkit as rk"])
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.setenv("JPY_SESSION_NAME", session)
    notebooks.watch_parameters_cell()
    notebooks.watch_parameters_cell()  # once per shell, however often imported
    said = capsys.readouterr().err
    assert ("`significance_level`" in said) == watched
    if watched:
        assert said.count("\n") == 1 and "has no effect" in said and "params file" in said
        assert Path(session).name in said
        shell.run('params_file = "params/example.yaml"\nrun_dir = ""')  # fixed: quiet
        shell.run("x = 1")  # not a parameters cell
        assert capsys.readouterr().err == ""
        shell.run(parameters.replace("significance_level", "alpha"))
        assert "`alpha`" in capsys.readouterr().err
    assert len(shell.hooks) == (1 if watched else 0)
