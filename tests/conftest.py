"""Shared fixtures. Tests that need ../shared (real police.uk files) or Chromium skip with a
reason on a user's machine; with REVIEWKIT_REQUIRE_ALL=1 (set by .ci/run) they fail instead."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from reviewkit.inputs.params import CycleParams

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "real" / "police_uk"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REQUIRE_ALL = os.environ.get("REVIEWKIT_REQUIRE_ALL") == "1"
BRACKWELL = "brackwell_community_safety_partnership"  # the demo partnership's outputs folder


# Modules whose tests share a module fixture that is slow to build or must run in order (one
# JupyterLab, one browser, PDF pages drawn once): run in parallel (`make test`: pytest-xdist,
# `--dist loadgroup`), each of these modules goes whole to one worker; every other test goes
# on its own to whichever worker is free.
ONE_WORKER = ("test_lab.py", "test_pdf.py", "test_reports_browser.py")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it, never called
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` with the groups above. They are named here rather than by the
    `xdist_group` mark, which pytest-xdist applies by rewriting a test's id, which pytest 9
    ignores."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module.rsplit("/", 1)[-1] in ONE_WORKER else nodeid

    return ByModule(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads a shared end-to-end run is itself end to end (`-m "not e2e"` leaves
    it out), whether or not it says so."""
    for item in items:
        if {"cycle_run", "batch_run"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
    # The modules with end-to-end or browser tests first (each module's tests stay together):
    # run in parallel, the long tests start early and the short ones fill the gaps at the end.
    slow = {
        _module(item)
        for item in items
        if item.get_closest_marker("e2e") or item.get_closest_marker("browser")
    }
    items.sort(key=lambda item: _module(item) not in slow)


def _module(item: pytest.Item) -> str:
    module = getattr(item, "module", None)
    return module.__name__ if module is not None else ""


# For a run whose test reads no PDF: printing them starts a browser, the slowest part of the
# report step on small data (tests/test_pdf.py checks the PDFs of the shared run).
NO_PDF = {"REVIEWKIT_CHROMIUM": "off"}


def need(condition: bool, reason: str) -> None:
    """Skip (or, in CI, fail) when something a test needs is not on this machine."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def own_records(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tests never write into the project's own outputs: the record of received dates and
    the parse cache, which runs write by default under `outputs/`, go to the session's
    temporary folder (a test that needs its own sets the variable itself)."""
    folder = tmp_path_factory.mktemp("records")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWKIT_RECEIPTS", str(folder / "receipts.csv"))
        mp.setenv("REVIEWKIT_CACHE", str(folder / "cache"))
        yield folder


@pytest.fixture(scope="session")
def real_police() -> Path:
    need(SHARED.is_dir(), f"real police.uk files not found at {SHARED} (only in CI/dev setups)")
    return SHARED


def chromium_path() -> str | None:
    """The browser the tests drive: the one a run would print with (on PATH, or Chrome or Edge
    where Windows and macOS install them), unless a test run switched PDFs off."""
    from reviewkit.report.pdf import find_chromium

    with pytest.MonkeyPatch.context() as mp:
        if os.environ.get("REVIEWKIT_CHROMIUM", "").strip().lower() == "off":
            mp.delenv("REVIEWKIT_CHROMIUM")
        return find_chromium()


def reviewkit(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would (`python -m reviewkit ...`). Given an outputs
    folder of its own, the run keeps its record of received dates and its parse cache there
    too, as a user's run does in `outputs/`."""
    full_env = {**os.environ, **(env or {})}
    if env and "REVIEWKIT_OUTPUTS" in env:
        for key in ("REVIEWKIT_RECEIPTS", "REVIEWKIT_CACHE"):
            if key not in env:
                full_env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "reviewkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
    )


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The command line in this process: what `reviewkit(...)` checks, without starting Python
    again (an exception that the command line lets through fails the test)."""
    from reviewkit.run.cli import main

    code = main(list(args))
    said = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, said.out, said.err)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small synthetic demo data (all shapes, few rows) shared by the slower tests."""
    folder = tmp_path_factory.mktemp("demo")
    from reviewkit.demo.sample import generate

    generate(folder, rows=9000, partnerships=3)
    return folder


# The demo partnership's params as its YAML file holds them: the one way tests build params.
PARAMS: dict[str, Any] = {
    "cycle": "test",
    "partnership": "Brackwell Community Safety Partnership",
    "area": {"local_authorities": ["Brackwell"]},
    "review_period": {"start": "2025-10", "end": "2026-09"},
    "baseline_period": {"start": "2023-10", "end": "2024-09"},
    "review_date": dt.date(2026, 11, 20),
    # dates relative to review_date (meetings quarterly from it, the next review a cycle on),
    # so that a test moving the periods keeps valid params
    "review_team": {
        "members": [
            {
                "name": "Priya Shah",
                "role": "Community safety analyst",
                "agency": "Brackwell Council",
            },
            {
                "name": "Daniel Okafor",
                "role": "Fire service data officer",
                "agency": "Northshire Fire and Rescue Service",
            },
        ],
        "next_review": {"owner": "Priya Shah"},
        "meetings": {"every_months": 3, "place": "Committee Room 2, Brackwell Civic Centre"},
    },
}


def params_dict(data: Path | str | None = None, **changes: Any) -> dict[str, Any]:
    """The demo params reading `data` (the generated demo folder), with top-level keys changed.

    Without `data` the inputs are placeholders, for tests that never read the files."""
    if data is None:
        inputs = {"strategy": "s", "data_requests": "r", "difficulties": "d"}
    else:
        inputs = {
            "strategy": f"{data}/brackwell/strategy.yaml",
            "data_requests": f"{data}/brackwell/data_requests.yaml",
            "difficulties": f"{data}/brackwell/difficulties_log.csv",
            "population": f"{data}/reference/population.csv",
            "peers": f"{data}/reference/peers.csv",
            "priority_scores": f"{data}/brackwell/priority_scores.yaml",
            "harm_weights": f"{data}/reference/harm_weights.csv",
        }
    return copy.deepcopy({**PARAMS, "inputs": inputs, **changes})


def params_yaml(params: dict[str, Any]) -> str:
    """Params as an analyst writes them: periods on one line, one input a line."""
    lines = []
    for key, value in params.items():
        if isinstance(value, dict) and key != "inputs":
            flow = yaml.safe_dump(value, default_flow_style=True, width=1000, sort_keys=False)
            lines.append(f"{key}: {flow.strip()}\n")
        else:
            lines.append(
                yaml.safe_dump(
                    {key: value},
                    sort_keys=False,
                    width=1000,
                    default_flow_style=False,
                    allow_unicode=True,
                )
            )
    return "".join(lines)


def write_params(path: Path, data: Path | str | None = None, **changes: Any) -> Path:
    """A params file for the demo partnership (Brackwell) reading `data`."""
    path.write_text(params_yaml(params_dict(data, **changes)), encoding="utf-8")
    return path


def cycle_params(**changes: Any) -> CycleParams:
    """Validated params (no files read) for unit tests of the analysis."""
    return CycleParams.model_validate(params_dict(**changes))


def _keep_only(
    data: Path, crime_type: str, authority: str, months: tuple[str, str], keep: int
) -> None:
    """Leave only `keep` records of a crime type in an area over some months, so the
    community update must suppress a small count (a count of 1 to 4 is never left to chance)."""
    kept = 0
    for f in sorted((data / "police_uk").glob("*/*-street.csv")):
        if not months[0] <= f.parent.name <= months[1]:
            continue
        lines = f.read_bytes().split(b"\r\n")
        out = []
        for line in lines:
            text = line.decode("utf-8")
            if f",{authority} " in text and f",{crime_type}," in text:
                if kept >= keep:
                    continue
                kept += 1
            out.append(line)
        f.write_bytes(b"\r\n".join(out))
    assert kept == keep, f"the demo data had only {kept} {crime_type} records"


# The analyst's own notebook in the shared end-to-end run: the commented template.
OWN_NOTEBOOKS = [{"file": "notebooks/own_template.ipynb", "after": "progress"}]
HOSTILE = "<script>alert('x')</script> Patrols & <b>more</b>"


@pytest.fixture(scope="session")
def cycle_run(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> dict[str, Path]:
    """One end-to-end `reviewkit run` of the demo partnership on small data.

    The strategy is given an initiative name and a lead agency full of HTML, to prove that
    reports escape what comes from data.
    """
    base = tmp_path_factory.mktemp("cycle")
    data = base / "data"
    shutil.copytree(demo_data, data)
    for register in data.glob("*/data_requests.yaml"):
        register.write_text(register.read_text().replace(str(demo_data), str(data)))
    _keep_only(data, "Bicycle theft", "Brackwell", ("2025-10", "2026-09"), keep=3)
    strategy = data / "brackwell" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = text.replace("name: Town centre ASB taskforce", f'name: "{HOSTILE}"')
    text = text.replace("public_name: Safer town centre patrols", f'public_name: "{HOSTILE}"')
    text = text.replace(
        "lead_agency: Council community safety team",
        'lead_agency: "<img src=x onerror=alert(2)> Council"',
    )
    strategy.write_text(text, encoding="utf-8")
    params = write_params(base / "cycle.yaml", data, cycle="e2e", own_notebooks=OWN_NOTEBOOKS)
    outputs = base / "outputs"
    res = reviewkit("run", str(params), "--quiet", env={"REVIEWKIT_OUTPUTS": str(outputs)})
    assert res.returncode == 0, res.stdout + res.stderr
    return {
        "params": params,
        "data": data,
        "outputs": outputs,
        "cycle": outputs / BRACKWELL / "e2e",
    }


FY_INDICATOR = """\
  - id: violence_fy
    priority: violence
    name: Violence and sexual offences by financial year
    plain_name: violent crimes in a financial year
    dataset: police_street
    filter: {crime_types: ["Violence and sexual offences"]}
    measure: count
    period: financial_year
    better: lower
"""
LATE_SEEN = "2026-11-25"  # Ashbourne's council extract: first seen after the review date


@pytest.fixture(scope="session")
def batch_run(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> dict[str, object]:
    """One batch of two partnerships with the same cycle id (`2025-26`, as `init` gives
    every partnership), shaped as the silent-wrong cases a new user met:

    - Brackwell has a financial-year indicator over an October-to-September review period;
    - Ashbourne's review period ends in June 2026, so police and partner rows after it
      arrive; its council extract has no `received` in the register and was first seen
      (receipt record) after the review date.
    """
    import hashlib

    base = tmp_path_factory.mktemp("batch")
    data = base / "data"
    shutil.copytree(demo_data, data)
    for register in data.glob("*/data_requests.yaml"):
        register.write_text(register.read_text().replace(str(demo_data), str(data)))
    strategy = data / "brackwell" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    strategy.write_text(
        text.replace("\ninitiatives:", FY_INDICATOR + "\ninitiatives:", 1), encoding="utf-8"
    )
    register = data / "ashbourne" / "data_requests.yaml"
    register.write_text(register.read_text().replace("    received: 2026-10-25\n", "", 1))
    receipts = base / "receipts.csv"
    lines = ["sha256,first_seen,file,source"]
    for f in sorted((data / "ashbourne" / "council_asb").glob("*.csv")):
        lines.append(f"{hashlib.sha256(f.read_bytes()).hexdigest()},{LATE_SEEN},{f},test")
    receipts.write_text("\n".join(lines) + "\n")
    params = {
        "Brackwell": write_params(base / "brackwell.yaml", data, cycle="2025-26"),
        "Ashbourne": write_params(
            base / "ashbourne.yaml",
            data,
            cycle="2025-26",
            review_period={"start": "2025-07", "end": "2026-06"},
            baseline_period={"start": "2023-07", "end": "2024-06"},
        ),
    }
    a = params["Ashbourne"]
    a.write_text(a.read_text().replace("Brackwell", "Ashbourne").replace("brackwell", "ashbourne"))
    outputs = base / "outputs"
    env = {"REVIEWKIT_OUTPUTS": str(outputs), "REVIEWKIT_RECEIPTS": str(receipts)}
    res = reviewkit("run", *(str(p) for p in params.values()), "--jobs", "2", env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    folders = {
        la: outputs / f"{la.lower()}_community_safety_partnership" / "2025-26" for la in params
    }
    return {
        "params": params,
        "data": data,
        "outputs": outputs,
        "env": env,
        "folders": folders,
        "stdout": res.stdout,
        "receipts": receipts,
    }


def visible_text(html: str) -> str:
    """What a reader gets from an HTML page: its text and image alt texts, without markup,
    scripts or styles (so codes in attributes, read by no one, are not counted)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "style"):
                self.skip += 1
            for key, value in attrs:
                if key in ("alt", "title", "aria-label") and value:
                    self.parts.append(value)

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style") and self.skip:
                self.skip -= 1

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data)

    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
