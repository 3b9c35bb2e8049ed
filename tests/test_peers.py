import math

import numpy as np
import pandas as pd
import pytest
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


def test_funnel_limits_are_poisson_quantiles():
    lo, hi = funnel_limits(10.0, np.array([1000.0, 100000.0]), 0.95)
    assert lo[0] == stats.poisson.ppf(0.025, 10) / 1000 * 1000
    assert hi[1] == stats.poisson.ppf(0.975, 1000) / 100000 * 1000
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
    assert hi[0] == stats.poisson.ppf(0.975, 100) / 10_000 * 1000


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
    # the position agrees with the adjusted z-score: beyond 1.96 exactly when outside 95%
    for _, r in widened.iterrows():
        assert (abs(r["z"]) > 1.959964) == (r["position"] != "within the limits")
