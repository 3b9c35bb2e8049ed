"""File-plan rule `saved_again`: the same records for the same month saved again (other bytes)
under another force's name."""

from __future__ import annotations

from fileplan_support import raw_file, set_aside, street_bytes
from reviewkit.intake.policeuk.fileplan.saved_again import MIN_ROWS_FOR_COPY, saved_again

TYPES = ["Drugs", "Arson", "Robbery"]


def test_a_copy_saved_with_other_line_ends_under_another_name_is_set_aside():
    months = ["2026-03"] * 12
    raws = [
        raw_file("2026-03-northshire-street.csv", street_bytes(months, TYPES)),
        raw_file("2026-03-northshire_b-street.csv", street_bytes(months, TYPES, "\r\n")),
    ]
    assert set_aside(saved_again, raws) == {1: "same records as 2026-03-northshire-street.csv"}


def test_the_same_records_in_another_order_are_the_same_records():
    months = ["2026-03"] * 12
    data = street_bytes(months, TYPES).decode().splitlines()
    reordered = "\n".join([data[0], *reversed(data[1:])]) + "\n"
    raws = [
        raw_file("2026-03-northshire-street.csv", street_bytes(months, TYPES)),
        raw_file("2026-03-westshire-street.csv", reordered.encode()),
    ]
    assert set_aside(saved_again, raws) == {1: "same records as 2026-03-northshire-street.csv"}


def test_small_files_other_records_and_one_name_are_left_alone():
    few = ["2026-03"] * (MIN_ROWS_FOR_COPY - 1)
    many = ["2026-03"] * MIN_ROWS_FOR_COPY
    raws = [
        raw_file("2026-03-a-street.csv", street_bytes(few, TYPES)),
        raw_file("2026-03-b-street.csv", street_bytes(few, TYPES, "\r\n")),  # too small
        raw_file("2026-03-c-street.csv", street_bytes(many, TYPES)),
        raw_file("2026-03-d-street.csv", street_bytes(many, ["Arson"])),  # other records
        raw_file("x/2026-03-c-street.csv", street_bytes(many, TYPES, "\r\n")),  # same name
    ]
    assert set_aside(saved_again, raws) == {}
