"""Small-number suppression for the community update.

Primary: a count from 1 to `threshold - 1` is shown as "fewer than <threshold>". Zero is shown.
Cells hidden only to protect another (secondary suppression) are shown as "not shown".
Secondary: in a column with a total, suppressed cells must not be recoverable by subtraction,
so while exactly one cell is suppressed, or the suppressed cells add up to less than the
threshold, the smallest remaining non-zero cell is suppressed too. A difference (e.g. change
on last year) is suppressed when either of its counts is, then gets the same secondary rule;
a rate on a suppressed count is suppressed.
"""

from __future__ import annotations

import pandas as pd

SECONDARY = "not shown"


def is_small(count: float, threshold: int) -> bool:
    return 0 < count < threshold


def label(threshold: int) -> str:
    return f"fewer than {threshold}"


def _secondary(values: pd.Series, hidden: pd.Series, threshold: int,
               key: pd.Series | None = None) -> pd.Series:
    """Extend `hidden` so that the hidden cells of an additive column cannot be recovered."""
    hidden = hidden.copy()
    order = (key if key is not None else values).abs()
    while True:
        n_hidden = int(hidden.sum())
        total_hidden = float(values[hidden].abs().sum())
        need = n_hidden == 1 or (n_hidden > 1 and total_hidden < threshold)
        candidates = order[~hidden & (values != 0)]
        if not need or candidates.empty:
            return hidden
        hidden[candidates.idxmin()] = True


def suppress_table(table: pd.DataFrame, counts: list[str], threshold: int = 5,
                   total_row: object | None = None,
                   differences: dict[str, tuple[str, str]] | None = None,
                   rates: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(display table of strings, mask of hidden cells).

    Args:
        table: numbers, one row per category; `total_row` is the index label of the total row
            (its cells are never suppressed, the rule protects them instead).
        counts: count columns to suppress.
        differences: column -> (a, b), a difference a - b of two count columns.
        rates: column -> the count column it is a rate of.
    """
    differences = differences or {}
    rates = rates or {}
    body = table.index != total_row if total_row is not None else pd.Series(True, table.index)
    body = pd.Series(body, index=table.index)
    hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
    for col in counts:
        h = table[col].map(lambda v: is_small(float(v), threshold)) & body
        if total_row is not None:
            h = _secondary(table[col].where(body, 0), h, threshold) & body
        hidden[col] = h
    for col, (a, b) in differences.items():
        h = (hidden[a] | hidden[b]) & body
        if total_row is not None:
            h = _secondary(table[col].where(body, 0).fillna(0), h, threshold) & body
        hidden[col] = h
    for col, base in rates.items():
        hidden[col] = hidden[base]
    shown = table.astype(object).copy()
    for col in table.columns:
        shown[col] = [v if not hidden.at[i, col] else
                      label(threshold) if col in counts and is_small(float(v), threshold)
                      else SECONDARY for i, v in zip(table.index, table[col], strict=True)]
    return shown, hidden


def suppress_count(count: float, threshold: int) -> str | None:
    """A single count as shown to the public, or None when it must be hidden."""
    return None if is_small(count, threshold) else f"{count:,.0f}"
