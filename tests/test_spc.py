"""XmR results against NHSRplotthedots' published test snapshots and its rule tests."""

import numpy as np
import pandas as pd
import pytest

from reviewkit.methods.spc import (
    assurance,
    part_of_run,
    run_on_one_side,
    seasonal_indices,
    seasonally_adjusted,
    sustained_shift_start,
    trend_run,
    two_in_three,
    variation,
    xmr,
)

# set.seed(123); rnorm(20) in R: the series behind NHSRplotthedots' ptd_spc snapshots.
RNORM_123 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]


def test_published_limits_whole_series():
    # snapshot: mean 0.142, lpl -3.01, upl 3.29, 20 common cause
    r = xmr(RNORM_123, improvement="increase")
    assert r["mean"].iloc[0] == pytest.approx(0.142, abs=5e-4)
    assert r["lpl"].iloc[0] == pytest.approx(-3.01, abs=5e-3)
    assert r["upl"].iloc[0] == pytest.approx(3.29, abs=5e-3)
    assert (r["point_type"] == "common_cause").all()


def test_published_limits_by_facet():
    # snapshot with a facet of two groups of ten: 0.0746/-2.60/2.75 and 0.209/-3.28/3.70
    a, b = xmr(RNORM_123[:10]), xmr(RNORM_123[10:])
    assert (a["mean"].iloc[0], a["lpl"].iloc[0], a["upl"].iloc[0]) == pytest.approx(
        (0.0746, -2.60, 2.75), abs=5e-3
    )
    assert (b["mean"].iloc[0], b["lpl"].iloc[0], b["upl"].iloc[0]) == pytest.approx(
        (0.209, -3.28, 3.70), abs=5e-3
    )


def test_rebase_matches_separate_groups():
    r = xmr(RNORM_123, rebase=[10])
    assert r["upl"].iloc[0] == pytest.approx(xmr(RNORM_123[:10])["upl"].iloc[0])
    assert r["upl"].iloc[15] == pytest.approx(xmr(RNORM_123[10:])["upl"].iloc[0])
    assert list(r["rebase_group"]) == [0] * 10 + [1] * 10


def test_outlier_screening_as_ptd_tests_it():
    y = list(RNORM_123)
    y[14] = 10  # y[15] <- 10 in R
    screened = xmr(y, screen_outliers=True)
    raw = xmr(y, screen_outliers=False)
    base = xmr(RNORM_123)
    assert screened["lpl"].iloc[0] != base["lpl"].iloc[0]
    width = raw["upl"].iloc[0] - raw["lpl"].iloc[0]
    assert width > screened["upl"].iloc[0] - screened["lpl"].iloc[0]
    # independent calculation of the screened limits
    mr = np.abs(np.diff(y))
    amr = mr.mean()
    amr2 = mr[mr < 3.267 * amr].mean()
    assert screened["upl"].iloc[0] == pytest.approx(np.mean(y) + 2.66 * amr2)
    assert raw["upl"].iloc[0] == pytest.approx(np.mean(y) + 2.66 * amr)


def test_fix_after_n_points_uses_only_the_first_points():
    r = xmr(RNORM_123, fix_after_n_points=12)
    first = np.array(RNORM_123[:12])
    assert r["mean"].iloc[-1] == pytest.approx(first.mean())
    assert r["upl"].iloc[-1] == pytest.approx(first.mean() + 2.66 * np.abs(np.diff(first)).mean())


# The rule helpers, with the cases from NHSRplotthedots' test-ptd_calculate_point_type.R
def test_seven_on_one_side():
    assert list(run_on_one_side(np.array([1] * 6), 7)) == [0] * 6
    assert list(run_on_one_side(np.array([1] * 6 + [-1]), 7)) == [0] * 7
    assert list(run_on_one_side(np.array([1] * 8 + [-1]), 7)) == [0] * 6 + [1, 1, 0]
    assert list(run_on_one_side(np.array([-1] * 8 + [1]), 7)) == [0] * 6 + [1, 1, 0]
    assert list(run_on_one_side(np.array([-1] + [1] * 8 + [-1]), 7)) == [0] * 7 + [1, 1, 0]


def test_trend_of_seven():
    assert list(trend_run(np.arange(1, 7), 7)) == [0] * 6
    assert list(trend_run(np.array([1, 2, 3, 3, 4, 5, 6]), 7)) == [0] * 7  # a tie breaks it
    assert list(trend_run(np.arange(1, 8), 7)) == [0] * 6 + [1]
    assert list(trend_run(np.array([2, 1, 2, 3, 4, 5, 6, 7, 3]), 7)) == [0] * 7 + [1, 0]
    assert list(trend_run(np.arange(7, 0, -1), 7)) == [0] * 6 + [-1]
    assert list(trend_run(np.array([2, 7, 6, 5, 4, 3, 2, 1, 3]), 7)) == [0] * 7 + [-1, 0]


def test_part_of_marks_the_whole_run():
    assert list(part_of_run(np.array([0] * 6 + [1]), 7)) == [1] * 7
    assert list(part_of_run(np.array([0] * 8 + [1, 0]), 7)) == [0, 0] + [1] * 7 + [0]


def test_two_in_three():
    same = np.ones(7, dtype=int)
    assert list(two_in_three(np.array([1, 0, 1]), np.ones(3))) == [1, 1, 1]
    assert list(two_in_three(np.array([0, 1, 1]), np.ones(3))) == [1, 1, 1]
    assert list(two_in_three(np.array([0, 0, 1, 0, 1, 0, 0]), same)) == [0, 0, 1, 1, 1, 0, 0]
    assert list(two_in_three(np.array([0, 0, 1, 1, 0, 0, 0]), same)) == [0, 1, 1, 1, 1, 0, 0]
    v = np.array([1, 0, 0, 1])
    assert list((two_in_three(v, np.ones(4)) == 1) & (v == 1)) == [False] * 4
    v = np.array([1, 0, 0, 1, 1])
    assert list((two_in_three(v, np.ones(5)) == 1) & (v == 1)) == [False] * 3 + [True] * 2


def test_two_in_three_opposite_sides_is_not_special():
    # From ptd's tests: symmetrical data with two points close to the limits on opposite sides.
    data = [1, -1] * 8
    data[14], data[15] = 5.5, -5.5
    r = xmr(data, improvement="increase")
    assert list(r["point_type"].iloc[-2:]) == ["common_cause", "common_cause"]


def test_point_types_and_precedence():
    base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
    r = xmr(base + [30], improvement="increase")
    assert r["point_type"].iloc[-1] == "special_cause_improvement"
    assert r["rule"].iloc[-1] == "outside_limits"
    r = xmr(base + [30], improvement="decrease")
    assert r["point_type"].iloc[-1] == "special_cause_concern"
    assert variation(r, "decrease") == "concern_high"
    r = xmr(base + [30], improvement="neutral")
    assert r["point_type"].iloc[-1] == "special_cause_neutral"
    # a run of 8 above the mean: shift. By hand: mean 196/18 = 10.889, mean moving range
    # 14/17 = 0.824, upper limit 10.889 + 2.66 x 0.824 = 13.08, upper 2-sigma line
    # 10.889 + 2/3 x 2.191 = 12.35: each 12 is inside both, so the run is the only rule.
    y = [10, 9, 11, 10, 9, 11, 10, 9, 11, 10, 12, 12, 12, 12, 12, 12, 12, 12]
    r = xmr(y, improvement="increase", screen_outliers=False)
    assert list(r["rule"]) == [""] * 10 + ["shift"] * 8
    assert (r["point_type"].iloc[-7:] == "special_cause_improvement").all()
    # a point on the mean (relative_to_mean 0) breaks a run
    assert not run_on_one_side(np.array([1] * 6 + [0] + [1] * 6), 7).any()
    assert run_on_one_side(np.array([1] * 13), 7).sum() == 7


def test_trend_labels_take_precedence_over_shift():
    y = [5, 5.2, 4.8, 5, 5.1, 4.9, 5, 5.05, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6]
    # By hand: mean 72.15/14 = 5.1536, mean moving range 1.8/13 = 0.1385, upper limit 5.522,
    # 2-sigma lines 4.908 and 5.399. Points 3-9 (4.8 to 5.1) are seven below the mean: a shift;
    # points 6-14 (4.9 rising to 5.6) are a trend, which labels 6-9 over the shift and 12-13
    # (beyond 2 sigma) over two-in-three; 5.6 is above the upper limit.
    r = xmr(y, improvement="increase", screen_outliers=False)
    assert list(r["rule"]) == ["", ""] + ["shift"] * 3 + ["trend"] * 8 + ["outside_limits"]


def test_provisional_when_few_points():
    assert xmr([1, 2, 3, 2, 1], minimum_points=15)["provisional"].all()
    assert not xmr(RNORM_123, minimum_points=15)["provisional"].any()


def test_assurance_as_ptd_defines_it():
    r = xmr(RNORM_123)
    assert assurance(r, "increase", 0.5) == "inconsistent"
    assert assurance(r, "increase", 5) == "consistent_fail"
    assert assurance(r, "decrease", 5) == "consistent_pass"
    assert assurance(r, "increase", -5) == "consistent_pass"
    assert assurance(r, "neutral", 5) is None
    assert assurance(r, "increase", None) is None


def test_gaps_are_refused():
    with pytest.raises(ValueError, match="gaps"):
        xmr([1, float("nan"), 2])


# NHSRplotthedots pull request #180 (issues #171, #122): trend points take the trend's direction
def _falling_above_the_mean():
    # alternating 8/12 (mean about 10, wide limits), then a strictly falling run from 12 at
    # position 9 to 8 at position 17 (nine points, most of them above the mean), then 12, 8
    return [8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 11.9, 11.5, 11.2, 11.0, 10.8, 10.6, 10.4, 8, 12, 8]


def test_a_falling_trend_above_the_mean_is_a_concern_when_higher_is_better():
    y = _falling_above_the_mean()
    r = xmr(y, improvement="increase", screen_outliers=False)
    run = range(9, 18)
    assert not r["outside_limits"].any()
    assert all(r["rule"].iloc[i] == "trend" for i in run)
    assert all(r["point_type"].iloc[i] == "special_cause_concern" for i in run)
    # the same points are an improvement when lower is better, whatever their side
    r = xmr(y, improvement="decrease", screen_outliers=False)
    assert all(r["point_type"].iloc[i] == "special_cause_improvement" for i in run)
    assert r["relative_to_mean"].iloc[10] == 1  # above the mean, yet coloured as falling


def test_a_rising_trend_below_the_mean_is_an_improvement_when_higher_is_better():
    y = [-v for v in _falling_above_the_mean()]
    r = xmr(y, improvement="increase", screen_outliers=False)
    assert r["relative_to_mean"].iloc[10] == -1
    assert all(r["point_type"].iloc[i] == "special_cause_improvement" for i in range(9, 18))


def test_rule_precedence_outside_limits_then_trend_then_two_in_three_then_shift():
    # a rising run of seven whose last point leaves the limits: that point is outside_limits,
    # the others trend; an eighth point above the mean after the trend is shift
    base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
    y = base + [9.1, 9.5, 10.2, 10.6, 11.0, 11.4, 30, 10.5, 10.6, 10.5]
    r = xmr(y, improvement="increase", screen_outliers=True)
    assert r["rule"].iloc[21] == "outside_limits"
    assert list(r["rule"].iloc[15:21]) == ["trend"] * 6
    assert r["special_direction"].iloc[21] == 1 and r["special_direction"].iloc[15] == 1


def test_the_variation_icon_follows_the_trend_direction():
    y = _falling_above_the_mean()[:18]
    r = xmr(y, improvement="decrease", screen_outliers=False)
    assert variation(r, "decrease") == "improvement_low"


# Seasonality ------------------------------------------------------------------------------------
def _seasonal(years=3, amplitude=0.25, seed=1):
    rng = np.random.default_rng(seed)
    months = np.tile(np.arange(1, 13), years)
    expected = 400 * (1 + amplitude * np.sin(2 * np.pi * (months - 4) / 12))
    return rng.poisson(expected).astype(float), months, expected


def test_seasonality_found_in_monthly_data_with_a_season():
    y, months, expected = _seasonal(years=4)
    idx, p = seasonal_indices(y, months)
    assert p < 0.001 and idx is not None
    truth = expected[:12] / expected[:12].mean()
    assert np.abs(idx - truth).max() < 0.05
    raw = xmr(y, improvement="decrease")
    adjusted = xmr(seasonally_adjusted(y, months, idx), improvement="decrease")
    assert (adjusted["special_cause"]).sum() < (raw["special_cause"]).sum()


def test_no_seasonality_without_a_season_or_two_whole_years():
    y, months, _ = _seasonal(amplitude=0.0)
    idx, p = seasonal_indices(y, months)
    assert idx is None and p > 0.05
    y, months, _ = _seasonal(years=3)
    assert seasonal_indices(y[:23], months[:23])[0] is None


@pytest.mark.parametrize("trend", [-0.14, 0.12, -0.30])
def test_a_trend_does_not_tilt_the_seasonal_indices(trend):
    # the demo's ASB: a 12% season (peak in July) on a trend of -14% a year, 45 months from
    # January; the indices divided by each year's mean tilted October and September (1.062
    # and 1.014 against the generator's 1.000 and 1.060); ratios to the centred moving
    # average give the generator's own factors back
    months = np.tile(np.arange(1, 13), 4)[:45]
    truth = 1 + 0.12 * np.sin(2 * np.pi * (np.arange(1, 13) - 4) / 12)
    y = 200 * truth[months - 1] * (1 + trend) ** (np.arange(45) / 12)
    idx, p = seasonal_indices(y, months)
    assert idx is not None and p < 0.001
    assert np.abs(idx - truth / truth.mean()).max() < 0.01
    assert idx[9] == pytest.approx(1.000, abs=0.01) and idx[8] == pytest.approx(1.06, abs=0.01)
    # dividing by each whole year's mean (counted back from the latest month) is tilted
    yb = y[len(y) - 36 :].reshape(3, 12)
    mb = months[len(y) - 36 :].reshape(3, 12)
    old = np.array([(yb / yb.mean(axis=1, keepdims=True))[mb == j].mean() for j in range(1, 13)])
    old /= old.mean()
    if trend < -0.1:
        assert np.abs(old - truth / truth.mean()).max() > 0.02


def test_a_sustained_shift_at_the_end_is_found():
    y = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 14, 15, 14, 15, 14, 15, 14, 15]
    r = xmr(y)
    assert sustained_shift_start(r, 7) == 12
    assert sustained_shift_start(xmr(RNORM_123), 7) is None


def test_a_month_that_is_always_zero_is_not_seasonally_adjusted():
    # small counts: every March is 0, so its index would be 0 and adjusting would divide by it
    values = [9, 8, 0, 1, 1, 1, 1, 1, 1, 9, 9, 9, 8, 9, 0, 1, 2, 1, 1, 2, 1, 8, 9, 10]
    values += [9, 9, 0, 1, 1, 2, 1, 1, 1, 9, 8, 9]
    months = list(range(1, 13)) * 3
    idx, p = seasonal_indices(values, months)
    assert idx is None and p < 0.05  # seasonal, but not adjustable


def test_the_baseline_special_cause_periods_are_named():
    from reviewkit.methods.spc import baseline_special_causes

    # twelve steady months, a spike in the baseline's third month, then steady again
    values = [45, 58, 110, 52, 61, 44, 57, 49, 60, 46, 55, 48, 59, 47, 56, 50, 62, 45]
    starts = [str(p) for p in pd.period_range("2024-01", periods=len(values), freq="M")]
    result = xmr(values)
    series = pd.concat(
        [
            pd.DataFrame(
                {
                    "period": pd.PeriodIndex(starts, freq="M").strftime("%B %Y"),
                    "period_start": starts,
                }
            ),
            result,
        ],
        axis=1,
    )
    assert baseline_special_causes(series, "2024-01", "2024-12") == [("March 2024", "high")]
    assert baseline_special_causes(series, "2025-01", "2025-06") == []
    assert baseline_special_causes(series.drop(columns="special_cause"), "2024-01", "2024-12") == []
