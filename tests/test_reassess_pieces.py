"""The re-assessment's pieces, each on its own: the share of harm, risk, the priority score,
what a subject is banded on, the basis and recommendation, and what measures a priority and
which candidates the strategy leaves uncovered. Expected values are worked out by hand from
docs/method.md ("Strategy re-assessment")."""

from __future__ import annotations

import pytest

from reviewkit.analysis import reassessment as ra
from reviewkit.analysis.reassess_subjects import NOTHING_COUNTED, SEVERAL_MEASURES
from reviewkit.inputs.strategy import Strategy


# Scores and band, by hand -------------------------------------------------------------------
@pytest.mark.parametrize(
    "harm,total,expected",
    [(300.0, 1000.0, 0.3), (60.0, 1000.0, 0.06), (None, 1000.0, None), (5.0, None, None)],
)
def test_share_of_harm(harm, total, expected):
    """Harm 300 of 1,000 is 30%; a harm or total not worked out leaves no share (never 0)."""
    assert ra.share_of_harm(harm, total) == expected


def test_no_share_of_a_total_of_nothing():
    assert ra.share_of_harm(0.0, 0.0) is None


@pytest.mark.parametrize(
    "imp,lik,expected",
    [(5, 5, 25), (3, 2, 6), (4, 3, 12), (1, 1, 1), (None, 3, None), (2, None, None)],
)
def test_risk_is_impact_times_likelihood(imp, lik, expected):
    assert ra.risk(imp, lik) == expected


@pytest.mark.parametrize(
    "risk,concern,capacity,expected",
    [
        (25, 4, 2, 30.25),  # 25 x 1.1 x 1.1 (the method's worked example)
        (6, 1, 5, 3.84),  # 6 x 0.8 x 0.8
        (7, 4, 4, 6.93),  # 7 x 1.1 x 0.9 = 6.93
        (12, 3, 3, 12.0),  # neutral scores leave the risk as it is
        (25, 5, 1, 36.0),  # the most: 25 x 1.2 x 1.2
        (1, 1, 5, 0.64),  # the least: 1 x 0.8 x 0.8
    ],
)
def test_priority_score_by_hand(risk, concern, capacity, expected):
    assert ra.priority_score(risk, ra.modifier(concern, capacity)) == pytest.approx(expected)


def test_priority_score_is_rounded_to_two_decimals():
    # 13 x 1.1 x 1.1 = 15.73 exactly; 11 x 1.2 x 0.9 = 11.88; 3 x 1.1 x 0.9 = 2.97
    assert ra.priority_score(13, 1.1 * 1.1) == 15.73
    assert ra.priority_score(11, 1.2 * 0.9) == 11.88
    assert ra.priority_score(3, 1.1 * 0.9) == 2.97


@pytest.mark.parametrize("risk,mod", [(None, 1.1), (12, None), (None, None)])
def test_priority_score_not_scored_is_none_never_zero(risk, mod):
    assert ra.priority_score(risk, mod) is None


@pytest.mark.parametrize(
    "score,risk,expected_value,expected_band",
    [
        (3.84, 6, 3.84, "low"),  # the score, not the risk (6 would be medium)
        (12.6, 10, 12.6, "high"),  # 10 x 1.26: the modifiers lift a medium risk to high
        (None, 12, 12, "high"),  # no analyst's scores: the risk alone, 12 is high
        (None, 6, 6, "medium"),
        (None, 5, 5, "low"),
        (None, None, None, ""),  # nothing to band on: not banded
    ],
)
def test_banded_on_the_score_else_the_risk(score, risk, expected_value, expected_band):
    assert ra.banded_on(score, risk) == expected_value
    assert ra.band(ra.banded_on(score, risk)) == expected_band


@pytest.mark.parametrize(
    "kind,score,band,basis,recommendation",
    [
        ("priority", 30.25, "high", "risk and the analyst's scores", "keep as a priority"),
        ("priority", None, "medium", "harm and trend only", "keep under review"),
        ("priority", 3.84, "low", "risk and", "consider whether it is still a priority"),
        (
            "crime_type",
            None,
            "high",
            "harm and trend only",
            "consider as a priority in the next strategic assessment",
        ),
        (
            "measure",
            8.0,
            "medium",
            "risk and",
            "consider watching it in the next strategic assessment",
        ),
        ("crime_type", 2.0, "low", "risk and", "no change suggested by the evidence"),
    ],
)
def test_basis_and_recommendation_by_kind_and_band(kind, score, band, basis, recommendation):
    got_basis, got_rec = ra.basis_and_recommendation(kind, 3, 3, score, band)
    assert got_basis.startswith(basis) and got_rec == recommendation


def test_a_subject_not_banded_names_what_is_missing():
    basis, rec = ra.basis_and_recommendation("priority", None, 3, None, "")
    assert basis == "not scored: impact could not be worked out"
    assert rec.startswith("evidence incomplete")
    basis, _ = ra.basis_and_recommendation("crime_type", None, None, None, "")
    assert basis == "not scored: impact and likelihood could not be worked out"


# What measures a priority, and the candidates ----------------------------------------------
def _strategy() -> Strategy:
    def ind(id_: str, priority: str, dataset: str, **extra: object) -> dict[str, object]:
        return {"id": id_, "priority": priority, "name": id_, "dataset": dataset} | {
            "better": "lower",
            **extra,
        }

    return Strategy.model_validate(
        {
            "partnership": "P",
            "priorities": [
                {"id": "violence", "name": "Violence"},
                {"id": "youth", "name": "Youth"},
                {"id": "fires", "name": "Fires"},
                {"id": "justice", "name": "Justice"},
            ],
            "indicators": [
                ind("v1", "violence", "street", filter={"crime_types": ["Robbery"]}),
                ind("v2", "violence", "ae", filter={"measure": "assaults"}),
                ind("y1", "youth", "yot", filter={"measure": "first_time"}),
                ind("f1", "fires", "fire", filter={"measure": "deliberate"}),
                ind("f2", "fires", "fire", filter={"measure": "secondary"}),
                ind(
                    "j1",
                    "justice",
                    "street",
                    measure="proportion",
                    filter={"crime_types": ["Drugs"]},
                    numerator={"outcome_categories": ["Charged"]},
                ),
            ],
        }
    )


def test_what_measures_each_priority():
    """Violence: its crime type, the partner measure beside it (not added); youth: its one
    partner measure; fires: two partner measures that cannot be added up; justice: a
    proportion only, so nothing counts."""
    by = {
        s.key: s
        for s in ra.subjects(
            _strategy(), "street", {"Robbery", "Drugs"}, set(), {"ae": "A&E", "yot": "YOT"}
        )
        if s.kind == "priority"
    }
    v, y, f, j = by["violence"], by["youth"], by["fires"], by["justice"]
    assert (v.crime_types, v.measure, v.also, v.why_no_data) == (
        ("Robbery",),
        None,
        ("Assaults (A&E)",),
        "",
    )
    assert (y.crime_types, y.measure, y.also, y.measure_name) == (
        (),
        ("yot", "first_time"),
        (),
        "First time (YOT)",
    )
    assert (f.measure, f.also, f.why_no_data) == (
        None,
        ("Deliberate (fire)", "Secondary (fire)"),
        SEVERAL_MEASURES,
    )
    assert (j.crime_types, j.measure, j.why_no_data) == ((), None, NOTHING_COUNTED)
    assert v.indicators == ("v1", "v2") and j.indicators == ("j1",)


def test_an_all_crime_indicator_follows_every_type_in_the_data():
    types, measures = ra.followed(_strategy().indicators[:1], "other_street", {"Robbery", "Drugs"})
    assert (types, measures) == (set(), [])  # another dataset, no partner measure
    strategy = Strategy.model_validate(
        {
            "partnership": "P",
            "priorities": [{"id": "all", "name": "All"}],
            "indicators": [
                {
                    "id": "a",
                    "priority": "all",
                    "name": "a",
                    "dataset": "street",
                    "better": "lower",
                    "filter": {"crime_types": "all"},
                }
            ],
        }
    )
    # 'all' names every police.uk type, not only those in the data
    types, _ = ra.followed(strategy.indicators, "street", {"Robbery"})
    assert {"Robbery", "Drugs", "Burglary"} <= types


def test_candidates_are_what_no_count_or_rate_indicator_covers():
    """Robbery is covered; Drugs only by a proportion (which covers nothing); assaults and
    first-time entrants are covered; a measure of the fire dataset not followed and one of a
    dataset no indicator follows are candidates, types first, then measures alphabetically."""
    got = ra.candidates(
        _strategy(),
        "street",
        {"Robbery", "Drugs", "Burglary"},
        {("ae", "assaults"), ("fire", "hoax"), ("asb", "complaints"), ("yot", "first_time")},
        {"asb": "Council ASB"},
    )
    assert [(s.kind, s.key, s.name) for s in got] == [
        ("crime_type", "Burglary", "Burglary"),
        ("crime_type", "Drugs", "Drugs"),
        ("measure", "complaints", "Complaints (Council ASB)"),
        ("measure", "hoax", "Hoax (fire)"),
    ]
    assert got[2].measure == ("asb", "complaints")
