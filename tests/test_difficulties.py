"""The difficulties log round trip: manual rows and extra columns kept, no duplicate open
entries, resolutions recorded with the cycle."""

import pandas as pd
import pytest

from reviewkit.base.errors import ReviewError
from reviewkit.intake.difficulties import load_difficulties, update_difficulties

LOG = """\
id,raised_cycle,agency,dataset,category,description,action,owner,status,resolved_cycle,\
board_note,priority
D001,2024-25,YJS,youth_fte,unwilling to share,No ISA,Draft ISA,Manager,open,,Escalated,high
D002,2024-25,Fire,fires,incompatible format,PDF,Agree XLSX,Officer,open,,,low
D007,2023-24,Police,street,IT problem,Extract failed,Use downloads,Analyst,resolved,2024-25,,
"""


def test_round_trip(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    log = load_difficulties(path)
    found = [
        {
            "dataset": "youth_fte",
            "agency": "YJS",
            "category": "unwilling to share",
            "description": "again",
            "action": "x",
            "owner": "y",
        },  # already open: no dup
        {
            "dataset": "youth_fte",
            "agency": "YJS",
            "category": "late",
            "description": "not received",
            "action": "chase",
            "owner": "y",
        },  # new category
        {
            "dataset": "ae",
            "agency": "NHS",
            "category": "quality",
            "description": "12 rows quarantined",
            "action": "send back",
            "owner": "z",
        },
    ]
    out, added, resolved = update_difficulties(log, "2025-26", found, {"fires", "ae"})
    # manual rows untouched, extra columns kept
    assert list(out.columns) == list(log.columns)
    assert out.loc[0, "board_note"] == "Escalated" and out.loc[0, "priority"] == "high"
    assert out.loc[2].to_dict() == log.loc[2].to_dict()
    # added without duplicating the open one; ids continue the sequence
    assert list(added["id"]) == ["D008", "D009"]
    assert list(added["category"]) == ["late", "quality"]
    assert (added["raised_cycle"] == "2025-26").all() and (added["status"] == "open").all()
    # fires now complete: resolved with the cycle; ae complete but a new difficulty: stays open
    assert list(resolved["id"]) == ["D002"]
    row = out[out["id"] == "D002"].iloc[0]
    assert (row["status"], row["resolved_cycle"]) == ("resolved", "2025-26")
    assert (out[out["dataset"] == "ae"]["status"] == "open").all()
    # written and read back: identical
    out.to_csv(tmp_path / "again.csv", index=False)
    again = load_difficulties(tmp_path / "again.csv")
    pd.testing.assert_frame_equal(again, out.astype(str).reset_index(drop=True))


def test_second_cycle_adds_nothing_new(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    found = [
        {
            "dataset": "x",
            "agency": "a",
            "category": "late",
            "description": "d",
            "action": "a",
            "owner": "o",
        }
    ]
    first, added1, _ = update_difficulties(load_difficulties(path), "c1", found, set())
    second, added2, _ = update_difficulties(first, "c2", found, set())
    assert len(added1) == 1 and len(added2) == 0 and len(second) == len(first)


@pytest.mark.parametrize(
    "bad,fragment",
    [
        (LOG.replace(",open,,Escalated", ",pending,,Escalated"), "row 2, key 'status'"),
        (LOG.replace("unwilling to share", "grumpy"), "row 2, key 'category'"),
        ("id,agency\nD1,x\n", "lacks column(s)"),
    ],
)
def test_bad_logs_are_named(tmp_path, bad, fragment):
    path = tmp_path / "log.csv"
    path.write_text(bad)
    with pytest.raises(ReviewError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        load_difficulties(path)
