"""Hostile and broken inputs through the command line and the library: each ends in a clear
message naming the file and key (never a traceback), or in a correctly flagged result."""

from __future__ import annotations

import errno
import math
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from conftest import BRACKWELL, ROOT, reviewkit, run_cli
from reviewkit.base.errors import ReviewError
from reviewkit.run.cli import describe_os_error, main
from test_bad_inputs import CASES, make_project


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A small valid project (one partner dataset) whose files each test then breaks."""
    return make_project(tmp_path, [c for c in CASES if c["name"] == "tab separated"])


def _check(params: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(params)])
    out = capsys.readouterr()
    return code, out.out + out.err


def _edit(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _strategy(project: Path) -> Path:
    return project.parent / "strategy.yaml"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("review_date: 2026-11-31\n", "line {n}, key 'review_date': 2026-11-31 is not a real date"),
        ("extra: " + "[" * 20000 + "]" * 20000 + "\n", "nested too deeply"),
    ],
)
def test_params_that_yaml_cannot_hold(project, capsys, text, expected):
    lines = [ln for ln in project.read_text().splitlines() if not ln.startswith("review_date")]
    project.write_text("\n".join(lines) + "\n" + text)
    code, said = _check(project, capsys)
    assert code == 1 and "Traceback" not in said
    assert expected.format(n=len(lines) + 1) in said
    assert said.count(f"{project}: {project}") == 0


@pytest.mark.parametrize(
    "change,expected",
    [
        (
            lambda s: s.update(priorities=[], indicators=[]),
            "the strategy needs at least one priority and one indicator",
        ),
        (
            lambda s: s["indicators"][0].update(target={"value": 3, "by": "soon"}),
            "key 'indicators.0.target.by': 'soon' is not a month; write it as YYYY-MM",
        ),
        (
            lambda s: s["indicators"][0].update(
                target={"change_pct": float("nan"), "by": "2027-03"}
            ),
            "key 'indicators.0.target': change_pct is nan; give a number",
        ),
        (
            lambda s: s["indicators"][0].update(
                target={"change_pct": float("inf"), "by": "2027-03"}
            ),
            "change_pct is inf",
        ),
        (
            lambda s: s["indicators"][0].update(
                measure="proportion", numerator={"crime_types": ["Burglary"]}
            ),
            "a proportion of partner measures needs 'filter.measure' (the whole) and "
            "'numerator.measure' (the part)",
        ),
    ],
)
def test_strategy_mistakes_say_what_to_fix(project, capsys, change, expected):
    _edit(_strategy(project), change)
    code, said = _check(project, capsys)
    assert code == 1 and "Traceback" not in said
    assert expected in said, said


def test_a_milestone_on_a_day_that_does_not_exist(project, capsys):
    path = _strategy(project)
    text = path.read_text() + (
        "initiatives:\n- id: a\n  name: A\n  priority: p\n"
        "  lead_agency: x\n  start: 2025-01-01\n  end: 2026-12-31\n"
        "  milestones:\n  - name: M\n    due: 2025-06-31\n"
    )
    path.write_text(text)
    code, said = _check(project, capsys)
    assert code == 1 and "Traceback" not in said
    assert f"line {len(text.splitlines())}, key 'due': 2025-06-31 is not a real date" in said


@pytest.mark.parametrize("value", ["0", "inf", "nan"])
def test_a_population_of_zero_is_refused(project, capsys, value):
    pop = project.parent / "population.csv"
    pop.write_text(f"area,year,population,households\nBrackwell,2025,{value},400\n")
    _edit(project, lambda p: p["inputs"].update(population=str(pop)))
    code, said = _check(project, capsys)
    assert code == 1 and "Traceback" not in said
    assert f"row 2, column 'population': '{value}' is not a usable number (more than zero)" in said


def test_a_message_names_the_params_file_once(project, capsys):
    _edit(project, lambda p: p.update(review_date="2026-01-01"))
    code = main(["run", str(project), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and f"error: {project}: key 'review_date'" in err
    assert f"{project}: {project}" not in err


@pytest.mark.parametrize("new_id", ["../evil", "..", "bad id", "", "_failed", "a/b"])
def test_new_cycle_refuses_an_id_before_writing_anything(project, capsys, new_id):
    before = sorted(p for p in project.parent.rglob("*"))
    code = main(["new-cycle", new_id, "--from", str(project)])
    err = capsys.readouterr().err
    assert code == 1 and "cannot be a cycle id" in err and "Nothing was written" in err
    assert sorted(p for p in project.parent.rglob("*")) == before
    assert not (project.parent.parent / "evil.yaml").exists()


def test_outputs_that_cannot_be_written_are_named(project, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the outputs folder should be")
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(blocker / "outputs"))
    res = run_cli(capsys, "run", str(project), "--quiet")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "not_a_folder" in res.stderr and "run again" in res.stderr


@pytest.mark.parametrize(
    "code,expected",
    [
        (errno.ENOSPC, "the disk is full (/out/x.csv). Free some space"),
        (errno.EACCES, "permission denied (/out/x.csv): the folder cannot be written"),
        (errno.EROFS, "permission denied (/out/x.csv)"),
    ],
)
def test_disk_errors_say_what_to_do(code, expected):
    assert describe_os_error(OSError(code, os.strerror(code), "/out/x.csv")).startswith(expected)


@pytest.mark.e2e  # a real run starts (its kernels are made ready) before the disk fills
def test_a_full_disk_during_a_run_is_a_message(project, capsys, monkeypatch):
    import reviewkit.run.runner as runner

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/out/tables/x.csv")

    monkeypatch.setattr(runner, "execute_step", full)
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(project.parent / "outputs"))
    code = main(["run", str(project), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "the disk is full" in err and "Traceback" not in err
    assert not list((project.parent / "outputs").glob("*/bad"))  # nothing half-written


# Paths the tool owns --------------------------------------------------------------------------
def test_a_failed_run_never_names_another_cycle(tmp_path):
    from reviewkit.inputs.params import CYCLE_ID
    from reviewkit.run.folders import failed_dir, keep_interrupted

    out = tmp_path / "outputs"
    other = out / "o07.failed"  # a finished cycle whose id is 'o07.failed'
    (other / "tables").mkdir(parents=True)
    (other / "manifest.json").write_text("{}")
    stale = out / ".o07.run-999999999"  # a run of cycle o07 killed midway
    stale.mkdir()
    (stale / "half.csv").write_text("x")
    said: list[str] = []
    keep_interrupted(out, "o07", said.append)
    assert (other / "manifest.json").exists()
    assert (failed_dir(out, "o07") / "half.csv").exists() and "_failed/o07" in said[0]
    # no cycle id names the folder a failed run is kept in
    assert not CYCLE_ID.fullmatch(failed_dir(out, "o07").relative_to(out).parts[0])


def test_the_repository_is_the_packages_own(tmp_path, monkeypatch):
    from reviewkit.base import paths

    other = tmp_path / "other_project"
    (other / "notebooks").mkdir(parents=True)
    (other / "pyproject.toml").write_text("[project]\nname = 'other'\n")
    monkeypatch.delenv("REVIEWKIT_ROOT", raising=False)
    monkeypatch.chdir(other)
    assert paths.repo_root() == ROOT
    assert paths.notebooks_dir() == ROOT / "notebooks"
    monkeypatch.setenv("REVIEWKIT_ROOT", str(tmp_path / "empty"))
    with pytest.raises(ReviewError, match="review notebooks were not found"):
        paths.notebooks_dir()


# Values ---------------------------------------------------------------------------------------
def test_a_nul_byte_in_an_lsoa_name_changes_no_label():
    from reviewkit.intake.area import AreaMatcher

    codes = pd.Series(["E01", "E01", "E02"])
    names = pd.Series(["Brackwell\x00 001A", "Brackwell 001A", "Brack\x00well 002A"])
    area = AreaMatcher(["Brackwell"])
    assert list(area.local_authority(codes, names)) == ["Brackwell"] * 3
    assert area.contains(codes, names).all()


def test_a_proportion_of_partner_measures():
    from test_indicators import params, run

    months = [str(m) for m in pd.period_range("2023-01", "2026-09", freq="M")]
    partner = pd.DataFrame(
        [
            {
                "dataset": "partner",
                "measure": m,
                "period_type": "month",
                "period_start": p,
                "period": p,
                "area": "B",
                "value": v,
            }
            for p in months
            for m, v in (("referrals", 40.0), ("repeat", 10.0 if p < "2025-10" else 20.0))
        ]
    )
    from reviewkit.inputs.strategy import Indicator

    ind = Indicator.model_validate(
        {
            "id": "x",
            "priority": "p",
            "name": "Repeat referrals",
            "dataset": "partner",
            "filter": {"measure": "referrals"},
            "numerator": {"measure": "repeat"},
            "measure": "proportion",
            "better": "lower",
        }
    )
    res, series = run(ind, {}, p=params(), partner=partner)
    # 20 of 40 a month in the review year, 10 of 40 in the baseline year
    assert res.assessable and res.review_value == pytest.approx(50.0)
    assert res.baseline_value == pytest.approx(25.0)
    assert res.direction == "worsened" and not math.isnan(res.ci_low)
    assert series["value"].iloc[-1] == pytest.approx(50.0)


def test_a_sheet_with_one_cell_far_right_on_every_row_is_read_in_bounded_memory(tmp_path):
    import datetime as dt

    import openpyxl

    from reviewkit.inputs.register import TableSource
    from reviewkit.intake.area import AreaMatcher
    from reviewkit.intake.partner import read_table_dataset

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Month", "Reports"])
    ws.append(["2026-01", 4])
    for r in range(3, 30_003):
        ws.cell(row=r, column=16384, value="x")  # column XFD
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert path.stat().st_size < 400_000
    source = TableSource.model_validate(
        {"kind": "table", "path": "x", "period_column": "Month", "measures": {"Reports": "r"}}
    )
    tracemalloc.start()
    res = read_table_dataset("d", source, [path], AreaMatcher(["Brackwell"]), dt.date(2026, 11, 20))
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.totals()["accepted"] == 1
    assert peak < 150 * 2**20  # padded to XFD it would be over 4 GB


# Reports --------------------------------------------------------------------------------------
def test_narrative_text_cannot_become_markup():
    from reviewkit.report.narrative import render_narrative

    card = pd.DataFrame([{"id": "x", "measure": "count", "review_value": 12.0}])
    text = (
        "\x00<script>alert(1)</script>\x01 and {{x.review_value}} "
        "\x00<img src=x onerror=alert(2)>\x01 **bold**"
    )
    html = render_narrative(text, card, "narrative.md")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and 'data-field="review_value">12<' in html
    assert "<strong>bold</strong>" in html


def test_chart_text_with_dollar_signs_is_drawn_as_text():
    from reviewkit.report.charts import trend_chart

    series = pd.DataFrame(
        {
            "period_start": ["2026-01", "2026-02"],
            "period": ["2026-01", "2026-02"],
            "value": [1.0, 2.0],
        }
    )
    chart = trend_chart(r"Fraud losses ($\pounds$) and $5 notes", series, "count", "2026-01")
    assert chart.png[:4] == b"\x89PNG"


def test_from_report_after_the_strategy_changed_is_refused(cycle_run, tmp_path):
    import shutil

    outputs = tmp_path / "outputs"
    shutil.copytree(cycle_run["outputs"], outputs)
    strategy = cycle_run["data"] / "brackwell" / "strategy.yaml"
    original = strategy.read_bytes()
    try:
        strategy.write_bytes(original.replace(b"name: ", b"name: Renamed ", 1))
        res = reviewkit(
            "run",
            str(cycle_run["params"]),
            "--from",
            "report",
            "--quiet",
            env={"REVIEWKIT_OUTPUTS": str(outputs)},
        )
    finally:
        strategy.write_bytes(original)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "--from report would reuse results made before these inputs changed" in res.stderr
    assert "strategy.yaml (strategy)" in res.stderr and "Run --from progress" in res.stderr
    assert (outputs / BRACKWELL / "e2e" / "manifest.json").read_bytes() == (
        cycle_run["cycle"] / "manifest.json"
    ).read_bytes()


# Sibling cases --------------------------------------------------------------------------------
def test_outcomes_and_stop_search_months_are_checked_against_their_names(tmp_path):
    from reviewkit.intake.area import AreaMatcher
    from reviewkit.intake.policeuk import read_police

    out = tmp_path / "2026-03" / "2026-03-northshire-outcomes.csv"
    out.parent.mkdir()
    out.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
        "LSOA code,LSOA name,Outcome type\n"
        "a,2026-02,F,F,,,,E01000001,Brackwell 001A,Local resolution\n"
    )
    res = read_police("o", "police_uk_outcomes", [out], AreaMatcher(["Brackwell"]))
    assert res.totals()["accepted"] == 0 and "Month column says 2026-02" in res.accounts[0].note
    ss = tmp_path / "2026-03" / "2026-03-northshire-stop-and-search.csv"
    ss.write_text(
        "Type,Date,Part of a policing operation,Latitude,Longitude,Gender,Outcome,"
        "Object of search\n"
        "Person search,2026-03-04T10:00:00+00:00,,51.5,-1.1,Male,Arrest,Drugs\n"
        "Person search,2026-04-01T10:00:00+00:00,,51.5,-1.1,Male,Arrest,Drugs\n"
    )
    res = read_police("s", "police_uk_stop_search", [ss], AreaMatcher(["Brackwell"]))
    t = res.totals()
    assert (t["accepted"], t["quarantined"]) == (1, 1)
    assert "not 2026-03, the month its file is named for" in res.quarantine["reason"].iloc[0]


@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_peer_counts_are_finite_and_not_negative(tmp_path, value):
    from reviewkit.analysis.peers import load_peers

    f = tmp_path / "peers.csv"
    f.write_text(f"partnership,period,measure,count,population\nA,2026-09,x,{value},1000\n")
    with pytest.raises(ReviewError, match=f"row 2, column 'count': '{value}' is not a usable"):
        load_peers(f)


def test_a_long_cell_is_never_quoted_in_full():
    from reviewkit.intake.partner import quote_value

    text = "Mr A Smith, 12 Long Road, called about noise\x00 on 3 March"
    assert quote_value(text) == "'Mr A Smith, 12 Long Road, call...'"
