"""The pieces of `suppress_table` that decide what is hidden, each checked against the rule
worked out by hand: a count from 1 to N - 1 is never shown, and a hidden cell cannot be
recovered from its column's total."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.report.suppression import (
    SECONDARY,
    cell_text,
    column_hidden,
    first_hidden,
    page_hidden,
    shown_table,
    small_cells,
    small_counts,
    suppress_table,
)

COUNTS = st.lists(st.integers(0, 40), min_size=2, max_size=10)
THRESHOLD = st.integers(2, 10)


def _column(values: list[int]) -> pd.DataFrame:
    t = pd.DataFrame({"n": values}, index=[f"r{i}" for i in range(len(values))])
    t.loc["Total"] = t.sum()
    return t


def _pairs(rows: list[tuple[int, int]]) -> pd.DataFrame:
    t = pd.DataFrame(rows, columns=["this", "last"], index=[f"r{i}" for i in range(len(rows))])
    t["change"] = t["this"] - t["last"]
    t["rate"] = t["this"] / 1000
    t.loc["Total"] = t.sum()
    return t


@given(COUNTS, THRESHOLD)
def test_small_is_one_to_threshold_minus_one(values, threshold):
    small = small_counts(_column(values).iloc[:-1], ["n"], threshold)
    assert small["n"].tolist() == [v in range(1, threshold) for v in values]
    cells = small_cells(_column(values).iloc[:-1], ["n"], threshold)
    assert cells == {(f"r{i}", "n") for i, v in enumerate(values) if 1 <= v <= threshold - 1}


@settings(max_examples=200, deadline=None)
@given(COUNTS, THRESHOLD)
def test_a_column_with_a_total_never_gives_a_hidden_cell_away(values, threshold):
    t = _column(values)
    body = pd.Series([True] * len(values) + [False], index=t.index)
    given_cells = pd.Series([1 <= v < threshold for v in values] + [False], index=t.index)
    hidden = column_hidden(t["n"], given_cells, body, threshold, has_total=True)
    cells = list(zip(values, hidden.iloc[:-1], strict=True))
    assert not hidden["Total"]  # the total's own rule is not this piece's
    assert all(h for v, h in cells if 1 <= v < threshold)  # every small count hidden
    assert not any(h for v, h in cells if v == 0)  # a zero protects nothing: never taken
    hidden_values = [v for v, h in cells if h]
    shown_nonzero = [v for v, h in cells if not h and v != 0]
    if len(hidden_values) == 1:
        # total minus the shown cells would give it back, unless it is the whole total
        assert not shown_nonzero and hidden_values[0] == sum(values)
    if len(hidden_values) > 1:
        assert sum(hidden_values) >= threshold or not shown_nonzero


@given(COUNTS, THRESHOLD)
def test_a_column_without_a_total_hides_only_what_it_is_given(values, threshold):
    t = _column(values).iloc[:-1]
    body = pd.Series(True, index=t.index)
    given_cells = pd.Series([1 <= v < threshold for v in values], index=t.index)
    hidden = column_hidden(t["n"], given_cells, body, threshold, has_total=False)
    assert hidden.tolist() == given_cells.tolist()


@settings(max_examples=50, deadline=None)  # each example solves the page's integer programme
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=8), THRESHOLD
)
def test_the_column_rules_hide_small_counts_their_changes_and_small_totals(rows, threshold):
    t = _pairs(rows)
    diffs = {"change": ("this", "last")}
    hidden = first_hidden(t, ["this", "last"], threshold, "Total", diffs)
    body = t.index != "Total"
    for col in ("this", "last"):
        for v, h in zip(t.loc[body, col], hidden.loc[body, col], strict=True):
            assert h or not 1 <= v < threshold
        total = int(t.at["Total", col])
        assert bool(hidden.at["Total", col]) == (1 <= total < threshold)
        if not hidden.at["Total", col]:
            assert int(hidden.loc[body, col].sum()) != 1  # total minus the rest would tell
    follows = hidden.loc[body, "this"] | hidden.loc[body, "last"]
    assert (hidden.loc[body, "change"] | ~follows).all()  # a change hides with its counts
    assert not hidden.at["Total", "change"]  # left to the page-wide check
    assert not hidden["rate"].any()  # rates follow their count later, in suppress_table
    # the page-wide check only adds: it keeps every cell the column rules and the primary
    # rule hide
    keep = page_hidden(t, ["this", "last"], threshold, "Total", diffs, hidden)
    cols = ["this", "last", "change"]
    assert {(i, c) for i in t.index for c in cols if hidden.at[i, c]} <= keep
    assert {
        (i, c) for i in t.index for c in ("this", "last") if 1 <= t.at[i, c] < threshold
    } <= keep


def test_a_cell_shows_its_value_or_the_words_for_why_it_is_hidden():
    assert cell_text(3, hidden=False, small=True, threshold=5) == 3
    assert cell_text(3, hidden=True, small=True, threshold=5) == "fewer than 5"
    assert cell_text(0, hidden=True, small=False, threshold=5) == "not shown"
    assert cell_text(120, hidden=True, small=False, threshold=10) == SECONDARY


@settings(max_examples=150, deadline=None)
@given(COUNTS, THRESHOLD, st.data())
def test_no_count_from_one_to_threshold_minus_one_is_ever_displayed(values, threshold, data):
    t = _column(values)
    small = [1 <= v < threshold for v in t["n"]]
    extra = data.draw(st.lists(st.booleans(), min_size=len(t), max_size=len(t)))
    hidden = pd.DataFrame({"n": [s or e for s, e in zip(small, extra, strict=True)]}, index=t.index)
    shown = shown_table(t, hidden, ["n"], threshold)
    for v, s, h, out in zip(t["n"], small, hidden["n"], shown["n"], strict=True):
        assert out not in range(1, threshold) or isinstance(out, str)
        assert out == (f"fewer than {threshold}" if s else "not shown" if h else v)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=8), THRESHOLD
)
def test_a_whole_table_with_changes_and_rates_never_displays_a_small_count(rows, threshold):
    t = _pairs(rows)
    shown, hidden = suppress_table(
        t,
        ["this", "last"],
        threshold,
        total_row="Total",
        differences={"change": ("this", "last")},
        rates={"rate": "this"},
    )
    for col in ("this", "last"):
        for v, out in zip(t[col], shown[col], strict=True):
            if 1 <= v < threshold:
                assert out == f"fewer than {threshold}"
            else:
                assert out in (v, "not shown")
    assert hidden["rate"].tolist() == hidden["this"].tolist()
    # a change is shown only where both its counts are, in every row, the total's too: a
    # change beside a hidden count gives it away to whoever knows the other (last year's
    # total was published last year)
    both = ~hidden["this"] & ~hidden["last"]
    assert (both | hidden["change"]).all()


def test_the_total_rows_change_follows_its_hidden_totals():
    # this year's total is 1 (hidden, small); last year's 0 is hidden to protect it: a change
    # of +1 beside them would give this year's total away to whoever knows last year's
    t = _pairs([(0, 0), (1, 0)])
    shown, hidden = suppress_table(
        t, ["this", "last"], 2, total_row="Total", differences={"change": ("this", "last")}
    )
    assert shown.at["Total", "this"] == "fewer than 2"
    assert hidden.at["Total", "change"] and shown.at["Total", "change"] == SECONDARY
