"""Re-sent partner extracts: the newer extract wins (the one reaching the latest period, then
the file that arrived last, by its modification time in whole nanoseconds, then the name).

Each case puts the newer file first in name order, so falling back to the name would pick
the wrong one. At a whole second near 1.7e9, 100 ns later is the same time as a float.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from reviewkit.inputs.register import TableSource
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.partner import read_table_dataset

BASE_NS = 1_772_000_000 * 10**9
SOURCE = TableSource.model_validate(
    {"kind": "table", "path": "x", "period_column": "Month", "measures": {"Reports": "asb"}}
)


def _write(path: Path, text: str, ns: int) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(ns, ns))
    if path.stat().st_mtime_ns != ns:
        pytest.skip("this file system does not keep modification times to the nanosecond")
    return path


def _read(paths: list[Path]):
    area = AreaMatcher(["Brackwell"])
    return read_table_dataset("ds", SOURCE, paths, area, dt.date(2026, 11, 20))


@pytest.mark.parametrize("apart_ns", [100, 10**9, 8 * 3600 * 10**9])
def test_of_two_extracts_reaching_the_same_period_the_one_that_arrived_last_wins(
    tmp_path, apart_ns
):
    newer = _write(tmp_path / "asb_a.csv", "Month,Reports\n2026-02,13\n", BASE_NS + apart_ns)
    older = _write(tmp_path / "asb_b.csv", "Month,Reports\n2026-02,11\n", BASE_NS)
    res = _read([newer, older])
    assert list(res.tidy["value"]) == [13.0]
    assert list(res.quarantine["reason"]) == [f"superseded by re-sent file {res.accounts[0].file}"]


def test_extracts_that_arrived_together_fall_to_the_name(tmp_path):
    first = _write(tmp_path / "asb_a.csv", "Month,Reports\n2026-02,13\n", BASE_NS)
    last = _write(tmp_path / "asb_b.csv", "Month,Reports\n2026-02,11\n", BASE_NS)
    res = _read([first, last])
    assert list(res.tidy["value"]) == [11.0]


def test_the_extract_reaching_a_later_period_wins_over_a_later_file(tmp_path):
    longer = _write(tmp_path / "asb_a.csv", "Month,Reports\n2026-02,13\n2026-03,9\n", BASE_NS)
    later = _write(tmp_path / "asb_b.csv", "Month,Reports\n2026-02,11\n", BASE_NS + 10**9)
    res = _read([longer, later])
    assert list(res.tidy["value"]) == [13.0, 9.0]
