"""The committed notebooks: valid, thin, without outputs, with their parameters cell and kernel.

The checks read the notebooks as committed (git's index), not the working copy: an analyst who
runs and saves a notebook in JupyterLab has outputs in the working copy, which the nbstripout
filter keeps out of git.
"""

import ast
import json
import subprocess
import sys

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
    # only notebooks git tracks are touched
    other = {"type": "notebook", "content": {"cells": [{"cell_type": "code", "outputs": [1]}]}}
    strip_on_save(other, "elsewhere/x.ipynb")
    assert other["content"]["cells"][0]["outputs"] == [1]


def test_an_analysts_own_notebook_keeps_its_outputs_on_save(tmp_path):
    """Saved under notebooks/ beside the committed ones, a notebook git does not track keeps
    its outputs on disk; once committed, it is saved as git keeps it."""
    from types import SimpleNamespace

    from reviewkit.run.labhooks import strip_on_save

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "notebooks").mkdir()
    committed = tmp_path / "notebooks" / "01_intake.ipynb"
    committed.write_text("{}")
    git("add", "notebooks/01_intake.ipynb")
    server = SimpleNamespace(root_dir=str(tmp_path))

    def saved(path: str) -> list:
        out = nbformat.v4.new_output("stream", text="the analysis\n")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[out])])
        model = {"type": "notebook", "content": nb}
        strip_on_save(model, path, contents_manager=server)
        return model["content"]["cells"][0]["outputs"]

    assert saved("notebooks/my_hotspots.ipynb") != []  # the analyst's own: kept
    assert saved("/notebooks/01_intake.ipynb") == []  # committed: stripped
    (tmp_path / "notebooks" / "my_hotspots.ipynb").write_text("{}")
    git("add", "notebooks/my_hotspots.ipynb")
    assert saved("notebooks/my_hotspots.ipynb") == []  # committed now: stripped


def dirty_metadata() -> dict:
    """A notebook's metadata with what Jupyter, JupyterLab, papermill, VS Code, Colab and
    other editors add (independent of the library's lists)."""
    return {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.2"},
        "widgets": {"state": {}},
        "signature": "sha256:0",
        "toc": {"number_sections": True},
        "vscode": {"interpreter": {}},
        "papermill": {"duration": 1.0},
        "celltoolbar": "Tags",
        "colab": {"provenance": []},
        "jupytext": {"formats": "ipynb"},
        "varInspector": {"window_display": False},
        "title": "A notebook",
        "authors": [{"name": "An analyst"}],
    }


def dirty_cell_metadata() -> dict:
    """A cell's metadata with what editors and runs add (independent of the library's lists)."""
    return {
        "collapsed": True,
        "scrolled": True,
        "ExecuteTime": {"end_time": "2026-01-01T00:00:00"},
        "execution": {"iopub.status.idle": "2026-01-01T00:00:00Z"},
        "heading_collapsed": True,
        "hidden": True,
        "jupyter": {"source_hidden": True},
        "papermill": {"duration": 1.0},
        "trusted": True,
        "editable": True,
        "deletable": True,
        "slideshow": {"slide_type": "slide"},
        "name": "cell",
        "pycharm": {"name": "x"},
        "vscode": {"languageId": "python"},
    }


def outside_git(folder) -> dict[str, str]:
    """An environment where git finds no repository at or above `folder` and no user or
    system settings: nbstripout there strips only its defaults and the keys it is given."""
    import os

    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CEILING_DIRECTORIES": str(folder),
    }


def _stripped_by_nbstripout(nb: nbformat.NotebookNode, folder, *args: str) -> dict:
    path = folder / "n.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "nbstripout", *args, str(path)],
        cwd=folder,
        env=outside_git(folder),
        check=True,
    )
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_copy_of_nbstripouts_defaults_is_what_it_strips(tmp_path):
    """The save hook passes nbstripout's defaults to its `strip_output` from a copy (nbstripout
    does not expose them): the installed nbstripout strips exactly those, so a release that
    changes them fails here."""
    from reviewkit.run.stripping import NBSTRIP_DEFAULTS

    cell = nbformat.v4.new_code_cell("x = 1", metadata=dirty_cell_metadata())
    nb = nbformat.v4.new_notebook(metadata=dirty_metadata(), cells=[cell])
    probed = {f"metadata.{k}" for k in dirty_metadata()}
    probed |= {f"cell.metadata.{k}" for k in dirty_cell_metadata()}
    assert set(NBSTRIP_DEFAULTS) <= probed  # each listed default is tried
    # what nbformat itself drops on writing (`signature`, a cell's `trusted`) is nbformat's,
    # not nbstripout's: those keys tell nothing of nbstripout's defaults
    written = json.loads(nbformat.writes(nb))
    tried = {f"metadata.{k}" for k in written["metadata"]}
    tried |= {f"cell.metadata.{k}" for k in written["cells"][0]["metadata"]}
    after = _stripped_by_nbstripout(nb, tmp_path)
    kept = {f"metadata.{k}" for k in after["metadata"]}
    kept |= {f"cell.metadata.{k}" for k in after["cells"][0]["metadata"]}
    assert tried - kept == set(NBSTRIP_DEFAULTS) & tried
    assert set(NBSTRIP_DEFAULTS) - tried == {"metadata.signature"}


def test_the_git_filter_and_the_save_hook_strip_alike(tmp_path):
    """A notebook full of what editors and runs add: git's filter (nbstripout's command line
    with the keys `reviewkit setup` gives it) and the save hook leave the same notebook,
    a cell tagged `keep_output` included."""
    from reviewkit.run.labhooks import strip_notebook
    from reviewkit.run.stripping import NBSTRIP_DEFAULTS, NBSTRIP_KEYS

    nb = nbformat.v4.new_notebook(metadata=dirty_metadata())
    out = nbformat.v4.new_output("stream", text="x\n")
    for i, tags in enumerate(([], ["keep_output"], ["board"])):
        cell = nbformat.v4.new_code_cell("x = 1", outputs=[out], execution_count=i + 1)
        cell.metadata.update({**dirty_cell_metadata(), "tags": tags})
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_markdown_cell("# Title", metadata=dirty_cell_metadata()))
    by_filter = _stripped_by_nbstripout(nb, tmp_path, "--extra-keys", " ".join(NBSTRIP_KEYS))
    saved = strip_notebook(json.loads(json.dumps(nb)))  # the JSON the save hook is given
    by_hook = json.loads(nbformat.writes(nbformat.from_dict(saved)))
    assert by_hook == by_filter
    assert [c["outputs"] != [] for c in by_hook["cells"][:3]] == [False, True, False]
    listed = {*NBSTRIP_KEYS, *NBSTRIP_DEFAULTS}
    assert not {f"metadata.{k}" for k in by_hook["metadata"]} & listed
    assert "kernelspec" in by_hook["metadata"]
    for cell in by_hook["cells"]:
        assert not {f"cell.metadata.{k}" for k in cell["metadata"]} & listed
    assert by_hook["cells"][2]["metadata"]["tags"] == ["board"]


def test_make_setup_and_make_lab_are_the_commands_of_the_package():
    """The README's route without make (`python -m reviewkit setup`, `... lab`) is the same
    route: the Makefile only calls them."""
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make is not installed (the package's commands are the route then)")
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    setup = text[text.index("$(VENV)/.installed:") :].split("\n\n", 1)[0]
    assert "$(PY) -m reviewkit setup" in setup
    assert "ipykernel install" not in text and "nbstripout --install" not in text
    # --no-print-directory: run from inside `make test`, make would add its directory lines
    res = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", "LAB_PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert [ln for ln in res.stdout.splitlines() if "lab" in ln][-1].endswith(
        "-m reviewkit lab --port 8123"
    )


def test_changing_the_stripped_keys_sets_gits_filter_again(tmp_path):
    """git's nbstripout filter holds a copy of the keys of `run/stripping.py` (`reviewkit
    setup` writes them into git's settings): `make setup` runs that again once the file
    changes, and not otherwise."""
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make is not installed (`python -m reviewkit setup` is the route then)")
    stamp = tmp_path / "venv" / ".installed"
    stamp.parent.mkdir()
    stamp.touch()  # an environment installed after every file it depends on changed

    def planned(*args: str) -> str:
        res = subprocess.run(
            ["make", "--no-print-directory", "-n", f"VENV={stamp.parent}", *args, str(stamp)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return res.stdout

    assert "-m reviewkit setup" not in planned()
    assert "-m reviewkit setup" in planned("-W", "lib/reviewkit/run/stripping.py")


def test_reviewkit_lab_listens_on_localhost_saves_as_git_keeps_without_news(monkeypatch):
    from reviewkit.base import platforms
    from reviewkit.run.lab import lab_command

    for root in (True, False):
        monkeypatch.setattr(platforms, "is_root", lambda root=root: root)
        cmd = lab_command(8123, ["--no-browser"])
        assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
        assert "--ip=127.0.0.1" in cmd and "--port=8123" in cmd and cmd[-1] == "--no-browser"
        assert "--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save" in cmd
        assert "--LabApp.news_url=None" in cmd
        assert ("--allow-root" in cmd) == root


def test_setup_registers_the_kernel_name_the_notebooks_carry(tmp_path):
    from reviewkit.run.lab import KERNEL_DISPLAY_NAME, install_kernel, write_lab_settings

    spec = json.loads((install_kernel(str(tmp_path)) / "kernel.json").read_text())
    assert spec["display_name"] == KERNEL_DISPLAY_NAME == "Python 3 (reviewkit)"
    for name in ("01_intake", "02_progress", "03_report"):
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["display_name"] == KERNEL_DISPLAY_NAME
    # JupyterLab's settings for the environment: no news pop-up; other settings kept
    settings = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"@jupyterlab/a:b": {"x": 1}}')
    assert write_lab_settings(str(tmp_path)) == settings
    written = json.loads(settings.read_text())
    assert written["@jupyterlab/a:b"] == {"x": 1}
    assert written["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_setup_configures_nbstripout_in_a_repository_and_says_so_elsewhere(tmp_path):
    from reviewkit.run.lab import NBSTRIP_KEYS, configure_git

    plain = tmp_path / "download"
    plain.mkdir()
    assert "not a git repository" in configure_git(plain)
    repo = tmp_path / "clone"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    assert configure_git(repo).startswith("nbstripout set up")

    def config(key: str) -> str:
        return subprocess.run(
            ["git", "config", key], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert config("filter.nbstripout.extrakeys").split() == list(NBSTRIP_KEYS)
    assert "nbstripout" in config("filter.nbstripout.clean")


def test_reviewkit_lab_passes_jupyterlabs_own_options_on(monkeypatch):
    from reviewkit.run import lab
    from reviewkit.run.cli import main

    started: list[tuple] = []
    monkeypatch.setattr(lab, "run_lab", lambda root, port, extra: started.append((port, extra)))
    assert main(["lab", "--port", "8123", "--no-browser", "--ServerApp.open_browser=False"]) == 0
    assert started == [(8123, ["--no-browser", "--ServerApp.open_browser=False"])]
    with pytest.raises(SystemExit):
        main(["check", "p.yaml", "--no-browser"])  # other commands still refuse them
