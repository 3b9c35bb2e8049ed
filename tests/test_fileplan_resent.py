"""File-plan rule `resent`: of the files for one month and force, the newest is used."""

from __future__ import annotations

from fileplan_support import planned, raw_file, street_bytes
from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.resent import resent


def _kept_and_notes(raws: list[RawFile]) -> list[tuple[int, str, str]]:
    parsed, months, live = planned(raws)
    return [(a.file, a.note or "", a.category) for a in resent(raws, parsed, months, live)]


def test_the_newest_file_for_a_month_and_force_is_used():
    raws = [
        raw_file("a/2026-02-northshire-street.csv", street_bytes(["2026-02"]), arrived=30),
        raw_file("b/2026-02-northshire-street.csv", street_bytes(["2026-02"] * 2), arrived=10),
        raw_file("c/2026-02-northshire-street.csv", street_bytes(["2026-02"] * 3), arrived=20),
    ]
    note = "superseded by a/2026-02-northshire-street.csv (re-sent 2026-02)"
    assert _kept_and_notes(raws) == [(1, note, ""), (2, note, "")]  # not a difficulty


def test_a_zip_members_own_time_orders_members_of_one_zip():
    data = street_bytes(["2026-02"])
    newer = RawFile("z.zip!a/2026-02-n-street.csv", data, (5, (2026, 3, 2, 17, 0, 0)), size=1)
    older = RawFile("z.zip!b/2026-02-n-street.csv", data + b"\n", (5, (2026, 3, 2, 9, 0, 0)))
    assert [f for f, *_ in _kept_and_notes([newer, older])] == [1]


def test_files_that_arrived_together_fall_to_the_last_in_order():
    raws = [
        raw_file("a/2026-02-northshire-street.csv", street_bytes(["2026-02"]), arrived=7),
        raw_file("b/2026-02-northshire-street.csv", street_bytes(["2026-02"] * 2), arrived=7),
    ]
    assert [f for f, *_ in _kept_and_notes(raws)] == [0]


def test_other_forces_other_months_and_unnamed_files_are_left_alone():
    raws = [
        raw_file("2026-02-northshire-street.csv", street_bytes(["2026-02"]), arrived=1),
        raw_file("2026-02-westshire-street.csv", street_bytes(["2026-02"]), arrived=2),
        raw_file("2026-03-northshire-street.csv", street_bytes(["2026-03"]), arrived=3),
        raw_file("odd-street.csv", street_bytes(["2026-02"]), arrived=4),
    ]
    assert _kept_and_notes(raws) == []
