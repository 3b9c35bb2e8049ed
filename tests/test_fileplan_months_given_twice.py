"""File-plan rule `months_given_twice`: a file whose name gives no month is set aside when its
months are already given."""

from __future__ import annotations

from fileplan_support import raw_file, set_aside, street_bytes
from reviewkit.intake.policeuk.fileplan.months_given_twice import months_given_twice


def test_months_given_by_a_named_file_or_an_earlier_unnamed_one_are_not_given_again():
    raws = [
        raw_file("odd-a-street.csv", street_bytes(["2026-04"])),  # first to give April
        raw_file("odd-b-street.csv", street_bytes(["2026-03", "2026-05"])),
        raw_file("2026-03-northshire-street.csv", street_bytes(["2026-03"])),
        raw_file("odd-c-street.csv", street_bytes(["2026-04"])),
        raw_file("odd-d-street.csv", street_bytes(["2026-06"])),  # a new month: kept
    ]
    assert set_aside(months_given_twice, raws) == {
        1: "gives months already given by 2026-03-northshire-street.csv",
        3: "gives months already given by odd-a-street.csv",
    }


def test_named_files_are_never_set_aside_by_this_rule():
    raws = [
        raw_file("2026-03-northshire-street.csv", street_bytes(["2026-03"])),
        raw_file("2026-03-westshire-street.csv", street_bytes(["2026-03"])),
    ]
    assert set_aside(months_given_twice, raws) == {}
