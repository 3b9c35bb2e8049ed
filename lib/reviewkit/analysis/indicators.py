"""The indicator engine: each indicator's series, its value for the review period against the
baseline, the same period last year and the previous 12 months, whether the change is real,
its SPC signal and its target status."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from reviewkit.analysis.verdict import (
    Comparability,
    Verdict,
    WhyNot,
    change_call,
    spc_call,
    target_assurance,
    target_call,
)
from reviewkit.base.periods import (
    PERIOD_MONTHS,
    MonthRange,
    expected_periods,
    period_label,
    period_start,
)
from reviewkit.inputs.params import CycleParams, SpcOptions
from reviewkit.inputs.strategy import Filter, Indicator, Strategy
from reviewkit.intake.population import denominator
from reviewkit.methods import exact_tests as stats
from reviewkit.methods import spc

UNIT = {
    "count": "",
    "rate_per_1000_residents": "per 1,000 residents",
    "rate_per_1000_households": "per 1,000 households",
    "proportion": "%",
}


# The result's fields that reach the scorecard through its verdict (`Verdict.columns`).
VERDICT_FIELDS = (
    "why_not",
    "why_dataset",
    "missing",
    "comparability",
    "recording_types",
    "recording_from",
    "special_improvement",
    "special_concern",
)


@dataclass
class IndicatorResult:
    """Everything the scorecard, the charts and the narrative say about one indicator."""

    id: str
    priority: str
    name: str
    plain_name: str
    measure: str
    unit: str
    period: str
    better: str
    dataset: str
    assessable: bool
    reason: str = ""  # why not assessable
    review_value: float = math.nan
    review_count: float = math.nan  # numerator count over the review period
    baseline_value: float = math.nan
    baseline_count: float = math.nan
    change: float = math.nan
    change_pct: float = math.nan
    direction: str = ""  # improved | worsened | no real change | cannot tell | not assessable
    p_value: float = math.nan
    significant: bool = False
    test: str = ""
    ratio: float = math.nan  # rate ratio (odds ratio for proportions), review / baseline
    ratio_low: float = math.nan
    ratio_high: float = math.nan
    dispersion: float = math.nan  # month-to-month dispersion the test allowed for
    not_comparable: str = ""  # why the comparisons cannot be made (a recording change)
    seasonal: str = ""  # "adjusted" (XmR on seasonally adjusted values), "too short" or ""
    ci_low: float = math.nan
    ci_high: float = math.nan
    last_year_value: float = math.nan
    last_year_change_pct: float = math.nan
    rolling_value: float = math.nan
    rolling_previous: float = math.nan
    rolling_change_pct: float = math.nan
    rolling_significant: bool = False
    target_value: float = math.nan
    target_by: str = ""
    trajectory_value: float = math.nan
    target_status: str = "not assessable"
    variation: str = ""
    assurance: str = ""
    spc_provisional: bool = False
    points: int = 0
    latest_period: str = ""
    latest_value: float = math.nan
    notes: list[str] = field(default_factory=list)  # caveats a reader needs
    # What only the analyst acts on (params keys to set): never printed in a published paper.
    analyst_notes: list[str] = field(default_factory=list)
    why_not: WhyNot = ""  # why not assessable, as a code (`analysis.verdict`)
    why_dataset: str = ""
    missing: tuple[str, ...] = ()
    comparability: Comparability = "comparable"
    recording_types: tuple[str, ...] = ()
    recording_from: str = ""
    special_improvement: int = 0
    special_concern: int = 0

    def verdict(self) -> Verdict:
        """The indicator's one verdict, from the figures computed above."""
        change = change_call(self.direction)
        target = target_call(
            self.target_status, bool(self.target_by) or not math.isnan(self.target_value)
        )
        assured, because = target_assurance(target, change, self.assurance)
        return Verdict(
            indicator=self.id,
            assessable=self.assessable,
            why_not=self.why_not,
            why_dataset=self.why_dataset,
            missing=self.missing,
            comparability=self.comparability,
            recording_types=self.recording_types,
            recording_from=self.recording_from,
            change=change,
            spc=spc_call(self.variation),
            special_improvement=self.special_improvement,
            special_concern=self.special_concern,
            target=target,
            assured=assured,
            not_assured=because,
        )

    def row(self) -> dict[str, object]:
        d = asdict(self)
        d["notes"] = "; ".join(self.notes)
        d["analyst_notes"] = "; ".join(self.analyst_notes)
        for k in VERDICT_FIELDS:  # written as the verdict's columns instead
            d.pop(k)
        d.update(self.verdict().columns())
        return d


# Series -------------------------------------------------------------------------------------
def monthly_counts(
    ind: Indicator, tidy: dict[str, pd.DataFrame], partner: pd.DataFrame, present: list[str]
) -> pd.DataFrame:
    """Counts per source period (`period_start`): columns num, den (den only for proportions).

    Police sources: months the dataset arrived with no matching rows count as zero.
    Partner sources: only periods the provider sent are present.
    """
    if ind.dataset in tidy:
        rows = police_rows(tidy[ind.dataset], ind.filter)
        den = rows.groupby("month")["n"].sum()
        num = (
            den
            if ind.numerator is None
            else police_rows(rows, ind.numerator).groupby("month")["n"].sum()
        )
        months = sorted(present)
        out = pd.DataFrame({"period_start": months})
        out["num"] = out["period_start"].map(num).fillna(0).astype(float)
        out["den"] = out["period_start"].map(den).fillna(0).astype(float)
        return out
    rows = partner[partner["dataset"] == ind.dataset]
    if ind.filter.measure is not None:
        rows = rows[rows["measure"] == ind.filter.measure]
    grp = rows.groupby(["period_start", "period_type"], as_index=False)["value"].sum()
    out = pd.DataFrame(
        {
            "period_start": grp["period_start"],
            "num": grp["value"].astype(float),
            "den": np.nan,
            "source_type": grp["period_type"],
        }
    )
    if ind.measure == "proportion" and ind.numerator is not None:
        # A proportion of partner measures: numerator measure over the filter's measure,
        # for the periods that hold both.
        top = partner[
            (partner["dataset"] == ind.dataset) & (partner["measure"] == ind.numerator.measure)
        ]
        num = top.groupby("period_start")["value"].sum()
        out = out[out["period_start"].isin(num.index)].reset_index(drop=True)
        out["den"] = out["num"]
        out["num"] = out["period_start"].map(num).astype(float)
    return out


FILTERED_BY = ("crime_type", "outcome_category")


def police_counts(table: pd.DataFrame) -> pd.DataFrame:
    """A police dataset's counts by month and by what a filter looks at (crime type and
    outcome category, where it has them): the same totals in any filter and month as its tidy
    table, in far fewer rows (no area), so each indicator filters and sums a small table."""
    keys = ["month", *(c for c in FILTERED_BY if c in table.columns)]
    return table.groupby(keys, sort=False, dropna=False, observed=True, as_index=False)["n"].sum()


def police_rows(rows: pd.DataFrame, flt: Filter) -> pd.DataFrame:
    """The police rows a filter keeps (crime types and outcome categories)."""
    crime_types = flt.crime_type_set()
    if crime_types is not None:
        rows = rows[rows["crime_type"].isin(crime_types)]
    if flt.outcome_categories is not None:
        rows = rows[rows["outcome_category"].isin(flt.outcome_categories)]
    return rows


def to_periods(counts: pd.DataFrame, source_type: str, period_type: str) -> pd.DataFrame:
    """Aggregate source periods into the indicator's periods, keeping only complete ones."""
    if counts.empty:
        return pd.DataFrame(columns=["period_start", "period", "num", "den", "parts"])
    src_len = PERIOD_MONTHS[source_type]
    dst_len = PERIOD_MONTHS[period_type]
    if src_len > dst_len:
        raise ValueError(
            f"the source is {source_type.replace('_', ' ')}ly and cannot give "
            f"{period_type.replace('_', ' ')} values"
        )
    c = counts.copy()
    starts = {p: str(period_start(_month(p), period_type)) for p in set(c["period_start"])}
    c["start"] = [starts[p] for p in c["period_start"]]
    groups = c.groupby("start")  # column by column: named aggregation inspects each function
    agg = pd.DataFrame(
        {"num": groups["num"].sum(), "den": groups["den"].sum(), "parts": groups["num"].size()}
    ).reset_index()
    agg = agg[agg["parts"] == dst_len // src_len]
    agg = agg.rename(columns={"start": "period_start"})
    if counts["den"].isna().all():
        agg["den"] = np.nan
    agg["period"] = [period_label(_month(p), period_type) for p in agg["period_start"]]
    return agg.sort_values("period_start", ignore_index=True)


@lru_cache(maxsize=4096)
def _month(start: str) -> pd.Period:
    """The month a period start (YYYY-MM) names; parsed once per text (a series' months are
    looked up again for every window, gap and season)."""
    return pd.Period(start, "M")


def _within(series: pd.DataFrame, rng: MonthRange, period_type: str) -> pd.DataFrame:
    length = PERIOD_MONTHS[period_type]
    starts = [_month(p) for p in series["period_start"]]
    keep = [rng.contains(s) and rng.contains(s + (length - 1)) for s in starts]
    return series[keep]


class ForAnalyst(str):
    """A note only the analyst acts on (a params key to set): kept out of published papers."""


@dataclass(frozen=True)
class Why:
    """Why an indicator cannot be assessed: a code for the verdict, the data request and the
    periods it is about, and the detail for the analyst (params keys, dataset ids)."""

    code: WhyNot
    detail: str
    dataset: str = ""
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.detail


PERIOD_WORDS = {
    "quarter": "quarter (January to March, April to June, July to September or "
    "October to December)",
    "financial_year": "financial year (April to March)",
}


def _no_whole_period(ind: Indicator, review: MonthRange, baseline: MonthRange) -> Why | None:
    """Why a whole-period measure cannot be compared ('' when it can): a review period or
    baseline that holds no whole quarter or financial year has nothing to count, which is
    missing, not zero."""
    if ind.period == "month":
        return ""
    for label, rng, key in (
        ("review period", review, "review_period in the params"),
        (
            "baseline",
            baseline,
            "key 'baseline' of this indicator" if ind.baseline else "baseline_period in the params",
        ),
    ):
        if not expected_periods(rng, ind.period):
            return Why(
                "no whole period",
                f"the {label} ({rng.describe()}) holds no whole "
                f"{PERIOD_WORDS[ind.period]}; set the indicator's period to month, or "
                f"change {key}",
            )
    return None


# Values -------------------------------------------------------------------------------------
@dataclass
class _Window:
    num: float
    den: float
    months: int
    value: float
    exposure: float  # person-months or months for tests
    missing: list[str]
    start: pd.Period | None = None
    counts: list[float] = field(default_factory=list)  # numerator per period, in order


def _window(
    series: pd.DataFrame, rng: MonthRange, ind: Indicator, population: pd.DataFrame | None
) -> _Window:
    part = _within(series, rng, ind.period)
    expected = expected_periods(rng, ind.period)
    have = set(part["period_start"])
    missing = [period_label(_month(p), ind.period) for p in expected if p not in have]
    num = float(part["num"].sum())
    den = float(part["den"].sum()) if ind.measure == "proportion" else math.nan
    months = rng.n_months
    value, exposure = _value(num, den, months, rng, ind, population)
    return _Window(
        num, den, months, value, exposure, missing, rng.start, [float(x) for x in part["num"]]
    )


def _value(
    num: float,
    den: float,
    months: int,
    rng: MonthRange,
    ind: Indicator,
    population: pd.DataFrame | None,
) -> tuple[float, float]:
    if ind.measure == "count":
        return num * 12 / months if months != 12 else num, months
    if ind.measure == "proportion":
        return (100 * num / den if den else math.nan), den
    kind = "population" if ind.measure == "rate_per_1000_residents" else "households"
    mid = rng.start + (months - 1) // 2
    pop, _year = denominator(population, mid.year, kind)
    if not pop:
        return math.nan, math.nan
    # An annual rate: events in 12 months per 1,000 of the denominator.
    return num / pop * 1000 * 12 / months, pop * months / 12


def _pct(new: float, old: float) -> float:
    if old is None or math.isnan(old) or old == 0 or math.isnan(new):
        return math.nan
    return (new - old) / old * 100


def _compare(a: _Window, b: _Window, ind: Indicator, alpha: float) -> stats.Comparison | None:
    """Test review window `b` against reference window `a`."""
    if a.num != a.num or b.num != b.num:
        return None
    if ind.measure == "proportion":
        if not a.den or not b.den:
            return None
        return stats.compare_proportions(int(a.num), int(a.den), int(b.num), int(b.den), alpha)
    if not a.exposure or not b.exposure or a.exposure != a.exposure or b.exposure != b.exposure:
        return None
    if not all(float(x).is_integer() for x in (*a.counts, *b.counts)):
        return None
    same_months = (
        len(a.counts) == len(b.counts)
        and a.start is not None
        and b.start is not None
        and (b.start - a.start).n % 12 == 0
    )
    return stats.compare_monthly_counts(
        a.counts, a.exposure, b.counts, b.exposure, alpha, same_months
    )


def _direction(
    change: float, cmp: stats.Comparison | None, better: str, meaningful_pct: float
) -> str:
    if math.isnan(change):
        return "not assessable"
    if cmp is None:  # no test could be made (no events, or no exposure): nothing can be said
        return "cannot tell"
    return stats.verdict(cmp, better, meaningful_pct)


def _period_value(
    row_num: float, row_den: float, start: str, ind: Indicator, population: pd.DataFrame | None
) -> float:
    if ind.measure == "count":
        return row_num
    if ind.measure == "proportion":
        return 100 * row_num / row_den if row_den else math.nan
    kind = "population" if ind.measure == "rate_per_1000_residents" else "households"
    pop, _ = denominator(population, _month(start).year, kind)
    return row_num / pop * 1000 if pop else math.nan


def target_status(
    baseline: float,
    target: float,
    baseline_end: pd.Period,
    target_by: pd.Period,
    review_end: pd.Period,
    value: float,
    better: str,
) -> tuple[str, float]:
    """(status, trajectory value at the review end) on a straight line from the baseline
    (at the end of the baseline period) to the target (at the target month)."""
    if any(math.isnan(x) for x in (baseline, target, value)):
        return "not assessable", math.nan
    span = (target_by - baseline_end).n
    done = (review_end - baseline_end).n
    frac = 1.0 if span <= 0 else min(max(done / span, 0.0), 1.0)
    trajectory = baseline + (target - baseline) * frac

    def at_least_as_good(x: float, y: float) -> bool:
        return x <= y + 1e-9 if better == "lower" else x >= y - 1e-9

    if at_least_as_good(value, target):
        return "met", trajectory
    if at_least_as_good(value, trajectory):
        return "on track", trajectory
    return "off track", trajectory


@dataclass(frozen=True)
class Change:
    """A possible recording change in one crime type, and the analyst's decision if any."""

    crime_type: str
    month: str  # YYYY-MM, first month at the new level
    decision: str = ""  # "", exclude, rebase or real

    @property
    def label(self) -> str:
        return pd.Period(self.month, "M").strftime("%B %Y")


def recording_changes(found: pd.DataFrame | None, params: CycleParams) -> dict[str, Change]:
    """Every possible recording change, keyed 'Burglary from 2023-04' (a crime type may step
    more than once: a dip that returns, two steps), with the analyst's decisions. A decision
    names its type and month: it settles the step of that type found within two months of it
    (detection can place a step a month early or late), or stands as a change of its own."""
    out: dict[str, Change] = {}
    if found is not None:
        for _, r in found.iterrows():
            c = Change(str(r["crime_type"]), str(r["month"]))
            out[_key(c)] = c
    for d in params.analysis.recording_changes:
        near = [
            k
            for k, c in out.items()
            if c.crime_type == d.crime_type
            and not c.decision
            and abs((pd.Period(c.month, "M") - pd.Period(d.month, "M")).n) <= 2
        ]
        for k in near[:1]:
            del out[k]
        decided = Change(d.crime_type, d.month, d.decision)
        out[_key(decided)] = decided
    return dict(sorted(out.items(), key=lambda kv: (kv[1].month, kv[1].crime_type)))


def _key(c: Change) -> str:
    return f"{c.crime_type} from {c.month}"


def _affecting(
    ind: Indicator, tidy: dict[str, pd.DataFrame], changes: dict[str, Change]
) -> list[Change]:
    """The recording changes in the crime types an indicator counts."""
    table = tidy.get(ind.dataset)
    if not changes or table is None or "crime_type" not in table:
        return []
    types = ind.filter.crime_type_set()  # 'all' and {all_except: ...} as names
    if types is None:
        types = sorted(set(table["crime_type"]))
    wanted = set(types)
    return [c for c in changes.values() if c.crime_type in wanted]


def _straddles(rng_start: pd.Period, rng_end: pd.Period, change: Change) -> bool:
    return str(rng_start) < change.month <= str(rng_end)


def trajectory_by_period(
    baseline: float,
    target: float,
    baseline_end: str,
    target_by: str,
    period_starts: list[str],
    period: str,
    measure: str,
) -> list[float]:
    """The target trajectory per chart period: the straight line target status is judged on
    (`target_status`), from the baseline at the end of the baseline period to the target at
    the target month, read at each period's last month and expressed per period like the
    series (NaN before the baseline ends)."""
    if any(math.isnan(x) for x in (baseline, target)):
        return [math.nan] * len(period_starts)
    b_end, t_by = pd.Period(baseline_end, "M"), pd.Period(target_by, "M")
    span = (t_by - b_end).n
    length = PERIOD_MONTHS[period]
    out = []
    for start in period_starts:
        end = pd.Period(start, "M") + (length - 1)
        done = (end - b_end).n
        if done < 0:
            out.append(math.nan)
            continue
        frac = 1.0 if span <= 0 else min(done / span, 1.0)
        annual = baseline + (target - baseline) * frac
        out.append(annual if measure == "proportion" else annual * length / 12)
    return out


def compute_indicator(
    ind: Indicator,
    params: CycleParams,
    tidy: dict[str, pd.DataFrame],
    partner: pd.DataFrame,
    present: dict[str, list[str]],
    status: dict[str, str],
    population: pd.DataFrame | None,
    changes: dict[str, Change] | None = None,
) -> tuple[IndicatorResult, pd.DataFrame]:
    """One indicator's result and its series (with SPC columns)."""
    affecting = _affecting(ind, tidy, changes or {})
    excluded = [c for c in affecting if c.decision == "exclude"]
    pending = [c for c in affecting if c.decision in ("", "rebase")]
    ind = _without_excluded(ind, tidy, excluded)
    res = _new_result(ind)
    res.notes.extend(_decision_notes(excluded, affecting))
    if excluded and not ind.filter.crime_types:
        # Nothing left to count is missing, not zero: no value, change or target status.
        why = Why(
            "every type excluded",
            "every crime type it counts is excluded (recording change)",
            ind.dataset,
        )
        return _not_assessable(res, why, "excluded", excluded), pd.DataFrame(columns=EMPTY_SERIES)
    series, why = indicator_series(ind, params.review, tidy, partner, present, status, population)
    review = params.review
    baseline_rng = ind.baseline.range if ind.baseline else params.baseline
    why = why or _no_whole_period(ind, review, baseline_rng)
    if why:
        return _not_assessable(res, why), series
    rev = _window(series, review, ind, population)
    base = _window(series, baseline_rng, ind, population)
    alpha = params.analysis.significance_level
    why = _missing_data(rev, base, series, ind, baseline_rng)
    if rev.missing:
        rev = replace(rev, value=math.nan, num=math.nan)
        res.notes.append(f"review period incomplete: {', '.join(rev.missing)} not received")
    ci_low, ci_high = _review_interval(rev, ind, alpha)
    res = replace(
        res,
        review_value=rev.value,
        review_count=rev.num,
        baseline_value=base.value,
        baseline_count=base.num,
        ci_low=ci_low,
        ci_high=ci_high,
    )
    if why:
        res = _not_assessable(res, why)
    else:
        res.assessable = True
        fields, notes = _against_baseline(rev, base, ind, params, baseline_rng)
        res = replace(
            res, **fields, **_last_year_and_rolling(series, rev, ind, review, population, alpha)
        )
        res.notes.extend(notes)
        if res.direction == "not assessable":  # e.g. a share of no events: 0 of 0
            detail = "no events in the periods compared (a share or rate of nothing)"
            res = _not_assessable(res, Why("nothing to compare", detail, ind.dataset))
    res = replace(res, **_target(ind, base, rev, baseline_rng, review, res.assessable))
    res = replace(res, **_comparability(affecting, pending, baseline_rng, review))
    if res.assessable:
        res = replace(res, **_not_comparable(pending, baseline_rng, review))
    series, fields, notes = _with_spc(
        series, ind, params.analysis.spc, pending, res.target_value, res.target_status
    )
    res = replace(res, **fields)
    res.notes.extend(n for n in notes if not isinstance(n, ForAnalyst))
    res.analyst_notes.extend(n for n in notes if isinstance(n, ForAnalyst))
    if len(series):
        res.latest_period = str(series["period"].iloc[-1])
        res.latest_value = float(series["value"].iloc[-1])
    return res, series


def _without_excluded(
    ind: Indicator, tidy: dict[str, pd.DataFrame], excluded: list[Change]
) -> Indicator:
    """The indicator with the crime types the analyst excluded (recording changes) left out of
    its filter; the same indicator when none is excluded."""
    if not excluded:
        return ind
    keep = [
        t
        for t in (ind.filter.crime_type_set() or sorted(set(tidy[ind.dataset]["crime_type"])))
        if t not in {c.crime_type for c in excluded}
    ]
    return ind.model_copy(update={"filter": ind.filter.model_copy(update={"crime_types": keep})})


def _not_assessable(
    res: IndicatorResult,
    why: Why,
    comparability: Comparability = "comparable",
    changes: list[Change] | None = None,
) -> IndicatorResult:
    """The result of an indicator that cannot be assessed, with why (typed for the verdict,
    and in detail for the analyst)."""
    return replace(
        res,
        assessable=False,
        direction="not assessable",
        reason=f"not assessable: {why.detail}",
        why_not=why.code,
        why_dataset=why.dataset,
        missing=why.missing,
        comparability=comparability,
        **_recording(changes or []),
    )


def _comparability(
    affecting: list[Change], pending: list[Change], baseline_rng: MonthRange, review: MonthRange
) -> dict[str, Any]:
    """Whether the baseline and the review period are comparable, and the recording change
    that decides it (in the crime types the indicator counts, between the two periods)."""
    between = [c for c in affecting if _straddles(baseline_rng.start, review.end, c)]
    order: list[tuple[str, Comparability]] = [
        ("", "awaiting decision"),
        ("rebase", "rebased"),
        ("exclude", "excluded"),
        ("real", "confirmed real"),
    ]
    for decision, word in order:
        hit = [c for c in between if c.decision == decision]
        if hit:
            return {"comparability": word, **_recording(hit)}
    return {}


def _recording(changes: list[Change]) -> dict[str, Any]:
    """The crime types of the recording changes that decide comparability, and the first
    month of the earliest."""
    if not changes:
        return {}
    return {
        "recording_types": tuple(c.crime_type for c in changes),
        "recording_from": min(c.month for c in changes),
    }


def _new_result(ind: Indicator) -> IndicatorResult:
    """An indicator's result before anything is computed: not assessable, with its target
    (known even when the indicator cannot be assessed)."""
    res = IndicatorResult(
        id=ind.id,
        priority=ind.priority,
        name=ind.name,
        plain_name=ind.plain_name or ind.name.lower(),
        measure=ind.measure,
        unit=UNIT[ind.measure],
        period=ind.period,
        better=ind.better,
        dataset=ind.dataset,
        assessable=False,
    )
    if ind.target is not None:
        res.target_by = ind.target.by_month
        if ind.target.value is not None:
            res.target_value = ind.target.value
    return res


EMPTY_SERIES = ["period_start", "period", "num", "den", "value"]


def indicator_series(
    ind: Indicator,
    review: MonthRange,
    tidy: dict[str, pd.DataFrame],
    partner: pd.DataFrame,
    present: dict[str, list[str]],
    status: dict[str, str],
    population: pd.DataFrame | None,
) -> tuple[pd.DataFrame, Why | None]:
    """(series, why not): an indicator's value per period up to the end of the review period,
    or an empty series and why it cannot be built (data not received or unusable, no
    population figures for a rate, no rows, periods that do not fit)."""
    empty = pd.DataFrame(columns=EMPTY_SERIES)
    st = status.get(ind.dataset, "not received")
    if st in ("not received", "unusable"):
        code: WhyNot = "not received" if st == "not received" else "unusable"
        return empty, Why(code, f"{ind.dataset} {st}", ind.dataset)
    if ind.measure.startswith("rate") and population is None:
        return empty, Why("no population", "no population figures (inputs.population)")
    source_type = "month"
    counts = monthly_counts(ind, tidy, partner, present.get(ind.dataset, []))
    if "source_type" in counts:
        if counts.empty:
            detail = f"no rows for {ind.filter.measure} in {ind.dataset}"
            return empty, Why("no rows", detail, ind.dataset)
        source_type = counts["source_type"].iloc[0]
        counts = counts.drop(columns="source_type")
    try:
        series = to_periods(counts, source_type, ind.period)
    except ValueError as exc:
        return empty, Why("periods do not fit", str(exc), ind.dataset)
    series["value"] = [
        _period_value(n, d, s, ind, population)
        for n, d, s in zip(series["num"], series["den"], series["period_start"], strict=True)
    ]
    return series[series["period_start"] <= str(review.end)].reset_index(drop=True), None


def _missing_data(
    rev: _Window, base: _Window, series: pd.DataFrame, ind: Indicator, baseline_rng: MonthRange
) -> Why | None:
    """Why the review period or the baseline lacks data (None when both are whole)."""
    if rev.missing:
        detail = f"{ind.dataset} missing {', '.join(rev.missing)}"
        return Why("missing periods", detail, ind.dataset, tuple(rev.missing))
    if not base.missing:
        return None
    if len(base.missing) == len(expected_periods(baseline_rng, ind.period)):
        first = series["period"].iloc[0] if len(series) else "none"
        where = (
            "key 'baseline' of this indicator"
            if ind.baseline
            else ("key 'baseline_period' in the params")
        )
        detail = (
            f"the baseline ({baseline_rng.describe()}) is outside the data (first period "
            f"{first}); check {where}"
        )
        return Why("baseline outside the data", detail, ind.dataset)
    detail = f"baseline missing {', '.join(base.missing)}"
    return Why("baseline missing", detail, ind.dataset, tuple(base.missing))


def _against_baseline(
    rev: _Window, base: _Window, ind: Indicator, params: CycleParams, baseline_rng: MonthRange
) -> tuple[dict[str, Any], list[str]]:
    """(fields, notes): the review period against the baseline: change, the test, the
    direction, and a note when a count's baseline is scaled to the review's length."""
    change = rev.value - base.value
    cmp = _compare(base, rev, ind, params.analysis.significance_level)
    fields: dict[str, Any] = {"change": change, "change_pct": _pct(rev.value, base.value)}
    if cmp is not None:
        fields.update(
            p_value=cmp.p_value,
            significant=cmp.significant,
            test=cmp.method,
            ratio=cmp.ratio,
            ratio_low=cmp.ratio_low,
            ratio_high=cmp.ratio_high,
            dispersion=cmp.dispersion,
        )
    fields["direction"] = _direction(change, cmp, ind.better, params.analysis.meaningful_change_pct)
    review = params.review
    notes = []
    if baseline_rng.n_months != review.n_months and ind.measure == "count":
        notes.append(
            f"baseline of {baseline_rng.n_months} months scaled to {review.n_months} for comparison"
        )
    return fields, notes


def _last_year_and_rolling(
    series: pd.DataFrame,
    rev: _Window,
    ind: Indicator,
    review: MonthRange,
    population: pd.DataFrame | None,
    alpha: float,
) -> dict[str, Any]:
    """The same period last year, and the latest 12 months against the 12 before, where the
    series covers them."""
    fields: dict[str, Any] = {}
    last_year = _window(series, review.shift(-12), ind, population)
    if not last_year.missing:
        fields.update(
            last_year_value=last_year.value, last_year_change_pct=_pct(rev.value, last_year.value)
        )
    end = review.end
    roll = _window(series, MonthRange(end - 11, end), ind, population)
    prev = _window(series, MonthRange(end - 23, end - 12), ind, population)
    if not roll.missing and not prev.missing:
        c2 = _compare(prev, roll, ind, alpha)
        fields.update(
            rolling_value=roll.value,
            rolling_previous=prev.value,
            rolling_change_pct=_pct(roll.value, prev.value),
            rolling_significant=bool(c2 and c2.significant),
        )
    return fields


def _target(
    ind: Indicator,
    base: _Window,
    rev: _Window,
    baseline_rng: MonthRange,
    review: MonthRange,
    assessable: bool,
) -> dict[str, Any]:
    """The target's value (given, or a change on the baseline) and, when the indicator is
    assessable, its status and the trajectory's value at the end of the review period."""
    if ind.target is None:
        return {}
    tv = (
        ind.target.value
        if ind.target.value is not None
        else (base.value * (1 + ind.target.change_pct / 100))
    )
    fields: dict[str, Any] = {"target_value": tv, "target_by": ind.target.by_month}
    if assessable:
        fields["target_status"], fields["trajectory_value"] = target_status(
            base.value,
            tv,
            baseline_rng.end,
            pd.Period(ind.target.by_month, "M"),
            review.end,
            rev.value,
            ind.better,
        )
    return fields


def _decision_notes(excluded: list[Change], affecting: list[Change]) -> list[str]:
    """The analyst's decisions on recording changes, as notes on the indicator."""
    notes = [
        f"excludes {c.crime_type} (recording change from {c.label}; the analyst's decision)"
        for c in excluded
    ]
    notes += [
        f"the change in {c.crime_type} from {c.label} was confirmed as real by the "
        "analyst, not a change in recording"
        for c in affecting
        if c.decision == "real"
    ]
    return notes


def _not_comparable(
    pending: list[Change], baseline_rng: MonthRange, review: MonthRange
) -> dict[str, Any]:
    """A recording change not yet decided (or rebased) between the baseline and the end of the
    review period: the comparisons and the target are withdrawn, and last year's and the
    rolling figures too when the change falls within them."""
    straddling = [c for c in pending if _straddles(baseline_rng.start, review.end, c)]
    if not straddling:
        return {}
    c = straddling[0]
    fields: dict[str, Any] = {
        "not_comparable": (
            f"possible recording change in {c.crime_type} from {c.label}"
            if not c.decision
            else f"recording change in {c.crime_type} from {c.label} (rebased)"
        ),
        "direction": "not comparable",
        "p_value": math.nan,
        "significant": False,
        "test": "",
        "ratio": math.nan,
        "ratio_low": math.nan,
        "ratio_high": math.nan,
        "target_status": "not assessable",
        "trajectory_value": math.nan,
    }
    if any(_straddles(review.shift(-12).start, review.end, c2) for c2 in straddling):
        fields.update(
            last_year_value=math.nan,
            last_year_change_pct=math.nan,
            rolling_value=math.nan,
            rolling_previous=math.nan,
            rolling_change_pct=math.nan,
            rolling_significant=False,
        )
    return fields


def _with_spc(
    series: pd.DataFrame,
    ind: Indicator,
    opts: SpcOptions,
    pending: list[Change],
    target_value: float,
    status: str,
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """(series with SPC columns, fields, notes): XmR over the whole series, never across a gap
    (limits would join months apart); limits recalculated where asked and where a recording
    change starts; on seasonally adjusted values when the season shows."""
    gaps = series_gaps(series, ind.period)
    notes = [f"no SPC limits: {', '.join(gaps)} missing from the series"] if gaps else []
    if len(series) < 2 or series["value"].isna().any() or gaps:
        return series, {}, notes
    improvement: spc.Improvement = "decrease" if ind.better == "lower" else "increase"
    per_period_target = _per_period(target_value, ind) if target_value == target_value else None
    starts = list(series["period_start"])
    rebase_months = [*opts.rebase, *(c.month for c in pending)]
    rebase = sorted(
        {next((i for i, st in enumerate(starts) if st >= m), len(starts)) for m in rebase_months}
        - {0, len(starts)}
    )
    notes += [
        f"SPC limits recalculated from {c.label}, where a "
        f"{'' if c.decision else 'possible '}recording change in {c.crime_type} starts"
        for c in pending
        if starts[0] < c.month <= starts[-1]
    ]
    spc_values, seasonal, seasonal_notes = _seasonally_adjusted(
        series["value"].to_numpy(dtype=float), starts, ind.period
    )
    notes += seasonal_notes
    result = spc.xmr(
        spc_values,
        improvement=improvement,
        rebase=rebase,
        screen_outliers=opts.screen_outliers,
        fix_after_n_points=opts.fix_after_n_points,
        shift_length=opts.shift_length,
        trend_length=opts.trend_length,
        minimum_points=opts.minimum_points,
        target=per_period_target,
    )
    series = pd.concat(
        [series.reset_index(drop=True), result.rename(columns={"value": "spc_value"})], axis=1
    )
    shift = spc.sustained_shift_start(result, opts.shift_length)
    if shift is not None and shift > 0 and shift not in rebase:
        notes.append(
            ForAnalyst(
                f"a sustained shift since {series['period'].iloc[shift]}: if the way of "
                f"working changed then, set analysis.spc.rebase to {starts[shift]} to "
                "recalculate the limits from there"
            )
        )
    kinds = result["point_type"].value_counts()
    fields: dict[str, Any] = {
        "seasonal": seasonal,
        "variation": spc.variation(result, improvement),
        "spc_provisional": bool(result["provisional"].iloc[-1]),
        "points": len(series),
        "special_improvement": int(kinds.get("special_cause_improvement", 0)),
        "special_concern": int(kinds.get("special_cause_concern", 0)),
    }
    # No assurance icon beside a target this review cannot assess (data missing, or a
    # recording change): the icon would claim what the target column says it cannot.
    if status != "not assessable":
        fields["assurance"] = spc.assurance(result, improvement, per_period_target) or ""
    return series, fields, notes


def _seasonally_adjusted(
    values: np.ndarray, starts: list[str], period: str
) -> tuple[np.ndarray, str, list[str]]:
    """(values for the XmR chart, seasonal flag, notes): divided by their month-of-year (or
    quarter-of-year) index when the season shows clearly; as recorded otherwise."""
    per_year = {"month": 12, "quarter": 4}.get(period)
    if not per_year:
        return values, "", []
    pos = [(_month(p).month - 1) // (12 // per_year) + 1 for p in starts]
    idx, _p = spc.seasonal_indices(values, pos, per_year=per_year)
    if idx is not None:
        return (
            spc.seasonally_adjusted(values, pos, idx),
            "adjusted",
            [
                f"SPC chart on seasonally adjusted values (a clear {period}-of-year pattern); the "
                "headline figures are not adjusted"
            ],
        )
    if len(values) <= 2 * per_year:  # a centred moving average needs more than two years
        return (
            values,
            "too short",
            [
                f"two years or less of {period.replace('_', ' ')}ly data: seasonality cannot be "
                "checked, so SPC flags may be seasonal"
            ],
        )
    return values, "", []


def _review_interval(rev: _Window, ind: Indicator, alpha: float) -> tuple[float, float]:
    """The exact interval of the review value, or (nan, nan) when a count is missing or not
    a whole number (a missing month leaves the review count undefined)."""
    nan = (math.nan, math.nan)
    if not math.isfinite(rev.num) or not float(rev.num).is_integer() or rev.num < 0:
        return nan
    if ind.measure == "proportion":
        if (
            not math.isfinite(rev.den)
            or not float(rev.den).is_integer()
            or rev.den <= 0
            or (rev.num > rev.den)
        ):
            return nan
        lo, hi = stats.proportion_ci(int(rev.num), int(rev.den), alpha)
        return 100 * lo, 100 * hi
    if ind.measure.startswith("rate"):
        if not math.isfinite(rev.exposure) or rev.exposure <= 0:
            return nan
        _r, lo, hi = stats.rate_ci(int(rev.num), rev.exposure, 1000, alpha)
        return lo, hi
    lo, hi = stats.poisson_ci(int(rev.num), alpha)
    return lo * 12 / rev.months, hi * 12 / rev.months


def series_gaps(series: pd.DataFrame, period_type: str) -> list[str]:
    """Labels of the periods missing between the first and last period of a series."""
    if len(series) < 2:
        return []
    step = PERIOD_MONTHS[period_type]
    have = set(series["period_start"])
    first = pd.Period(series["period_start"].iloc[0], "M")
    last = pd.Period(series["period_start"].iloc[-1], "M")
    out = []
    p = first
    while p <= last:
        if str(p) not in have:
            out.append(period_label(p, period_type))
        p += step
    return out


def _per_period(annual: float, ind: Indicator) -> float:
    """A review-period target (annual) expressed per chart period (month or quarter)."""
    if ind.measure == "proportion":
        return annual
    return annual * PERIOD_MONTHS[ind.period] / 12


def compute_all(
    strategy: Strategy,
    params: CycleParams,
    tidy: dict[str, pd.DataFrame],
    partner: pd.DataFrame,
    present: dict[str, list[str]],
    status: dict[str, str],
    population: pd.DataFrame | None,
    changes: dict[str, Change] | None = None,
) -> tuple[pd.DataFrame, dict[str, IndicatorResult], dict[str, pd.DataFrame]]:
    """Scorecard (one row per indicator), results by id, and series by id."""
    results: dict[str, IndicatorResult] = {}
    series: dict[str, pd.DataFrame] = {}
    for ind in strategy.indicators:
        res, s = compute_indicator(ind, params, tidy, partner, present, status, population, changes)
        results[ind.id] = res
        series[ind.id] = s
    scorecard = pd.DataFrame([r.row() for r in results.values()])
    return scorecard, results, series
