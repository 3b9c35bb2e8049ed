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

Then one disclosure check over every number a page shows: each number and each additive
relation between them (a total is the sum of its cells, a change is this year minus last
year, a key message's count is the sum of the table cells it covers) is written as a linear
equation; a hidden value can be recovered by addition and subtraction exactly when its unit
vector lies in the row space of the equations over the hidden values (compared by matrix
rank). Cells are hidden until no small count can be recovered.

Last, disclosure by bounds: a reader knows more than the equations. A cell shown as "fewer
than N" is 1 to N - 1; one shown as "not shown" is 0 or at least N (a small one would say
"fewer than N"); a shown percentage or rate, rounded, puts its count between two bounds
(`Ratio`). Three hidden cells of 1-4 adding to 12 must each be 4, though no equation gives
any of them. So each hidden small count's range is worked out exactly, as the smallest and
largest whole numbers it can take with every relation and bound a reader has (a small
integer programme, by scipy's HiGHS), and cells are hidden until every small count can still
be anything from 1 to N - 1 (`narrowed`, `protect_bounds`).

The check by equations is in `disclosure`, the check by bounds in `reader_bounds`; this module
hides a table's cells and re-exports their names.
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd

from reviewkit.report.disclosure import Relation, disclosed, is_small, protect
from reviewkit.report.reader_bounds import (
    Bounds,
    Page,
    Ratio,
    narrowed,
    possible,
    protect_bounds,
    ranges,
    reader_range,
)

__all__ = [
    "SECONDARY",
    "Bounds",
    "Page",
    "Ratio",
    "Relation",
    "cell_text",
    "column_hidden",
    "disclosed",
    "first_hidden",
    "is_small",
    "label",
    "narrowed",
    "page_hidden",
    "possible",
    "protect",
    "protect_bounds",
    "ranges",
    "reader_range",
    "shown_table",
    "small_cells",
    "small_counts",
    "suppress_count",
    "suppress_table",
    "table_page",
    "table_relations",
]

SECONDARY = "not shown"


def label(threshold: int) -> str:
    """What a hidden small count shows instead of its value."""
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


def small_counts(table: pd.DataFrame, counts: list[str], threshold: int) -> pd.DataFrame:
    """Which cells of the count columns are small (1 to `threshold - 1`), by the one primary
    rule, so the column rules, the page-wide check and the labels all agree on it."""
    return pd.DataFrame(
        {col: table[col].map(lambda v: is_small(float(v), threshold)) for col in counts},
        index=table.index,
        columns=counts,
        dtype=bool,
    )


def small_cells(table: pd.DataFrame, counts: list[str], threshold: int) -> set[Hashable]:
    """The (row, column) cells holding a small count: the ones no reader may learn."""
    small = small_counts(table, counts, threshold)
    return {(i, c) for i in table.index for c in counts if small.at[i, c]}


def column_hidden(
    values: pd.Series, hidden: pd.Series, body: pd.Series, threshold: int, has_total: bool
) -> pd.Series:
    """One column's hidden body cells: those given, and, when the column has a total, the
    cells the secondary rule adds so none of them can be recovered by subtraction from it.
    The total row (`body` False) is never hidden here: its own rule is `first_hidden`'s."""
    hidden = hidden & body
    if not has_total:
        return hidden
    return _secondary(values.where(body, 0), hidden, threshold) & body


def first_hidden(
    table: pd.DataFrame,
    counts: list[str],
    threshold: int,
    total_row: object | None,
    differences: dict[str, tuple[str, str]],
) -> pd.DataFrame:
    """The cells the column rules hide, before the page-wide checks: small counts with their
    secondary cells, each difference wherever either of its counts is hidden (with its own
    secondary cells), and a total that is itself small. Other columns are all False."""
    has_total = total_row is not None
    body = pd.Series(table.index != total_row if has_total else True, index=table.index)
    small = small_counts(table, counts, threshold)
    hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
    for col in counts:
        hidden[col] = column_hidden(table[col], small[col], body, threshold, has_total)
    for col, (a, b) in differences.items():
        changed = table[col].fillna(0)
        hidden[col] = column_hidden(changed, hidden[a] | hidden[b], body, threshold, has_total)
    if has_total:
        for col in counts:  # a small total is hidden like any small count
            if small.at[total_row, col]:
                hidden.at[total_row, col] = True
    return hidden


def table_page(
    table: pd.DataFrame,
    counts: list[str],
    threshold: int,
    differences: dict[str, tuple[str, str]],
    values: dict[Hashable, float],
    relations: list[Relation],
) -> Page:
    """The table as a reader sees it, for the check by bounds: its numbers and relations,
    which cells are counts (a hidden one is 1 to N - 1 or "not shown"), and for each count
    the differences that are hidden with it."""
    return Page(
        values,
        relations,
        threshold,
        frozenset((i, c) for i in table.index for c in counts),
        follows={
            (i, c): {(i, d) for d, pair in differences.items() if c in pair}
            for i in table.index
            for c in counts
        },
    )


def page_hidden(
    table: pd.DataFrame,
    counts: list[str],
    threshold: int,
    total_row: object | None,
    differences: dict[str, tuple[str, str]],
    hidden: pd.DataFrame,
) -> set[tuple[Hashable, str]]:
    """The (row, column) cells of counts and differences to hide so that no small count can be
    recovered from the table's numbers: by its additive relations (`protect`), then by the
    bounds a reader has (`protect_bounds`), then by the relations again for the cells the
    bounds added. Starts from `hidden`, the column rules' cells."""
    cells: list[tuple[Hashable, str]] = [
        (i, c) for i in table.index for c in [*counts, *differences]
    ]
    values: dict[Hashable, float] = {(i, c): float(table.at[i, c]) for i, c in cells}
    primary = small_cells(table, counts, threshold)
    relations = table_relations(table, counts, total_row, differences)
    keep = protect(values, {(i, c) for i, c in cells if hidden.at[i, c]}, primary, relations)
    page = table_page(table, counts, threshold, differences, values, relations)
    keep = protect_bounds(page, keep, primary)
    keep = protect(values, keep, primary, relations)
    return {cell for cell in cells if cell in keep}


def cell_text(value: object, hidden: bool, small: bool, threshold: int) -> object:
    """What one cell shows: its value, or for a hidden small count "fewer than N", or for
    any other hidden cell "not shown" (it may be zero or large: saying which would tell)."""
    if not hidden:
        return value
    return label(threshold) if small else SECONDARY


def shown_table(
    table: pd.DataFrame, hidden: pd.DataFrame, counts: list[str], threshold: int
) -> pd.DataFrame:
    """The display table: every cell by `cell_text`, a count column's small cells being the
    only ones that can say "fewer than N"."""
    small = small_counts(table, counts, threshold)
    shown = table.astype(object).copy()
    for col in table.columns:
        shown[col] = [
            cell_text(
                v, bool(hidden.at[i, col]), col in counts and bool(small.at[i, col]), threshold
            )
            for i, v in zip(table.index, table[col], strict=True)
        ]
    return shown


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
    hidden = first_hidden(table, counts, threshold, total_row, differences)
    for i, c in page_hidden(table, counts, threshold, total_row, differences, hidden):
        hidden.at[i, c] = True
    for col, (a, b) in differences.items():  # in every row, the total's too
        hidden[col] = hidden[col] | hidden[a] | hidden[b]
    for col, base in (rates or {}).items():
        hidden[col] = hidden[base]
    return shown_table(table, hidden, counts, threshold), hidden


def suppress_count(count: float, threshold: int) -> str | None:
    """A single count as shown to the public, or None when it must be hidden."""
    return None if is_small(count, threshold) else f"{count:,.0f}"
