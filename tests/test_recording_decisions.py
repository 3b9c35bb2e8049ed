"""A possible recording change, end to end, before and after the analyst records the board's
decision: each of `exclude`, `rebase` and `real` tells one story on every surface, and the
request to decide is gone once decided.

The demo's generator raises criminal damage threefold force-wide from April 2025; these runs
add an indicator that counts it (with a target), so its verdict depends on the decision.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from conftest import BRACKWELL, NO_PDF, params_dict, reviewkit, visible_text, write_params
from reviewkit.analysis.verdict import Verdict

DAMAGE = """\
  - id: criminal_damage
    priority: neighbourhood
    name: Criminal damage and arson offences
    plain_name: criminal damage and arson
    dataset: police_street
    filter: {crime_types: ["Criminal damage and arson"]}
    measure: count
    period: month
    better: lower
    target: {change_pct: -10, by: "2027-03"}
"""
CHANGE = {"crime_type": "Criminal damage and arson", "month": "2025-04"}
ASK = "Agree how to treat the possible change in how the police record criminal damage and arson"


@pytest.fixture(scope="module", params=["", "exclude", "rebase", "real"])
def decided(request, cycle_run, tmp_path_factory):
    """The demo run with the extra indicator, and the analyst's decision (none, or one)."""
    base = tmp_path_factory.mktemp(f"decision-{request.param or 'none'}")
    data = base / "data"
    shutil.copytree(cycle_run["data"], data)
    for register in data.glob("*/data_requests.yaml"):
        register.write_text(register.read_text().replace(str(cycle_run["data"]), str(data)))
    strategy = data / "brackwell" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    strategy.write_text(text.replace("indicators:\n", "indicators:\n" + DAMAGE, 1), "utf-8")
    analysis = dict(params_dict(data).get("analysis", {}))
    if request.param:
        analysis["recording_changes"] = [
            {**CHANGE, "decision": request.param, "reason": "a new crime recording system"}
        ]
    params = write_params(base / "cycle.yaml", data, cycle="dec", analysis=analysis)
    outputs = base / "outputs"
    res = reviewkit(
        "run", str(params), "--quiet", env={"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    )
    assert res.returncode == 0, res.stdout + res.stderr
    folder = outputs / BRACKWELL / "dec"
    board = (folder / "review_report.html").read_text(encoding="utf-8")
    paper, analyst = re.split(r'(?=<aside[^>]*class="for-analyst")', board, maxsplit=1)
    scorecard = pd.read_csv(folder / "tables" / "scorecard.csv", keep_default_na=False)
    scorecard["assessable"] = scorecard["assessable"].astype(str) == "True"
    row = scorecard.set_index("id").loc["criminal_damage"].to_dict() | {"id": "criminal_damage"}
    check = reviewkit("check", str(params), env={"REVIEWKIT_OUTPUTS": str(outputs)})
    return {
        "decision": request.param,
        "verdict": Verdict.from_row(row),
        "paper": visible_text(paper),
        "analyst": visible_text(analyst),
        "community": visible_text((folder / "community_update.html").read_text("utf-8")),
        "check": check.stdout,
    }


def test_the_verdict_follows_the_decision(decided):
    v, decision = decided["verdict"], decided["decision"]
    expected = {
        "": ("awaiting decision", "not comparable", True),
        "exclude": ("excluded", "not assessable", False),
        "rebase": ("rebased", "not comparable", True),
        "real": ("confirmed real", "worsened", True),
    }[decision]
    assert (v.comparability, v.change, v.assessable) == expected
    if decision == "real":
        assert v.target in ("off track", "met", "on track")
    else:  # never "met" on a comparison that cannot be made, nor on nothing counted
        assert v.target == "not assessable"


def test_the_board_is_asked_to_decide_only_until_it_has(decided):
    """(The demo's other recording changes, in types no indicator counts, stay undecided: only
    criminal damage's request goes.)"""
    paper, analyst = decided["paper"], decided["analyst"]
    undecided = decided["decision"] == ""
    assert (ASK in paper) == undecided
    asked = "Criminal damage and arson from 2025-04: record the board's decision"
    assert (asked in analyst) == undecided
    stands = re.search(
        r"Criminal damage and arson from April 2025: .*?(Awaiting the board's decision|Decided: )",
        paper,
    )
    assert stands is not None
    assert stands.group(1) == ("Awaiting the board's decision" if undecided else "Decided: ")
    assert "the analyst can record a decision" not in paper and "analysis." not in paper
    # `check` stops asking once decided too
    assert ("Possible recording change: Criminal damage and arson" in decided["check"]) == undecided
    decided_line = (
        f"Recording change in Criminal damage and arson from 2025-04: decided "
        f"'{decided['decision']}'"
    )
    assert (decided_line in decided["check"]) == (not undecided)


def test_the_executive_summary_lists_the_indicator_once(decided):
    summary = decided["paper"].split("Executive summary")[1].split("Scorecard")[0]
    heads = ["Improved", "Got worse", "About the same", "Cannot tell yet", "Not comparable"]
    heads += ["Cannot be assessed", "Targets", "Initiatives"]
    pieces = re.split(f"({'|'.join(heads)})", summary)
    parts = dict(zip(pieces[1::2], pieces[2::2], strict=True))
    named = [h for h in heads[:6] if "Criminal damage and arson offences" in parts.get(h, "")]
    assert len(named) == 1, named  # one change verdict, one heading
    if decided["verdict"].target == "not assessable":  # never counted as met, nor off track
        assert "Criminal damage and arson offences" not in parts.get("Targets", "")


def test_residents_read_the_same_story(decided):
    community, decision = decided["community"], decided["decision"]
    table = community.split("Crime and anti-social behaviour reported to the police")[-1]
    row = table.split("Criminal damage and arson", 1)[1][:60]
    if decision == "real":
        assert "not comparable" not in row and "criminal damage and arson went up" in community
    else:
        assert "not comparable" in row
        assert "criminal damage and arson went" not in community
        assert "criminal damage and arson" in community.split("What we cannot tell you yet")[1]
