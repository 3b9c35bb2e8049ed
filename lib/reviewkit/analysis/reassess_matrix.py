"""The strategy re-assessment's priority-setting matrix: impact, risk, the analyst's
modifiers, the band and the recommendation, each score with its audit trail."""

from __future__ import annotations

import math

from reviewkit.analysis.reassess_records import (
    AuditEntry,
    Band,
    Evidence,
    Kind,
    MatrixRow,
)
from reviewkit.analysis.reassess_trend import likelihood
from reviewkit.inputs.harm import STATUS_WORDS
from reviewkit.inputs.scores import PriorityScores, Score

# (smallest share of all weighted harm, impact score), highest first
IMPACT_BANDS: tuple[tuple[float, int], ...] = ((0.25, 5), (0.10, 4), (0.05, 3), (0.01, 2), (0, 1))
HIGH, MEDIUM = 12.0, 6.0  # band thresholds on the risk or priority score (of 25, or 36)


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


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")


def share_of_harm(harm: float | None, total: float | None) -> float | None:
    """The subject's share of all weighted harm of the latest year, the impact's basis; None
    when its harm or the total could not be worked out (or the total is nothing)."""
    return harm / total if harm is not None and total else None


def risk(imp: int | None, lik: int | None) -> int | None:
    """Risk, impact x likelihood (1-25); None when either could not be worked out."""
    return imp * lik if imp is not None and lik is not None else None


def priority_score(risk_score: int | None, mod: float | None) -> float | None:
    """The priority score, risk x the analyst's modifier, to two decimals; None when either is
    missing (never 0)."""
    return round(risk_score * mod, 2) if risk_score is not None and mod is not None else None


def banded_on(score: float | None, risk_score: int | None) -> float | None:
    """What a subject is banded and ordered on: the priority score, or the risk alone where
    the analyst's scores are missing; None when neither could be worked out."""
    return score if score is not None else risk_score


def basis_and_recommendation(
    kind: Kind, imp: int | None, lik: int | None, score: float | None, b: Band
) -> tuple[str, str]:
    """(what the band rests on, the recommendation) in the board's words: the recommendation
    by kind and band (`RECOMMEND`), or, for a subject not banded, which evidence is missing."""
    if b == "":
        missing = [x for x, v in (("impact", imp), ("likelihood", lik)) if v is None]
        return (
            f"not scored: {' and '.join(missing)} could not be worked out",
            "evidence incomplete: the board may wish to ask for what is missing",
        )
    basis = (
        "risk and the analyst's scores"
        if score is not None
        else "harm and trend only (the analyst's scores are not given)"
    )
    return basis, RECOMMEND[(kind == "priority", b)]


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
    share = share_of_harm(ev.harm, total)
    imp, lik = impact(share), likelihood(ev.trend)
    risk_score = risk(imp, lik)
    entry = scores.for_subject(s.kind, s.key) if scores is not None else None
    concern = entry.public_concern if entry else None
    capacity = entry.capacity if entry else None
    mod = modifier(concern, capacity)
    score = priority_score(risk_score, mod)
    b = band(banded_on(score, risk_score))
    basis, rec = basis_and_recommendation(s.kind, imp, lik, score, b)
    audit = [
        *_audit(ev, share, imp, lik, risk_score, weights_label),
        *_analyst_audit(s.name, entry, scores_label),
        *_score_audit(s.name, score, risk_score, mod),
    ]
    return MatrixRow(
        ev, share, imp, lik, risk_score, concern, capacity, score, b, rec, basis, tuple(audit)
    )


ANALYST_SCORES = (("public_concern", "Public concern"), ("capacity", "Partnership capacity"))


def _analyst_audit(name: str, entry: Score | None, scores_label: str) -> list[AuditEntry]:
    """The audit trail of the analyst's two scores: each with its value and source, or 'not
    scored' and why (not in the scores file, or no scores file)."""
    out = []
    for kind, label in ANALYST_SCORES:
        val = getattr(entry, kind) if entry is not None else None
        if val is None:
            why = scores_label and f"not in {scores_label}" or "no scores file"
            out.append(AuditEntry(name, label, "not scored", why))
        else:
            source = f"{getattr(entry, kind + '_source')} ({scores_label})"
            out.append(AuditEntry(name, label, f"{val} of 5", source))
    return out


def _score_audit(
    name: str, score: float | None, risk_score: int | None, mod: float | None
) -> list[AuditEntry]:
    """The priority score's audit entry (none when it is not scored)."""
    if score is None or risk_score is None or mod is None:
        return []
    how = f"risk {risk_score} x {mod:.2f} (public concern and capacity)"
    return [AuditEntry(name, "Priority score", _fmt(score), how)]


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
        value = banded_on(r.score, r.risk)
        return (
            r.evidence.subject.kind != "priority",
            order[r.band],
            -(value if value is not None else -1),
        )

    return sorted(rows, key=key)
