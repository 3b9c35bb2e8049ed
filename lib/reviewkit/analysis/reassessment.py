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

from reviewkit.analysis.reassess_evidence import Sources, evidence, total_harm
from reviewkit.analysis.reassess_matrix import (
    HIGH,
    IMPACT_BANDS,
    MEDIUM,
    RECOMMEND,
    band,
    banded_on,
    basis_and_recommendation,
    impact,
    matrix,
    modifier,
    priority_score,
    risk,
    score_row,
    share_of_harm,
)
from reviewkit.analysis.reassess_records import (
    AuditEntry,
    Band,
    Evidence,
    Kind,
    MatrixRow,
    Subject,
    Trend,
)
from reviewkit.analysis.reassess_subjects import (
    candidates,
    followed,
    measured_by,
    priority_subject,
    subjects,
)
from reviewkit.analysis.reassess_trend import (
    BIG_CHANGE,
    likelihood,
    partner_windows,
    police_windows,
    three_years,
    trend_test,
)

# The parts live in modules of their own (records, subjects, trend, evidence, matrix); their
# names stay importable from here.
__all__ = [
    "BIG_CHANGE",
    "HIGH",
    "IMPACT_BANDS",
    "MEDIUM",
    "RECOMMEND",
    "AuditEntry",
    "Band",
    "Evidence",
    "Kind",
    "MatrixRow",
    "Sources",
    "Subject",
    "Trend",
    "band",
    "banded_on",
    "basis_and_recommendation",
    "candidates",
    "evidence",
    "followed",
    "impact",
    "likelihood",
    "matrix",
    "measured_by",
    "modifier",
    "partner_windows",
    "police_windows",
    "priority_score",
    "priority_subject",
    "risk",
    "score_row",
    "share_of_harm",
    "subjects",
    "three_years",
    "total_harm",
    "trend_test",
]
