"""Draft and final: a final paper needs its sign-off, its narrative written and a clean check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import NO_PDF, params_dict, reviewkit, run_cli, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import load_params
from reviewkit.report.export import running_header
from reviewkit.run.runner import refuse_unready_final
from reviewkit.run.signoff import final_problems, sign_off_record, unfilled_prompts

FINAL = """report:
  status: final
  signed_off_by: "Chair, Brackwell CSP board"
  signed_off_on: 2026-12-04
community:
  contact: "Brackwell Community Safety Partnership: community.safety@brackwell.example"
  meetings:
    - {date: 2027-01-14, time: "18:30", place: "Brackwell Library, Market Street"}
"""
NARRATIVE = """## executive_summary
Anti-social behaviour fell by {{asb_police.change_pct}} against the baseline.

## priority_violence
The night-time economy partnership met monthly.
"""


def _params(
    tmp_path: Path, data: Path, report: str = FINAL, narrative: str | None = NARRATIVE
) -> Path:
    changes = yaml.safe_load(report) or {}
    if narrative is not None:
        (tmp_path / "narrative.md").write_text(narrative, encoding="utf-8")
        changes["inputs"] = {
            **params_dict(data)["inputs"],
            "narrative": str(tmp_path / "narrative.md"),
        }
    return write_params(tmp_path / "p.yaml", data, **changes)


def test_the_default_is_a_draft_and_says_so(tmp_path, demo_data):
    p = load_params(_params(tmp_path, demo_data, report=""))
    assert p.report.status == "draft"
    assert p.report.status_line() == "Draft for the partnership board"
    assert running_header(p, "board") == (
        "Brackwell Community Safety Partnership · review period October 2025 to September 2026",
        "Draft for the partnership board",
    )
    assert running_header(p, "community")[1] == "Draft: not for publication"
    assert sign_off_record(p) == {"status": "draft", "signed_off_by": None, "signed_off_on": None}


@pytest.mark.parametrize(
    "report,words",
    [
        ("report:\n  status: final\n", "signed_off_by and signed_off_on are not given"),
        ("report:\n  status: final\n  signed_off_by: Chair\n", "signed_off_on is not given"),
        (
            "report:\n  status: final\n  signed_off_by: '  '\n  signed_off_on: 2026-12-01\n",
            "signed_off_by is not given",
        ),
        (
            "report:\n  status: final\n  signed_off_by: Chair\n  signed_off_on: 2026-11-01\n",
            "before the review was carried out",
        ),
        ("report:\n  status: signed\n", "'draft' or 'final'"),
    ],
)
def test_a_final_paper_needs_who_and_when(tmp_path, demo_data, report, words):
    with pytest.raises(ReviewError) as err:
        load_params(_params(tmp_path, demo_data, report=report))
    assert "report" in str(err.value) and words in str(err.value), str(err.value)


def test_prompts_left_in_the_narrative_are_found():
    found = unfilled_prompts(
        {
            "executive_summary": "Crime fell. [[say why,\n briefly]]",
            "priority_asb": "TODO",
            "community_intro": "All done.",
            "priority_x": "Costs TBC and [[ the named lead ]]",
        }
    )
    assert found == [
        ("executive_summary", "say why, briefly"),
        ("priority_asb", "TODO"),
        ("priority_x", "TBC"),
        ("priority_x", "the named lead"),
    ]
    assert unfilled_prompts({"executive_summary": "TODOS are fine; so is [single]."}) == []


def test_a_ready_final_has_no_problems(tmp_path, demo_data):
    pfile = _params(tmp_path, demo_data)
    p = load_params(pfile)
    assert final_problems(p, pfile) == []
    refuse_unready_final(p, pfile)  # does not raise
    assert sign_off_record(p) == {
        "status": "final",
        "signed_off_by": "Chair, Brackwell CSP board",
        "signed_off_on": "2026-12-04",
    }


def test_a_final_without_narrative_or_with_prompts_or_check_errors_is_refused(tmp_path, demo_data):
    pfile = _params(tmp_path, demo_data, narrative=None)
    problems = final_problems(load_params(pfile), pfile)
    assert len(problems) == 1 and "no narrative file" in problems[0]
    pfile = _params(
        tmp_path,
        demo_data,
        narrative="## executive_summary\n\n## priority_asb\nPatrols [[which streets?]] and TODO.\n",
    )
    problems = final_problems(load_params(pfile), pfile)
    assert any("'## executive_summary' is missing or empty" in p for p in problems)
    assert any(
        "'## priority_asb' still has a prompt to fill in: [[which streets?]]" in p for p in problems
    )
    assert any("'## priority_asb' still says TODO" in p for p in problems)
    # a strategy `check` rejects: the final run names the check's error
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    strategy = data / "brackwell" / "strategy.yaml"
    strategy.write_text(strategy.read_text().replace("better: lower", "better: lowest", 1))
    pfile = write_params(
        tmp_path / "bad.yaml",
        data,
        **yaml.safe_load(FINAL),
        inputs={**params_dict(data)["inputs"], "narrative": str(tmp_path / "narrative.md")},
    )
    (tmp_path / "narrative.md").write_text(NARRATIVE)
    problems = final_problems(load_params(pfile), pfile)
    assert problems and all(p.startswith("reviewkit check: ") for p in problems)
    assert any("better" in p for p in problems), problems


@pytest.mark.parametrize(
    "said",
    [
        "set analysis.spc.rebase to 2025-08",
        "ae_assaults had not arrived",
        "the chart shows common_cause",
        "2 indicator(s) improved",
        "see previous_cycle",
    ],
)
def test_a_final_narrative_that_speaks_to_the_analyst_is_refused(tmp_path, demo_data, said):
    pfile = _params(tmp_path, demo_data, narrative=f"## executive_summary\n\nAll good; {said}.\n")
    problems = final_problems(load_params(pfile), pfile)
    assert len(problems) == 1 and "names what only the analyst acts on" in problems[0], problems
    # the same words in the reader's language pass
    pfile = _params(tmp_path, demo_data, narrative="## executive_summary\n\nAll good.\n")
    assert final_problems(load_params(pfile), pfile) == []


def test_the_command_line_refuses_an_unready_final_before_anything_runs(
    tmp_path, demo_data, capsys, monkeypatch
):
    pfile = _params(tmp_path, demo_data, narrative="## executive_summary\n[[to write]]\n")
    outputs = tmp_path / "outputs"
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(outputs))
    res = run_cli(capsys, "run", str(pfile), "--quiet")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "report.status is final, but the paper is not ready to sign off" in res.stderr
    assert "still has a prompt to fill in: [[to write]]" in res.stderr
    assert "set report.status: draft" in res.stderr
    # no cycle folder, failed run or report (only what `check` keeps: cache, receipts)
    assert not outputs.exists() or not [
        p
        for p in outputs.rglob("*")
        if p.is_dir() and not p.name.startswith(".") and ".cache" not in p.parts
    ]


def test_a_final_run_prints_final_and_records_the_sign_off(cycle_run, tmp_path):
    outputs = tmp_path / "outputs"
    (tmp_path / "narrative.md").write_text(NARRATIVE, encoding="utf-8")
    params = tmp_path / "final.yaml"
    params.write_text(
        cycle_run["params"]
        .read_text()
        .replace("  peers:", f"  narrative: {tmp_path / 'narrative.md'}\n  peers:")
        + FINAL
    )
    env = {"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    res = reviewkit("run", str(params), "--quiet", env=env)
    assert res.returncode == 0, res.stderr
    out = next(outputs.rglob("manifest.json")).parent
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sign_off"] == {
        "status": "final",
        "signed_off_by": "Chair, Brackwell CSP board",
        "signed_off_on": "2026-12-04",
    }
    board = (out / "review_report.html").read_text(encoding="utf-8")
    assert "Final: signed off by Chair, Brackwell CSP board on 04 December 2026" in board
    assert "Draft for the partnership board" not in board
    community = (out / "community_update.html").read_text(encoding="utf-8")
    assert "Published 04 December 2026" in community and "not for publication" not in community
