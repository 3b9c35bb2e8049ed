"""The strategy re-assessment: the priority-setting matrix worked out by hand, the three-year
trend test against scipy, the analyst's scores and harm weights files and their errors, the
scores carried into the next cycle, and the section in the demo board report."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from scipy.stats.contingency import expected_freq

from conftest import write_params
from reviewkit.analysis import reassessment as ra
from reviewkit.base.errors import ReviewError
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.harm import (
    HarmWeight,
    HarmWeights,
    category_weight,
    load_harm_weights,
)
from reviewkit.inputs.params import load_params
from reviewkit.inputs.scores import (
    PriorityScores,
    carry_forward,
    load_scores,
    unknown_subjects,
)
from reviewkit.report import reassessment as report
from reviewkit.report.analyst_text import analyst_text
from reviewkit.run.scaffold import new_cycle

YEARS = ra.three_years(MonthRange.of("2025-10", "2026-09"))


def _trend(ratio: float, significant: bool, why_not: str = "") -> ra.Trend:
    return ra.Trend(YEARS, (100.0, 110.0, 120.0), why_not, ratio, 0.9, 1.5, 0.01, significant, "t")


def _evidence(kind: ra.Kind, key: str, harm: float | None, trend: ra.Trend) -> ra.Evidence:
    subject = ra.Subject(kind, key, key.capitalize(), (key,))
    return ra.Evidence(subject, trend, 120.0, harm, "" if harm is not None else "no harm weight")


def _scores(**by_priority: tuple[int | None, int | None]) -> PriorityScores:
    entries = []
    for key, (concern, capacity) in by_priority.items():
        entry: dict[str, object] = {"priority": key}
        if concern is not None:
            entry |= {"public_concern": concern, "public_concern_source": "survey"}
        if capacity is not None:
            entry |= {"capacity": capacity, "capacity_source": "meeting"}
        entries.append(entry)
    return PriorityScores.model_validate(
        {"scored_by": "Analyst", "scored_on": "2026-11-10", "scores": entries}
    )


# The matrix, by hand ----------------------------------------------------------------------------
def test_matrix_arithmetic_worked_by_hand():
    """Total weighted harm 1,000.
    - violence: harm 300 = 30% -> impact 5; a real rise of 30% -> likelihood 5; risk 25;
      concern 4 (x 1.1), capacity 2 (x 1.1): 25 x 1.21 = 30.25, high -> keep.
    - asb: harm 60 = 6% -> impact 3; a real fall of 20% -> 2; risk 6; concern 1 (x 0.8),
      capacity 5 (x 0.8): 6 x 0.64 = 3.84, low -> consider whether still a priority.
    - youth: harm 100 = 10% -> impact 4 (the band's edge); no real change -> 3; risk 12;
      no scores -> score not scored; band on risk alone: 12 is high.
    """
    rows = ra.matrix(
        [
            _evidence("priority", "violence", 300, _trend(1.3, True)),
            _evidence("priority", "asb", 60, _trend(0.8, True)),
            _evidence("priority", "youth", 100, _trend(1.05, False)),
        ],
        1000.0,
        _scores(violence=(4, 2), asb=(1, 5)),
        "the analyst's scores",
        "weights",
    )
    by = {r.evidence.subject.key: r for r in rows}
    v, a, y = by["violence"], by["asb"], by["youth"]
    assert (v.impact, v.likelihood, v.risk) == (5, 5, 25)
    assert v.score == pytest.approx(30.25)
    assert (v.band, v.recommendation) == ("high", "keep as a priority")
    assert (a.impact, a.likelihood, a.risk) == (3, 2, 6)
    assert a.score == pytest.approx(3.84)
    assert (a.band, a.recommendation) == ("low", "consider whether it is still a priority")
    assert (y.impact, y.likelihood, y.risk, y.score) == (4, 3, 12, None)
    assert (y.public_concern, y.capacity) == (None, None)
    assert y.band == "high" and "not given" in y.basis
    # priorities by band, then score: violence (30.25), youth (12), asb (3.84)
    assert [r.evidence.subject.key for r in rows] == ["violence", "youth", "asb"]


@pytest.mark.parametrize(
    "share,expected",
    [(0.25, 5), (0.2499, 4), (0.10, 4), (0.0999, 3), (0.05, 3), (0.01, 2), (0.0099, 1), (0.0, 1)],
)
def test_impact_bands_at_their_edges(share, expected):
    assert ra.impact(share) == expected


@pytest.mark.parametrize(
    "ratio,significant,expected",
    [
        (1.25, True, 5),
        (1.2499, True, 4),
        (1.6, False, 3),
        (0.9, True, 2),
        (0.75, True, 1),
        (0.7501, True, 2),
    ],
)
def test_likelihood_from_the_trend(ratio, significant, expected):
    assert ra.likelihood(_trend(ratio, significant)) == expected


def test_a_candidate_is_recommended_for_the_board_to_consider():
    (row,) = ra.matrix(
        [_evidence("crime_type", "weapons", 300, _trend(1.9, True))], 1000.0, None, "", "w"
    )
    assert row.risk == 25 and row.band == "high"
    assert row.recommendation == "consider as a priority in the next strategic assessment"


def test_missing_scores_are_not_scored_never_zero():
    """No scores file: public concern, capacity and the priority score are not scored, the
    band rests on risk alone, and the table says 'not scored' (no 0 in those cells)."""
    rows = ra.matrix(
        [
            _evidence("priority", "violence", 300, _trend(1.3, True)),
            _evidence("priority", "asb", None, _trend(1.0, False, "data missing for 2024")),
        ],
        1000.0,
        None,
        "",
        "weights",
    )
    v, a = rows
    assert (v.public_concern, v.capacity, v.score) == (None, None, None)
    assert v.risk == 25 and v.band == "high"
    assert (a.impact, a.likelihood, a.risk, a.band) == (None, None, None, "")
    assert "incomplete" in a.recommendation
    audit = {(e.subject, e.score): e.value for r in rows for e in r.audit}
    assert audit[("Violence", "Public concern")] == "not scored"
    assert audit[("Asb", "Impact")] == "not scored"
    table = report.matrix_table(report.Reassessment(rows, HarmWeights({}), True, None, (), YEARS))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    assert cells.count("not scored") >= 5
    assert "0" not in cells  # an unscored cell is never shown as zero


@given(
    st.floats(0, 1),
    st.floats(0.1, 3),
    st.booleans(),
    st.integers(1, 5),
    st.integers(1, 5),
)
def test_scores_stay_in_their_ranges(share, ratio, significant, concern, capacity):
    imp, lik = ra.impact(share), ra.likelihood(_trend(ratio, significant))
    assert imp is not None and lik is not None and 1 <= imp <= 5 and 1 <= lik <= 5
    mod = ra.modifier(concern, capacity)
    assert mod is not None and 0.64 - 1e-9 <= mod <= 1.44 + 1e-9
    assert imp * lik * mod > 0  # a scored subject never scores zero


# The three-year trend -----------------------------------------------------------------------
def _police(counts: dict[str, list[int]], months: list[str]):
    import pandas as pd

    rows = [
        {"month": m, "crime_type": t, "n": n}
        for t, series in counts.items()
        for m, n in zip(months, series, strict=True)
    ]
    return pd.DataFrame(rows)


MONTHS = [str(m) for m in MonthRange(YEARS[0].start, YEARS[2].end).months]


def test_trend_exact_test_matches_scipy_binomtest():
    """Counts varying less than Poisson: the exact conditional test, which for two equal
    exposures is the binomial test of year 3's share of both years' total against 1/2."""
    year1 = [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 20, 20]
    year2 = [22] * 12
    year3 = [26, 25, 27, 26, 24, 28, 26, 25, 27, 26, 26, 26]
    police = _police({"Robbery": year1 + year2 + year3}, MONTHS)
    windows = ra.police_windows(police, set(MONTHS), ("Robbery",), YEARS)
    t = ra.trend_test(windows, YEARS, 0.05)
    assert t.counts == (240.0, 264.0, 312.0)
    expected = stats.binomtest(312, 240 + 312, 0.5).pvalue
    assert t.p_value == pytest.approx(expected, rel=1e-9)
    assert t.ratio == pytest.approx(312 / 240)
    assert t.method.startswith("exact Poisson")


def test_trend_quasi_poisson_matches_an_independent_computation():
    """Over-dispersed months: quasi-Poisson with the dispersion from the months x years table
    (scipy's expected frequencies), on a t distribution with 11 degrees of freedom."""
    year1 = [10, 30, 12, 35, 8, 28, 15, 33, 9, 31, 14, 25]
    year3 = [45, 18, 50, 16, 40, 25, 48, 15, 44, 22, 37, 20]  # not the same seasons
    police = _police({"Drugs": year1 + [20] * 12 + year3}, MONTHS)
    t = ra.trend_test(ra.police_windows(police, set(MONTHS), ("Drugs",), YEARS), YEARS, 0.05)
    table = np.column_stack([year1, year3]).astype(float)
    fitted = expected_freq(table)
    phi = float(((table - fitted) ** 2 / fitted).sum()) / 11
    assert phi > 1
    a, b = sum(year1), sum(year3)
    se = math.sqrt(phi * (1 / a + 1 / b))
    p = 2 * stats.t.sf(abs(math.log(b / a)) / se, 11)
    assert t.p_value == pytest.approx(p, rel=1e-9)
    assert t.method.startswith("quasi-Poisson")
    # +36%: the exact test would call it real, but not once the spread is allowed for
    assert stats.binomtest(b, a + b, 0.5).pvalue < 0.05 < p
    assert t.direction == "no change beyond chance" and ra.likelihood(t) == 3


def test_a_missing_month_is_not_a_zero():
    """A month of year 1 that never arrived: year 1 is 'not complete' and the trend is not
    tested; year 3 is still counted."""
    police = _police({"Robbery": [5] * 36}, MONTHS)
    arrived = set(MONTHS) - {MONTHS[3]}
    t = ra.trend_test(ra.police_windows(police, arrived, ("Robbery",), YEARS), YEARS, 0.05)
    assert t.counts == (None, 60.0, 60.0)
    assert not t.tested and "data missing for October 2023 to September 2024" in t.why_not
    assert ra.likelihood(t) is None


def test_a_recording_change_inside_the_three_years_stops_the_trend():
    police = _police({"Public order": [5] * 36}, MONTHS)
    src = ra.Sources(police, set(MONTHS), None, HarmWeights({}), {"Public order": ["2025-07"]})
    ev = ra.evidence(
        ra.Subject("crime_type", "Public order", "Public order", ("Public order",)),
        YEARS,
        0.05,
        src,
    )
    assert not ev.trend.tested and "recorded from July 2025" in ev.trend.why_not
    assert any("July 2025" in c for c in ev.caveats)


# Harm weights -----------------------------------------------------------------------------------
def _weights(**w: float) -> HarmWeights:
    return HarmWeights(
        {k: HarmWeight(k, v, "published", "Index", "table 1", "OGL", "") for k, v in w.items()}
    )


def test_harm_weight_missing_for_a_type_is_said_not_zero():
    police = _police({"Robbery": [5] * 36, "Drugs": [2] * 36}, MONTHS)
    src = ra.Sources(police, set(MONTHS), None, _weights(Robbery=10.0), {})
    both = ra.Subject("priority", "p", "P", ("Drugs", "Robbery"))
    ev = ra.evidence(both, YEARS, 0.05, src)
    assert ev.harm is None and ev.harm_why == "no harm weight for Drugs"
    robbery = ra.evidence(
        ra.Subject("crime_type", "Robbery", "Robbery", ("Robbery",)), YEARS, 0.05, src
    )
    assert robbery.harm == 600.0  # 60 in year 3 x 10
    total, left_out = ra.total_harm(police, set(MONTHS), YEARS[2], src.weights)
    assert (total, left_out) == (600.0, ("Drugs",))  # Drugs left out of the total, not as 0
    (row,) = ra.matrix([ev], total, None, "", "w")
    assert row.impact is None and row.risk is None


def test_category_weight_is_the_volume_weighted_average():
    # one grave offence (100) recorded once, a minor one (10) nine times: (100 + 90) / 10
    assert category_weight([(100, 1), (10, 9)]) == 19
    with pytest.raises(ValueError):
        category_weight([(100, 0)])


HEADER = "what,weight,status,index,source,licence,derivation\n"


@pytest.mark.parametrize(
    "row,message",
    [
        ("Robbery,12,guessed,I,S,L,D", "column 'status'"),
        ("Robbery,12,published,I,,L,", "column 'source'"),
        ("Robbery,12,derived,I,S,L,", "column 'derivation'"),
        ("Robbery,0,published,I,S,L,", "column 'weight'"),
        ("Robbery,-3,published,I,S,L,", "column 'weight'"),
        ("Robbery,1,published,I,S,L,\nRobbery,2,published,I,S,L,", "weighted twice"),
    ],
)
def test_harm_weights_file_errors_name_the_row(tmp_path, row, message):
    path = tmp_path / "harm.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=re.escape(message)) as err:
        load_harm_weights(path)
    assert str(path) in str(err.value)


def test_the_demo_harm_weights_say_they_are_illustrative(demo_data):
    weights = load_harm_weights(demo_data / "reference" / "harm_weights.csv")
    assert weights.illustrative
    assert all(w.status == "illustrative" for w in weights.weights.values())
    assert weights.get("Anti-social behaviour") is None  # no weight: not weighted as zero


# The analyst's scores -----------------------------------------------------------------------
SCORES_HEAD = "scored_by: Analyst\nscored_on: 2026-11-10\nscores:\n"


@pytest.mark.parametrize(
    "entry,message",
    [
        ("  - {public_concern: 3, public_concern_source: s}", "name one subject"),
        (
            "  - {priority: asb, crime_type: Drugs, capacity: 2, capacity_source: s}",
            "name one subject",
        ),
        ("  - {priority: asb, public_concern: 6, public_concern_source: s}", "public_concern"),
        ("  - {priority: asb, capacity: 0, capacity_source: s}", "capacity"),
        ("  - {priority: asb, public_concern: 3}", "public_concern_source is empty"),
        ("  - {priority: asb}", "give public_concern or capacity"),
        (
            "  - {priority: asb, capacity: 2, capacity_source: s}\n"
            "  - {priority: asb, capacity: 3, capacity_source: s}",
            "scored twice",
        ),
        ("  - {priority: asb, capacity: 2, capacity_source: s, concern: 3}", "concern"),
    ],
)
def test_scores_file_errors_name_the_file_and_key(tmp_path, entry, message):
    path = tmp_path / "scores.yaml"
    path.write_text(SCORES_HEAD + entry + "\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=re.escape(message)) as err:
        load_scores(path)
    assert str(path) in str(err.value)


def test_a_score_for_something_not_in_the_matrix_is_named(tmp_path):
    path = tmp_path / "scores.yaml"
    path.write_text(
        SCORES_HEAD
        + "  - {priority: nope, capacity: 2, capacity_source: s}\n"
        + "  - {crime_type: Robbery, capacity: 2, capacity_source: s}\n"
        + "  - {measure: made_up, capacity: 2, capacity_source: s}\n",
        encoding="utf-8",
    )
    scores = load_scores(path)
    said = "\n".join(unknown_subjects(scores, path, {("priority", "asb")}, {"Robbery"}))
    assert "'scores[0].priority': 'nope' is not a priority id" in said
    assert "'scores[1].crime_type': an indicator of the strategy covers 'Robbery'" in said
    assert "'scores[2].measure': 'made_up' is not a measure" in said


# Carried into the next cycle ----------------------------------------------------------------
def test_carry_forward_copies_the_scores_for_review(tmp_path):
    source = tmp_path / "priority_scores.yaml"
    source.write_text(
        "# our scores\n" + SCORES_HEAD + "  - {priority: asb, capacity: 2, capacity_source: s}\n",
        encoding="utf-8",
    )
    data = {"inputs": {"priority_scores": str(source)}}
    notes = carry_forward(data, "2025-26", "2026-27")
    target = tmp_path / "priority_scores_2026-27.yaml"
    assert Path(data["inputs"]["priority_scores"]).name == target.name
    assert notes and "re-check" in notes[0]
    text = target.read_text(encoding="utf-8")
    assert "# our scores" in text  # comments kept
    assert load_scores(target).carried_forward_from == "2025-26"
    assert source.read_text(encoding="utf-8").count("carried_forward_from") == 0
    # carried again: the key is replaced, not added twice; an existing file is not overwritten
    data2 = {"inputs": {"priority_scores": str(target)}}
    carry_forward(data2, "2026-27", "2027-28")
    again = (tmp_path / "priority_scores_2027-28.yaml").read_text(encoding="utf-8")
    assert again.count("carried_forward_from:") == 1
    assert load_scores(tmp_path / "priority_scores_2027-28.yaml").carried_forward_from == "2026-27"
    with pytest.raises(ReviewError, match="not overwritten"):
        carry_forward({"inputs": {"priority_scores": str(source)}}, "2025-26", "2026-27")
    assert carry_forward({"inputs": {}}, "a", "b") == []


def test_new_cycle_carries_the_scores_forward(tmp_path, demo_data):
    data = tmp_path / "data"
    import shutil

    shutil.copytree(demo_data / "brackwell", data / "brackwell")
    shutil.copytree(demo_data / "reference", data / "reference")
    params = write_params(tmp_path / "y1.yaml", data, cycle="y1")
    target, notes = new_cycle("y2", params)
    p = load_params(target, check_files=False)
    scores = p.path("priority_scores")
    assert scores is not None and scores.name == "priority_scores_y2.yaml"
    assert load_scores(scores).carried_forward_from == "y1"
    assert any("priority scores carried forward" in n for n in notes)


# The demo board report ---------------------------------------------------------------------
def _section(page: str) -> str:
    start = page.index('id="strategy-reassessment"')
    return page[start : page.index("</section>", start)]


def test_board_report_has_the_reassessment(cycle_run):
    page = (cycle_run["cycle"] / "review_report.html").read_text(encoding="utf-8")
    section = _section(page)
    start = page.index('id="reassessment-annex"')
    annex = page[start : page.index("</section>", start)]
    text = re.sub(r"<[^>]+>", " ", section)
    annex_text = re.sub(r"<[^>]+>", " ", annex)
    assert "Priority-setting matrix" in annex_text and "Audit trail" in annex_text
    assert "for the board to consider" in text and "the partnership decides" in text
    assert not re.search(r"\bmust\b", text + annex_text)
    # the demo's weights are illustrative and the report says so, beside every impact too
    assert "illustrative, not taken from a published crime harm index" in text
    assert "illustrative, not from a published index" in annex_text
    # every priority of the demo strategy has a row, and the analyst's sources are cited
    for name in (
        "Reduce anti-social behaviour",
        "Reduce violence and its harm",
        "Tackle neighbourhood crime",
        "Keep young people out of the justice system",
    ):
        assert name in text and name in annex_text
    assert "Residents' survey 2026" in annex_text
    # ASB has no harm weight (not weighted as zero) and its capacity is not scored
    assert "no harm weight for Anti-social behaviour" in annex_text
    assert "Reduce anti-social behaviour: not banded, the evidence is incomplete" in text
    assert "not scored" in annex_text
    ids = ["police_street", "council_asb", "youth_fte"]
    assert analyst_text(section, ids) == [] and analyst_text(annex, ids) == []
    # the section follows "what the strategy does not cover"; its annex comes last (F)
    assert page.index('id="strategy-gaps"') < page.index('id="strategy-reassessment"')
    assert page.index('id="glossary"') < start


def test_reassessment_for_planning(cycle_run):
    import reviewkit as rk

    ctx = rk.load_context(cycle_run["params"], cycle_run["cycle"])
    html = report.reassessment_for_planning(ctx)
    assert "for the board to consider" in html
    assert "Keep young people out of the justice system" in html  # unscored: to gather


def _context(cycle_run, tmp_path, scores_text: str | None, status: str = "draft", weights=True):
    """The shared run's report context with other scores (and status), read in-process."""
    import datetime as dt

    import reviewkit as rk

    ctx = rk.load_context(cycle_run["params"], cycle_run["cycle"])
    path = None
    if scores_text is not None:
        path = tmp_path / "scores.yaml"
        path.write_text(scores_text, encoding="utf-8")
    inputs = ctx.params.inputs.model_copy(
        update={
            "priority_scores": str(path) if path else None,
            "harm_weights": ctx.params.inputs.harm_weights if weights else None,
        }
    )
    day = ctx.params.review_date + dt.timedelta(days=1)
    signed = {"status": status, "signed_off_by": "Chair", "signed_off_on": day}
    report_ = ctx.params.report.model_copy(update=signed if status == "final" else {})
    ctx.params = ctx.params.model_copy(update={"inputs": inputs, "report": report_})
    return ctx


STALE = SCORES_HEAD + (
    "  - {priority: violence, capacity: 2, capacity_source: meeting}\n"
    "  - {priority: gone, capacity: 2, capacity_source: meeting}\n"
)


def test_a_stale_score_is_named_for_the_analyst_in_a_draft(cycle_run, tmp_path):
    section = report.reassessment_section(_context(cycle_run, tmp_path, STALE))
    aside = re.search(r'<aside class="for-analyst".*?</aside>', section, flags=re.S)
    assert aside and "scores[1].priority" in aside.group(0) and "gone" in aside.group(0)
    published = section.replace(aside.group(0), "")
    assert "scores[" not in published


def test_a_final_paper_refuses_stale_or_unchecked_scores(cycle_run, tmp_path):
    with pytest.raises(ReviewError, match=r"scores\[1\]\.priority"):
        report.reassessment_section(_context(cycle_run, tmp_path, STALE, "final"))
    carried = "carried_forward_from: e2e\n" + SCORES_HEAD
    carried += "  - {priority: violence, capacity: 2, capacity_source: meeting}\n"
    with pytest.raises(ReviewError, match="carried forward from e2e and not re-checked"):
        report.reassessment_section(_context(cycle_run, tmp_path, carried, "final"))
    # a draft says so to the board instead
    text = report.reassessment_section(_context(cycle_run, tmp_path, carried))
    assert "carried forward from the e2e review and have not yet been re-checked" in text


def test_without_scores_or_weights_the_matrix_says_not_scored(cycle_run, tmp_path):
    ctx = _context(cycle_run, tmp_path, None, weights=False)
    text = re.sub(r"<[^>]+>", " ", report.reassessment_section(ctx))
    section = report.reassessment_annex(ctx)
    assert "No harm weights were given" in text
    assert "scores of public concern and partnership capacity were not given" in text
    cells = re.findall(r"<td[^>]*>(.*?)</td>", section)
    assert "0" not in cells and "0 of 5" not in text
    assert "not scored" in cells


def test_decision_items_put_high_candidates_and_low_priorities_to_the_board():
    rows = ra.matrix(
        [
            _evidence("priority", "violence", 300, _trend(1.3, True)),  # high: kept, not listed
            _evidence("priority", "asb", 5, _trend(0.7, True)),  # 0.5%: 1 x 1 = 1, low
            _evidence("crime_type", "weapons", 300, _trend(1.9, True)),  # high
            _evidence("crime_type", "drugs", 5, _trend(1.0, False)),  # low: not listed
        ],
        1000.0,
        None,
        "",
        "w",
    )
    items = report.decision_items(report.Reassessment(rows, HarmWeights({}), True, None, (), YEARS))
    assert items == [
        "To consider: whether Asb is still a priority (the strategy re-assessment bands it low).",
        "To consider: Weapons, which the strategy does not cover, as a priority in the next "
        "strategic assessment (the strategy re-assessment bands it high).",
    ]
    assert all("must" not in i for i in items)
