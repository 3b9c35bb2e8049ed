"""Small-number suppression for the community update.

Primary: a count from 1 to `threshold - 1` is shown as "fewer than <threshold>". Zero is shown.
Cells hidden only to protect another (secondary suppression) are shown as "not shown".
Secondary: in a column with a total, suppressed cells must not be recoverable by subtraction,
so while exactly one cell is suppressed, or the suppressed cells add up to less than the
threshold, the smallest remaining non-zero cell is suppressed too. A difference (e.g. change
on last year) is suppressed when either of its counts is, then gets the same secondary rule;
a rate on a suppressed count is suppressed. A total from 1 to `threshold - 1` is itself
suppressed, and a total is hidden when nothing else could protect a hidden cell (a single
non-zero cell equal to its total).

Last, one disclosure check over every number a page shows: each number and each additive
relation between them (a total is the sum of its cells, a change is this year minus last
year, a key message's count is the sum of the table cells it covers) is written as a linear
equation; a hidden value can be recovered by addition and subtraction exactly when its unit
vector lies in the row space of the equations over the hidden values (compared by matrix
rank). Cells are hidden until no small count can be recovered.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

Relation = tuple[Hashable, list[Hashable], list[Hashable]]  # total = sum(plus) - sum(minus)

SECONDARY = "not shown"


def is_small(count: float, threshold: int) -> bool:
    return 0 < count < threshold


def label(threshold: int) -> str:
    return f"fewer than {threshold}"


def _secondary(
    values: pd.Series, hidden: pd.Series, threshold: int, key: pd.Series | None = None
) -> pd.Series:
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


def disclosed(hidden: set[Hashable], relations: list[Relation]) -> set[Hashable]:
    """Hidden keys whose values follow, by addition and subtraction, from the shown values
    and the relations (every key not in `hidden` is shown)."""
    unknown = sorted(hidden, key=repr)
    pos = {k: j for j, k in enumerate(unknown)}
    rows = []
    for total, plus, minus in relations:
        row = np.zeros(len(unknown))
        for keys, sign in (([total], -1.0), (plus, 1.0), (minus, -1.0)):
            for k in keys:
                if k in pos:
                    row[pos[k]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = set()
    for k, j in pos.items():
        unit = np.zeros(len(unknown))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.add(k)
    return out


def protect(
    values: dict[Hashable, float],
    hidden: set[Hashable],
    primary: set[Hashable],
    relations: list[Relation],
    fixed: set[Hashable] = frozenset(),
) -> set[Hashable]:
    """Hide more cells until no `primary` value can be recovered. Each round hides the
    smallest shown non-fixed cell of a relation that gives a primary value away."""
    hidden = set(hidden)
    while True:
        leaks = disclosed(hidden, relations) & primary
        if not leaks:
            return hidden
        options = [
            k
            for total, plus, minus in relations
            if leaks & {total, *plus, *minus}
            for k in (total, *plus, *minus)
            if k not in hidden and k not in fixed
        ]
        if not options:
            return hidden
        hidden.add(min(options, key=lambda k: (abs(float(values.get(k, 0))), repr(k))))


def table_relations(
    table: pd.DataFrame,
    counts: list[str],
    total_row: object | None,
    differences: dict[str, tuple[str, str]],
) -> list[Relation]:
    """The additive relations of a table: column totals and differences, keyed (row, col)."""
    rels: list[Relation] = []
    body = [i for i in table.index if i != total_row]
    if total_row is not None:
        for col in [*counts, *differences]:
            rels.append(((total_row, col), [(i, col) for i in body], []))
    for col, (a, b) in differences.items():
        for i in table.index:
            rels.append(((i, col), [(i, a)], [(i, b)]))
    return rels


def suppress_table(
    table: pd.DataFrame,
    counts: list[str],
    threshold: int = 5,
    total_row: object | None = None,
    differences: dict[str, tuple[str, str]] | None = None,
    rates: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    if total_row is not None:
        for col in counts:  # a small total is hidden like any small count
            if is_small(float(table.at[total_row, col]), threshold):
                hidden.at[total_row, col] = True
    values = {(i, c): float(table.at[i, c]) for i in table.index for c in [*counts, *differences]}
    primary = {
        (i, c) for i in table.index for c in counts if is_small(float(table.at[i, c]), threshold)
    }
    keep = protect(
        values,
        {k for k in values if hidden.at[k[0], k[1]]},
        primary,
        table_relations(table, counts, total_row, differences),
    )
    for i, c in keep:
        hidden.at[i, c] = True
    for col, base in rates.items():
        hidden[col] = hidden[base]
    shown = table.astype(object).copy()
    for col in table.columns:
        shown[col] = [
            v
            if not hidden.at[i, col]
            else label(threshold)
            if col in counts and is_small(float(v), threshold)
            else SECONDARY
            for i, v in zip(table.index, table[col], strict=True)
        ]
    return shown, hidden


def suppress_count(count: float, threshold: int) -> str | None:
    """A single count as shown to the public, or None when it must be hidden."""
    return None if is_small(count, threshold) else f"{count:,.0f}"
