import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reviewkit.errors import ReviewError
from reviewkit.peers import benchmark, funnel_limits, load_peers


def table():
    return pd.DataFrame({
        "partnership": ["A", "B", "C", "Me"], "period": "2026-09", "measure": "m",
        "count": [100, 300, 50, 400], "population": [10_000, 20_000, 10_000, 20_000]})


def test_rates_ranks_and_positions():
    b = benchmark(table(), "me", "m", "2026-09")
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
