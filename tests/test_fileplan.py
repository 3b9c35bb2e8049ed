"""The file plan as a whole: the rules in their order, one reason per file."""

from __future__ import annotations

from fileplan_support import KIND, planned, raw_file, street_bytes
from reviewkit.intake.policeuk.fileplan import RULES, plan_files
from reviewkit.intake.policeuk.fileplan.folder import in_another_months_folder
from reviewkit.intake.policeuk.fileplan.months_given_twice import months_given_twice


def test_the_first_rule_that_sets_a_file_aside_gives_its_reason():
    raws = [
        raw_file("2026-03/2026-03-northshire-street.csv", street_bytes(["2026-03"])),
        # in another month's folder and mislabelled: the folder rule comes first
        raw_file("2026-04/2026-03-northshire-street.csv", street_bytes(["2026-01"])),
        raw_file("bad.csv", b"\x00\x01"),  # unreadable: never planned
    ]
    parsed, _months, _live = planned(raws)
    plans = plan_files(raws, parsed, KIND)
    assert [p["reason"] for p in plans] == ["", "in folder 2026-04 but named for 2026-03", ""]
    assert plans[1]["notice"].startswith("2026-04/2026-03-northshire-street.csv: the file is in")
    assert plans[1]["note"] == plans[1]["reason"] and plans[1]["category"] == "quality"


def test_a_file_set_aside_is_not_seen_by_the_later_rules():
    # the copy in another month's folder goes first; the re-sent rule then sees one file
    data = street_bytes(["2026-03"])
    raws = [
        raw_file("2026-03/2026-03-northshire-street.csv", data, arrived=1),
        raw_file("2026-04/2026-03-northshire-street.csv", data + b"\n", arrived=2),
    ]
    parsed, _months, _live = planned(raws)
    assert [p["reason"] for p in plan_files(raws, parsed, KIND)] == [
        "",
        "in folder 2026-04 but named for 2026-03",
    ]


def test_the_rules_run_in_their_documented_order():
    names = [rule.__name__ for rule in RULES]
    assert names == [
        "in_another_months_folder",
        "byte_copies",
        "mislabelled",
        "saved_again",
        "resent",
        "months_given_twice",
    ]
    assert RULES[0] is in_another_months_folder and RULES[-1] is months_given_twice
