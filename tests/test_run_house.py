"""The house rules: rooms of one job (every module of the library), a docstring on everything
public in the run package, one place for each fact (one list of the notebook keys nbstripout
strips), nothing blocked outside a run's processes, and CI's checks made where the project is
hosted too."""

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


# In a fresh interpreter: rfc3987_syntax behaves as if not installed (its finder refuses it
# without a trace in sys.modules), so whatever imports jsonschema first, an entry of None left
# at the end was put there by a module of ours. papermill is imported first: it loads the
# runner's engine itself (reviewkit.run.engine says why nothing imports that module first).
WALK = """
import importlib, importlib.abc, pkgutil, sys
import reviewkit
from reviewkit.run import lean

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in lean.UNUSED:
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, NotInstalled())
import papermill
names = [
    m.name for m in pkgutil.walk_packages(reviewkit.__path__, "reviewkit.")
    if not m.name.endswith("__main__")  # the program `python -m reviewkit`, not a module
]
for name in names:
    importlib.import_module(name)
print(len(names), *(repr(sys.modules.get(n, "absent")) for n in lean.UNUSED))
"""


def _fresh(code: str, **env: str) -> list[str]:
    import os

    from reviewkit.run import lean

    environ = {k: v for k, v in os.environ.items() if k != lean.SERVER_FLAG} | env
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=300
    )
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


def test_importing_any_module_of_reviewkit_blocks_nothing():
    """JupyterLab's server (the save hook), a kernel, the tests: importing the package, any
    module of it (reviewkit.run.batch, for check_batch, included), blocks no optional package;
    only a run's processes do (below)."""
    count, *found = _fresh(WALK)
    assert int(count) > 150  # the walk reached the whole package
    assert found == ["'absent'"]


def test_a_runs_processes_leave_rfc3987_syntax_unloaded():
    """The command line's run process calls lean.leave_unloaded; a batch's fork server is
    started with lean.SERVER_FLAG in its environment, where importing lean is the block."""
    from reviewkit.run import lean

    probe = "import sys\nprint(sys.modules.get('rfc3987_syntax', 'absent') is None)"
    imported = "import reviewkit.run.lean\n" + probe
    called = "from reviewkit.run import lean\nlean.leave_unloaded()\n" + probe
    assert _fresh(imported) == ["False"]
    assert _fresh(called) == ["True"]
    assert _fresh(imported, **{lean.SERVER_FLAG: "1"}) == ["True"]
    assert lean.UNUSED == ("rfc3987_syntax",)


PROBE = "__import__('sys').modules.get('rfc3987_syntax', 'absent') is None"


@pytest.mark.parametrize("route", ["fork", "portable"])
def test_a_batchs_workers_leave_rfc3987_syntax_unloaded(monkeypatch, route):
    """Each worker of a batch, forked from its fork server or spawned (Windows, macOS), has
    the block in place before it imports the runner: its pool's initialiser, and on the fork
    route the fork server's environment."""
    from reviewkit.base import platforms
    from reviewkit.run import batch

    if route == "portable":
        monkeypatch.setenv("REVIEWKIT_PORTABLE", "1")
    elif not platforms.can_fork():
        pytest.skip("the fork route is Linux's")
    else:
        monkeypatch.delenv("REVIEWKIT_PORTABLE", raising=False)
        monkeypatch.delenv("REVIEWKIT_KERNELS", raising=False)
    ctx = batch.worker_context()
    assert ctx.get_start_method() == ("forkserver" if route == "fork" else "spawn")
    with batch.worker_pool(1, ctx) as pool:
        assert pool.submit(eval, PROBE).result(timeout=300) is True


def _texts(path) -> set[str]:
    """Every string constant of a module (its code's, not the words of its docstrings)."""
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


@pytest.mark.parametrize(
    ("fact", "home"),
    [
        (".kernels.log", "base/paths.py"),  # kernels_log()
        ("python3", "base/notebooks.py"),  # KERNEL: the kernel the notebooks name
        ("rfc3987_syntax", "run/lean.py"),  # UNUSED: what a run's processes leave unloaded
    ],
)
def test_one_place_for_each_fact(fact, home):
    """A file name, a kernel name, a package name: written once, asked for everywhere else."""
    places = [p.relative_to(LIB).as_posix() for p in sorted(LIB.rglob("*.py")) if fact in _texts(p)]
    assert places == [home]


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


def test_the_hosted_workflow_checks_what_ci_checks():
    """.ci/run and the GitHub workflow make the same checks: the lint, the suite (the
    workflow runs pytest as the README's route without make does), the portable route and
    the upgrade lane."""
    import re

    import yaml

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    made = re.findall(r"^make ([\w-]+)\s*$", ci, flags=re.MULTILINE)
    assert made == ["lint", "test", "test-portable", "test-upgrade"]
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text("utf-8"))
    jobs = flow["jobs"].values()
    commands = {
        line.strip()
        for job in jobs
        for step in job["steps"]
        for line in step.get("run", "").split("\n")
    }
    routes = {
        entry.get("portable")
        for job in jobs
        for entry in job.get("strategy", {}).get("matrix", {}).get("include", [])
    }
    done = {
        "lint": "make lint" in commands,
        "test": any(c.startswith("python -m pytest") for c in commands),
        "test-portable": routes >= {"0", "1"},
        "test-upgrade": "make test-upgrade" in commands,
    }
    assert done == dict.fromkeys(made, True)
