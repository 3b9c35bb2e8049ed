"""The two rules about a suspected recording change, each written once in
`analysis/recording.py` and used by every surface: whether the analyst confirmed it a real
change (`Change.confirmed_real`; `awaiting_decision` for none yet), and whether it falls between
two periods (`straddles`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from reviewkit.analysis.recording import Change, straddles

LIB = Path(__file__).resolve().parents[1] / "lib" / "reviewkit"
DECISIONS = ["", "exclude", "rebase", "real"]  # as `analysis.recording_changes` allows


def test_only_a_change_judged_real_is_compared_across():
    said = {d: Change("Burglary", "2025-04", d) for d in DECISIONS}
    assert [d for d, c in said.items() if c.confirmed_real] == ["real"]
    assert [d for d, c in said.items() if c.awaiting_decision] == [""]
    # rebased and excluded changes are decided, and still keep the periods apart
    assert not said["rebase"].confirmed_real and not said["rebase"].awaiting_decision
    assert not said["exclude"].confirmed_real and not said["exclude"].awaiting_decision


months = st.integers(min_value=0, max_value=120).map(lambda n: pd.Period("2018-01", "M") + n)


@given(months, months, months)
def test_a_change_straddles_two_periods_when_its_first_month_is_after_the_start_and_by_the_end(
    start, end, first
):
    # worked out on month numbers, not on the text comparison the rule uses
    between = start.ordinal < first.ordinal <= end.ordinal
    assert straddles(start, end, Change("Burglary", str(first))) is between


def test_a_change_in_the_first_month_of_the_earlier_period_does_not_straddle():
    start, end = pd.Period("2024-10", "M"), pd.Period("2026-09", "M")
    assert not straddles(start, end, Change("Burglary", "2024-10"))  # all of it at the new level
    assert straddles(start, end, Change("Burglary", "2024-11"))
    assert straddles(start, end, Change("Burglary", "2026-09"))
    assert not straddles(start, end, Change("Burglary", "2026-10"))


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(p.relative_to(LIB)), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(LIB.rglob("*.py"))
    ]


def test_no_module_but_the_rules_own_spells_a_decision_out():
    """`decision == "real"` / `!= "real"` and `not c.decision` are the predicates' job."""
    found = []
    for name, tree in _modules():
        if name == "analysis/recording.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                isinstance(x, ast.Attribute) and x.attr == "decision"
                for x in [node.left, *node.comparators]
            ):
                if any(isinstance(x, ast.Constant) and x.value == "real" for x in node.comparators):
                    found.append(f"{name}:{node.lineno}")
            if (
                isinstance(node, ast.UnaryOp)
                and isinstance(node.op, ast.Not)
                and isinstance(node.operand, ast.Attribute)
                and node.operand.attr == "decision"
            ):
                found.append(f"{name}:{node.lineno}")
    assert not found


def test_no_module_but_the_rules_own_writes_out_between_the_periods():
    """`start < change.month <= end` is `straddles`."""
    found = []
    for name, tree in _modules():
        if name == "analysis/recording.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Compare)
                and len(node.ops) == 2
                and isinstance(node.ops[0], ast.Lt)
                and isinstance(node.ops[1], ast.LtE)
                and isinstance(node.comparators[0], ast.Attribute)
                and node.comparators[0].attr == "month"
            ):
                found.append(f"{name}:{node.lineno}")
    assert not found
