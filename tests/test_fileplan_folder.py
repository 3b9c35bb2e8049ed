"""File-plan rule `folder`: a file in a month folder other than its name's month is set aside."""

from __future__ import annotations

from fileplan_support import raw_file, set_aside, street_bytes
from reviewkit.intake.policeuk.fileplan.folder import in_another_months_folder


def test_a_file_in_another_months_folder_is_set_aside():
    raws = [
        raw_file("data/2026-03/2026-03-northshire-street.csv", street_bytes(["2026-03"])),
        raw_file("data/2026-04/2026-03-northshire-street.csv", street_bytes(["2026-03"] * 2)),
    ]
    assert set_aside(in_another_months_folder, raws) == {
        1: "in folder 2026-04 but named for 2026-03"
    }


def test_a_zip_members_folder_counts_as_its_folder():
    raws = [raw_file("dl.zip!2026-05/2026-03-northshire-street.csv", street_bytes(["2026-03"]))]
    assert set_aside(in_another_months_folder, raws) == {
        0: "in folder 2026-05 but named for 2026-03"
    }


def test_folders_that_are_not_months_and_names_without_a_month_are_left_alone():
    raws = [
        raw_file("extra/2026-03-northshire-street.csv", street_bytes(["2026-03"])),
        raw_file("2026-04/odd-street.csv", street_bytes(["2026-03"])),
        raw_file("2026-13/2026-03-northshire-street.csv", street_bytes(["2026-03"])),
    ]
    assert set_aside(in_another_months_folder, raws) == {}
