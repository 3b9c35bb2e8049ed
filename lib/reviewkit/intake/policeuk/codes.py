"""Rows as codes into few categories: what classing decides once per category and spreads to
many rows by their codes, and the reason each row is set aside."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def categorical(column: pa.ChunkedArray) -> pd.Categorical:
    """A dictionary column as a pandas Categorical, sharing its codes (no per-row strings)."""
    if column.num_chunks == 0:
        arr = pa.array([], type=column.type)
    else:
        arr = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)
    codes = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(arr.dictionary.to_pylist(), dtype=object), validate=False
    )


def remap(cat: pd.Categorical, values: list[object | None]) -> pd.Categorical:
    """A categorical whose category i becomes `values[i]` (None: missing), by codes alone."""
    new_cats = sorted({v for v in values if v is not None}, key=str)
    index = {v: k for k, v in enumerate(new_cats)}
    lookup = np.array([index[v] if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    # a missing value's code -1 picks the lookup's last entry (-1: missing)
    return pd.Categorical.from_codes(
        lookup[np.asarray(cat.codes)], categories=new_cats, validate=False
    )


def flag_rows(cat: pd.Categorical, per_category: np.ndarray, missing: bool) -> np.ndarray:
    """A boolean per row from a boolean per category (`missing` for empty cells)."""
    lookup = np.append(np.asarray(per_category, dtype=bool), missing)
    return lookup[np.asarray(cat.codes)]  # a missing value's code -1 picks the last entry


def category_texts(cat: pd.Categorical) -> list[str]:
    """A categorical's categories as text, in code order."""
    return [str(c) for c in cat.categories]


class Reasons:
    """Why each row is set aside: a code per row (0: not set aside) into a list of reasons; a
    row keeps the first reason found."""

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, dtype=np.int32)
        self.texts = [""]
        self.any = False  # no row set aside yet: `code` is all 0

    def mark(self, rows: np.ndarray, reason: str) -> None:
        """Set aside `rows` not already set aside, for `reason`."""
        self.texts.append(reason)
        rows = self.unmarked(rows)
        if rows.any():
            self.code[rows] = len(self.texts) - 1
            self.any = True

    def unmarked(self, rows: np.ndarray) -> np.ndarray:
        """`rows` without those already set aside."""
        return rows & (self.code == 0) if self.any else rows

    def of(self, rows: np.ndarray) -> np.ndarray:
        """The reason of each of `rows` ('' for a row not set aside)."""
        return np.asarray(self.texts, dtype=object)[self.code[rows]]
