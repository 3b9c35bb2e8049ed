"""The smaller hostile cases, each ending in a clear message: a sign-off in the future, a cycle
id in the tool's own folder names, `--from` over a cycle missing a file of an earlier step, a
params file named from another folder, a register path that is no file or folder, a UTF-16
police.uk file, a partnership named like one of the tool's own folders."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, params_dict, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import read_police
from reviewkit.run.cli import main
from reviewkit.run.preflight import check_cycle
from reviewkit.store.identity import check_finished
from reviewkit.store.layout import cycle_dir

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)


def _invalid(**changes: object) -> str:
    with pytest.raises(ValueError) as err:
        CycleParams.model_validate(params_dict(**changes))
    return str(err.value)


def test_a_sign_off_in_the_future_is_refused():
    """Case 5: 'signed off on 15 January 2031' was accepted and printed on every page."""
    msg = _invalid(
        report={"status": "final", "signed_off_by": "Chair", "signed_off_on": "2031-01-15"}
    )
    assert "signed_off_on 2031-01-15 is in the future" in msg and "status: draft" in msg
    today = dt.date.today().isoformat()
    ok = params_dict(report={"status": "final", "signed_off_by": "Chair", "signed_off_on": today})
    assert CycleParams.model_validate(ok).report.status == "final"


@pytest.mark.parametrize("cycle", ["_failed", ".hidden", "-x"])
def test_a_cycle_id_is_refused_with_the_rule_it_breaks(cycle):
    """Case 5: `cycle: _failed` was refused with 'use letters, digits, '-', '_' or '.'',
    a rule it meets; the message now says it must start with a letter or digit."""
    assert "start with a letter or digit" in _invalid(cycle=cycle)
    assert "start with" not in _invalid(cycle="2025/26")


@pytest.mark.parametrize("name", ["Interactive", "BENCH!"])
def test_a_partnership_named_like_the_tools_own_folders_is_refused(name, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path))
    with pytest.raises(ReviewError, match="which the tool keeps for"):
        cycle_dir(CycleParams.model_validate(params_dict(partnership=name)))


@pytest.mark.parametrize(
    ("gone", "start", "says"),
    [
        ("tables/scorecard.csv", "report", "--from progress"),
        (".tables/initiative_status.parquet", "report", "--from progress"),
        ("intake.json", "progress", "with --force"),
        ("tables/completeness.csv", "report", "with --force"),
    ],
)
def test_from_refuses_a_cycle_missing_an_earlier_steps_file(cycle_run, tmp_path, gone, start, says):
    """Case 5: `--from report` after deleting tables/scorecard.csv exited 0 and published the
    cycle without it; now it is refused, naming the file and the step to rerun from."""
    copy = tmp_path / "cycle"
    shutil.copytree(cycle_run["cycle"], copy)
    params = load_params(cycle_run["params"])
    check_finished(copy, params, cycle_run["params"], start)  # whole: fine
    (copy / gone).unlink()
    with pytest.raises(ReviewError) as err:
        check_finished(copy, params, cycle_run["params"], start)
    msg = str(err.value)
    assert gone in msg and says in msg


def test_check_reads_the_params_file_from_where_the_user_stands(tmp_path, monkeypatch, capsys):
    """Case 5: `check params/x.yaml` from another folder checked the repository's file."""
    assert (ROOT / "params" / "example.yaml").is_file()
    mine = tmp_path / "params"
    mine.mkdir()
    (mine / "example.yaml").write_text("cycle: [not, valid]\n")
    (mine / "only_here.yaml").write_text("cycle: [not, valid]\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["check", "params/example.yaml"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "names two files" in err and str(mine / "example.yaml") in err
    assert main(["check", "params/only_here.yaml"]) == 1
    out = capsys.readouterr()
    assert str(mine / "only_here.yaml") in out.out + out.err


def _register_with(tmp_path: Path, demo_data: Path, old: str, new: str) -> Path:
    text = (demo_data / "brackwell" / "data_requests.yaml").read_text()
    assert old in text
    register = tmp_path / "data_requests.yaml"
    register.write_text(text.replace(old, new))
    p = write_params(tmp_path / "p.yaml", demo_data)
    p.write_text(
        p.read_text().replace(str(demo_data / "brackwell" / "data_requests.yaml"), str(register))
    )
    return p


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_register_path_that_is_a_device_or_a_link_loop_is_named(tmp_path, demo_data):
    """Case 5: these were reported as 'no file received: chase the provider'."""
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    p = _register_with(tmp_path, demo_data, f"path: {demo_data}/police_uk", f"path: {loop}")
    text = "\n".join(check_cycle(p)[1])
    assert f"the register's path {loop} cannot be reached" in text
    assert "correct source.path in the data request register" in text
    council = str(demo_data / "brackwell" / "council_asb")
    p = _register_with(tmp_path, demo_data, f"path: {council}", "path: /dev/zero #")
    text = "\n".join(check_cycle(p)[1])
    assert "the register's path /dev/zero is neither a file nor a folder" in text
    # the register's received date is kept (it says when the data came), not dropped
    line = next(x for x in check_cycle(p)[1] if "council_asb: not received" in x)
    assert "received 2026-10-25 (from the register)" in line


def test_a_utf16_police_file_is_named_as_such(tmp_path):
    """Case 5: a UTF-16 police.uk file was called 'binary content'."""
    folder = tmp_path / "2026-03"
    folder.mkdir()
    row = ",2026-03,P,P,-1.0,51.0,On or near X,E01000001,Brackwell 001A,Burglary,,\n"
    f = folder / "2026-03-northshire-street.csv"
    f.write_bytes((HEADER + row).encode("utf-16"))
    junk = folder / "2026-02-northshire-street.csv"
    junk.write_bytes(b"\x00\x01\x02\x03" * 100)
    found = read_police("police_street", "police_uk_street", [f, junk], AreaMatcher(["Brackwell"]))
    reasons = " ".join(p.description for p in found.problems)
    assert "saved as UTF-16 text" in reasons and "CSV UTF-8" in reasons
    assert "binary content" in reasons  # the junk file still is


def test_check_warns_when_the_baseline_runs_into_the_strategy(tmp_path, demo_data):
    """The demo's strategy began in October 2024; a baseline ending then holds some of its
    effect. The demo's own baseline (to September 2024) gets no warning."""
    assert 'strategy_start: "2024-10"' in (demo_data / "brackwell" / "strategy.yaml").read_text()
    p = write_params(
        tmp_path / "p.yaml", demo_data, baseline_period={"start": "2023-11", "end": "2024-10"}
    )
    lines = check_cycle(p)[1]
    assert any(
        line.startswith("WARN    baseline: the baseline (November 2023 to October 2024) ends on")
        for line in lines
    )
    assert not any(
        "baseline:" in x for x in check_cycle(write_params(tmp_path / "q.yaml", demo_data))[1]
    )
