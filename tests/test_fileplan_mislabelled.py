"""File-plan rule `mislabelled`: a file whose rows all say another month than its name."""

from __future__ import annotations

from fileplan_support import raw_file, set_aside, street_bytes
from reviewkit.intake.policeuk.fileplan.mislabelled import mislabelled


def test_a_file_whose_rows_never_say_its_month_is_set_aside():
    raws = [raw_file("2026-02-northshire-street.csv", street_bytes(["2026-01", "2026-01"]))]
    assert set_aside(mislabelled, raws) == {
        0: "its Month column says 2026-01, not 2026-02 as its name says"
    }


def test_more_than_three_months_are_cut_short():
    said = ["2025-10", "2025-11", "2025-12", "2026-01"]
    raws = [raw_file("2026-02-northshire-street.csv", street_bytes(said))]
    assert set_aside(mislabelled, raws) == {
        0: "its Month column says 2025-10, 2025-11, 2025-12 ..., not 2026-02 as its name says"
    }


def test_a_file_with_some_rows_of_its_month_and_an_unnamed_file_are_left_alone():
    raws = [
        raw_file("2026-02-northshire-street.csv", street_bytes(["2026-02", "2026-01"])),
        raw_file("odd-street.csv", street_bytes(["2026-01"])),
        raw_file("2026-02-westshire-street.csv", street_bytes(["not a month"])),
    ]
    assert set_aside(mislabelled, raws) == {}
