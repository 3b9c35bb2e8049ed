"""Recording changes: every step in a crime type, in the same month across the force."""

import numpy as np
import pandas as pd
import pytest

from reviewkit.methods.recording import describe, detect, find_step, find_steps

MONTHS = [str(p) for p in pd.period_range("2023-01", "2026-09", freq="M")]


def _rows(levels: dict[str, list[float]], seed: int = 3) -> pd.DataFrame:
    """Street rows (month, crime_type, n) drawn around monthly expected counts."""
    rng = np.random.default_rng(seed)
    rows = []
    for ctype, expected in levels.items():
        for month, lam in zip(MONTHS, expected, strict=True):
            n = int(rng.poisson(lam))
            if n:
                rows.append({"month": month, "crime_type": ctype, "n": n})
    return pd.DataFrame(rows)


def _step(before: float, after: float, at: str) -> list[float]:
    return [before if m < at else after for m in MONTHS]


def _seasonal(level: float, trend: float = 0.0) -> list[float]:
    out = []
    for i, m in enumerate(MONTHS):
        month = int(m[5:])
        out.append(
            level * (1 + 0.12 * np.sin(2 * np.pi * (month - 4) / 12)) * (1 + trend) ** (i / 12)
        )
    return out


def test_the_real_case_criminal_damage_and_burglary():
    # shaped like the real force: criminal damage ~50 -> ~600 a month force-wide in one
    # month, burglary tripling at the same time; a partnership is about a tenth of the force
    at = "2025-04"
    mine = _rows(
        {
            "Criminal damage and arson": _step(5, 60, at),
            "Burglary": _step(12, 36, at),
            "Shoplifting": _seasonal(40, 0.12),
        }
    )
    rest = _rows(
        {
            "Criminal damage and arson": _step(45, 540, at),
            "Burglary": _step(110, 330, at),
            "Shoplifting": _seasonal(360, 0.12),
        },
        4,
    )
    found = detect(mine, rest, MONTHS).set_index("crime_type")
    assert set(found.index) == {"Criminal damage and arson", "Burglary"}
    assert set(found["month"]) == {at}
    assert found.at["Burglary", "ratio"] == pytest.approx(3, rel=0.25)
    assert found.at["Criminal damage and arson", "rest_after"] == pytest.approx(540, rel=0.1)
    text = describe(found.reset_index().iloc[0])
    assert "April 2025" in text and "rest of the force" in text


def test_a_change_in_the_partnership_alone_is_not_a_recording_change():
    at = "2025-04"
    mine = _rows({"Shoplifting": _step(20, 60, at)})
    rest = _rows({"Shoplifting": _seasonal(300)}, 5)
    assert detect(mine, rest, MONTHS).empty
    # without the rest of the force, it is still flagged, and the sentence says so
    alone = detect(mine, None, MONTHS)
    assert list(alone["month"]) == [at]
    assert "this partnership only" in describe(alone.iloc[0])


@pytest.mark.parametrize("expected", [_seasonal(500), _seasonal(40, -0.14), _seasonal(3)])
def test_seasons_trends_and_small_counts_are_not_steps(expected):
    assert find_step(pd.Series(np.random.default_rng(7).poisson(expected), index=MONTHS)) is None


def test_a_step_down_is_found_too():
    y = pd.Series(np.random.default_rng(8).poisson(_step(90, 30, "2024-07")), index=MONTHS)
    step = find_step(y)
    assert (
        step is not None and step.month == "2024-07" and step.ratio == pytest.approx(1 / 3, rel=0.2)
    )


def test_no_false_alarm_on_real_police_files(real_police):
    from reviewkit.inputs.params import Area
    from reviewkit.intake.area import AreaMatcher
    from reviewkit.intake.policeuk import read_police

    files = sorted((real_police / "city-of-london").glob("*/*-street.csv"))
    area = AreaMatcher.from_params(Area(local_authorities=["City of London"]), lambda p: p)
    d = read_police("police_street", "police_uk_street", files, area)
    assert d.rest_of_force is not None and len(d.rest_of_force)
    months = sorted(set(d.periods) | set(d.rest_of_force["month"]))
    assert len(months) == 25
    assert detect(d.tidy, d.rest_of_force, months).empty


# A real force's burglary, a change the one-split method missed: force-wide about 140 a month
# from July 2022 to March 2023, about 65 from April to September 2023 (a crime recording
# audit), then about 180 (x2.8 between two adjacent months); five partnerships of different
# sizes.
REAL_MONTHS = [str(p) for p in pd.period_range("2022-07", "2025-06", freq="M")]
SHARES = [0.30, 0.25, 0.20, 0.15, 0.10]


def _real_force_burglary(seed: int) -> list[list[int]]:
    """Monthly counts by partnership, seasonal (+/-10%) and over-dispersed (gamma-Poisson,
    shape 30: the month-to-month spread of a real force's counts)."""
    rng = np.random.default_rng(seed)
    out = []
    for m in REAL_MONTHS:
        level = 140 if m < "2023-04" else 65 if m < "2023-10" else 180
        season = 1 + 0.1 * np.sin(2 * np.pi * (int(m[5:]) - 4) / 12)
        out.append([int(rng.poisson(rng.gamma(30, level * season * s / 30))) for s in SHARES])
    return out


def _frames(counts: list[list[int]], k: int, ctype: str = "Burglary"):
    mine = pd.DataFrame(
        {"month": REAL_MONTHS, "crime_type": ctype, "n": [row[k] for row in counts]}
    )
    rest = pd.DataFrame(
        {"month": REAL_MONTHS, "crime_type": ctype, "n": [sum(row) - row[k] for row in counts]}
    )
    return mine, rest


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_real_force_dip_and_return_is_found_in_every_partnership(seed):
    counts = _real_force_burglary(seed)
    for k, share in enumerate(SHARES):
        mine, rest = _frames(counts, k)
        found = detect(mine, rest, REAL_MONTHS)
        assert list(found["month"]) == ["2023-04", "2023-10"], (seed, share)
        assert list(found["until"]) == ["2023-09", "2025-06"]
        # sizes against the levels the data were drawn from (65/140 and 180/65): within a
        # factor of 1.7 in a partnership as small as a tenth of the force (six months of
        # about 6.5 burglaries, over-dispersed), within 25% in the rest of the force
        for got, truth in zip(found["ratio"], (65 / 140, 180 / 65), strict=True):
            assert 1 / 1.7 < got / truth < 1.7
        rest_ratio = found["rest_after"] / found["rest_before"]
        assert rest_ratio.tolist() == pytest.approx([65 / 140, 180 / 65], rel=0.25)
        assert found["rest_after"].iloc[1] == pytest.approx(180 * (1 - share), rel=0.15)
        assert found["before"].iloc[0] == pytest.approx(140 * share, rel=0.25)
        text = describe(found.iloc[0])
        assert "April 2023" in text and "September 2023" in text


def test_the_single_best_split_alone_would_have_missed_it():
    # the case the one-step method missed: the best single split of the whole series is only
    # about x1.65, yet two steps of x0.46 and x2.8 are there
    counts = _real_force_burglary(1)
    total = pd.Series([sum(r) for r in counts], index=REAL_MONTHS)
    y = total.to_numpy(dtype=float)
    best = max(range(3, len(y) - 2), key=lambda i: abs(np.log(y[i:].mean() / y[:i].mean())))
    assert y[best:].mean() / y[:best].mean() < 2
    steps = find_steps(total)
    assert [s.month for s in steps] == ["2023-04", "2023-10"]


def test_two_steps_in_three_years_are_both_found():
    mine = _rows(
        {"Public order": [20 if m < "2023-10" else 44 if m < "2025-07" else 100 for m in MONTHS]}
    )
    rest = _rows(
        {"Public order": [180 if m < "2023-10" else 400 if m < "2025-07" else 900 for m in MONTHS]},
        9,
    )
    found = detect(mine, rest, MONTHS)
    assert list(found["month"]) == ["2023-10", "2025-07"]
    assert found["ratio"].tolist() == pytest.approx([2.2, 100 / 44], rel=0.2)


def test_a_dip_in_one_partnership_alone_is_not_flagged():
    counts = _real_force_burglary(4)
    flat = [
        [row[0], *(int(x) for x in np.random.default_rng(i).poisson([40, 30, 20, 10]))]
        for i, row in enumerate(counts)
    ]
    mine, rest = _frames(flat, 0)
    assert detect(mine, rest, REAL_MONTHS).empty


@pytest.mark.parametrize("seed", range(6))
def test_over_dispersed_trending_seasonal_counts_are_not_steps(seed):
    # gamma-Poisson counts (shape 20) with a season and a trend of 20% a year either way, in
    # the partnership and the rest of the force alike: no step anywhere
    rng = np.random.default_rng(seed)
    trend = 0.2 if seed % 2 else -0.2
    level = [30, 80, 250][seed % 3]
    mu = np.array(_seasonal(level, trend))
    mine = pd.DataFrame(
        {"month": MONTHS, "crime_type": "Shoplifting", "n": rng.poisson(rng.gamma(20, mu / 20))}
    )
    rest = pd.DataFrame(
        {
            "month": MONTHS,
            "crime_type": "Shoplifting",
            "n": rng.poisson(rng.gamma(20, 4 * mu / 20)),
        }
    )
    assert detect(mine, rest, MONTHS).empty


def test_the_dip_is_found_in_nine_partnerships_in_ten_and_nothing_else():
    # thirty more forces drawn like the real one: both steps, within a month, in at least 90%
    # of the 150 partnerships, and never a step that is not there
    right = 0
    for seed in range(10, 40):
        counts = _real_force_burglary(seed)
        for k in range(len(SHARES)):
            months = list(detect(*_frames(counts, k), REAL_MONTHS)["month"])
            assert all(
                min(abs((pd.Period(m, "M") - pd.Period(t, "M")).n) for t in ("2023-04", "2023-10"))
                <= 1
                for m in months
            )
            right += len(months) == 2
    assert right >= 0.9 * 150
