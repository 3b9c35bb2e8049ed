"""The indicator engine on hand-built tables, with expected values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats as sps

from conftest import cycle_params
from reviewkit.analysis.indicators import (
    IndicatorInputs,
    compute_indicator,
    recording_changes,
    target_status,
)
from reviewkit.inputs.strategy import Indicator

params = cycle_params  # the demo params, changed per test


def ind(**kw) -> Indicator:
    base = {
        "id": "x",
        "priority": "p",
        "name": "X",
        "dataset": "police_street",
        "filter": {"crime_types": ["Burglary"]},
        "better": "lower",
    }
    return Indicator.model_validate({**base, **kw})


def police(values: dict[str, int], ctype="Burglary", outcome="") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": list(values),
            "lsoa_code": "E01",
            "local_authority": "B",
            "crime_type": ctype,
            "outcome_category": outcome,
            "n": list(values.values()),
        }
    )


def months(start: str, end: str) -> list[str]:
    return [str(m) for m in pd.period_range(start, end, freq="M")]


def run(indicator, tidy, p=None, partner=None, status=None, population=None):
    p = p or params()
    present = {k: sorted(set(v["month"])) for k, v in tidy.items()}
    partner = (
        partner
        if partner is not None
        else pd.DataFrame(
            columns=["dataset", "measure", "period_type", "period_start", "period", "area", "value"]
        )
    )
    status = status or {"police_street": "complete", "partner": "complete"}
    inputs = IndicatorInputs(p, tidy, partner, present, status, population)
    return compute_indicator(indicator, inputs)


def history(base: int, review: int) -> dict[str, int]:
    out = {m: base for m in months("2023-01", "2025-09")}
    out.update({m: review for m in months("2025-10", "2026-09")})
    return out


def test_count_against_baseline_with_an_exact_test():
    res, series = run(ind(), {"police_street": police(history(10, 5))})
    assert (res.review_value, res.baseline_value) == (60, 120)
    assert res.change == -60 and res.change_pct == pytest.approx(-50)
    # conditional binomial: 60 of 180 events in the review year when half are expected
    p = sps.binomtest(60, 180, 0.5).pvalue
    assert res.p_value == pytest.approx(p)
    assert res.direction == "improved" and res.significant
    assert res.last_year_value == 120 and res.last_year_change_pct == pytest.approx(-50)
    assert res.rolling_value == 60 and res.rolling_previous == 120
    assert len(series) == 45 and series["period"].iloc[-1] == "2026-09"


def test_higher_is_better_flips_the_direction():
    res, _ = run(ind(better="higher"), {"police_street": police(history(10, 5))})
    assert res.direction == "worsened"


def test_small_changes_are_not_real():
    res, _ = run(ind(), {"police_street": police(history(2, 1) | {"2025-10": 2})})
    assert res.direction == "no real change" or res.p_value >= 0.05


def test_zero_counts_are_results_not_crashes():
    res, series = run(ind(), {"police_street": police(history(0, 0))})
    assert res.review_value == 0 and res.baseline_value == 0
    assert math.isnan(res.change_pct)
    # no events at all: nothing rules out a rise or a fall, so the figures cannot tell
    assert res.p_value == 1.0 and res.direction == "cannot tell"
    assert (series["point_type"] == "common_cause").all()


def test_months_with_no_matching_rows_count_as_zero():
    tidy = pd.concat([police(history(3, 3)), police({"2026-05": 9}, ctype="Drugs")])
    tidy = tidy[~((tidy["month"] == "2026-05") & (tidy["crime_type"] == "Burglary"))]
    res, _ = run(ind(), {"police_street": tidy})
    assert res.review_value == 33  # 11 months of 3, May 2026 had none


@pytest.mark.parametrize(
    "value,status",
    [(60, "met"), (108, "met"), (110, "on track"), (110.4, "on track"), (115, "off track")],
)
def test_target_trajectory(value, status):
    # baseline 120 at 2024-09; target -10% = 108 by 2027-03 (30 months later);
    # at the review end (2026-09, 24 months on) the line is at 120 - 12 * 24/30 = 110.4
    got, trajectory = target_status(
        120,
        108,
        pd.Period("2024-09", "M"),
        pd.Period("2027-03", "M"),
        pd.Period("2026-09", "M"),
        value,
        "lower",
    )
    assert trajectory == pytest.approx(110.4)
    assert got == status


def test_target_in_the_indicator():
    res, _ = run(
        ind(target={"change_pct": -10, "by": "2027-03"}),
        {"police_street": police(history(10, 9) | {"2026-09": 12})},
    )
    assert res.target_value == pytest.approx(108)
    assert res.review_value == 111 and res.target_status == "off track"
    assert res.trajectory_value == pytest.approx(110.4)


def test_rate_per_1000_residents():
    pop = pd.DataFrame(
        {
            "year": [2023, 2024, 2025, 2026],
            "population": [10_000] * 3 + [12_000],
            "households": [4000] * 4,
        }
    )
    res, series = run(
        ind(measure="rate_per_1000_residents"),
        {"police_street": police(history(10, 6))},
        population=pop,
    )
    # review Oct 2025-Sep 2026, middle month March 2026 -> the 2026 estimate, 12,000
    assert res.review_value == pytest.approx(72 / 12_000 * 1000)
    assert res.baseline_value == pytest.approx(120 / 10_000 * 1000)
    assert series["value"].iloc[-1] == pytest.approx(6 / 12_000 * 1000)
    assert res.ci_low < res.review_value < res.ci_high


def test_rate_without_population_is_not_assessable():
    res, _ = run(ind(measure="rate_per_1000_residents"), {"police_street": police(history(1, 1))})
    assert not res.assessable and "population" in res.reason


def test_dataset_not_received():
    res, series = run(
        ind(dataset="yot", filter={"measure": "fte"}), {}, status={"yot": "not received"}
    )
    assert not res.assessable and res.reason == "not assessable: yot not received"
    assert series.empty


def test_quarterly_partner_data_and_a_missing_quarter():
    starts = [str(p) for p in pd.period_range("2023-01", "2026-07", freq="M")[::3]]
    rows = [
        {
            "dataset": "ae",
            "measure": "a",
            "period_type": "quarter",
            "period_start": s,
            "period": s,
            "area": "B",
            "value": 20.0,
        }
        for s in starts
        if s != "2026-04"
    ]
    partner = pd.DataFrame(rows)
    res, series = run(
        ind(dataset="ae", filter={"measure": "a"}, period="quarter"),
        {},
        partner=partner,
        status={"ae": "partial"},
    )
    assert not res.assessable and "Apr-Jun 2026" in res.reason
    assert "2026 Q2" not in set(series["period"]) and "Apr-Jun 2026" not in set(series["period"])
    rows.append({**rows[0], "period_start": "2026-04"})
    res, series = run(
        ind(dataset="ae", filter={"measure": "a"}, period="quarter"),
        {},
        partner=pd.DataFrame(rows),
        status={"ae": "complete"},
    )
    assert res.assessable and res.review_value == 80 and res.baseline_value == 80
    # 80 against 80: the exact 95% interval of the ratio (about 0.73 to 1.37) still allows a
    # 10% rise or fall, so the figures cannot tell yet whether anything changed
    assert res.ratio_low < 0.9 and res.ratio_high > 1.1
    assert res.direction == "cannot tell"


def test_monthly_data_as_quarters_and_financial_years():
    tidy = {"police_street": police(history(10, 5))}
    res, series = run(ind(period="quarter"), tidy)
    assert set(series["num"]) == {30.0, 15.0} and res.review_value == 60
    p = params(
        review_period={"start": "2025-04", "end": "2026-03"},
        baseline_period={"start": "2023-04", "end": "2024-03"},
    )
    tidy = {"police_street": police({m: 1 for m in months("2023-04", "2026-09")})}
    res, series = run(ind(period="financial_year"), tidy, p=p)
    # only whole financial years: 2023/24, 2024/25, 2025/26 (2026/27 has 6 months)
    assert list(series["period"]) == ["2023/24", "2024/25", "2025/26"]
    assert res.review_value == 12 and res.baseline_value == 12


def test_quarterly_source_cannot_give_months():
    partner = pd.DataFrame(
        [
            {
                "dataset": "ae",
                "measure": "a",
                "period_type": "quarter",
                "period_start": "2025-10",
                "period": "x",
                "area": "B",
                "value": 1.0,
            }
        ]
    )
    res, _ = run(
        ind(dataset="ae", filter={"measure": "a"}, period="month"),
        {},
        partner=partner,
        status={"ae": "complete"},
    )
    assert not res.assessable and "cannot give month values" in res.reason


def test_proportion_with_fishers_test():
    tidy = pd.concat(
        [
            police(history(8, 8), outcome="Awaiting court outcome"),
            police(history(2, 8), outcome="Unable to prosecute suspect"),
        ]
    )
    res, _ = run(
        ind(
            measure="proportion",
            better="higher",
            numerator={"outcome_categories": ["Awaiting court outcome"]},
        ),
        {"police_street": tidy},
    )
    assert res.review_value == pytest.approx(50.0) and res.baseline_value == pytest.approx(80.0)
    p = sps.fisher_exact([[96, 96], [96, 24]]).pvalue
    assert res.p_value == pytest.approx(p)
    assert res.direction == "worsened"


def test_short_series_has_provisional_limits():
    tidy = {
        "police_street": police(
            {m: 3 for m in months("2025-10", "2026-09")}
            | {m: 4 for m in months("2023-10", "2025-09")}
        )
    }
    res, series = run(ind(), tidy)
    assert res.spc_provisional is False or len(series) < 15
    res, series = run(ind(period="quarter"), tidy)
    assert res.spc_provisional and series["provisional"].all()


def test_spc_rebase_at_a_month():
    p = params(analysis={"spc": {"rebase": ["2024-10"]}})
    res, series = run(ind(), {"police_street": police(history(10, 5))}, p=p)
    before = series[series["period_start"] < "2024-10"]
    after = series[series["period_start"] >= "2024-10"]
    assert set(before["rebase_group"]) == {0} and set(after["rebase_group"]) == {1}
    assert before["mean"].iloc[0] == 10
    assert after["mean"].iloc[0] == pytest.approx((12 * 10 + 12 * 5) / 24)


def test_a_baseline_outside_the_data_names_the_key():
    res, _ = run(
        ind(baseline={"start": "2019-01", "end": "2019-12"}),
        {"police_street": police(history(10, 5))},
    )
    assert not res.assessable
    assert res.reason == (
        "not assessable: the baseline (January 2019 to December 2019) is "
        "outside the data (first period 2023-01); check key 'baseline' of "
        "this indicator"
    )


@pytest.mark.parametrize("measure", ["count", "rate_per_1000_residents", "proportion"])
def test_a_month_missing_from_the_review_period_is_named_not_fatal(measure):
    """A police.uk month absent (never published, cut short, mislabelled): every measure says
    which month is missing; no interval, change or SPC limits are made up across the gap."""
    values = history(10, 5)
    del values["2026-03"]
    extra = {"numerator": {"crime_types": ["Burglary"]}} if measure == "proportion" else {}
    pop = pd.DataFrame(
        {"year": [2023, 2024, 2025, 2026], "population": [1000] * 4, "households": [400] * 4}
    )
    res, series = run(
        ind(measure=measure, **extra), {"police_street": police(values)}, population=pop
    )
    assert not res.assessable
    assert res.reason == "not assessable: police_street missing 2026-03"
    assert math.isnan(res.ci_low) and math.isnan(res.change) and res.direction == ("not assessable")
    assert res.variation == "" and any("2026-03 missing from the series" in n for n in res.notes)
    assert "2026-03" not in set(series["period_start"])


# Recording changes ------------------------------------------------------------------------------
def _tripled() -> dict[str, int]:
    """Burglary at 10 a month, tripling from January 2025 (a change in recording)."""
    return {m: (30 if m >= "2025-01" else 10) for m in months("2023-01", "2026-09")}


def _run_with_changes(indicator, tidy, decisions=()):
    p = params(analysis={"recording_changes": list(decisions)})
    found = pd.DataFrame([{"crime_type": "Burglary", "month": "2025-01"}])
    changes = recording_changes(found, p)
    present = {k: sorted(set(v["month"])) for k, v in tidy.items()}
    partner = pd.DataFrame(
        columns=["dataset", "measure", "period_type", "period_start", "period", "area", "value"]
    )
    inputs = IndicatorInputs(
        p, tidy, partner, present, {"police_street": "complete"}, None, changes
    )
    return compute_indicator(indicator, inputs)


def test_a_recording_change_makes_comparisons_not_comparable():
    tidy = {"police_street": police(_tripled())}
    plain, _ = run(ind(target={"change_pct": -10, "by": "2027-03"}), tidy)
    assert plain.direction == "worsened"  # what the board was told before
    res, series = _run_with_changes(ind(target={"change_pct": -10, "by": "2027-03"}), tidy)
    assert res.direction == "not comparable" and math.isnan(res.p_value)
    assert res.not_comparable == "possible recording change in Burglary from January 2025"
    assert res.target_status == "not assessable"
    assert res.assurance == ""  # no assurance icon beside a target that cannot be assessed
    assert plain.assurance != ""  # the same indicator without the change has one
    assert res.review_value == 360 and res.baseline_value == 120  # the values are still shown
    # the limits start again at the change, so the new level is not read as special cause
    assert series.loc[series["period_start"] == "2025-01", "rebase_group"].item() == 1
    assert not series["special_cause"].any()


def test_an_indicator_over_other_crime_types_is_not_affected():
    tidy = {
        "police_street": pd.concat([police(_tripled()), police(history(10, 10), ctype="Robbery")])
    }
    res, _ = _run_with_changes(ind(filter={"crime_types": ["Robbery"]}), tidy)
    assert res.direction != "not comparable" and not res.not_comparable


@pytest.mark.parametrize("decision,direction", [("real", "worsened"), ("rebase", "not comparable")])
def test_the_analysts_decision(decision, direction):
    tidy = {"police_street": police(_tripled())}
    res, _ = _run_with_changes(
        ind(), tidy, [{"crime_type": "Burglary", "month": "2025-01", "decision": decision}]
    )
    assert res.direction == direction


def test_excluding_a_type_leaves_the_others():
    tidy = {
        "police_street": pd.concat([police(_tripled()), police(history(10, 5), ctype="Robbery")])
    }
    two = ind(filter={"crime_types": ["Burglary", "Robbery"]})
    res, _ = _run_with_changes(
        two, tidy, [{"crime_type": "Burglary", "month": "2025-01", "decision": "exclude"}]
    )
    assert res.review_value == 60 and res.baseline_value == 120  # robbery alone
    assert res.direction == "improved" and "excludes Burglary" in "; ".join(res.notes)
    res, _ = _run_with_changes(
        ind(), tidy, [{"crime_type": "Burglary", "month": "2025-01", "decision": "exclude"}]
    )
    assert not res.assessable and "excluded" in res.reason


def test_seasonal_monthly_data_are_charted_seasonally_adjusted():
    season = [0.75, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.25, 1.1, 1.0, 0.85, 0.75]
    values = {m: round(100 * season[int(m[5:]) - 1]) for m in months("2023-01", "2026-09")}
    res, series = run(ind(), {"police_street": police(values)})
    assert res.seasonal == "adjusted" and not series["special_cause"].any()
    # the same series with the review ending in winter or in summer: the same signal
    short = {m: v for m, v in values.items() if m <= "2026-03"}
    p = params(
        review_period={"start": "2025-04", "end": "2026-03"},
        baseline_period={"start": "2023-04", "end": "2024-03"},
    )
    winter, _ = run(ind(), {"police_street": police(short)}, p)
    assert winter.variation == res.variation == "common_cause"
    raw = __import__("reviewkit.methods.spc", fromlist=["xmr"]).xmr(list(values.values()))
    assert raw["special_cause"].any()  # unadjusted, the seasons alone raise flags


@pytest.mark.parametrize(
    "period,review,baseline,reason",
    [
        # Case 6: October to September holds no April-to-March year.
        (
            "financial_year",
            ("2025-10", "2026-09"),
            ("2023-10", "2024-09"),
            "review period (October 2025 to September 2026) holds no whole financial year",
        ),
        (
            "financial_year",
            ("2025-04", "2026-03"),
            ("2023-10", "2024-09"),
            "baseline (October 2023 to September 2024) holds no whole financial year",
        ),
        (
            "quarter",
            ("2025-11", "2026-01"),
            ("2024-11", "2025-01"),
            "review period (November 2025 to January 2026) holds no whole quarter",
        ),
    ],
)
def test_a_whole_period_measure_with_no_whole_period_is_not_assessable(
    period, review, baseline, reason
):
    """Never '0 against 0, no real change': nothing to count is missing, not zero."""
    p = params(
        review_period={"start": review[0], "end": review[1]},
        baseline_period={"start": baseline[0], "end": baseline[1]},
    )
    res, _ = run(ind(period=period), {"police_street": police(history(10, 5))}, p)
    assert not res.assessable and reason in res.reason
    assert res.direction == "not assessable" and res.target_status == "not assessable"
    assert math.isnan(res.review_value) and math.isnan(res.p_value)


def test_a_financial_year_measure_over_whole_years_is_assessed():
    p = params(
        review_period={"start": "2025-04", "end": "2026-03"},
        baseline_period={"start": "2023-04", "end": "2024-03"},
    )
    res, _ = run(ind(period="financial_year"), {"police_street": police(history(10, 5))}, p)
    # April 2025 to March 2026: 6 months at 10 then 6 at 5; the baseline year is all 10s
    assert res.assessable and (res.review_value, res.baseline_value) == (90, 120)


def test_all_crime_excluding_asb_counts_every_other_type_and_follows_recording_changes():
    """`{all_except: [...]}` names every other type, so a recording change in one of them is
    found and an excluded type leaves the rest (never a silent zero or a silent whole)."""
    tidy = {
        "police_street": pd.concat(
            [
                police(_tripled()),
                police(history(10, 5), ctype="Robbery"),
                police(history(7, 7), ctype="Anti-social behaviour"),
            ]
        )
    }
    headline = ind(filter={"crime_types": {"all_except": ["Anti-social behaviour"]}})
    res, _ = run(headline, tidy)
    assert (res.review_value, res.baseline_value) == (360 + 60, 120 + 120)
    res, _ = _run_with_changes(headline, tidy)
    assert res.direction == "not comparable"
    res, _ = _run_with_changes(
        headline, tidy, [{"crime_type": "Burglary", "month": "2025-01", "decision": "exclude"}]
    )
    assert (res.review_value, res.baseline_value) == (60, 120)  # robbery alone


# The engine's pieces ---------------------------------------------------------------------------
def _series(indicator, tidy, status=None, population=None, p=None):
    from reviewkit.analysis.indicators import indicator_series

    p = p or params()
    present = {k: sorted(set(v["month"])) for k, v in tidy.items()}
    partner = pd.DataFrame(
        columns=["dataset", "measure", "period_type", "period_start", "period", "area", "value"]
    )
    inputs = IndicatorInputs(
        p, tidy, partner, present, status or {"police_street": "complete"}, population
    )
    return indicator_series(indicator, inputs)


@pytest.mark.parametrize(
    ("indicator", "status", "why"),
    [
        (ind(), {"police_street": "not received"}, "police_street not received"),
        (ind(), {"police_street": "unusable"}, "police_street unusable"),
        (ind(measure="rate_per_1000_residents"), None, "no population figures (inputs.population)"),
    ],
)
def test_indicator_series_says_why_there_is_none(indicator, status, why):
    series, reason = _series(indicator, {"police_street": police(history(10, 5))}, status)
    assert str(reason) == why and series.empty
    assert list(series.columns) == ["period_start", "period", "num", "den", "value"]


def test_indicator_series_stops_at_the_end_of_the_review_period():
    counts = history(10, 5) | {"2026-10": 99, "2026-11": 99}  # after the review period
    series, reason = _series(ind(), {"police_street": police(counts)})
    assert reason is None and series["period_start"].iloc[-1] == "2026-09"
    assert len(series) == 45 and series["value"].sum() == 33 * 10 + 12 * 5


def test_a_shorter_baseline_is_scaled_and_said_to_be():
    # baseline April to September 2025 (6 months), review October 2025 to September 2026
    res, _ = run(
        ind(baseline={"start": "2025-04", "end": "2025-09"}),
        {"police_street": police(history(10, 5))},
    )
    assert res.baseline_value == 6 * 10 * 12 / 6 and res.review_value == 60
    assert "baseline of 6 months scaled to 12 for comparison" in res.notes
    res, _ = run(ind(), {"police_street": police(history(10, 5))})
    assert not any("scaled" in n for n in res.notes)
