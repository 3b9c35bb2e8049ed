"""Counting rows by combinations of integer codes, without a pandas groupby.

Each key is an array of codes (category codes, or small integers); -1 is a missing value and
forms a group of its own, ordered after every code, as pandas orders a missing category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def count_groups(codes: list[np.ndarray], sizes: list[int]) -> tuple[list[np.ndarray], np.ndarray]:
    """Each combination of codes present, in code order, with its number of rows.

    `sizes[k]` is the number of codes key `k` can take (0 to size - 1); -1 comes back as -1.
    """
    dims = [int(s) + 1 for s in sizes]
    n = len(codes[0]) if codes else 0
    total = int(np.prod(dims, dtype=object))
    if total >= 2**62:  # too many combinations for one integer: compare the rows themselves
        shifted = [
            np.where(c >= 0, c, d - 1).astype(np.int64) for c, d in zip(codes, dims, strict=True)
        ]
        rows, counts = np.unique(np.stack(shifted, axis=1), axis=0, return_counts=True)
        parts = [rows[:, k] for k in range(len(dims))]
    else:
        key = np.zeros(n, dtype=np.int64)  # each row's combination as one integer, -1 as last
        for c, d in zip(codes, dims, strict=True):
            key *= d
            key += np.where(c >= 0, c, d - 1)
        if total <= 8 * n + 4096:
            per = np.bincount(key, minlength=total)
            uniq = np.flatnonzero(per)
            counts = per[uniq]
        else:
            uniq, counts = np.unique(key, return_counts=True)
        parts = list(np.unravel_index(uniq, dims))
    out = [np.where(p == s - 1, -1, p).astype(np.int64) for p, s in zip(parts, dims, strict=True)]
    return out, counts.astype(np.int64)


Column = tuple[list[str] | None, np.ndarray]  # (text of each code, codes) or (None, numbers)


def counts_frame(columns: dict[str, Column], n: np.ndarray, sort: bool = True) -> pd.DataFrame:
    """Groups as a table, their codes turned into text (code -1: ''), with their counts in `n`;
    sorted by the columns' values (text in code-point order, ties kept in code order) when
    `sort`, as `DataFrame.sort_values` sorts them. Built in Arrow: text columns are taken from
    each column's few texts by code, never made one Python string per row."""
    picks: dict[str, np.ndarray] = {}
    ranks: list[np.ndarray] = []
    dims: list[int] = []
    for name, (texts, codes) in columns.items():
        if texts is None:
            picks[name] = codes
            low = int(codes.min()) if len(codes) else 0
            rank = codes.astype(np.int64) - low
            dims.append(int(rank.max()) + 1 if len(rank) else 1)
        else:
            picks[name] = np.where(codes >= 0, codes, len(texts))
            uniq, inverse = np.unique(np.array([*texts, ""], dtype=object), return_inverse=True)
            rank = inverse.reshape(-1)[picks[name]]
            dims.append(len(uniq))
        ranks.append(rank)
    if not sort or not ranks:
        order = np.arange(len(n))
    elif int(np.prod(dims, dtype=object)) < 2**62:  # one key per group: a stable sort keeps ties
        order = np.argsort(np.ravel_multi_index(ranks, dims), kind="stable")
    else:
        order = np.lexsort(ranks[::-1])
    data = {
        name: (
            pa.array([*texts, ""], pa.string()).take(pa.array(picks[name][order]))
            if texts is not None
            else pa.array(picks[name][order])
        )
        for name, (texts, _) in columns.items()
    }
    data["n"] = pa.array(np.asarray(n)[order], pa.int64())
    return pa.table(data).to_pandas()
