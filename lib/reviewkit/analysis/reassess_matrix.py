"""The strategy re-assessment's priority-setting matrix: impact, risk, the analyst's
modifiers, the band and the recommendation, each score with its audit trail."""

from __future__ import annotations

import math

from reviewkit.analysis.reassess_records import (
    AuditEntry,
    Band,
    Evidence,
    MatrixRow,
)
from reviewkit.analysis.reassess_trend import likelihood
from reviewkit.inputs.harm import STATUS_WORDS
from reviewkit.inputs.scores import PriorityScores

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
