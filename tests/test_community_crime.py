"""The crime-by-type table's pieces: which changes say "not comparable", how figures read,
and the notes that explain hidden cells."""

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.recording import Change
from reviewkit.report.community_crime import crime_rows, mark_not_comparable, suppression_note


def _shown() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "this": [1200, "fewer than 5", "not shown", 1250],
            "last": [1100, 30, 12, 1142],
            "change": [100, "not shown", "not shown", 108],
        },
        index=["Burglary", "Robbery", "Arson", "All types"],
    )


def test_a_type_whose_recording_changed_and_the_total_say_not_comparable():
    apart = {"Burglary": Change("Burglary", "2024-04")}
    shown = _shown()
    marked = mark_not_comparable(shown, apart)
    assert marked["change"].tolist() == [
        "not comparable",
        "not shown",
        "not shown",
        "not comparable",
    ]
    assert shown.at["Burglary", "change"] == 100  # the table given is left as it was
    assert mark_not_comparable(shown, {})["change"].tolist() == [100, "not shown", "not shown", 108]


def test_figures_have_thousands_separators_and_a_change_its_sign():
    rows = crime_rows(_shown())
    assert rows[0] == ["Burglary", "1,200", "1,100", "+100"]
    assert rows[1] == ["Robbery", "fewer than 5", "30", "not shown"]
    assert crime_rows(pd.DataFrame({"this": [3], "change": [-1234]}, index=["A"])) == [
        ["A", "3", "-1,234"]
    ]


def test_each_kind_of_hidden_cell_shown_is_explained_and_only_those():
    both = suppression_note(["1,200", "fewer than 5", "not shown"], 5)
    assert isinstance(both, Markup)
    assert "numbers from 1 to 4 are shown as “fewer than 5”" in both
    assert "Numbers marked “not shown”" in both
    small_only = suppression_note(["fewer than 10", "12"], 10)
    assert "1 to 9" in small_only and "marked" not in small_only
    assert "fewer than" not in suppression_note(["not shown"], 5)
    assert suppression_note(["1,200", "not comparable"], 5) == ""
