"""The strategy re-assessment: the evidence partnerships set priorities on, for every priority
and every crime type or partner measure no indicator covers, combined into a priority-setting
matrix. It recommends; the partnership decides.

For each subject (a priority, or a candidate the strategy leaves uncovered):

- **Three-year trend**: the counts of the three 12-month years ending with the review period,
  and year 3 against year 1 with the indicators' change test (`compare_monthly_counts`: the
  exact conditional Poisson test, or quasi-Poisson when the counts vary more than chance, the
  seasons allowed for as the two years cover the same months). A year lacking a month is not
  counted (missing is not zero), and a possible recording change inside the three years makes
  the trend not comparable.
- **Volume**: year 3's count. **Harm**: year 3's count times the type's harm weight
  (`inputs.harm`), summed over the subject's types; a type with no weight leaves the harm
  unworked (said, never a zero weight).
- **Peers** and **recording caveats**: shown beside the scores (peer figures cover the
  strategy's indicators only), not scored.

The matrix (MoRiLE-like: impact x likelihood, then the analyst's modifiers; docs/method.md):

- impact 1-5 from the subject's share of all weighted harm in year 3 (`IMPACT_BANDS`);
- likelihood 1-5 from the trend (`likelihood`): a real rise of 25% or more 5, a real rise 4,
  no change beyond chance 3, a real fall 2, a real fall of 25% or more 1;
- risk = impact x likelihood (1-25);
- priority score = risk x (1 + (public concern - 3) / 10) x (1 + (3 - capacity) / 10): great
  public concern and little capacity to act raise it by up to a fifth each (MoRiLE's
  "organisational position"); an unscored modifier leaves the score "not scored", never 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from reviewkit.analysis import horizon
from reviewkit.analysis.verdict import Verdict
from reviewkit.base.periods import PERIOD_MONTHS, MonthRange, month_name
from reviewkit.inputs.harm import STATUS_WORDS, HarmWeights
from reviewkit.inputs.scores import PriorityScores
from reviewkit.inputs.strategy import Strategy
from reviewkit.methods import exact_tests as stats

Kind = Literal["priority", "crime_type", "measure"]
Band = Literal["high", "medium", "low", ""]
# (smallest share of all weighted harm, impact score), highest first
IMPACT_BANDS: tuple[tuple[float, int], ...] = ((0.25, 5), (0.10, 4), (0.05, 3), (0.01, 2), (0, 1))
BIG_CHANGE = 0.25  # a real change of this size (as a ratio, 25%) moves likelihood to 5 or 1
HIGH, MEDIUM = 12.0, 6.0  # band thresholds on the risk or priority score (of 25, or 36)


@dataclass(frozen=True)
class Subject:
    """What a matrix row is about, and which data measure it."""

    kind: Kind
    key: str  # priority id, crime type or measure id
    name: str  # the words the board reads
    crime_types: tuple[str, ...] = ()  # police.uk types counted
    measure: tuple[str, str] | None = None  # (dataset, measure) when a partner measure
    indicators: tuple[str, ...] = ()  # a priority's indicators
    also: tuple[str, ...] = ()  # a priority's partner measures not added to its counts
    why_no_data: str = ""  # why no data can measure it ('' when it can)
    measure_name: str = ""  # the partner measure's name as the board reads it


@dataclass(frozen=True)
class Trend:
    """Three 12-month years and year 3 against year 1."""

    years: tuple[MonthRange, MonthRange, MonthRange]
    counts: tuple[float | None, float | None, float | None]  # None: a month missing
    why_not: str = ""  # why it could not be tested ('' when tested)
    ratio: float = math.nan
    low: float = math.nan
    high: float = math.nan
    p_value: float = math.nan
    significant: bool = False
    method: str = ""
    why_code: str = ""  # the reason in two or three words, for a table cell

    @property
    def short(self) -> str:
        """The trend in a few words: 'rising, +89%' or 'not tested (recording change)'."""
        if not self.tested:
            return f"not tested ({self.why_code})" if self.why_code else "not tested"
        return f"{self.direction}, {(self.ratio - 1) * 100:+.0f}%"

    @property
    def tested(self) -> bool:
        """Whether the trend was tested (no reason is recorded why it could not be)."""
        return not self.why_not

    @property
    def direction(self) -> str:
        """rising, falling or no change beyond chance ('' when not tested)."""
        if not self.tested:
            return ""
        if self.significant and self.ratio > 1:
            return "rising"
        if self.significant and self.ratio < 1:
            return "falling"
        return "no change beyond chance"


@dataclass(frozen=True)
class Evidence:
    """The evidence for one subject."""

    subject: Subject
    trend: Trend
    volume: float | None  # year 3's count (None: year 3 incomplete)
    harm: float | None  # year 3's weighted harm (None: not worked out, `harm_why`)
    harm_why: str = ""
    harm_status: tuple[str, ...] = ()  # the statuses of the weights used
    peers: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditEntry:
    """One score, its value and where it came from."""

    subject: str
    score: str
    value: str
    source: str


@dataclass(frozen=True)
class MatrixRow:
    """One subject's scores and the recommendation drawn from them."""

    evidence: Evidence
    share: float | None  # of all weighted harm in year 3
    impact: int | None
    likelihood: int | None
    risk: int | None
    public_concern: int | None
    capacity: int | None
    score: float | None  # with the analyst's scores (None: not scored)
    band: Band
    recommendation: str
    basis: str  # what the band rests on
    audit: tuple[AuditEntry, ...] = field(default_factory=tuple)


# Subjects -----------------------------------------------------------------------------------
def _measure_name(dataset: str, measure: str, dataset_names: Mapping[str, str]) -> str:
    return f"{measure.replace('_', ' ').capitalize()} ({dataset_names.get(dataset, dataset)})"


def subjects(
    strategy: Strategy,
    street_dataset: str | None,
    police_types: set[str],
    partner_measures: set[tuple[str, str]],
    dataset_names: Mapping[str, str],
) -> list[Subject]:
    """Every priority, then every crime type and partner measure in the data that no count or
    rate indicator covers (`horizon.covered`), in the order the board reads them."""
    out = []
    for pr in strategy.priorities:
        inds = [i for i in strategy.indicators if i.priority == pr.id]
        types: set[str] = set()
        measures: list[tuple[str, str]] = []
        for ind in inds:
            if ind.measure == "proportion":
                continue
            if ind.dataset == street_dataset:
                types.update(ind.filter.crime_type_set() or police_types)
            elif ind.filter.measure is not None:
                measures.append((ind.dataset, ind.filter.measure))
        names = [_measure_name(d, m, dataset_names) for d, m in measures]
        why = ""
        one: tuple[str, str] | None = None
        if not types and len(measures) == 1:
            one, names = measures[0], []
        elif not types and len(measures) > 1:
            why = "its indicators follow several partner measures that cannot be added up"
        elif not types:
            why = "none of its indicators counts crimes or a partner measure"
        out.append(
            Subject(
                "priority",
                pr.id,
                pr.name,
                tuple(sorted(types)),
                one,
                tuple(i.id for i in inds),
                tuple(names),
                why,
                _measure_name(*one, dataset_names) if one else "",
            )
        )
    cover_police, cover_partner = horizon.covered(strategy)
    covered_types = cover_police.get(street_dataset or "", set())
    for t in sorted(police_types - covered_types):
        out.append(Subject("crime_type", t, t, (t,)))
    for d, m in sorted(partner_measures):
        cov = cover_partner.get(d, set())
        if cov is None or m in cov:
            continue
        name = _measure_name(d, m, dataset_names)
        out.append(Subject("measure", m, name, measure=(d, m), measure_name=name))
    return out


# Trend --------------------------------------------------------------------------------------
def three_years(review: MonthRange) -> tuple[MonthRange, MonthRange, MonthRange]:
    """The three 12-month years ending with the review period's last month, oldest first."""
    end = review.end
    return (
        MonthRange(end - 35, end - 24),
        MonthRange(end - 23, end - 12),
        MonthRange(end - 11, end),
    )


def police_windows(
    police: pd.DataFrame | None,
    arrived: set[str],
    types: tuple[str, ...],
    years: tuple[MonthRange, ...],
) -> list[list[float] | None]:
    """Each year's monthly counts of `types` (None for a year with a month that never
    arrived: missing, not zero). `police`: month, crime_type, n."""
    if police is None or police.empty:
        return [None for _ in years]
    rows = police[police["crime_type"].isin(types)]
    per = rows.groupby(rows["month"].astype(str))["n"].sum()
    out: list[list[float] | None] = []
    for y in years:
        labels = y.labels()
        if any(m not in arrived for m in labels):
            out.append(None)
        else:
            out.append([float(per.get(m, 0)) for m in labels])
    return out


def partner_windows(
    partner: pd.DataFrame | None, dataset: str, measure: str, years: tuple[MonthRange, ...]
) -> list[list[float] | None]:
    """Each year's per-period values of a partner measure (None for a year some month of
    which no period covers)."""
    if partner is None or partner.empty:
        return [None for _ in years]
    g = partner[(partner["dataset"] == dataset) & (partner["measure"] == measure)]
    if g.empty:
        return [None for _ in years]
    length = PERIOD_MONTHS[str(g["period_type"].iloc[0])]
    per = g.groupby(g["period_start"].astype(str))["value"].sum()
    out: list[list[float] | None] = []
    for y in years:
        starts = [pd.Period(p, "M") for p in per.index]
        inside = sorted(s for s in starts if y.contains(s) and y.contains(s + (length - 1)))
        months = {str(s + k) for s in inside for k in range(length)}
        if any(m not in months for m in y.labels()):
            out.append(None)
        else:
            out.append([float(per[str(s)]) for s in inside])
    return out


def trend_test(
    windows: list[list[float] | None],
    years: tuple[MonthRange, MonthRange, MonthRange],
    alpha: float,
    not_comparable: str = "",
) -> Trend:
    """Year 3 against year 1 with the indicators' change test (same months of the year, so
    the seasons are allowed for); not tested when either year lacks a month, the counts are
    not whole numbers, or `not_comparable` gives a recording change inside the years."""
    counts = tuple(None if w is None else float(sum(w)) for w in windows)
    assert len(counts) == 3
    c = (counts[0], counts[1], counts[2])
    first, last = windows[0], windows[2]
    missing = [
        f"{month_name(y.start)} to {month_name(y.end)}"
        for y, w in zip(years, windows, strict=True)
        if w is None and y in (years[0], years[2])
    ]
    if missing:
        return Trend(years, c, "data missing for " + " and ".join(missing), why_code="data missing")
    assert first is not None and last is not None
    if not_comparable:
        return Trend(years, c, not_comparable, why_code="recording change")
    if not all(float(x).is_integer() for x in (*first, *last)):
        return Trend(
            years,
            c,
            "the figures are not whole counts, so the count test does not apply",
            why_code="not counts",
        )
    if not sum(first) + sum(last):
        return Trend(years, c, "nothing was recorded in either year", why_code="none recorded")
    cmp = stats.compare_monthly_counts(first, 12, last, 12, alpha, len(first) == len(last))
    return Trend(
        years,
        c,
        "",
        cmp.ratio,
        cmp.ratio_low,
        cmp.ratio_high,
        cmp.p_value,
        cmp.significant,
        cmp.method,
    )


def likelihood(trend: Trend) -> int | None:
    """1-5 from the trend: a real rise of 25% or more 5, a real rise 4, no change beyond
    chance 3, a real fall 2, a real fall of 25% or more 1; None when not tested."""
    if not trend.tested:
        return None
    if trend.direction == "rising":
        return 5 if trend.ratio >= 1 + BIG_CHANGE else 4
    if trend.direction == "falling":
        return 1 if trend.ratio <= 1 - BIG_CHANGE else 2
    return 3


def impact(share: float | None) -> int | None:
    """1-5 from the subject's share of all weighted harm (`IMPACT_BANDS`); None when the
    harm could not be worked out."""
    if share is None or math.isnan(share):
        return None
    return next(score for least, score in IMPACT_BANDS if share >= least)


def modifier(public_concern: int | None, capacity: int | None) -> float | None:
    """The analyst's modifier: (1 + (concern - 3) / 10) x (1 + (3 - capacity) / 10), from 0.64
    to 1.44; None when either is not scored."""
    if public_concern is None or capacity is None:
        return None
    return (1 + (public_concern - 3) / 10) * (1 + (3 - capacity) / 10)


def band(value: float | None) -> Band:
    """The band of a risk or priority score: high from `HIGH`, medium from `MEDIUM`, else low;
    '' when the score could not be worked out."""
    if value is None:
        return ""
    return "high" if value >= HIGH else "medium" if value >= MEDIUM else "low"


RECOMMEND: dict[tuple[bool, Band], str] = {
    (True, "high"): "keep as a priority",
    (True, "medium"): "keep under review",
    (True, "low"): "consider whether it is still a priority",
    (False, "high"): "consider as a priority in the next strategic assessment",
    (False, "medium"): "consider watching it in the next strategic assessment",
    (False, "low"): "no change suggested by the evidence",
}


# Evidence -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sources:
    """The data and judgements the evidence is drawn from."""

    police: pd.DataFrame | None  # month, crime_type, n
    arrived: set[str]  # months the police data arrived for
    partner: pd.DataFrame | None
    weights: HarmWeights
    recording: Mapping[str, list[str]]  # crime type -> months of changes not judged real
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    peers: Mapping[str, str] = field(default_factory=dict)  # indicator id -> position words
    indicator_names: Mapping[str, str] = field(default_factory=dict)


def _recording_in(types: tuple[str, ...], years: tuple[MonthRange, ...], src: Sources) -> str:
    span = MonthRange(years[0].start, years[-1].end)
    found = [
        f"a possible change in how {t} is recorded from {month_name(pd.Period(m, 'M'))}"
        for t in types
        for m in src.recording.get(t, [])
        if span.start < pd.Period(m, "M") <= span.end
    ]
    return "; ".join(found)


def _harm(
    subject: Subject, volume_by_type: dict[str, float | None], src: Sources
) -> tuple[float | None, str, tuple[str, ...]]:
    names = list(subject.crime_types) or ([subject.measure[1]] if subject.measure else [])
    if not names:
        return None, subject.why_no_data or "nothing to weight", ()
    unweighted = [n for n in names if src.weights.get(n) is None]
    if unweighted:
        said = [subject.measure_name or n if subject.measure else n for n in unweighted]
        return None, "no harm weight for " + ", ".join(said), ()
    missing = [n for n in names if volume_by_type.get(n) is None]
    if missing:
        return None, "the latest year is incomplete", ()
    total = 0.0
    statuses = []
    for n in names:
        w = src.weights.get(n)
        assert w is not None
        total += w.weight * float(volume_by_type[n] or 0.0)
        statuses.append(w.status)
    return total, "", tuple(sorted(set(statuses)))


def evidence(
    subject: Subject, years: tuple[MonthRange, MonthRange, MonthRange], alpha: float, src: Sources
) -> Evidence:
    """The evidence for one subject from the cycle's data."""
    volume_by_type: dict[str, float | None] = {}
    if subject.crime_types:
        windows = police_windows(src.police, src.arrived, subject.crime_types, years)
        for t in subject.crime_types:
            w = police_windows(src.police, src.arrived, (t,), years[2:])[0]
            volume_by_type[t] = None if w is None else float(sum(w))
        trend = trend_test(windows, years, alpha, _recording_in(subject.crime_types, years, src))
    elif subject.measure is not None:
        windows = partner_windows(src.partner, *subject.measure, years)
        volume_by_type[subject.measure[1]] = None if windows[2] is None else float(sum(windows[2]))
        trend = trend_test(windows, years, alpha)
        if all(w is None for w in windows):
            trend = Trend(years, (None, None, None), "no data was received", why_code="no data")
    else:
        trend = Trend(years, (None, None, None), subject.why_no_data, why_code="no measure")
    harm, why, statuses = _harm(subject, volume_by_type, src)
    peers = tuple(
        f"{src.indicator_names.get(i, i)}: {src.peers[i]}"
        for i in subject.indicators
        if i in src.peers
    )
    caveats = []
    for i in subject.indicators:
        v = src.verdicts.get(i)
        if v is not None and v.comparability in ("awaiting decision", "rebased", "excluded"):
            caveats.append(
                f"{src.indicator_names.get(i, i)}: a possible change in how "
                f"{', '.join(v.recording_types) or 'its crimes are'} recorded "
                f"({v.comparability})"
            )
    if subject.kind == "crime_type":
        for m in src.recording.get(subject.key, []):
            caveats.append(
                f"a possible change in how it is recorded from {month_name(pd.Period(m, 'M'))}"
            )
    return Evidence(subject, trend, trend.counts[2], harm, why, statuses, peers, tuple(caveats))


def total_harm(
    police: pd.DataFrame | None, arrived: set[str], year: MonthRange, weights: HarmWeights
) -> tuple[float | None, tuple[str, ...]]:
    """(All weighted harm of the police crime types in the year, the types left out for want
    of a weight); None when the year is incomplete."""
    if police is None or police.empty or any(m not in arrived for m in year.labels()):
        return None, ()
    rows = police[police["month"].astype(str).isin(year.labels())]
    per = rows.groupby("crime_type")["n"].sum()
    total, left_out = 0.0, []
    for t, n in per.items():
        w = weights.get(str(t))
        if w is None:
            left_out.append(str(t))
        else:
            total += w.weight * float(n)
    return total, tuple(sorted(left_out))


# The matrix ---------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")


def score_row(
    ev: Evidence,
    total: float | None,
    scores: PriorityScores | None,
    scores_label: str,
    weights_label: str,
) -> MatrixRow:
    """One subject's matrix row: impact, likelihood, risk, the analyst's scores, the priority
    score, its band and the recommendation, with the audit trail of each score."""
    s = ev.subject
    share = ev.harm / total if ev.harm is not None and total else None
    imp, lik = impact(share), likelihood(ev.trend)
    risk = imp * lik if imp is not None and lik is not None else None
    entry = scores.for_subject(s.kind, s.key) if scores is not None else None
    concern = entry.public_concern if entry else None
    capacity = entry.capacity if entry else None
    mod = modifier(concern, capacity)
    score = round(risk * mod, 2) if risk is not None and mod is not None else None
    value = score if score is not None else risk
    b = band(value)
    if value is None:
        missing = [x for x, v in (("impact", imp), ("likelihood", lik)) if v is None]
        basis = f"not scored: {' and '.join(missing)} could not be worked out"
        rec = "evidence incomplete: the board may wish to ask for what is missing"
    else:
        basis = (
            "risk and the analyst's scores"
            if score is not None
            else "harm and trend only (the analyst's scores are not given)"
        )
        rec = RECOMMEND[(s.kind == "priority", b)]
    audit = list(_audit(ev, share, imp, lik, risk, weights_label))
    for kind, val in (("public_concern", concern), ("capacity", capacity)):
        name = "Public concern" if kind == "public_concern" else "Partnership capacity"
        if val is None:
            audit.append(
                AuditEntry(
                    s.name,
                    name,
                    "not scored",
                    scores_label and f"not in {scores_label}" or "no scores file",
                )
            )
        else:
            assert entry is not None
            audit.append(
                AuditEntry(
                    s.name,
                    name,
                    f"{val} of 5",
                    f"{getattr(entry, kind + '_source')} ({scores_label})",
                )
            )
    if score is not None:
        assert mod is not None and risk is not None
        audit.append(
            AuditEntry(
                s.name,
                "Priority score",
                _fmt(score),
                f"risk {risk} x {mod:.2f} (public concern and capacity)",
            )
        )
    return MatrixRow(
        ev, share, imp, lik, risk, concern, capacity, score, b, rec, basis, tuple(audit)
    )


def _audit(
    ev: Evidence,
    share: float | None,
    imp: int | None,
    lik: int | None,
    risk: int | None,
    weights_label: str,
) -> list[AuditEntry]:
    s, t = ev.subject, ev.trend
    out = []
    if imp is None:
        out.append(AuditEntry(s.name, "Impact", "not scored", ev.harm_why))
    else:
        assert share is not None and ev.harm is not None
        status = "; ".join(STATUS_WORDS.get(x, x) for x in ev.harm_status)
        volume = "not complete" if ev.volume is None else f"{ev.volume:,.0f}"
        out.append(
            AuditEntry(
                s.name,
                "Impact",
                f"{imp} of 5",
                f"harm {_fmt(ev.harm)}: each type's count in the latest year ({volume} in "
                f"all) x its harm weight ({weights_label}: {status}) = {share:.1%} "
                "of all weighted harm",
            )
        )
    if lik is None:
        out.append(AuditEntry(s.name, "Likelihood", "not scored", t.why_not))
    else:
        out.append(
            AuditEntry(
                s.name,
                "Likelihood",
                f"{lik} of 5",
                f"trend: the latest year against two years before, {t.direction} (rate ratio "
                f"{t.ratio:.2f}, 95% interval {t.low:.2f} to {t.high:.2f}, p {t.p_value:.3g}; "
                f"{t.method})",
            )
        )
    if risk is not None:
        out.append(AuditEntry(s.name, "Risk", f"{risk} of 25", f"impact {imp} x likelihood {lik}"))
    return out


def matrix(
    evidence_rows: list[Evidence],
    total: float | None,
    scores: PriorityScores | None,
    scores_label: str,
    weights_label: str,
) -> list[MatrixRow]:
    """Every subject's row, priorities first, then candidates by band (high first) and score."""
    rows = [score_row(e, total, scores, scores_label, weights_label) for e in evidence_rows]
    order = {"high": 0, "medium": 1, "low": 2, "": 3}

    def key(r: MatrixRow) -> tuple[int, int, float]:
        value = r.score if r.score is not None else r.risk
        return (
            r.evidence.subject.kind != "priority",
            order[r.band],
            -(value if value is not None else -1),
        )

    return sorted(rows, key=key)
