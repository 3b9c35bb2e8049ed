"""The notebooks as an analyst uses them: a real JupyterLab in headless Chromium.

One JupyterLab server for the module, on 127.0.0.1 with a token, in a temporary copy of the
repository (a git repository with the nbstripout filter `make setup` configures), reading a
copy of the shared end-to-end cycle as last cycle's results. Each notebook is opened, run top
to bottom and saved; a figure and a table must appear; then a parameter is changed and the
notebook run again. Screenshots go to outputs/test-screenshots/lab-*.png.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import BRACKWELL, ROOT, chromium_path, need
from reviewkit.report.pdf import CHROMIUM_ARGS
from reviewkit.run.lab import LAB_FLAGS, NBSTRIP_KEYS, write_lab_settings

pytestmark = [pytest.mark.lab, pytest.mark.browser]
SHOTS = ROOT / "outputs" / "test-screenshots"
JUPYTER = Path(sys.executable).parent / "jupyter"
# deterministic JupyterLab: no autosave, every cell in the page (no news pop-up: that is
# `reviewkit lab`'s own settings, written as it writes them)
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _git(project: Path, *args: str) -> str:
    res = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return res.stdout


def _copy_project(target: Path) -> None:
    """The repository's files (committed and new, not ignored) as a fresh git repository."""
    files = _git(ROOT, "ls-files", "-co", "--exclude-standard").splitlines()
    for name in files:
        src = ROOT / name
        if src.is_file():
            dst = target / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    _git(target, "init", "-q")
    _git(target, "config", "user.email", "lab-test@example.invalid")
    _git(target, "config", "user.name", "lab test")
    subprocess.run(
        [str(Path(sys.executable).parent / "nbstripout"), "--install"],
        cwd=target,
        check=True,
        capture_output=True,
    )
    _git(target, "config", "filter.nbstripout.extrakeys", " ".join(NBSTRIP_KEYS))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(cycle_run, tmp_path_factory):
    path = chromium_path()
    need(path is not None, "Chromium is not installed (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    base = tmp_path_factory.mktemp("lab")
    project = base / "project"
    _copy_project(project)
    # Last cycle's results: the shared end-to-end cycle, whose params are the default params.
    outputs = base / "outputs"
    shutil.copytree(cycle_run["outputs"], outputs)
    (project / "params" / "example.yaml").write_text(cycle_run["params"].read_text())
    (project / "params" / "other.yaml").write_text(
        cycle_run["params"].read_text().replace("cycle: e2e", "cycle: other")
    )
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "copy")
    settings = base / "settings"
    for name, value in SETTINGS.items():
        f = settings / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    write_lab_settings()  # as `reviewkit lab` does before it starts JupyterLab
    token, port = secrets.token_hex(16), _free_port()
    started = time.time()
    env = {
        **os.environ,
        "REVIEWKIT_OUTPUTS": str(outputs),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "rt"),
        "MPLCONFIGDIR": str(base / "mpl"),
        "REVIEWKIT_ROOT": str(project),
    }
    cmd = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={project}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        *LAB_FLAGS,
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = (base / "lab.log").open("wb")
    server = subprocess.Popen(cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start:\n" + (base / "lab.log").read_text())
        SHOTS.mkdir(parents=True, exist_ok=True)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            yield {
                "page": page,
                "url": url,
                "token": token,
                "project": project,
                "outputs": outputs,
                "browser": browser,
                "cycle": outputs / BRACKWELL / "e2e",
                "started": started,
            }
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _open(lab, notebook: str):
    page = lab["page"]
    page.goto(f"{lab['url']}/lab/tree/{notebook}?token={lab['token']}&reset")
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
        "&& window.jupyterapp.shell.currentWidget.sessionContext"
    )
    page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        await w.context.ready; await w.sessionContext.ready;
    }""")
    return page


def _run_all(page) -> dict:
    """Run every cell; the notebook as JupyterLab holds it afterwards."""
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        await app.commands.execute('notebook:run-all-cells');
        const w = app.shell.currentWidget;
        while (w.sessionContext.session?.kernel?.status === 'busy') {
            await new Promise(r => setTimeout(r, 200));
        }
    }""")
    return page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON()")


def _set_parameter(page, name: str, value: str) -> None:
    """Change one assignment in the parameters cell, as an analyst would."""
    page.evaluate(
        """([name, value]) => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        const cell = nb.widgets.find(c => (c.model.getMetadata('tags') || [])
                                            .includes('parameters'));
        const src = cell.model.sharedModel.getSource();
        const re = new RegExp('^' + name + ' = .*?(  #|$)', 'm');
        cell.model.sharedModel.setSource(src.replace(re, name + ' = ' + value + '$1'));
    }""",
        [name, value],
    )


def _outputs(nb: dict) -> list[dict]:
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _errors(nb: dict) -> list[str]:
    return [" ".join(o.get("traceback", [])) for o in _outputs(nb) if o["output_type"] == "error"]


def _shows_figure_and_table(page, nb: dict) -> None:
    data = [o.get("data", {}) for o in _outputs(nb)]
    assert any("image/png" in d for d in data), "no figure"
    assert any("<table" in str(d.get("text/html", "")) for d in data), "no table"
    assert page.locator(".jp-OutputArea-output img").first.is_visible()
    assert page.locator(".jp-OutputArea-output table").first.count() == 1


def _save(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")


def _shot(page, name: str, locator: str | None = None) -> None:
    if locator:
        page.locator(locator).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"lab-{name}.png"))


def test_explore_opens_last_cycle_and_follows_its_parameters(lab):
    page = _open(lab, "notebooks/explore.ipynb")
    nb = _run_all(page)
    assert page.get_by_text("official Jupyter news").count() == 0  # no news pop-up
    assert _errors(nb) == []
    _shows_figure_and_table(page, nb)
    _shot(page, "explore", ".jp-OutputArea-output img")
    _save(page)
    titles = page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea-output img')].length"
    )
    assert titles >= 2  # the indicator's XmR chart and the analyst's own chart
    _set_parameter(page, "indicator", '"shoplifting"')
    nb = _run_all(page)
    assert _errors(nb) == []
    series = [
        o["data"]["text/html"]
        for o in _outputs(nb)
        if "text/html" in o.get("data", {}) and "period_start" in o["data"]["text/html"]
    ]
    assert series and "shoplifting" in series[0] and "asb_police" not in series[0]
    _shot(page, "explore-changed", ".jp-OutputArea-output img")


@pytest.mark.parametrize("notebook", ["01_intake", "02_progress", "03_report", "own_template"])
def test_each_notebook_runs_by_hand_and_shows_the_analysis(lab, notebook):
    finished = {p: p.read_bytes() for p in lab["cycle"].rglob("*") if p.is_file()}
    page = _open(lab, f"notebooks/{notebook}.ipynb")
    nb = _run_all(page)
    assert _errors(nb) == []
    data = [o.get("data", {}) for o in _outputs(nb)]
    assert any("<table" in str(d.get("text/html", "")) for d in data), "no table"
    if notebook != "01_intake":
        assert any("image/png" in d or "<img" in str(d.get("text/html", "")) for d in data)
    _shot(page, notebook, ".jp-OutputArea-output table")
    _save(page)
    # run by hand, nothing was written into the finished cycle
    assert {p: p.read_bytes() for p in lab["cycle"].rglob("*") if p.is_file()} == finished
    if notebook == "02_progress":
        _shot(page, "02_progress-figure", ".jp-OutputArea-output img")
        _set_parameter(page, "params_file", '"params/other.yaml"')
        nb = _run_all(page)
        assert _errors(nb) == [
            "ReviewError: No intake results for cycle 'other' yet: run "
            "notebooks/01_intake.ipynb first (or `reviewkit run params/other.yaml`)."
        ]
        _shot(page, "02_progress-what-to-run-first", ".jp-OutputArea-output")


def test_running_and_saving_leaves_git_clean(lab):
    """After the notebooks were opened, run and saved (their code unchanged)."""
    project = lab["project"]
    saved = [
        p for p in (project / "notebooks").glob("*.ipynb") if p.stat().st_mtime > lab["started"]
    ]
    assert len(saved) >= 5, "the notebooks were saved"
    status = _git(project, "status", "--porcelain", "--untracked-files=no")
    assert status == "", _git(project, "diff")


def test_a_fresh_notebook_opens_last_cycle_and_draws_its_own_chart(lab):
    page = lab["page"]
    _open(lab, "notebooks/explore.ipynb")
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        const w = await app.commands.execute('notebook:create-new',
                                             {cwd: 'notebooks', kernelName: 'python3'});
        await w.context.ready; await w.sessionContext.ready;
        app.shell.activateById(w.id);
        const sources = [
          'import reviewkit as rk\\ncycle = rk.open_cycle("params/example.yaml")\\n' +
          'cycle.scorecard[["name", "review_value", "baseline_value", "change_pct"]]',
          'import matplotlib.pyplot as plt\\n' +
          'street = cycle.tidy("police_street")\\n' +
          'street.groupby("month")["n"].sum().plot(figsize=(8, 3), ' +
          'title="My chart: police-recorded crime and ASB by month")\\nplt.show()'];
        w.content.model.sharedModel.insertCells(1, sources.map(s => ({cell_type: 'code',
                                                                     source: s})));
        w.content.model.sharedModel.deleteCell(0);
    }""")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.length === 2"
    )
    nb = _run_all(page)
    assert _errors(nb) == []
    _shows_figure_and_table(page, nb)
    _shot(page, "fresh-notebook-own-chart", ".jp-OutputArea-output img")
    # saved beside the committed notebooks, the analyst's own keeps its outputs on disk (saved
    # through its document, as Ctrl+S does once the new notebook has its name)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.context.save()")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    path = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    on_disk = json.loads((lab["project"] / path).read_text(encoding="utf-8"))
    assert path.startswith("notebooks/") and _outputs(on_disk), path


def test_own_notebook_in_the_sequence_is_exported_and_linked(lab):
    browser = lab["browser"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((lab["cycle"] / "review_report.html").as_uri())
    link = page.locator('a[href="analysis/own_template.html"]')
    assert link.is_visible()
    page.locator("#further-analysis").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "lab-board-report-links-own-notebook.png"))
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("analysis/own_template.html")
    assert page.locator("h1").first.inner_text() == "Crime types in the review period"
    assert page.locator("img").count() >= 1 and page.locator("table").count() >= 1
    page.screenshot(path=str(SHOTS / "lab-own-notebook-exported.png"), full_page=True)
    page.close()
