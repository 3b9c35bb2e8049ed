"""File-plan rule `byte_copies`: of files with the same bytes, one is kept (the first whose
name agrees with its rows)."""

from __future__ import annotations

from fileplan_support import planned, raw_file, set_aside, street_bytes
from reviewkit.intake.policeuk.fileplan.byte_copies import byte_copies


def test_copies_are_set_aside_and_the_file_whose_name_agrees_is_kept():
    data = street_bytes(["2026-03", "2026-03"])
    raws = [
        raw_file("a/2026-04-northshire-street.csv", data),  # named for another month
        raw_file("b/2026-03-northshire-street.csv", data),  # agrees with its rows: kept
        raw_file("c/copy.csv", data),
    ]
    assert set_aside(byte_copies, raws) == {
        0: "same content as b/2026-03-northshire-street.csv",
        2: "same content as b/2026-03-northshire-street.csv",
    }


def test_when_no_name_agrees_the_first_copy_is_kept():
    data = street_bytes(["2026-03"])
    raws = [raw_file("x/odd-street.csv", data), raw_file("y/odd-street.csv", data)]
    assert set_aside(byte_copies, raws) == {1: "same content as x/odd-street.csv"}


def test_files_of_one_size_with_other_bytes_are_not_copies():
    a, b = street_bytes(["2026-03"], ["Drugs"]), street_bytes(["2026-03"], ["Arson"])
    assert len(a) == len(b) and a != b
    raws = [raw_file("a/2026-03-n-street.csv", a), raw_file("b/2026-03-n-street.csv", b)]
    assert set_aside(byte_copies, raws) == {}


def test_a_file_already_set_aside_is_not_compared():
    data = street_bytes(["2026-03"])
    raws = [raw_file("a/2026-03-n-street.csv", data), raw_file("b/2026-03-n-street.csv", data)]
    parsed, months, _live = planned(raws)
    assert byte_copies(raws, parsed, months, [1]) == []
