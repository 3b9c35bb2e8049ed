"""The house rules: rooms of one job (every module of the library), a docstring on everything
public in the run package, one list of the notebook keys nbstripout strips, and nothing blocked
outside a run's process."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from conftest import ROOT

LIB = ROOT / "lib" / "reviewkit"
OWN = [
    *sorted((LIB / "run").glob("*.py")),
    *(LIB / "store" / f"{m}.py" for m in ("identity", "layout", "workspace", "manifest")),
    *(LIB / "report" / f"{m}.py" for m in ("export", "publish", "pdf")),
]


def test_rooms_of_one_job_stay_small():
    """No module of the library passes 400 lines: a bigger one has more than one job."""
    big = {
        p.relative_to(LIB).as_posix(): n
        for p in sorted(LIB.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not big, f"split these by job: {big}"


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.relative_to(LIB).as_posix())
def test_everything_public_says_what_it_is(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = []

    def visit(node: ast.AST, public: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = child.name
                is_public = public and not name.startswith("_")
                if is_public and ast.get_docstring(child) is None:
                    missing.append(f"{name} (line {child.lineno})")
                if isinstance(child, ast.ClassDef):
                    visit(child, is_public)

    visit(tree, True)
    assert ast.get_docstring(tree), "the module says what it is for"
    assert not missing


def test_importing_reviewkit_run_leaves_optional_packages_alone():
    """JupyterLab's server imports reviewkit.run (its save hook): nothing is blocked there;
    a run's process leaves rfc3987_syntax unloaded."""
    code = (
        "import sys, reviewkit.run, reviewkit.run.labhooks, reviewkit.run.lab\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent') is None)\n"
        "import reviewkit.run.lean\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent') is None)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.split() == ["False", "True"], res.stderr


def test_one_list_of_stripped_keys_for_git_pre_commit_and_the_save_hook(tmp_path):
    from reviewkit.run.labhooks import strip_notebook
    from reviewkit.run.stripping import NBSTRIP_KEYS, main

    hook = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "entry: .venv/bin/python -m reviewkit.run.stripping" in hook
    assert "--extra-keys" not in hook  # no list of its own
    assert "--extra-keys" not in (ROOT / "Makefile").read_text(encoding="utf-8")
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "papermill": {"duration": 1},
            "toc": {},
        },
        "cells": [
            {
                "cell_type": "code",
                "id": "abc",
                "metadata": {"tags": ["board"], "papermill": {}, "jupyter": {}, "trusted": True},
                "source": "x = 1",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}],
                "execution_count": 3,
            }
        ],
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert main([str(path)]) == 0
    by_hook = json.loads(path.read_text(encoding="utf-8"))
    by_save = strip_notebook(json.loads(json.dumps(nb)))
    for done in (by_hook, by_save):
        assert set(done["metadata"]) == {"kernelspec"}
        cell = done["cells"][0]
        assert cell["metadata"] == {"tags": ["board"]}
        assert cell["outputs"] == [] and cell["execution_count"] is None
    assert by_hook["cells"][0]["id"] == by_save["cells"][0]["id"]
    assert {k.split(".")[-1] for k in NBSTRIP_KEYS} >= {"papermill", "language_info", "jupyter"}
