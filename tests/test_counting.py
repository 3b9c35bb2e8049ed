"""Counting by codes agrees with counting the rows one by one."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.methods.counting import count_groups, counts_frame

_ROWS = st.lists(st.tuples(st.integers(-1, 3), st.integers(-1, 2)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(_ROWS)
def test_groups_and_counts_match_a_plain_count(rows: list[tuple[int, int]]) -> None:
    a = np.array([r[0] for r in rows], dtype=np.int64)
    b = np.array([r[1] for r in rows], dtype=np.int64)
    groups, n = count_groups([a, b], [4, 3])
    got = {(int(x), int(y)): int(k) for x, y, k in zip(*groups, n, strict=True)}
    assert got == dict(Counter(rows))
    # code order, a missing code (-1) after every other code
    order = [(x if x >= 0 else 99, y if y >= 0 else 99) for x, y in got]
    assert order == sorted(order)


def test_a_table_of_counts_is_sorted_by_text_with_missing_as_empty_text() -> None:
    groups, n = count_groups([np.array([0, 1, 1, -1, 0]), np.array([5, 2, 2, 7, 5])], [2, 8])
    frame = counts_frame({"type": (["Theft", "Arson"], groups[0]), "cell": (None, groups[1])}, n)
    assert frame["type"].tolist() == ["", "Arson", "Theft"]
    assert frame["cell"].tolist() == [7, 2, 5]
    assert frame["n"].tolist() == [1, 2, 2]


def test_many_combinations_still_count() -> None:
    big = np.array([2**40, 0, 2**40], dtype=np.int64)
    groups, n = count_groups([big, big, big], [2**41] * 3)
    assert [g.tolist() for g in groups] == [[0, 2**40]] * 3
    assert n.tolist() == [1, 2]
