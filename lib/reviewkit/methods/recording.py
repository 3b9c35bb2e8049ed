"""Recording changes: a crime type whose level steps up or down, everywhere at once.

police.uk figures change when a force changes how it records or publishes a crime type (for
example criminal damage moving from about 50 to about 600 a month force-wide in one month, or
burglary halving after a crime recording audit and coming back at nearly three times that
level when a new system is corrected). Read as a real change this misleads, so every step is
looked for, however many there are, in each crime type's monthly counts:

- **Segmentation.** The counts are cut into segments of constant level by penalised
  likelihood: optimal partitioning (Jackson et al. 2005, *IEEE Signal Processing Letters*
  12:105-108), the exact minimum that PELT (Killick, Fearnhead and Eckley 2012, *JASA*
  107:1590-1598) finds faster; at a few hundred months the exact search is instant. Each
  segment is at least `MIN_MONTHS` long. A segment's cost is its Poisson deviance around
  level x season, divided by the dispersion phi (quasi-likelihood: crime is clustered, so
  monthly counts vary more than Poisson); each change costs `PENALTY` x log(n) (BIC-like).
- **Dispersion and season.** phi is estimated robustly from month-to-month differences (the
  median absolute deviation of (y[t] - y[t-1]) / sqrt(y[t] + y[t-1]), which a few steps do
  not move), at least 1. With two years or more, month-of-year factors are estimated in turn
  with the steps: each month's mean ratio to its segment's level (segments that differ by
  less than `min_ratio` merged first), scaled to average 1. The force's season (the
  partnership and the rest added) is used for both.
- **Steps kept.** Adjacent segments whose levels differ by less than `min_ratio` are merged,
  smallest difference first (a wobble is not a step). A remaining change is kept when the
  quasi-likelihood ratio test of one level against two (its two segments) gives p < `alpha`
  and, on the 12 months either side, a log-linear trend with the step fits better than the
  trend alone (p < `TREND_ALPHA`) by a step of at least `min_ratio` (a trend cut into two
  segments differs between them only because they are long).
- **Force-wide.** Steps are searched for in the force's total, the rest of the force and the
  partnership; each month is placed where the force's total steps most (within a month). It
  is a possible recording change when the rest of the force steps there by at least the
  square root of `min_ratio` (p < `CONFIRM_ALPHA`: the month is given, not searched for) and
  the partnership moves the same way (its own counts may be too few to show it beyond
  chance, but a change in how the force records reaches it). A step in the partnership alone
  is a real change. Without the rest of the force, the partnership's own steps are reported
  and the note says so.

A change the analyst has looked into is recorded in the params (`analysis.recording_changes`)
with a decision: `exclude` the crime type, `rebase` from that month, or `real` (a real change,
compared as usual).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

COLUMNS = [
    "crime_type",
    "month",
    "until",
    "before",
    "after",
    "ratio",
    "p_value",
    "rest_before",
    "rest_after",
    "confirmed_by",
]
MIN_MONTHS = 3
MIN_RATIO = 1.5  # a step is kept when one level is at least this many times the other
PENALTY = 2.0  # per change, times log(n), on the deviance / phi scale (BIC for one level)


@dataclass(frozen=True)
class Step:
    """One step in a monthly series: from the level of the segment before `month` to the
    level of the segment that starts at `month` and runs to `until`."""

    month: str  # first month at the new level
    before: float  # level (mean monthly count, seasonally adjusted) of the segment before
    after: float  # level of the segment from `month`
    ratio: float  # after / before
    p_value: float  # quasi-likelihood ratio test of one level against two
    until: str = ""  # last month at the new level (the month before the next step, or the end)
    local_size: float = math.nan  # the step's size on the months next to it (>= 1, either way)


@dataclass(frozen=True)
class Segmentation:
    """The segments of constant level a series was cut into, with the season and dispersion
    the cost allowed for."""

    bounds: list[int]  # start positions of the segments after the first (change points)
    levels: list[float]  # each segment's level
    season: np.ndarray  # the factor of each month of the series (1 when not estimated)
    phi: float


def _deviance_terms(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative sums of counts and season factors, for segment costs in constant time."""
    return np.concatenate([[0.0], np.cumsum(y)]), np.concatenate([[0.0], np.cumsum(s)])


def _segment_cost(cy: np.ndarray, cs: np.ndarray, a: int, b: int) -> float:
    """-2 x Poisson log-likelihood of counts a..b-1 at level Y/S x season, without the terms
    that do not depend on where the segments are cut."""
    total = cy[b] - cy[a]
    if total <= 0:
        return 0.0
    return -2.0 * (total * math.log(total / (cs[b] - cs[a])) - total)


def optimal_partition(
    y: np.ndarray, season: np.ndarray, penalty: float, min_months: int = MIN_MONTHS
) -> list[int]:
    """Change points (start positions of new segments) that minimise the summed segment
    costs plus `penalty` per change, every segment at least `min_months` long."""
    n = len(y)
    cy, cs = _deviance_terms(y, season)
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    for t in range(min_months, n + 1):
        taus = np.array([0, *range(min_months, t - min_months + 1)])
        taus = taus[np.isfinite(best[taus])]
        total = cy[t] - cy[taus]
        with np.errstate(divide="ignore", invalid="ignore"):
            cost = np.where(
                total > 0, -2.0 * (total * np.log(total / (cs[t] - cs[taus])) - total), 0.0
            )
        value = best[taus] + cost + penalty
        k = int(np.argmin(value))
        best[t], last[t] = value[k], taus[k]
    points, t = [], n
    while t > 0:
        t = int(last[t])
        if t > 0:
            points.append(t)
    return sorted(points)


def _levels(y: np.ndarray, season: np.ndarray, bounds: Sequence[int]) -> list[float]:
    edges = [0, *bounds, len(y)]
    return [
        float(y[a:b].sum() / season[a:b].sum()) for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]


def _fitted(y: np.ndarray, season: np.ndarray, bounds: Sequence[int]) -> np.ndarray:
    edges = [0, *bounds, len(y)]
    level = np.concatenate(
        [
            np.full(b - a, lv)
            for (a, b), lv in zip(
                zip(edges[:-1], edges[1:], strict=True), _levels(y, season, bounds), strict=True
            )
        ]
    )
    return level * season


def _season_from_levels(y: np.ndarray, moy: np.ndarray, bounds: list[int]) -> np.ndarray:
    """Each month's factor: its month of the year's mean ratio to its segment's level (the
    level without the season), the twelve factors scaled to average 1."""
    level = _fitted(y, np.ones(len(y)), bounds)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(level > 0, y / level, np.nan)
    factors = np.array(
        [
            np.nanmean(ratio[moy == m]) if (~np.isnan(ratio[moy == m])).any() else np.nan
            for m in range(1, 13)
        ]
    )
    if np.isnan(factors).any() or not (factors > 0).all():
        return np.ones(len(y))
    return (factors / factors.mean())[moy - 1]


def month_season(counts: pd.Series, min_ratio: float = MIN_RATIO) -> np.ndarray | None:
    """Each month's seasonal factor in a series of monthly counts (index YYYY-MM), estimated
    in turn with the steps: the series is cut into segments, those that differ by less than
    `min_ratio` merged, and each month's factor is its month of the year's mean ratio to its
    segment's level; then cut again allowing for that season. With less than two years, None
    (a season cannot be told from the level)."""
    if len(counts) < 24 or counts.sum() <= 0:
        return None
    y = counts.to_numpy(dtype=float)
    moy = np.array([int(str(m)[5:7]) for m in counts.index])
    s = np.ones(len(y))
    for _ in range(3):
        bounds, _ = _merge_small(y, s, segment(y, s).bounds, min_ratio)
        new = _season_from_levels(y, moy, bounds)
        if np.allclose(new, s, atol=1e-3):
            break
        s = new
    return s


def _phi_from_differences(y: np.ndarray) -> float:
    """A robust first guess at the dispersion: the spread (median absolute deviation) of
    month-to-month differences scaled by their Poisson standard error; a few steps among
    many months do not move a median."""
    a, b = y[:-1], y[1:]
    keep = (a + b) > 0
    if keep.sum() < 3:
        return 1.0
    d = (b[keep] - a[keep]) / np.sqrt(a[keep] + b[keep])
    mad = 1.4826 * float(np.median(np.abs(d - np.median(d))))
    return max(1.0, mad**2)


def segment(
    y: np.ndarray,
    season: np.ndarray | None = None,
    penalty: float = PENALTY,
    min_months: int = MIN_MONTHS,
) -> Segmentation:
    """Segments of constant level in monthly counts `y`, allowing for over-dispersion and
    for the season (`season`, each month's factor, when given)."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    s = np.ones(n) if season is None else np.asarray(season, dtype=float)
    phi = _phi_from_differences(y / s)
    bounds = optimal_partition(y, s, phi * penalty * math.log(n), min_months)
    return Segmentation(bounds, _levels(y, s, bounds), s, phi)


def _ratio(after: float, before: float) -> float:
    return after / before if before > 0 else math.inf if after > 0 else 1.0


def _size(after: float, before: float) -> float:
    """How far apart two levels are, either way (with half a count added, so that a level
    near zero does not make every wobble a huge ratio)."""
    r = (after + 0.5) / (before + 0.5)
    return max(r, 1 / r)


LOCAL_MONTHS = 12
TREND_ALPHA = 1e-3  # a step found must also stand out from a trend through its months


def _poisson_fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, float]:
    """(coefficients, deviance) of a log-linear Poisson model, by Newton's method."""
    beta = np.zeros(x.shape[1])
    beta[0] = math.log(max(y.sum(), 0.5) / np.exp(offset).sum())
    for _ in range(50):
        mu = np.exp(x @ beta + offset)
        step = np.linalg.lstsq(x.T @ (x * mu[:, None]), x.T @ (y - mu), rcond=None)[0]
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    mu = np.exp(x @ beta + offset)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return beta, float(2 * (term - (y - mu)).sum())


def step_beyond_trend(
    y: np.ndarray, s: np.ndarray, bounds: Sequence[int], start: int, phi: float
) -> tuple[float, float]:
    """(size, p-value) of the step at `start` allowing for a trend: on the months next to it
    (up to `LOCAL_MONTHS` each side), a log-linear trend with a step at each change point
    (`bounds`) in those months, against the same without the step at `start`, by
    quasi-likelihood (deviance over phi, chi-squared on 1 degree of freedom). A trend cut
    into two segments differs between them only because they are long; a step is a jump
    between two months beyond the trend. Size is the step's factor either way (at least 1)."""
    lo, hi = max(0, start - LOCAL_MONTHS), min(len(y), start + LOCAL_MONTHS)
    t = np.arange(lo, hi, dtype=float)
    yy = y[lo:hi]
    offset = np.log(s[lo:hi])
    if yy.sum() <= 0:
        return 1.0, 1.0
    others = [(t >= b).astype(float) for b in bounds if lo < b < hi and b != start]
    base = np.column_stack([np.ones_like(t), (t - start) / 12, *others])
    _, d_without = _poisson_fit(base, yy, offset)
    beta, d_with = _poisson_fit(np.column_stack([base, (t >= start).astype(float)]), yy, offset)
    p = float(stats.chi2.sf(max(d_without - d_with, 0.0) / phi, 1))
    return float(math.exp(min(abs(beta[-1]), 700))), p


def _merge_small(
    y: np.ndarray, s: np.ndarray, bounds: list[int], min_ratio: float
) -> tuple[list[int], list[float]]:
    """Merge adjacent segments whose levels differ by less than `min_ratio`, the smallest
    difference first, until every remaining change is at least that large."""
    bounds = list(bounds)
    while bounds:
        levels = _levels(y, s, bounds)
        sizes = [_size(levels[i + 1], levels[i]) for i in range(len(bounds))]
        i = int(np.argmin(sizes))
        if sizes[i] >= min_ratio:
            break
        del bounds[i]
    return bounds, _levels(y, s, bounds)


def find_steps(
    counts: pd.Series,
    min_ratio: float = MIN_RATIO,
    alpha: float = 1e-4,
    min_months: int = MIN_MONTHS,
    season: np.ndarray | None = None,
) -> list[Step]:
    """Every step of at least `min_ratio` beyond chance in a series of monthly counts (index
    YYYY-MM, in order), earliest first; `season`, when given, is each month's factor."""
    y = counts.to_numpy(dtype=float)
    months = [str(m) for m in counts.index]
    n = len(y)
    if n < 2 * min_months or y.sum() <= 0:
        return []
    if season is None:
        season = month_season(counts, min_ratio)
    seg = segment(y, season, min_months=min_months)
    bounds, levels = _merge_small(y, seg.season, seg.bounds, min_ratio)
    cy, cs = _deviance_terms(y, seg.season)
    edges = [0, *bounds, n]
    steps = []
    for k, start in enumerate(bounds):
        a, c = edges[k], edges[k + 2]
        lr = _segment_cost(cy, cs, a, c) - _segment_cost(cy, cs, a, start)
        lr -= _segment_cost(cy, cs, start, c)
        p = float(stats.chi2.sf(max(lr, 0.0) / seg.phi, 1))
        local, p_trend = step_beyond_trend(y, seg.season, bounds, start, seg.phi)
        if not (p < alpha and p_trend < TREND_ALPHA) or local < min_ratio:
            continue
        steps.append(
            Step(
                months[start],
                levels[k],
                levels[k + 1],
                _ratio(levels[k + 1], levels[k]),
                p,
                months[c - 1],
                local,
            )
        )
    return steps


def find_step(
    counts: pd.Series,
    min_ratio: float = MIN_RATIO,
    alpha: float = 1e-4,
    min_months: int = MIN_MONTHS,
) -> Step | None:
    """The largest step in a series of monthly counts (see `find_steps`), or None."""
    steps = find_steps(counts, min_ratio, alpha, min_months)
    return max(steps, key=lambda s: _size(s.after, s.before)) if steps else None


def _months_apart(a: str, b: str) -> int:
    return abs((pd.Period(a, "M") - pd.Period(b, "M")).n)


def force_season(series: list[pd.Series], min_ratio: float = MIN_RATIO) -> np.ndarray | None:
    """The seasonal factor of each month in the force's series (the partnership and the rest
    added): one season for both, from the larger counts."""
    return month_season(sum(series[1:], series[0]), min_ratio)


def at_months(
    counts: pd.Series, months: Sequence[str], season: np.ndarray | None = None
) -> list[Step]:
    """The step at each of `months` (change points found elsewhere, e.g. in the rest of the
    force) in a series of monthly counts: the levels of the segments between them and the
    quasi-likelihood ratio test of the two segments beside each change point. The months are
    given, not searched for, so the test's p-value is an ordinary one."""
    y = counts.to_numpy(dtype=float)
    index = [str(m) for m in counts.index]
    n = len(y)
    s = np.ones(n) if season is None else np.asarray(season, dtype=float)
    bounds = sorted({index.index(m) for m in months if m in index} - {0})
    if not bounds:
        return []
    cy, cs = _deviance_terms(y, s)
    phi = _phi_from_differences(y / s)
    steps = []
    edges = [0, *bounds, n]
    for k, start in enumerate(bounds):
        a, c = edges[k], edges[k + 2]
        lr = _segment_cost(cy, cs, a, c) - _segment_cost(cy, cs, a, start)
        lr -= _segment_cost(cy, cs, start, c)
        before = float((cy[start] - cy[a]) / (cs[start] - cs[a]))
        after = float((cy[c] - cy[start]) / (cs[c] - cs[start]))
        p = float(stats.chi2.sf(max(lr, 0.0) / phi, 1))
        local, _p = step_beyond_trend(y, s, bounds, start, phi)
        steps.append(
            Step(index[start], before, after, _ratio(after, before), p, index[c - 1], local)
        )
    return steps


def _candidates(found: list[list[Step]]) -> list[str]:
    """The months of steps found in any of the series, earliest list first: a step within a
    month of one already listed is the same step."""
    months: list[str] = []
    for steps in found:
        for s in steps:
            if all(_months_apart(s.month, m) > 1 for m in months):
                months.append(s.month)
    return sorted(months)


def _refined(total: pd.Series, months: list[str], season: np.ndarray | None) -> list[str]:
    """Each change month moved by up to one month to where the force's total steps most (the
    other change months held), since a series with fewer counts can place a step a month
    early or late."""
    y = total.to_numpy(dtype=float)
    index = [str(m) for m in total.index]
    s = np.ones(len(y)) if season is None else np.asarray(season, dtype=float)
    cy, cs = _deviance_terms(y, s)
    bounds = [index.index(m) for m in months]
    for k, start in enumerate(bounds):
        a = bounds[k - 1] if k else 0
        c = bounds[k + 1] if k + 1 < len(bounds) else len(y)

        def gain(b: int, a: int = a, c: int = c) -> float:
            return -_segment_cost(cy, cs, a, b) - _segment_cost(cy, cs, b, c)

        bounds[k] = max((b for b in (start - 1, start, start + 1) if a < b < c), key=gain)
    return [index[b] for b in bounds]


def _agrees(mine: Step, rest: Step, min_ratio: float, alpha: float) -> bool:
    """The rest of the force steps at the month by at least the square root of `min_ratio`,
    beyond chance at `alpha`, and the partnership moves the same way (its own counts may be
    too few to show it beyond chance: a change in how the force records reaches every
    partnership, and comparing across it is the mistake to avoid)."""
    return (
        (mine.ratio > 1) == (rest.ratio > 1)
        and mine.ratio != 1
        and _size(rest.after, rest.before) >= math.sqrt(min_ratio)
        and rest.p_value < alpha
    )


CONFIRM_ALPHA = 0.01


def _force_wide(
    mine: pd.Series, theirs: pd.Series, season: np.ndarray | None, min_ratio: float
) -> list[tuple[Step, Step]]:
    """(partnership's step, rest of the force's step) for each change of the force: found (at
    least `min_ratio`, beyond chance and beyond a trend) in the force's total, the rest or the
    partnership, placed where the force's total steps most (within a month), and seen at that
    month in the rest of the force, with the partnership moving the same way (`_agrees`)."""
    total = mine + theirs
    found = [find_steps(x, min_ratio, season=season) for x in (total, theirs, mine)]
    months = _candidates(found)
    if not months:
        return []
    months = _refined(total, months, season)
    pairs = zip(at_months(mine, months, season), at_months(theirs, months, season), strict=True)
    return [(a, b) for a, b in pairs if _agrees(a, b, min_ratio, CONFIRM_ALPHA)]


def detect(
    partnership: pd.DataFrame,
    rest: pd.DataFrame | None,
    months: list[str],
    min_ratio: float = MIN_RATIO,
) -> pd.DataFrame:
    """Possible recording changes: one row for each step of each crime type (columns
    `COLUMNS`), in order of crime type and month.

    `partnership` and `rest` hold police street rows (`month`, `crime_type`, `n`) for the
    partnership and for the rest of the force; `months` are the months that arrived (a month
    with no rows of a type counts as zero). With the rest of the force, a step is a change
    seen in both (`_force_wide`); without it, a step in the partnership alone.
    """
    rows = []
    if partnership.empty or len(months) < 2 * MIN_MONTHS:
        return pd.DataFrame(columns=COLUMNS)

    def series(table: pd.DataFrame) -> dict[str, pd.Series]:
        counts = table.groupby(["crime_type", "month"], sort=False)["n"].sum()
        return {
            str(t): grp.droplevel(0).reindex(months, fill_value=0)
            for t, grp in counts.groupby(level=0, sort=False)
        }

    own = series(partnership)
    others = series(rest) if rest is not None and not rest.empty else None
    for crime_type in sorted(own):
        mine = own[crime_type]
        found: list[tuple[Step, Step | None]]
        if others is None:
            found = [(s, None) for s in find_steps(mine, min_ratio, season=force_season([mine]))]
        else:
            theirs = others.get(crime_type, pd.Series(0, index=months))
            season = force_season([mine, theirs])
            found = list(_force_wide(mine, theirs, season, min_ratio))
        for step, other in found:
            rows.append(
                {
                    "crime_type": crime_type,
                    "month": step.month,
                    "until": step.until,
                    "before": step.before,
                    "after": step.after,
                    "ratio": step.ratio,
                    "p_value": step.p_value,
                    "rest_before": other.before if other else math.nan,
                    "rest_after": other.after if other else math.nan,
                    "confirmed_by": "the rest of the force in the same month"
                    if other
                    else "this partnership only (the rest of the force was not in the files)",
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def describe(row: pd.Series | dict) -> str:
    """One sentence for the data quality page."""
    month = pd.Period(str(row["month"]), "M").strftime("%B %Y")
    text = (
        f"Possible recording change: {row['crime_type']} went from about "
        f"{row['before']:,.0f} to about {row['after']:,.0f} a month in this partnership "
        f"from {month}"
    )
    until = str(row.get("until", "") or "")
    if until and until not in ("nan", "None"):
        text += f" (at that level to {pd.Period(until, 'M').strftime('%B %Y')})"
    if not pd.isna(row["rest_before"]):
        text += (
            f", and from about {row['rest_before']:,.0f} to about "
            f"{row['rest_after']:,.0f} a month in the rest of the force at the same time"
        )
    else:
        text += f" (seen in {row['confirmed_by']})"
    return (
        text + ". Comparisons across this month are marked not comparable until it is "
        "looked into: record a decision (exclude, rebase or real) in the params under "
        "analysis.recording_changes."
    )
