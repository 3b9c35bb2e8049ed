"""Disclosure by bounds: the range of whole numbers each hidden small count can take with
every relation, ratio and label a reader has (a small integer programme, by scipy's HiGHS),
and hiding more values until every small count can still be anything from 1 to threshold - 1
(`reviewkit.report.suppression`)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Set
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from reviewkit.report.disclosure import Relation, is_small


@dataclass(frozen=True)
class Ratio:
    """A ratio a reader sees: `shown` = `scale` x sum(numerator) / (sum(denominator) +
    `population`), rounded to `decimals` (a percentage of two counts, or a rate per 1,000 of
    a count over a population). Keys in `numerator` and `denominator` are page values."""

    numerator: tuple[Hashable, ...]
    denominator: tuple[Hashable, ...]
    shown: float
    scale: float = 100.0
    decimals: int = 0
    population: float = 0.0  # a constant part of the denominator (residents)


Bounds = tuple[float, float]  # a hidden value's range as a reader knows it (inf: no limit)


def reader_range(key: Hashable, value: float, threshold: int, counts: Set[Hashable]) -> Bounds:
    """What a reader knows of a hidden value from its label alone: a small count ("fewer
    than N") is 1 to N - 1; another hidden count ("not shown") is 0 or at least N (the range
    0 to infinity here, with the gap below N that `narrowed` adds); anything else (a change)
    is unbounded."""
    if key in counts:
        return (1.0, threshold - 1.0) if is_small(value, threshold) else (0.0, np.inf)
    return (-np.inf, np.inf)


def _programme(
    values: dict[Hashable, float],
    hidden: list[Hashable],
    relations: list[Relation],
    ratios: Iterable[Ratio],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, lower, upper): lower <= A x <= upper over the hidden values x, from the equations
    and the ratios, with every shown value put in."""
    pos = {k: j for j, k in enumerate(hidden)}
    found = _relation_rows(values, pos, relations) + _ratio_rows(values, pos, ratios)
    if not found:
        return np.zeros((0, len(hidden))), np.zeros(0), np.zeros(0)
    rows, lo, hi = zip(*found, strict=True)
    return np.array(rows), np.array(lo), np.array(hi)


def _split(
    cells: Iterable[tuple[Hashable, float]],
    values: dict[Hashable, float],
    pos: dict[Hashable, int],
    const: float = 0.0,
) -> tuple[np.ndarray, float]:
    """(coefficients over the hidden values, `const` plus the shown ones) of a weighted sum
    of cells, added in the order given."""
    row = np.zeros(len(pos))
    for k, weight in cells:
        if k in pos:
            row[pos[k]] += weight
        else:
            const += weight * float(values.get(k, 0.0))
    return row, const


def _relation_rows(
    values: dict[Hashable, float], pos: dict[Hashable, int], relations: list[Relation]
) -> list[tuple[np.ndarray, float, float]]:
    """Each equation (total = plus - minus) that involves a hidden value, as (row, lower,
    upper), the two bounds the same: an equation."""
    out = []
    for total, plus, minus in relations:
        terms = [(total, -1.0), *((k, 1.0) for k in plus), *((k, -1.0) for k in minus)]
        row, const = _split(terms, values, pos)
        if row.any():
            out.append((row, -const, -const))
    return out


def _ratio_rows(
    values: dict[Hashable, float], pos: dict[Hashable, int], ratios: Iterable[Ratio]
) -> list[tuple[np.ndarray, float, float]]:
    """Each shown, rounded ratio as two inequalities over the hidden values, as (row, lower,
    upper): the count lies
    between the ratio less and more half its last decimal (sign x (scale x num - bound x den)
    >= 0)."""
    out = []
    for r in ratios:
        half = 0.5 * 10.0 ** (-r.decimals)
        for bound, sign in ((max(r.shown - half, 0.0), 1.0), (r.shown + half, -1.0)):
            terms = [
                *((k, r.scale) for k in r.numerator),
                *((k, -bound) for k in r.denominator),
            ]
            row, const = _split(terms, values, pos, -bound * r.population)
            if row.any():
                out.append((sign * row, -sign * const, np.inf))
    return out


@dataclass(frozen=True)
class _Model:
    """The integer programme of what a reader knows: constraints and bounds over the hidden
    values (in `order`), then one binary for each count that is 0 or at least the threshold."""

    order: list[Hashable]
    constraints: list[optimize.LinearConstraint]
    lower: np.ndarray
    upper: np.ndarray

    def solve(self, key: Hashable, sense: float = 0.0, fix: float | None = None) -> float:
        """min of sense x key (0: any feasible point), with key fixed to `fix` if given;
        NaN when nothing fits."""
        m = len(self.lower)
        j = self.order.index(key)
        c = np.zeros(m)
        c[j] = sense
        lower, upper = self.lower.copy(), self.upper.copy()
        if fix is not None:
            lower[j] = upper[j] = fix
        res = optimize.milp(
            c,
            constraints=self.constraints,
            integrality=np.ones(m),
            bounds=optimize.Bounds(lower, upper),
        )
        return float(res.fun) if res.status == 0 else float("nan")


def _model(
    values: dict[Hashable, float],
    hidden: set[Hashable],
    relations: list[Relation],
    bounds: dict[Hashable, Bounds],
    threshold: int,
    ratios: Iterable[Ratio],
    gapped: frozenset[Hashable] = frozenset(),
) -> _Model:
    order = sorted(hidden, key=repr)
    a, lo, hi = _programme(values, order, relations, list(ratios))
    n = len(order)
    big = 1.0 + sum(abs(v) for v in values.values())
    box = [bounds.get(k, (-np.inf, np.inf)) for k in order]
    gap = [j for j, k in enumerate(order) if k in gapped]
    # one binary per gapped count: x = 0 (b = 0) or threshold <= x <= big (b = 1)
    m = n + len(gap)
    cons = []
    if len(a):
        cons.append(optimize.LinearConstraint(np.hstack([a, np.zeros((len(a), len(gap)))]), lo, hi))
    for g, j in enumerate(gap):
        row_low, row_high = np.zeros(m), np.zeros(m)
        row_low[j], row_low[n + g] = 1.0, -float(threshold)  # x - t b >= 0
        row_high[j], row_high[n + g] = 1.0, -big  # x - big b <= 0
        cons.append(
            optimize.LinearConstraint(np.vstack([row_low, row_high]), [0, -np.inf], [np.inf, 0])
        )
    lower = np.maximum(np.array([b[0] for b in box] + [0.0] * len(gap)), -big)
    upper = np.array([min(b[1], big) for b in box] + [1.0] * len(gap))
    return _Model(order, cons, lower, upper)


def ranges(
    values: dict[Hashable, float],
    hidden: set[Hashable],
    keys: Iterable[Hashable],
    relations: list[Relation],
    bounds: dict[Hashable, Bounds],
    threshold: int,
    ratios: Iterable[Ratio] = (),
    gapped: frozenset[Hashable] = frozenset(),
) -> dict[Hashable, Bounds]:
    """The smallest and largest whole number each of `keys` (hidden) can be, given every
    shown value, every relation and ratio, and each hidden value's range as a reader knows
    it (`bounds`; a key in `gapped` is besides 0 or at least `threshold`)."""
    model = _model(values, hidden, relations, bounds, threshold, ratios, gapped)
    return {k: (model.solve(k, 1.0), -model.solve(k, -1.0)) for k in keys}


def possible(
    values: dict[Hashable, float],
    hidden: set[Hashable],
    keys: Iterable[Hashable],
    relations: list[Relation],
    bounds: dict[Hashable, Bounds],
    threshold: int,
    ratios: Iterable[Ratio] = (),
    gapped: frozenset[Hashable] = frozenset(),
) -> dict[Hashable, list[int]]:
    """Which of 1 to `threshold` - 1 each of `keys` (hidden small counts) can be, given
    everything a reader has (as `ranges`): a gap inside the range narrows it too (1 or 3,
    but not 2, when the other hidden cells are 1 to 3 and 0 or at least 4)."""
    model = _model(values, hidden, relations, bounds, threshold, ratios, gapped)
    return {
        k: [v for v in range(1, threshold) if not np.isnan(model.solve(k, fix=float(v)))]
        for k in keys
    }


@dataclass(frozen=True)
class Page:
    """Everything a reader of a page has: each value (shown or not, by key), the additive
    relations between them, the ratios shown, the threshold, which keys are counts (a hidden
    one is known to be 0 or at least the threshold, or 1 to threshold - 1 when small), the
    values that must stay shown (`fixed`), those hidden with a value (`follows`), and the
    range of a value the page never shows but a reader knows something of (`known`: a
    charged count behind a shown share is 0 upwards)."""

    values: dict[Hashable, float]
    relations: list[Relation]
    threshold: int
    counts: frozenset[Hashable]
    ratios: tuple[Ratio, ...] = ()
    fixed: frozenset[Hashable] = frozenset()
    follows: dict[Hashable, set[Hashable]] = field(default_factory=dict)
    known: dict[Hashable, Bounds] = field(default_factory=dict)  # ranges known otherwise


def narrowed(page: Page, hidden: set[Hashable], primary: set[Hashable]) -> set[Hashable]:
    """Hidden small counts (`primary`) that, with every relation, ratio and label a reader
    has, cannot be every value from 1 to threshold - 1."""
    small = sorted(primary & hidden, key=repr)
    if not small:
        return set()
    t = page.threshold
    bounds = {
        k: page.known.get(k) or reader_range(k, page.values.get(k, 0.0), t, page.counts)
        for k in hidden
    }
    gapped = frozenset(
        k
        for k in hidden
        if k in page.counts and k not in page.known and not is_small(page.values.get(k, 0.0), t)
    )
    got = possible(page.values, hidden, small, page.relations, bounds, t, page.ratios, gapped)
    return {k for k, seen in got.items() if len(seen) < t - 1}


def protect_bounds(page: Page, hidden: set[Hashable], primary: set[Hashable]) -> set[Hashable]:
    """Hide more values until no small count's range narrows (`narrowed`). Each round hides
    the smallest shown non-zero, non-fixed value of a relation or ratio that holds a narrowed
    count (zero only when nothing else is left), with the values that go with it (`follows`:
    a count's change on last year is hidden with it)."""
    hidden = set(hidden)
    groups = [(t, *p, *m) for t, p, m in page.relations] + [
        (*r.numerator, *r.denominator) for r in page.ratios
    ]
    values = page.values
    while True:
        narrow = narrowed(page, hidden, primary)
        if not narrow:
            return hidden
        options = [
            k
            for g in groups
            if narrow & set(g)
            for k in g
            if k not in hidden and k not in page.fixed
        ]
        if not options:
            return hidden
        pick = min(
            options, key=lambda k: (values.get(k, 0) == 0, abs(float(values.get(k, 0))), repr(k))
        )
        hidden |= {pick, *page.follows.get(pick, set())}
