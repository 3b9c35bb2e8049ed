"""Disclosure by the equations of a page: which hidden values follow from the shown ones by
addition and subtraction (compared by matrix rank), and hiding more cells until no small count
does (`reviewkit.report.suppression`)."""

from __future__ import annotations

from collections.abc import Hashable, Set

import numpy as np

Relation = tuple[Hashable, list[Hashable], list[Hashable]]  # total = sum(plus) - sum(minus)


def is_small(count: float, threshold: int) -> bool:
    """Whether a count is small enough to hide (1 to threshold − 1; zero is shown)."""
    return 0 < count < threshold


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
    fixed: Set[Hashable] = frozenset(),
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
