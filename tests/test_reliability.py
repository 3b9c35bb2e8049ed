"""Reruns, interruptions, locks and privacy: nothing is lost, nothing leaks."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import BRACKWELL, NO_PDF, ROOT, reviewkit

STABLE = (
    "tidy/*.parquet",
    "tables/*.csv",
    "review_tables.xlsx",
    "charts/*.png",
    "charts/*.svg",
    "charts/*.txt",
    ".report-charts/*.png",  # the report's images: the slides' pixels made smaller
    ".report-charts/*.txt",
    "difficulties_log.csv",
    "quarantine/*.csv",
    "tidy/data_dictionary.csv",
)


def _copy_outputs(cycle_run, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    outputs = tmp_path / "outputs"
    shutil.copytree(cycle_run["outputs"], outputs)
    return outputs, {"REVIEWKIT_OUTPUTS": str(outputs)}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for pattern in STABLE
        for p in sorted(folder.glob(pattern))
    }


def _output_kinds(folder: Path) -> dict[str, list[list[str]]]:
    """For each executed notebook, the kinds of output of each cell (text, HTML, images)."""
    kinds = {}
    for nb in sorted(folder.glob("notebooks/*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        kinds[nb.name] = [
            sorted(k for o in c.get("outputs", []) for k in o.get("data", {})) for c in cells
        ]
    return kinds


def test_reruns_are_byte_identical_with_forked_and_plain_kernels(cycle_run, tmp_path):
    """The shared run forks its kernels from the kernel server where it can (Linux); the rerun
    uses ordinary kernels: the same files, and the same figures and tables in the notebooks."""
    outputs, env = _copy_outputs(cycle_run, tmp_path)
    first = _snapshot(outputs / BRACKWELL / "e2e")
    first_kinds = _output_kinds(outputs / BRACKWELL / "e2e")
    assert len(first) > 10
    assert any("image/png" in cell for cells in first_kinds.values() for cell in cells)
    res = reviewkit(
        "run",
        str(cycle_run["params"]),
        "--force",
        "--quiet",
        env={**env, "REVIEWKIT_KERNELS": "plain"},
    )
    assert res.returncode == 0, res.stderr
    second = _snapshot(outputs / BRACKWELL / "e2e")
    assert second.keys() == first.keys()
    differ = [k for k in first if first[k] != second[k]]
    assert differ == []
    assert _output_kinds(outputs / BRACKWELL / "e2e") == first_kinds
    m1 = json.loads((cycle_run["cycle"] / "manifest.json").read_text())
    m2 = json.loads((outputs / BRACKWELL / "e2e" / "manifest.json").read_text())
    assert [i["sha256"] for i in m1["inputs"]] == [i["sha256"] for i in m2["inputs"]]
    assert "changed_since_last_run" not in m2


def test_a_changed_input_file_is_detected_and_named(cycle_run, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(cycle_run["data"], data)
    for register in data.glob("*/data_requests.yaml"):
        register.write_text(register.read_text().replace(str(cycle_run["data"]), str(data)))
    params = tmp_path / "p.yaml"
    params.write_text(cycle_run["params"].read_text().replace(str(cycle_run["data"]), str(data)))
    outputs, env = _copy_outputs(cycle_run, tmp_path)
    # the finished cycle's manifest as a run on the copy would have written it (the same files,
    # so the same hashes, under the copy's paths): one run then shows what a change does
    manifest = outputs / BRACKWELL / "e2e" / "manifest.json"
    before = json.loads(manifest.read_text())
    for entry in before["inputs"]:
        entry["path"] = (
            entry["path"]
            .replace(str(cycle_run["data"]), str(data))
            .replace(str(cycle_run["params"]), str(params))
        )
        entry["sha256"] = hashlib.sha256(Path(entry["path"]).read_bytes()).hexdigest()
    manifest.write_text(json.dumps(before))
    asb = sorted((data / "brackwell" / "council_asb").glob("*.csv"))[-1]
    asb.write_bytes(asb.read_bytes().replace(b",Brackwell,", b",Brackwell,1", 1))
    res = reviewkit("run", str(params), "--force", "--quiet", env={**env, **NO_PDF})
    assert res.returncode == 0, res.stderr
    changed = json.loads(manifest.read_text())["changed_since_last_run"]
    assert changed == [f"{asb} changed"]


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children...), from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _all_gone(pids: list[int], within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while any(_running(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_killed_run_leaves_the_outputs_untouched_and_its_lock_is_taken_over(cycle_run, tmp_path):
    outputs, env = _copy_outputs(cycle_run, tmp_path)
    before = {
        str(p.relative_to(outputs)): p.read_bytes()
        for p in (outputs / BRACKWELL / "e2e").rglob("*")
        if p.is_file()
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewkit", "run", str(cycle_run["params"]), "--force", "--quiet"],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            running = list(outputs.glob(f"{BRACKWELL}/.e2e.run-*/notebooks/02_progress.ipynb"))
            if running:
                break
            time.sleep(0.1)
        assert running, "the run never reached the progress step"
        left = _descendants(proc.pid)  # the kernel server and the kernel running now
        assert left
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the runner (and what shares its group), mid-run
        proc.wait()
    # kernels run in sessions of their own: they see their parent gone and stop
    assert _all_gone(left), f"processes left behind: {[p for p in left if _running(p)]}"
    after = {
        str(p.relative_to(outputs)): p.read_bytes()
        for p in (outputs / BRACKWELL / "e2e").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert list(outputs.glob(f"{BRACKWELL}/.e2e.run-*"))  # the interrupted run's files stay
    # a second run while this one holds the lock is refused
    lock = outputs / BRACKWELL / ".e2e.lock"
    lock.write_text(str(os.getpid()))  # this test process is alive: the lock is held
    res = reviewkit("run", str(cycle_run["params"]), "--from", "report", "--quiet", env=env)
    assert res.returncode == 1
    assert "Another run of this cycle is in progress" in res.stderr and ".e2e.lock" in res.stderr
    # the killed run's lock names a process that is gone: it is taken over, the interrupted
    # run's files are kept aside and the report step runs
    lock.write_text("999999999")
    env = {**env, **NO_PDF}
    res = reviewkit("run", str(cycle_run["params"]), "--from", "report", "--quiet", env=env)
    assert res.returncode == 0, res.stderr
    assert "was interrupted; its files are in" in res.stdout
    assert not list(outputs.glob(f"{BRACKWELL}/.e2e.run-*"))
    assert not lock.exists()


# Privacy ---------------------------------------------------------------------------------------
CRIME_ID = re.compile(rb"\b[0-9a-f]{64}\b")
COORDINATE = re.compile(rb"(?<![\d.])-?\d{1,3}\.\d{6}(?!\d)")


def test_no_crime_ids_coordinates_or_free_text_leave_intake(cycle_run):
    out = cycle_run["cycle"]
    files = [
        *out.glob("tidy/*"),
        *out.glob("tables/*"),
        *out.glob("*.html"),
        *out.glob("analysis/*.html"),
        *out.glob("quarantine/*"),
        out / "difficulties_log.csv",
        out / "review_tables.xlsx",
    ]
    assert len(files) > 10
    for f in files:
        data = f.read_bytes()
        if f.suffix == ".parquet":
            data = pd.read_parquet(f).to_csv().encode()
        if f.suffix == ".xlsx":
            data = b"".join(
                sheet.to_csv().encode() for sheet in pd.read_excel(f, sheet_name=None).values()
            )
        assert not CRIME_ID.search(data), f
        if f.suffix != ".html":  # charts are images; HTML text is checked below
            assert not COORDINATE.search(data), f
        for text in (b"see case system", b"Provisional \xe2\x80\x93 North"):  # free text
            assert text not in data, (f, text)
        if f.name != "data_quality.html":  # which names a dropped column, never its contents
            assert b"Case officer notes" not in data, f
    for html in [*out.glob("*.html"), *out.glob("analysis/*.html")]:
        body = re.sub(rb'src="data:[^"]*"', b"", html.read_bytes())
        assert not COORDINATE.search(body), html
    # the personal-looking columns are named (never their contents) in the data quality report
    assert (
        "Case officer notes"
        in json.loads((out / "intake.json").read_text())["dropped_columns"]["council_asb"]
    )


@pytest.mark.parametrize(
    "path,ignored",
    [
        ("data/raw/x/file.csv", True),
        ("outputs/e2e/report.html", True),
        ("data/raw/.gitkeep", False),
        ("outputs/.gitkeep", False),
        ("lib/reviewkit/__init__.py", False),
        ("tests/fixtures/bad_inputs/empty.csv", False),
    ],
)
def test_raw_data_and_outputs_are_ignored_by_git(path, ignored):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    res = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
    assert (res.returncode == 0) == ignored


@pytest.mark.parametrize("start", ["progress", "report"])
def test_a_rerun_never_keeps_a_page_or_pdf_of_the_earlier_run(tmp_path, start):
    """A rerun from a later step removes from its copy what it makes again, so a PDF it
    cannot print now (no browser) is never left from the earlier run beside new results."""
    from conftest import cycle_params
    from reviewkit.run.exports import remade_by
    from reviewkit.store.layout import CycleLayout

    layout = CycleLayout(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in remade_by(layout, cycle_params(), start)}
    report = {
        "review_report.html",
        "review_report.pdf",
        "community_update.html",
        "community_update.pdf",
        "planning_pack.html",
        "review_tables.xlsx",
        "notebooks/03_report.ipynb",
    }
    assert report <= names
    assert ("notebooks/02_progress.ipynb" in names) == (start == "progress")
    # the chart images are the progress step's: made again only when it runs
    assert ({".report-charts", "charts"} <= names) == (start == "progress")
    assert not {".report-charts", "charts"} & names or start == "progress"
    assert "data_quality.html" not in names and "notebooks/01_intake.ipynb" not in names
