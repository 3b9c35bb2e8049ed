"""A cycle's identity: outputs grouped by partnership, and every step refusing a folder that
belongs to another partnership, cycle, params file or params."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import load_params
from reviewkit.run.batch import check_batch
from reviewkit.store.identity import check_finished, fingerprint, run_folder
from reviewkit.store.layout import cycle_dir, scratch_dir


@pytest.fixture()
def outputs(tmp_path, monkeypatch) -> Path:
    out = tmp_path / "outputs"
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(out))
    return out


def _other(path: Path, data: Path, name: str = "Ashbourne", cycle: str = "2025-26") -> Path:
    p = write_params(path, data, cycle=cycle)
    p.write_text(
        p.read_text()
        .replace("Brackwell Community Safety Partnership", f"{name} Community Safety Partnership")
        .replace("[Brackwell]", f"[{name}]")
    )
    return p


def test_two_partnerships_with_one_cycle_id_have_their_own_folders(tmp_path, demo_data, outputs):
    a = load_params(write_params(tmp_path / "a.yaml", demo_data, cycle="2025-26"))
    b = load_params(_other(tmp_path / "b.yaml", demo_data))
    assert cycle_dir(a) == outputs / "brackwell_community_safety_partnership" / "2025-26"
    assert cycle_dir(b) == outputs / "ashbourne_community_safety_partnership" / "2025-26"
    assert scratch_dir(a) != scratch_dir(b)


def test_a_batch_refuses_two_params_files_writing_to_one_folder(tmp_path, demo_data, outputs):
    a = write_params(tmp_path / "a.yaml", demo_data, cycle="2025-26")
    b = write_params(tmp_path / "b.yaml", demo_data, cycle="2025-26")
    c = _other(tmp_path / "c.yaml", demo_data)
    check_batch([str(a), str(c)])  # two partnerships, one cycle id: fine
    with pytest.raises(ReviewError, match="would write to the same outputs folder") as err:
        check_batch([str(a), str(b), str(c)])
    assert str(a) in str(err.value) and str(b) in str(err.value)
    assert not outputs.exists()  # nothing ran


def test_fingerprint_follows_every_setting(tmp_path, demo_data):
    a = load_params(write_params(tmp_path / "a.yaml", demo_data))
    same = load_params(write_params(tmp_path / "same.yaml", demo_data))
    other = load_params(
        write_params(tmp_path / "o.yaml", demo_data, analysis={"significance_level": 0.01})
    )
    assert fingerprint(a) == fingerprint(same) != fingerprint(other)


def test_by_hand_the_run_folder_comes_from_the_params(tmp_path, demo_data, outputs):
    """Case 7: another partnership's params with the default run_dir never lands on the
    first partnership's figures."""
    a = write_params(tmp_path / "a.yaml", demo_data, cycle="2025-26")
    b = _other(tmp_path / "b.yaml", demo_data)
    fa = run_folder(a, None, "intake")
    fb = run_folder(b, None, "intake")
    assert fa != fb and fa.parent.name == "brackwell_community_safety_partnership"
    assert fa.is_relative_to(outputs / "interactive")
    record = json.loads((fb / "cycle.json").read_text())
    assert record["partnership"] == "Ashbourne Community Safety Partnership"
    # pointing one partnership's notebook at the other's folder is refused, naming both
    with pytest.raises(ReviewError) as err:
        run_folder(b, fa, "progress")
    msg = str(err.value)
    assert "Brackwell Community Safety Partnership" in msg
    assert "Ashbourne Community Safety Partnership" in msg
    with pytest.raises(ReviewError, match="belongs to"):
        run_folder(b, fa, "intake")


def test_later_steps_need_the_earlier_ones_made_with_the_same_params(tmp_path, demo_data, outputs):
    p = write_params(tmp_path / "a.yaml", demo_data)
    with pytest.raises(ReviewError, match="run 01_intake first"):
        run_folder(p, None, "progress")
    folder = run_folder(p, None, "intake")
    assert run_folder(p, None, "progress") == folder
    write_params(p, demo_data, analysis={"significance_level": 0.01})
    with pytest.raises(ReviewError, match=r"significance_level: 0\.05 -> 0\.01"):
        run_folder(p, None, "report")
    # a change only the report reads (contact details) does not make the figures stale
    write_params(p, demo_data, report={"contact": "Call us"})
    assert run_folder(p, None, "report") == folder
    # a new intake drops the record of the later steps made with the old params
    write_params(p, demo_data, analysis={"significance_level": 0.01})
    run_folder(p, None, "intake")
    with pytest.raises(ReviewError, match="no progress step"):
        run_folder(p, None, "report")


def test_a_finished_cycle_is_never_written_by_hand(cycle_run):
    """Case 7: run_dir set to a finished cycle is refused before anything is written."""
    before = {q: q.read_bytes() for q in cycle_run["cycle"].rglob("*") if q.is_file()}
    for step in ("intake", "progress", "report"):
        with pytest.raises(ReviewError, match="holds a finished review cycle"):
            run_folder(cycle_run["params"], cycle_run["cycle"], step)
    assert {q: q.read_bytes() for q in cycle_run["cycle"].rglob("*") if q.is_file()} == before


def test_from_refuses_a_finished_cycle_of_other_params(cycle_run, tmp_path):
    params = load_params(cycle_run["params"])
    check_finished(cycle_run["cycle"], params, cycle_run["params"], "report")
    other = tmp_path / "other.yaml"
    other.write_text(cycle_run["params"].read_text())
    with pytest.raises(ReviewError) as err:
        check_finished(cycle_run["cycle"], load_params(other), other, "progress")
    assert str(other) in str(err.value) and str(cycle_run["params"]) in str(err.value)
    changed = tmp_path / "changed.yaml"
    changed.write_text(cycle_run["params"].read_text().replace("2023-10", "2023-11"))
    with pytest.raises(ReviewError, match="baseline_period.start: 2023-10 -> 2023-11"):
        check_finished(cycle_run["cycle"], load_params(changed), cycle_run["params"], "report")


def test_previous_cycle_must_be_the_same_partnership(cycle_run, tmp_path, demo_data):
    p = _other(tmp_path / "b.yaml", demo_data)
    p.write_text(p.read_text() + f"previous_cycle: {cycle_run['cycle']}\n")
    with pytest.raises(
        ReviewError, match="is a review of Brackwell Community Safety Partnership, not of Ashbourne"
    ):
        run_folder(p, tmp_path / "scratch", "intake")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_each_notebook_checks_its_folder_first(path):
    """The first library call of every step notebook is the folder check (`step_folder`
    checks the folder with `run_folder` before anything is read or written); the explore and
    own-notebook template only open a cycle read-only."""
    nb = nbformat.read(path, as_version=4)
    code = [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    first_call = next(
        line
        for line in code[0].splitlines()
        if "(" in line and not line.startswith(("from", "import", "#"))
    )
    if path.stem[:2].isdigit():
        step = path.stem.split("_", 1)[1]
        assert first_call == f'params, out = rk.step_folder(params_file, run_dir, "{step}")'
    else:
        assert "rk.open_cycle(" in first_call
