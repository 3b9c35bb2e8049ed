"""Params mistakes are rejected before anything runs, naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import load_params
from reviewkit.run.cli import main


@pytest.fixture()
def good(tmp_path, demo_data) -> Path:
    return write_params(tmp_path / "p.yaml", demo_data)


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def test_a_good_file_loads(good):
    p = load_params(good)
    assert p.cycle == "test" and p.review.n_months == 12


@pytest.mark.parametrize(
    "old,new,key,words",
    [
        ("review_period:", "reveiw_period:", "reveiw_period", "Did you mean 'review_period'"),
        (
            "review_period: {start: 2025-10, end: 2026-09}",
            "review_period: {start: 2026-09, end: 2025-10}",
            "review_period",
            "before it starts",
        ),
        (
            "baseline_period: {start: 2023-10, end: 2024-09}",
            "baseline_period: {start: 2025-11, end: 2026-03}",
            "baseline_period",
            "baseline must come first",
        ),
        ("review_date: 2026-11-20", "review_date: 2026-09-01", "review_date", "not after"),
        ("review_date: 2026-11-20", "review_date: soon", "review_date", "date"),
        ("cycle: test", "cycle: ../escape", "cycle", "cannot name a folder"),
        (
            "review_period: {start: 2025-10",
            "review_period: {start: 2025-13",
            "review_period.start",
            "not a real month",
        ),
        (
            "local_authorities: [Brackwell]",
            "local_authorities: []",
            "area",
            "give local_authorities",
        ),
        ("  population:", "  populaton:", "inputs.populaton", "Did you mean 'population'"),
    ],
)
def test_mistakes_name_the_file_and_key(good, old, new, key, words):
    edit(good, old, new)
    with pytest.raises(ReviewError) as err:
        load_params(good)
    msg = str(err.value)
    assert str(good) in msg and f"key '{key}" in msg and words in msg


def test_missing_file_names_the_key(good):
    edit(good, "brackwell/strategy.yaml", "brackwell/strategy-typo.yaml")
    with pytest.raises(ReviewError) as err:
        load_params(good)
    assert "key 'inputs.strategy'" in str(err.value) and "strategy-typo.yaml" in str(err.value)


def test_missing_required_key(good):
    edit(good, "partnership: Brackwell Community Safety Partnership\n", "")
    with pytest.raises(ReviewError, match="key 'partnership' is required"):
        load_params(good)


def test_yaml_syntax_error_gives_the_line(good):
    good.write_text(good.read_text() + "analysis: [unclosed\n")
    with pytest.raises(ReviewError, match=r"not valid YAML at line \d+"):
        load_params(good)


def test_yaml_is_loaded_safely(good):
    good.write_text(good.read_text() + "bad: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ReviewError, match="not valid YAML"):
        load_params(good)


@pytest.mark.parametrize(
    "old,new,key",
    [
        ("cycle: test", "cylce: test", "cylce"),
        ("brackwell/strategy.yaml", "nowhere.yaml", "inputs.strategy"),
        (
            "review_period: {start: 2025-10, end: 2026-09}",
            "review_period: {start: 2026-09, end: 2025-10}",
            "review_period",
        ),
    ],
)
def test_cli_exits_non_zero_without_a_traceback(good, old, new, key, capsys):
    edit(good, old, new)
    for command in (["check", str(good)], ["run", str(good), "--quiet"]):
        code = main(command)  # in this process: an exception would fail the test
        said = capsys.readouterr()
        assert code == 1, said.err
        assert "Traceback" not in said.err + said.out
        assert str(good) in said.err and f"key '{key}" in said.err


def test_check_reports_missing_and_late_data(good, capsys):
    res = run_cli(capsys, "check", str(good))
    assert res.returncode == 1  # the demo's youth justice data never arrives
    assert "youth_fte: not received (overdue, due 2026-10-31)" in res.stdout
    assert "ae_assaults: partial" in res.stdout and "Jul-Sep 2026" in res.stdout
    assert "ok      fire_deliberate: complete (late, due 2026-10-31)" in res.stdout
    assert "Traceback" not in res.stderr
