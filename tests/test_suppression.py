import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.suppression import suppress_table


def test_primary_and_secondary_on_a_hand_built_table():
    t = pd.DataFrame({"n": [120, 3, 40, 9, 0]}, index=["a", "b", "c", "d", "e"])
    t.loc["Total"] = t.sum()
    shown, hidden = suppress_table(t, ["n"], 5, total_row="Total")
    assert shown.at["b", "n"] == "fewer than 5"
    # b alone could be recovered from the total: the next smallest non-zero cell (d) goes too
    assert hidden.at["d", "n"] and shown.at["d", "n"] == "not shown"
    assert not hidden.at["a", "n"] and shown.at["a", "n"] == 120
    assert shown.at["e", "n"] == 0  # zero is shown
    assert shown.at["Total", "n"] == 172


def test_two_small_cells_that_add_below_the_threshold_take_a_third():
    t = pd.DataFrame({"n": [1, 2, 50, 60]}, index=list("abcd"))
    t.loc["Total"] = t.sum()
    _, hidden = suppress_table(t, ["n"], 5, total_row="Total")
    assert hidden["n"].tolist() == [True, True, True, False, False]


def test_differences_and_rates_follow_their_counts():
    t = pd.DataFrame({"this": [2, 30, 40], "last": [10, 31, 45]}, index=list("abc"))
    t["change"] = t["this"] - t["last"]
    t["rate"] = t["this"] / 1000
    t.loc["Total"] = t.sum()
    shown, hidden = suppress_table(t, ["this", "last"], 5, total_row="Total",
                                   differences={"change": ("this", "last")},
                                   rates={"rate": "this"})
    assert hidden.at["a", "change"] and hidden.at["a", "rate"]
    # the change column gets its own secondary suppression
    assert hidden["change"].iloc[:3].sum() >= 2


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=12), st.integers(2, 10))
def test_no_small_count_can_be_seen_or_recovered(values, threshold):
    t = pd.DataFrame({"n": values}, index=[f"r{i}" for i in range(len(values))])
    t.loc["Total"] = t.sum()
    shown, hidden = suppress_table(t, ["n"], threshold, total_row="Total")
    body = t.index != "Total"
    # no small count is displayed
    for v, h in zip(t.loc[body, "n"], hidden.loc[body, "n"], strict=True):
        if 0 < v < threshold:
            assert h
    # what is hidden cannot be recovered by subtraction: never exactly one hidden cell, and
    # the hidden cells add up to at least the threshold (or there was nothing left to hide)
    n_hidden = int(hidden.loc[body, "n"].sum())
    hidden_sum = int(t.loc[body, "n"][hidden.loc[body, "n"]].sum())
    nonzero_visible = ((t.loc[body, "n"] != 0) & ~hidden.loc[body, "n"]).sum()
    if n_hidden:
        assert n_hidden >= 2 or nonzero_visible == 0
        assert hidden_sum >= threshold or nonzero_visible == 0
    # the total is always exact
    assert shown.at["Total", "n"] == sum(values)
