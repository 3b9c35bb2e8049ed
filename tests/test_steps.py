"""The steps of a review cycle and their notebooks are written once (`reviewkit.base.steps`):
no module spells them out again, and each fact about a step names a step that exists."""

from __future__ import annotations

import ast
from typing import get_args

import pytest

from conftest import ROOT
from reviewkit.base.steps import STEP_NOTEBOOKS, STEPS, check_step, step_stems

LIB = ROOT / "lib" / "reviewkit"
ONE_DEFINITION = LIB / "base" / "steps.py"
# Written out here, not read from the code under test: the names a list of the steps is
# spelled with (the steps, their notebooks, the notebooks without `.ipynb`).
STEP_WORDS = {"intake", "progress", "report"}
STEP_WORDS |= {"01_intake.ipynb", "02_progress.ipynb", "03_report.ipynb"}
STEP_WORDS |= {"01_intake", "02_progress", "03_report"}
# The one `Literal` of steps allowed (pydantic and mypy cannot read a tuple), held to STEPS below.
LITERALS = {"inputs/own_notebooks.py"}


def _step_lists(path) -> list[str]:
    """Each tuple, list or set literal holding two or more step names or step notebooks in a
    module (with other names beside them or not): a list of the steps written again. A dict
    from some steps to a fact about each is not one, but a dict from every step is; a
    `Literal[...]` of steps is reported as `Literal`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_literal = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "Literal":
            in_literal.add(id(node.slice))
            words = [e.value for e in ast.walk(node.slice) if isinstance(e, ast.Constant)]
            if words and set(words) <= STEP_WORDS:
                found.append(f"line {node.lineno}: Literal")
    for node in ast.walk(tree):
        keys = [k.value for k in getattr(node, "keys", []) if isinstance(k, ast.Constant)]
        if isinstance(node, ast.Dict) and {"intake", "progress", "report"} <= set(keys):
            found.append(f"line {node.lineno}: a dict from every step")
        if not isinstance(node, ast.Tuple | ast.List | ast.Set) or id(node) in in_literal:
            continue
        words = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if sum(isinstance(w, str) and w in STEP_WORDS for w in words) >= 2:
            found.append(f"line {node.lineno}: {', '.join(map(str, words))}")
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(LIB.rglob("*.py")) if p != ONE_DEFINITION],
    ids=lambda p: p.relative_to(LIB).as_posix(),
)
def test_no_module_writes_its_own_list_of_the_steps(path):
    found = _step_lists(path)
    if path.relative_to(LIB).as_posix() in LITERALS:
        found = [f for f in found if not f.endswith(": Literal")]
    assert found == [], f"{path.name} lists the steps again; read reviewkit.base.steps"


def test_the_check_finds_a_list_of_the_steps(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import Literal\n"
        "CHOICES = ['intake', 'progress', 'report']\n"
        "Later = Literal['progress', 'report']\n"
        "for step in ('progress', 'report'):\n"
        "    pass\n"
        "NOTEBOOKS = {'01_intake.ipynb', '02_progress.ipynb'}\n"
        "STEMS = ('01_intake', '02_progress', '03_report', 'explore')\n"
        "FACTS = {'progress': ('strategy', 'peers')}\n"
        "OTHER = ('intake', 'board')\n"
        "STEP_NOTEBOOKS = {'intake': 'a', 'progress': 'b', 'report': 'c'}\n"
    )
    assert _step_lists(module) == [
        "line 3: Literal",
        "line 2: intake, progress, report",
        "line 4: progress, report",
        "line 6: 01_intake.ipynb, 02_progress.ipynb",
        "line 7: 01_intake, 02_progress, 03_report, explore",
        "line 10: a dict from every step",
    ]


def test_the_one_definition_is_the_steps_in_run_order():
    assert STEPS == ("intake", "progress", "report")
    assert list(STEP_NOTEBOOKS.values()) == [
        "01_intake.ipynb",
        "02_progress.ipynb",
        "03_report.ipynb",
    ]
    assert step_stems() == ("01_intake", "02_progress", "03_report")
    assert check_step("progress") == "progress"
    with pytest.raises(ValueError, match="intake, progress, report, not 'reprot'"):
        check_step("reprot")


def test_an_own_notebook_runs_after_any_step_but_the_last():
    from reviewkit.inputs.own_notebooks import AfterStep, OwnNotebook

    assert get_args(AfterStep) == STEPS[:-1]
    assert get_args(OwnNotebook.model_fields["after"].annotation) == STEPS[:-1]


def test_every_use_reads_the_one_definition(capsys):
    from reviewkit.base.notebooks import REVIEW_STEPS
    from reviewkit.inputs.params import TAKEN_NOTEBOOK_NAMES
    from reviewkit.run.cli import build_parser
    from reviewkit.run.staleness import STEP_INPUTS
    from reviewkit.store import layout

    assert REVIEW_STEPS == tuple(STEP_NOTEBOOKS.values())
    assert layout.STEPS is STEPS and layout.STEP_NOTEBOOKS is STEP_NOTEBOOKS
    assert set(step_stems()) < set(TAKEN_NOTEBOOK_NAMES)
    assert set(STEP_INPUTS) <= set(STEPS)
    parser = build_parser()
    for step in STEPS:  # `--from` takes every step, and nothing else
        assert parser.parse_args(["run", "p.yaml", "--from", step]).start == step
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "p.yaml", "--from", "reprot"])
    said = capsys.readouterr().err.split("choose from")[1]
    assert [w for w in STEPS if w in said] == list(STEPS)


def test_every_audience_is_exported_from_a_step():
    from reviewkit.report.export import AUDIENCES, Audience

    assert {a.step for a in AUDIENCES.values()} <= set(STEPS)
    with pytest.raises(ValueError, match="audience 'board': step must be one of"):
        Audience("board", "reprot", "review_report.html", "Strategy review", str)


def test_only_the_progress_step_makes_folders_anew(tmp_path):
    from reviewkit.store.layout import CycleLayout

    layout = CycleLayout(tmp_path)
    assert layout.made_anew("progress") == (tmp_path / ".report-charts", tmp_path / "charts")
    assert layout.made_anew("intake") == layout.made_anew("report") == ()
    with pytest.raises(ValueError):
        layout.made_anew("own:hotspots")


def test_the_chart_writer_empties_its_own_folders_first(tmp_path):
    """The progress step's images have one writer, which empties the folders the layout says
    the step makes anew: an image of an indicator since dropped never stays."""
    import pandas as pd

    from conftest import cycle_params
    from reviewkit.analysis.step import ProgressResult
    from reviewkit.report.indicator_chart import write_indicator_charts
    from reviewkit.store.layout import CycleLayout

    layout = CycleLayout(tmp_path)
    stale = [layout.chart("dropped", "png"), layout.report_chart("dropped-xmr").with_suffix(".png")]
    kept = layout.table("scorecard")
    for path in [*stale, kept]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"earlier run")
    empty = pd.DataFrame(columns=["id", "name", "measure"])
    result = ProgressResult(None, empty, {}, {}, pd.DataFrame(), [], params=cycle_params())
    assert write_indicator_charts(result, tmp_path) == []
    assert not any(p.exists() for p in stale) and kept.read_bytes() == b"earlier run"
