import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.report.suppression import disclosed, suppress_table


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
    shown, hidden = suppress_table(
        t,
        ["this", "last"],
        5,
        total_row="Total",
        differences={"change": ("this", "last")},
        rates={"rate": "this"},
    )
    assert hidden.at["a", "change"] and hidden.at["a", "rate"]
    # the change column gets its own secondary suppression
    assert hidden["change"].iloc[:3].sum() >= 2


@settings(max_examples=100, deadline=None)
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
    total_hidden = bool(hidden.at["Total", "n"])
    if n_hidden:
        assert n_hidden >= 2 or total_hidden
        assert hidden_sum >= threshold or nonzero_visible == 0 or total_hidden
    # a total is shown exactly, or hidden when it is small or would give a cell away
    if total_hidden:
        assert 0 < sum(values) < threshold or n_hidden == 1 or nonzero_visible == 0
    else:
        assert shown.at["Total", "n"] == sum(values)
        # and with the labels' bounds, each hidden small count can still be 1 to N - 1
        for i, seen in _reader_ranges(t, hidden, "n", threshold, sum(values)).items():
            assert seen == list(range(1, threshold)), (i, seen)


# One disclosure check over the page ------------------------------------------------------------
def test_a_small_total_is_hidden():
    t = pd.DataFrame({"n": [3, 0, 0]}, index=list("abc"))
    t.loc["Total"] = t.sum()
    shown, hidden = suppress_table(t, ["n"], 5, total_row="Total")
    # the single non-zero cell equals the total: both go
    assert hidden.at["a", "n"] and hidden.at["Total", "n"]
    assert shown.at["Total", "n"] == "fewer than 5"


def test_a_change_column_cannot_give_a_hidden_count_away():
    # this year 3 (hidden), last year 10; the change (-7) would give it away, and so would the
    # total change when the other rows are shown
    t = pd.DataFrame({"this": [3, 40, 50], "last": [10, 41, 52]}, index=list("abc"))
    t["change"] = t["this"] - t["last"]
    t.loc["Total"] = t.sum()
    shown, hidden = suppress_table(
        t, ["this", "last"], 5, total_row="Total", differences={"change": ("this", "last")}
    )
    hidden_set = {(i, c) for i in t.index for c in t.columns if hidden.at[i, c]}
    assert ("a", "this") in hidden_set and not _determined(t, hidden_set, ("a", "this"))
    # without the page-wide check, the change column alone gave it away
    leaky = {("a", "this"), ("b", "this")}
    assert _determined(t, leaky, ("a", "this"))


def test_disclosed_finds_a_hidden_cell_from_two_relations():
    # a + b = T (shown), a - c = d (shown), c shown: a follows, b follows
    rels = [("T", ["a", "b"], []), ("d", ["a"], ["c"])]
    assert disclosed({"a", "b"}, rels) == {"a", "b"}
    assert disclosed({"a", "b", "c"}, rels) == set()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=6),
    st.integers(3, 6),
)
def test_no_hidden_count_can_be_recovered_from_all_numbers_shown(rows, threshold):
    t = pd.DataFrame(rows, columns=["this", "last"], index=[f"r{i}" for i in range(len(rows))])
    t["change"] = t["this"] - t["last"]
    t.loc["Total"] = t.sum()
    shown, hidden = suppress_table(
        t, ["this", "last"], threshold, total_row="Total", differences={"change": ("this", "last")}
    )
    keys = [(i, c) for i in t.index for c in t.columns]
    hidden_set = {k for k in keys if hidden.at[k[0], k[1]]}
    for i in t.index:
        for c in ("this", "last"):
            v = int(t.at[i, c])
            if 0 < v < threshold:  # every small count is hidden ...
                assert (i, c) in hidden_set
                # ... and no sum or difference of the numbers shown gives it back
                assert not _determined(t, hidden_set, (i, c))
    # a shown number is the true number
    for i, c in keys:
        if (i, c) not in hidden_set:
            assert shown.at[i, c] == t.at[i, c]


def _determined(t, hidden_set, key):
    """Independent of the code under test: the equations (column totals, change = this -
    last) restricted to the hidden cells; the cell is determined by the shown numbers exactly
    when every null-space direction leaves it unchanged."""
    from scipy.linalg import null_space

    unknown = sorted(hidden_set)
    col = {k: j for j, k in enumerate(unknown)}
    eqs = []
    body = [i for i in t.index if i != "Total"]
    for c in t.columns:
        e = np.zeros(len(unknown))
        for i in body:
            if (i, c) in col:
                e[col[(i, c)]] += 1
        if ("Total", c) in col:
            e[col[("Total", c)]] -= 1
        eqs.append(e)
    for i in t.index:
        e = np.zeros(len(unknown))
        for c, sign in (("change", -1), ("this", 1), ("last", -1)):
            if (i, c) in col:
                e[col[(i, c)]] += sign
        eqs.append(e)
    ns = null_space(np.array(eqs)) if eqs else np.eye(len(unknown))
    return bool(np.all(np.abs(ns[col[key]]) < 1e-9))


# Key messages against the community crime table: robbery 3 this year (fewer than 5, hidden),
# burglary 40 and shoplifting 50; last year 10, 41 and 52. The baseline is last year, so an
# indicator's baseline count is the table's "last" column.
TABLE = (("Robbery", 3, 10), ("Burglary", 40, 41), ("Shoplifting", 50, 52))


def _allowed(
    filters: dict[str, object],
    counts: dict[str, tuple[float, float]],
    shares: dict[str, tuple[float, float]] | None = None,
) -> set:
    """The (indicator, count) pairs the community update may print, for indicators over the
    police street data with these crime-type filters and (review, baseline) counts; those in
    `shares` are shares of charged crimes, printed as these (review, baseline) percentages."""
    shares = shares or {}
    from types import SimpleNamespace

    from conftest import cycle_params
    from reviewkit.inputs.strategy import Indicator
    from reviewkit.report.community import community_numbers

    params = cycle_params(baseline_period={"start": "2024-10", "end": "2025-09"})
    rows = [
        {"month": month, "crime_type": ctype, "n": n}
        for ctype, this, last in TABLE
        for month, n in (("2026-01", this), ("2025-01", last))
    ]
    # every other month of both years present (with nothing counted): a missing month would
    # withhold the whole table
    rows += [
        {"month": str(m), "crime_type": TABLE[0][0], "n": 0}
        for rng in (params.review, params.baseline)
        for m in rng.months
        if str(m) not in ("2026-01", "2025-01")
    ]
    indicators = [
        Indicator.model_validate(
            {
                "id": k,
                "priority": "p",
                "name": k,
                "dataset": "police_street",
                "filter": {"crime_types": f},
                "better": "lower",
            }
            | (
                {"measure": "proportion", "numerator": {"outcome_categories": ["Suspect charged"]}}
                if k in shares
                else {}
            )
        )
        for k, f in filters.items()
    ]
    scorecard = pd.DataFrame(
        [
            {"id": k, "review_count": c[0], "baseline_count": c[1]}
            | (
                {"review_value": shares[k][0], "baseline_value": shares[k][1]}
                if k in shares
                else {"review_value": float("nan"), "baseline_value": float("nan")}
            )
            for k, c in counts.items()
        ]
    )
    ctx = SimpleNamespace(
        params=params,
        police=pd.DataFrame(rows),
        police_months={str(r["month"]) for r in rows},
        scorecard=scorecard,
        street_dataset="police_street",
        strategy=SimpleNamespace(indicators=indicators),
    )
    return community_numbers(ctx)


def test_a_share_cannot_give_back_a_hidden_count_through_its_rounding():
    """Robbery's 3 is hidden as "fewer than 5" and shoplifting's 50 is shown. A share of
    robbery and shoplifting charged, printed as 9.4%, is 5 of 53: no other total of 51 to 54
    has a whole number of charges that rounds to 9.4%, so printing it gives robbery's 3 back.
    The same share of shoplifting alone holds no hidden count and is printed."""
    allowed = _allowed(
        {"charged": ["Robbery", "Shoplifting"], "shop_charged": ["Shoplifting"]},
        {"charged": (5.0, 6.0), "shop_charged": (5.0, 6.0)},
        {"charged": (100 * 5 / 53, 100 * 6 / 62), "shop_charged": (10.0, 100 * 6 / 52)},
    )
    assert ("charged", "review_count") not in allowed
    assert ("shop_charged", "review_count") in allowed
    # worked out independently: the totals 51..54 a reader could not rule out
    fits = [d for d in range(51, 55) if any(round(100 * n / d, 1) == 9.4 for n in range(d + 1))]
    assert fits == [53]


def test_a_key_message_cannot_print_a_count_the_table_hid():
    # robbery 3 (fewer than 5) hides burglary's 40 too; a key message printing burglary's 40
    # would give robbery back as the total minus the rest, so it is left out
    allowed = _allowed(
        {"burglary": ["Burglary"], "shoplifting": ["Shoplifting"]},
        {"burglary": (40.0, 41.0), "shoplifting": (50.0, 52.0)},
    )
    assert ("burglary", "review_count") not in allowed
    assert ("shoplifting", "review_count") in allowed  # shown in the table anyway
    assert ("burglary", "baseline_count") in allowed  # last year's cells are all shown


def test_a_key_message_over_all_but_some_types_cannot_give_back_a_hidden_count():
    # robbery 3 is hidden; an indicator counting every type except burglary prints
    # robbery + shoplifting = 53 and shoplifting's 50 is shown, so robbery = 53 - 50: left out.
    # The same indicator written as a plain list of the two types is left out for the same
    # reason, so the two spellings of one filter must agree.
    allowed = _allowed(
        {"but_burglary": {"all_except": ["Burglary"]}, "listed": ["Robbery", "Shoplifting"]},
        {"but_burglary": (53.0, 62.0), "listed": (53.0, 62.0)},
    )
    assert ("listed", "review_count") not in allowed
    assert ("but_burglary", "review_count") not in allowed


# Disclosure by bounds -------------------------------------------------------------------------
def _reachable(domains: list[list[int]], target: int) -> bool:
    """Whether whole numbers, one from each domain, can add up to `target` (subset-sum by
    dynamic programming; written independently of the code under test)."""
    sums = {0}
    for d in domains:
        sums = {s + v for s in sums for v in d if s + v <= target}
    return target in sums


def _reader_ranges(t: pd.DataFrame, hidden: pd.DataFrame, col: str, threshold: int, total: int):
    """For each hidden small count of a column, the values a reader cannot rule out: the
    column's hidden cells add to the total less the shown cells; a "fewer than N" cell is
    1 to N - 1, a "not shown" one 0 or N upwards."""
    body = [i for i in t.index if i != "Total"]
    rest = total - sum(int(t.at[i, col]) for i in body if not hidden.at[i, col])
    cells = [i for i in body if hidden.at[i, col]]

    def domain(i):
        v = int(t.at[i, col])
        return list(range(1, threshold)) if 0 < v < threshold else [0, *range(threshold, rest + 1)]

    out = {}
    for i in cells:
        if 0 < int(t.at[i, col]) < threshold:
            others = [domain(j) for j in cells if j != i]
            out[i] = [v for v in range(1, threshold) if _reachable(others, rest - v)]
    return out


def _crime_table(this, last, names=None):
    names = names or [f"type {i}" for i in range(len(this))]
    t = pd.DataFrame({"this": this, "last": last}, index=names)
    t["change"] = t["this"] - t["last"]
    t.loc["Total"] = t.sum()
    return t


def test_the_small_area_case_three_hidden_cells_adding_to_twelve_each_could_be_one_to_four():
    # one quarter in five LSOAs: last year's column totals 391, the shown cells 379, three
    # "fewer than 5" cells of 4 each, so the reader could tell each is 4 (and then the change)
    last = [160, 95, 41, 4, 33, 22, 4, 16, 4, 12]
    this = [150, 101, 38, 7, 30, 25, 6, 11, 5, 9]
    t = _crime_table(this, last)
    assert int(t.at["Total", "last"]) == 391
    shown, hidden = suppress_table(
        t, ["this", "last"], 5, total_row="Total", differences={"change": ("this", "last")}
    )
    for col in ("this", "last"):
        assert not hidden.at["Total", col]  # the totals are still shown
        for i, seen in _reader_ranges(t, hidden, col, 5, int(t.at["Total", col])).items():
            assert seen == [1, 2, 3, 4], (col, i, seen)
    # the old rule alone (no single hidden cell, hidden cells adding to at least 5) was met
    # by the three 4s, which is how the case got through
    assert sum(v for v in last if 0 < v < 5) == 12
    assert int(hidden["last"].iloc[:-1].sum()) >= 4
    # a count's change on last year goes with it
    for i in t.index[:-1]:
        if hidden.at[i, "last"] or hidden.at[i, "this"]:
            assert hidden.at[i, "change"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), min_size=2, max_size=6),
    st.integers(3, 5),
)
def test_no_hidden_small_count_is_narrowed_by_bounds(rows, threshold):
    t = _crime_table([r[0] for r in rows], [r[1] for r in rows])
    shown, hidden = suppress_table(
        t, ["this", "last"], threshold, total_row="Total", differences={"change": ("this", "last")}
    )
    for col, other in (("this", "last"), ("last", "this")):
        if not hidden.at["Total", col]:
            total = int(t.at["Total", col])
        elif not hidden.at["Total", other] and not hidden.at["Total", "change"]:
            total = int(t.at["Total", "this"] - t.at["Total", "last"])  # from the change
            total = (
                int(t.at["Total", other]) - total
                if col == "last"
                else int(t.at["Total", other]) + total
            )
        else:
            continue  # no total for this column a reader could use
        for i, seen in _reader_ranges(t, hidden, col, threshold, total).items():
            assert seen == list(range(1, threshold)), (col, i, seen)


def test_a_percentage_shown_can_narrow_a_hidden_count_and_is_then_protected():
    # robbery 3 (hidden, 1-4 to a reader) of 3 + 40 + 57 = 100 crimes; "3% of these crimes
    # were robbery" tells the reader robbery is 3 (2.5% to 3.5% of 100)
    from reviewkit.report.suppression import Page, Ratio, narrowed, protect_bounds

    values = {"robbery": 3.0, "burglary": 40.0, "vehicle": 57.0, "total": 100.0}
    relations = [("total", ["robbery", "burglary", "vehicle"], [])]
    share = Ratio(("robbery",), ("robbery", "burglary", "vehicle"), 3.0)
    counts = frozenset({"robbery", "burglary", "vehicle", "total"})
    page = Page(values, relations, 5, counts, (share,))
    assert narrowed(page, {"robbery"}, {"robbery"}) == {"robbery"}
    # without the percentage the total alone gives it away exactly; with another cell hidden
    # the percentage still pins the robbery count to 3 (3 of a denominator of 100)
    safe = protect_bounds(page, {"robbery"}, {"robbery"})
    assert safe - {"robbery"}  # more had to go
    assert not narrowed(page, safe, {"robbery"})
    # a rate per 1,000 residents on a population works the same way
    rate = Ratio(("robbery",), (), 0.3, scale=1000.0, decimals=1, population=10_000)
    page = Page(values, [], 5, counts, (rate,))
    assert narrowed(page, {"robbery"}, {"robbery"}) == {"robbery"}  # 2.5 to 3.4: 3 only


def test_ranges_agree_with_enumeration_on_a_single_column():
    from reviewkit.report.suppression import Page, narrowed

    # three hidden cells (1-4, 1-4, 0 or 5+) adding to 14: the two small ones can each be
    # 1 to 4 (the third 6 to 12 or ... ), nothing narrowed; adding to 8: the third must be 0
    # or 5-6, and each small one is then 1-3 when the third is 5 or 6... (enumerated below)
    for rest in (14, 8, 6, 5):
        values = {"a": 2.0, "b": 3.0, "c": rest - 5.0, "x": 50.0, "T": 50.0 + rest}
        rel = [("T", ["a", "b", "c", "x"], [])]
        page = Page(values, rel, 5, frozenset(values))
        got = narrowed(page, {"a", "b", "c"}, {"a", "b"} | ({"c"} if 0 < rest - 5 < 5 else set()))
        want = {
            k
            for k in ("a", "b")
            if _reader_ranges(
                pd.DataFrame({"n": [2, 3, rest - 5, 50]}, index=["a", "b", "c", "x"]),
                pd.DataFrame({"n": [True, True, True, False]}, index=["a", "b", "c", "x"]),
                "n",
                5,
                50 + rest,
            )[k]
            != [1, 2, 3, 4]
        }
        assert got & {"a", "b"} == want, rest


def test_a_share_of_a_count_the_page_never_shows_still_bounds_a_hidden_cell():
    # the charge share: 2 charged of robbery (hidden, 1-4) + 60 burglaries shown; "3% were
    # charged" with the charged count never shown (0 upwards) does not pin robbery, but
    # "2 charged, 3.2%" does: 2 / (robbery + 60) in 3.15%..3.25% puts robbery at 2 or 3
    from reviewkit.report.suppression import Page, Ratio, narrowed

    values = {"robbery": 2.0, "burglary": 60.0, "charged": 2.0}
    counts = frozenset({"robbery", "burglary"})
    vague = Ratio(("charged",), ("robbery", "burglary"), 3.0)
    page = Page(values, [], 5, counts, (vague,), known={"charged": (0.0, np.inf)})
    assert not narrowed(page, {"robbery", "charged"}, {"robbery"})
    exact = Ratio(("charged",), ("robbery", "burglary"), 3.2, decimals=1)
    page = Page(values, [], 5, counts, (exact,))
    assert narrowed(page, {"robbery"}, {"robbery"}) == {"robbery"}
