"""An area that matches no row says so, with the names the files do use: a wrong area name is
never reported as data that did not arrive."""

from __future__ import annotations

import numpy as np

from conftest import need, params_dict, write_params
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import no_area_match
from reviewkit.run.preflight import check_cycle

OUT, IN = np.int8(1), np.int8(2)


def test_a_wrong_authority_name_names_those_found_and_the_nearest():
    """Case 6: 'Newport City' matched no LSOA name; the files name Newport."""
    found = ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"]
    (note,) = no_area_match(AreaMatcher(["Newport City"]), found, 36, np.array([OUT] * 36))
    assert "None of the 36 rows with a location is in the partnership's area" in note
    assert "no LSOA name in these files begins with Newport City" in note
    assert "'area.local_authorities'" in note
    assert "Blaenau Gwent, Caerphilly, Monmouthshire, Newport, Torfaen" in note
    assert "Did you mean Newport?" in note


def test_nothing_is_said_when_some_row_is_in_the_area_or_none_has_a_place():
    area = AreaMatcher(["Newport"])
    assert no_area_match(area, ["Newport"], 3, np.array([OUT, OUT, IN])) == []
    assert no_area_match(area, [], 0, np.array([0, 0], dtype=np.int8)) == []


def test_an_lsoa_list_of_another_area_is_named_too():
    (note,) = no_area_match(AreaMatcher(lsoa_codes=["W01001"]), ["Cardiff"], 2, np.array([OUT] * 2))
    assert "none of the 1 LSOA codes of 'area.lsoa_file' appears" in note and "Cardiff" in note


def test_names_that_are_not_place_names_are_never_quoted():
    found = ["Newport", "Flat 3, 12 High Street", "<script>"]
    (note,) = no_area_match(AreaMatcher(["Newport City"]), found, 5, np.array([OUT] * 5))
    assert "High Street" not in note and "<script>" not in note and "Newport" in note


def test_check_with_a_wrong_area_says_so_for_police_and_partner_data(tmp_path, demo_data):
    """End to end through `check`: every dataset is read, none matches 'Brackwell Town';
    the refusal (nothing of the review period in the area) names the areas found."""
    inputs = params_dict(demo_data)["inputs"]
    del inputs["population"]  # else its own message (no population for Brackwell Town) first
    p = write_params(
        tmp_path / "p.yaml",
        demo_data,
        area={"local_authorities": ["Brackwell Town"]},
        inputs=inputs,
    )
    ok, lines = check_cycle(p)
    text = "\n".join(lines)
    assert not ok
    assert "no LSOA name in these files begins with Brackwell Town" in text
    assert "Did you mean Brackwell?" in text
    assert "no row names Brackwell Town (area.local_authorities)" in text


def test_on_real_gwent_files_a_wrong_name_points_at_newport(real_police):
    """The real files of Gwent Police (five authorities: Blaenau Gwent, Caerphilly,
    Monmouthshire, Newport, Torfaen): 'Newport City' matches no LSOA name, and the message
    lists the force's authorities and points at Newport."""
    from reviewkit.intake.policeuk import read_police

    files = sorted((real_police / "gwent").rglob("*-outcomes.csv"))
    need(bool(files), "no Gwent outcomes files in the shared folder")
    found = read_police(
        "police_outcomes", "police_uk_outcomes", files, AreaMatcher(["Newport City"])
    )
    assert found.totals()["accepted"] == 0
    (note,) = [n for n in found.notes if n.startswith("None of the")]
    for authority in ("Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"):
        assert authority in note
    assert "Did you mean Newport?" in note
