import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reviewkit.analysis.peers import (
    adjusted_z,
    benchmark,
    dispersion_test,
    funnel_limits,
    load_peers,
)
from reviewkit.base.errors import ReviewError


def table():
    return pd.DataFrame(
        {
            "partnership": ["A", "B", "C", "Me"],
            "period": "2026-09",
            "measure": "m",
            "count": [100, 300, 50, 400],
            "population": [10_000, 20_000, 10_000, 20_000],
        }
    )


def test_rates_ranks_and_positions():
    b = benchmark(table(), "me", "m", "2026-09", adjustment="none")
    assert list(b["partnership"]) == ["C", "A", "B", "Me"]  # sorted by rate
    assert list(b["rate"]) == [5.0, 10.0, 15.0, 20.0]
    assert b["group_rate"].iloc[0] == pytest.approx(850 / 60_000 * 1000)
    me = b[b["is_self"]].iloc[0]
    assert me["rank"] == 4 and me["of"] == 4
    # 400 events where 20,000 x 0.01417 = 283 are expected: far above the 99.8% limit
    assert me["position"] == "above the 99.8% limit"
    assert b[b["partnership"] == "C"]["position"].item() == "below the 99.8% limit"


# PHEindicatormethods' published rate funnel (its test outputs, as the Python port
# PHStatsMethods publishes them in testdata_funnel_rate_outputs.csv): baseline 116.1720835
# per 100,000; for each number of events, the population (per year, over three years of data)
# at which that many events is on the upper or lower limit, and the limit as a rate.
PHE_BASELINE = 116.1720835
PHE_ROWS = [
    # events, upper 95% population/yr, upper 95% limit, lower 95% population/yr, lower limit,
    # upper 99.8% population/yr, upper 99.8% limit, lower 99.8% population/yr, lower limit
    (
        1,
        7.264481402,
        4588.535848,
        1598.675694,
        20.85059119,
        0.287087625,
        116108.569,
        2649.348525,
        12.58170943,
    ),
    (
        5,
        465.8280129,
        357.7858395,
        3348.002593,
        49.78092521,
        212.14848,
        785.6132963,
        4721.370883,
        35.30048174,
    ),
    (
        20,
        3505.293872,
        190.1885237,
        8862.823734,
        75.22057153,
        2570.385518,
        259.3644657,
        10915.38389,
        61.07587907,
    ),
    (
        104,
        24382.08903,
        142.1808715,
        36157.10817,
        95.87787415,
        21608.75072,
        160.4288333,
        40036.31685,
        86.58805154,
    ),
    (
        1360,
        369759.5622,
        122.6021934,
        411529.9259,
        110.158048,
        358342.3275,
        126.5084525,
        424043.2424,
        106.9073359,
    ),
]


@pytest.mark.parametrize("row", PHE_ROWS, ids=lambda r: f"{r[0]} events")
def test_exact_limits_agree_with_public_health_published_values(row):
    _events, *cells = row
    per = 100_000
    for level, (pu, upper, pl, lower) in ((0.95, cells[0:4]), (0.998, cells[4:8])):
        _lo, hi = funnel_limits(PHE_BASELINE, np.array([pu * 3]), level, per=per)
        lo, _hi = funnel_limits(PHE_BASELINE, np.array([pl * 3]), level, per=per)
        assert hi[0] == pytest.approx(upper, rel=1e-5)
        assert lo[0] == pytest.approx(lower, rel=1e-5)


def test_exact_limits_are_continuous_not_integer_quantiles():
    # at the expected count where 5 events is the exact (Garwood) lower 95% limit of 5, the
    # upper limit is exactly 5 events; the integer quantile would say 4
    e = stats.chi2.ppf(0.025, 10) / 2  # 1.6235, Garwood's lower limit for 5 events
    pop = 100_000.0
    lo, hi = funnel_limits(e / pop * 1000, np.array([pop]), 0.95)
    assert hi[0] / 1000 * pop == pytest.approx(5, rel=1e-9)
    assert stats.poisson.ppf(0.975, e) == 4
    # and the lower limit at the Garwood upper limit of 5 (11.668) is 5 too
    e = stats.chi2.ppf(0.975, 12) / 2
    lo, hi = funnel_limits(e / pop * 1000, np.array([pop]), 0.95)
    assert lo[0] / 1000 * pop == pytest.approx(5, rel=1e-9)
    # a small expected count has no lower limit above zero
    lo, _ = funnel_limits(1.0, np.array([1000.0]), 0.95)
    assert lo[0] == 0
    lo, hi = funnel_limits(10.0, np.array([1000.0, 100000.0]), 0.95)
    assert hi[0] - lo[0] > hi[1] - lo[1]  # a funnel: narrower for bigger populations


def test_other_periods_and_measures_are_ignored():
    assert benchmark(table(), "me", "m", "2025-09").empty
    assert benchmark(table(), "me", "other", "2026-09").empty


def test_bad_peer_file(tmp_path):
    p = tmp_path / "peers.csv"
    p.write_text("partnership,period,measure,count,population\nA,2026-09,m,10,0\n")
    with pytest.raises(ReviewError, match="row 2, column 'population'"):
        load_peers(p)
    p.write_text("partnership,count\nA,1\n")
    with pytest.raises(ReviewError, match="missing column"):
        load_peers(p)


def _quantile7(values, q):
    """R's default (type 7) sample quantile, written out: interpolate at (n - 1) q."""
    v = sorted(values)
    h = (len(v) - 1) * q
    lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def _spiegelhalter(observed, expected, winsorise=0.1):
    """Spiegelhalter (2005) section 3, from the paper's formulas, element by element."""
    n = len(observed)
    z = [2 * (math.sqrt(o) - math.sqrt(e)) for o, e in zip(observed, expected, strict=True)]
    lo, hi = _quantile7(z, winsorise), _quantile7(z, 1 - winsorise)
    zw = [min(max(x, lo), hi) for x in z]
    phi = sum(x * x for x in zw) / n
    w = [4 * e for e in expected]  # 1 / s^2 with s = 1 / (2 sqrt(E)) on the root scale
    tau2 = max(0.0, (n * phi - (n - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    return z, phi, tau2


# Ten areas, rates spread far wider than Poisson allows (the classic sign of over-dispersion).
OBS = [52, 75, 130, 160, 210, 260, 290, 420, 480, 700]
POP = [10_000, 12_000, 15_000, 20_000, 25_000, 30_000, 33_000, 40_000, 52_000, 60_000]


def test_dispersion_test_follows_spiegelhalter():
    group = sum(OBS) / sum(POP)
    expected = [group * p for p in POP]
    z, phi, tau2 = _spiegelhalter(OBS, expected)
    od = dispersion_test(np.array(OBS), np.array(expected))
    assert od.phi == pytest.approx(phi) and od.tau2 == pytest.approx(tau2)
    assert od.phi > 1 and od.method == "additive"
    assert od.p_value == pytest.approx(stats.chi2.sf(10 * phi, 9))
    # the adjusted z-score divides by sqrt(s^2 + tau^2) on the square-root ratio scale
    i = 9
    want = (math.sqrt(OBS[i] / expected[i]) - 1) / math.sqrt(1 / (4 * expected[i]) + tau2)
    assert adjusted_z(np.array(OBS), np.array(expected), od)[i] == pytest.approx(want)
    # limits: group rate x (1 +/- 1.96 sqrt(s^2 + tau^2))^2, per 1,000
    lo, hi = funnel_limits(group * 1000, np.array(POP), 0.95, dispersion=od)
    e0 = expected[0]
    spread = math.sqrt(1 / (4 * e0) + tau2)
    assert hi[0] == pytest.approx(group * 1000 * (1 + 1.959964 * spread) ** 2, rel=1e-6)
    assert lo[0] == pytest.approx(group * 1000 * max(0, 1 - 1.959964 * spread) ** 2, rel=1e-6)


def test_multiplicative_limits_scale_the_poisson_spread_by_root_phi():
    group = sum(OBS) / sum(POP)
    expected = np.array([group * p for p in POP])
    od = dispersion_test(np.array(OBS), expected, "multiplicative")
    _z, phi, _t = _spiegelhalter(OBS, list(expected))
    lo, hi = funnel_limits(group * 1000, np.array(POP), 0.998, dispersion=od)
    s = 1 / (2 * math.sqrt(expected[3]))
    assert hi[3] == pytest.approx(group * 1000 * (1 + 3.090232 * math.sqrt(phi) * s) ** 2, rel=1e-6)
    assert od.tau2 == 0


def test_no_over_dispersion_keeps_exact_poisson_limits():
    # every area exactly at the group rate: phi = 0, nothing to widen
    pop = np.array(POP, dtype=float)
    counts = pop * 0.01
    od = dispersion_test(counts, counts)
    assert od.phi == 0 and od.method == "none" and not od.overdispersed
    lo, hi = funnel_limits(10.0, pop, 0.95, dispersion=od)
    # continuous exact: the upper limit O at E = 100 has P(X >= O) = 2.5% (between the
    # integer quantiles 119 and 120, from the Poisson tail directly)
    o = hi[0] / 1000 * 10_000
    assert stats.poisson.sf(119, 100) > 0.025 > stats.poisson.sf(120, 100)
    assert 119 < o < 121


def test_only_areas_outside_the_widened_limits_differ():
    peers = pd.DataFrame(
        {
            "partnership": [f"P{i}" for i in range(10)],
            "period": "2026-09",
            "measure": "m",
            "count": OBS,
            "population": POP,
        }
    )
    plain = benchmark(peers, "p0", "m", "2026-09", adjustment="none")
    widened = benchmark(peers, "p0", "m", "2026-09")
    outside = (plain["position"] != "within the limits").sum()
    assert outside >= 5  # Poisson limits call half the areas different
    assert (widened["position"] != "within the limits").sum() < outside
    assert set(widened["od_method"]) == {"additive"} and widened["od_phi"].iloc[0] > 1
    # ten areas: phi is not Winsorised, and the Winsorised one is the sensitivity
    assert widened["od_winsorise"].iloc[0] == 0
    assert widened["od_phi_other"].iloc[0] < widened["od_phi"].iloc[0]
    # the position agrees with the adjusted z-score: beyond 1.96 exactly when outside 95%,
    # where the position does not depend on the estimate
    for _, r in widened[~widened["position_depends"]].iterrows():
        assert (abs(r["z"]) > 1.959964) == (r["position"] != "within the limits")


def _exchangeable(rng, n=15, sd=0.18):
    """A peer group like the demo's: populations 80,000-260,000, rates around 50 per 1,000
    with a between-area spread (lognormal, sd 0.18) and Poisson counts."""
    pop = rng.integers(80_000, 260_000, n)
    rate = 0.05 * rng.lognormal(0, sd, n)
    return pd.DataFrame(
        {
            "partnership": [f"P{i}" for i in range(n)],
            "period": "2026-09",
            "measure": "m",
            "count": rng.poisson(rate * pop),
            "population": pop,
        }
    )


def test_fifteen_exchangeable_areas_fall_outside_about_as_often_as_the_level_says():
    # 300 groups of 15 areas that differ only by the same random effect: about 5% of areas
    # should be outside the 95% limits (0.75 a group). Winsorised phi (the old estimate)
    # under-estimates tau^2 and puts far more outside; the estimate used does not.
    rng = np.random.default_rng(25)
    outside, winsorised_outside, n = 0, 0, 0
    for _ in range(300):
        b = benchmark(_exchangeable(rng), "p0", "m", "2026-09")
        assert b["od_winsorise"].iloc[0] == 0
        outside += (b["position"] != "within the limits").sum()
        group = b["group_rate"].iloc[0]
        od = dispersion_test(b["count"].to_numpy(), b["expected"].to_numpy(), winsorise=0.1)
        lo, hi = funnel_limits(group, b["population"].to_numpy(), 0.95, dispersion=od)
        winsorised_outside += ((b["rate"] < lo) | (b["rate"] > hi)).sum()
        n += len(b)
    assert 0.02 < outside / n < 0.07
    assert winsorised_outside / n > 0.08


def test_a_position_that_depends_on_the_estimate_is_never_called_outside():
    # one area far out among fifteen: outside the 99.8% limit if phi is Winsorised (the
    # outlier trimmed), not when it is not (the outlier widens the limits)
    rng = np.random.default_rng(3)
    peers = _exchangeable(rng, sd=0.05)
    peers.loc[0, "count"] = int(peers.loc[0, "count"] * 1.6)
    b = benchmark(peers, "p0", "m", "2026-09").set_index("partnership")
    group = b["group_rate"].iloc[0]
    pop = np.array([b.at["P0", "population"]])
    wins = dispersion_test(b["count"].to_numpy(), b["expected"].to_numpy(), winsorise=0.1)
    plain = dispersion_test(b["count"].to_numpy(), b["expected"].to_numpy(), winsorise=0.0)
    rate = b.at["P0", "rate"]
    assert rate > funnel_limits(group, pop, 0.998, dispersion=wins)[1][0]
    assert rate < funnel_limits(group, pop, 0.998, dispersion=plain)[1][0]
    assert b.at["P0", "position_depends"]
    assert b.at["P0", "position"] != "above the 99.8% limit"


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 3000), min_size=3, max_size=40),
    seed=st.integers(0, 10_000),
)
def test_outside_a_limit_only_where_both_estimates_agree(counts, seed):
    rng = np.random.default_rng(seed)
    pop = rng.integers(20_000, 300_000, len(counts))
    peers = pd.DataFrame(
        {
            "partnership": [f"P{i}" for i in range(len(counts))],
            "period": "2026-09",
            "measure": "m",
            "count": counts,
            "population": pop,
        }
    )
    if sum(counts) == 0:
        return
    b = benchmark(peers, "p0", "m", "2026-09")
    group = b["group_rate"].iloc[0]
    e, c, p = b["expected"].to_numpy(), b["count"].to_numpy(), b["population"].to_numpy()
    for share in (0.0, 0.1):
        od = dispersion_test(c, e, winsorise=share)
        for level, name in ((0.95, "95"), (0.998, "99.8")):
            lo, hi = funnel_limits(group, p, level, dispersion=od)
            above = b["position"].str.startswith("above") & b["position"].str.contains(name)
            below = b["position"].str.startswith("below") & b["position"].str.contains(name)
            assert (b["rate"][above] > hi[above]).all()
            assert (b["rate"][below] < lo[below]).all()


def test_the_report_says_how_many_areas_and_never_outside_when_it_depends():
    from reviewkit.report.benchmarking import dispersion_sentence, peer_sentence, position_words

    rng = np.random.default_rng(3)
    peers = _exchangeable(rng, sd=0.05)
    peers.loc[0, "count"] = int(peers.loc[0, "count"] * 1.6)
    b = benchmark(peers, "p0", "m", "2026-09")
    me = b[b["is_self"]].iloc[0]
    text = peer_sentence(me)
    assert "99.8%" not in text and "not called different" in text
    assert "depends on the estimate" in position_words(me)
    words = dispersion_sentence(b)
    assert "across 15 partnerships" in words and "not Winsorised" in words
    assert "1 partnership's position depends on it" in words
