"""Recording changes: a step in one crime type, in the same month across the force."""

import numpy as np
import pandas as pd
import pytest

from reviewkit.methods.recording import describe, detect, find_step

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
