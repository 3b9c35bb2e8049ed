"""The demo's reference files: population and households, and the most-similar-group table
of peers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reviewkit.demo.force import AUTHORITIES, NEIGHBOUR


def write_population(authorities: list[str], path: Path) -> None:
    """Population and households for each authority and the neighbour, 2022 to 2026, rising
    0.4% a year, so rates per 1,000 can be worked out."""
    rows = []
    for k, la in enumerate(authorities + [NEIGHBOUR]):
        base = 120_000 + 15_000 * (k % 4)
        for year in range(2022, 2027):
            pop = int(base * (1.004 ** (year - 2022)))
            rows.append(
                {"area": la, "year": year, "population": pop, "households": int(pop / 2.35)}
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


# the force's other authorities, then partnerships of other forces alike enough to compare
PEER_NAMES = [
    *AUTHORITIES[1:],
    "Larkspur",
    "Millbrook",
    "Northwold",
    "Oakhaven",
    "Pennington",
    "Queensferry",
]


def write_peers(
    rng: np.random.Generator, window: dict[tuple[str, str], int], authorities: list[str], path: Path
) -> None:
    """A most-similar-group table (15 partnerships) for the 12 months to September 2026: each
    generated partnership's own counts (`window`: (authority, crime type) -> records), and
    fictional peers around them."""
    pop = {la: 120_000 + 15_000 * (k % 4) for k, la in enumerate(authorities + [NEIGHBOUR])}
    rows: list[dict[str, Any]] = []
    measures = {
        "violence_rate": ("Violence and sexual offences", 1.0),
        "burglary_rate": ("Burglary", 1 / 2.35),
    }  # households: residents / 2.35
    for measure, (ctype, share) in measures.items():
        for la in authorities:
            residents = int(pop[la] * 1.004**4)  # the 2026 estimate, as write_population
            denominator = residents if share == 1.0 else int(residents / 2.35)
            rows.append(
                {
                    "partnership": f"{la} Community Safety Partnership",
                    "period": "2026-09",
                    "measure": measure,
                    "count": int(window.get((la, ctype), 0)),
                    "population": denominator,
                }
            )
        base = float(
            np.mean([r["count"] / r["population"] for r in rows if r["measure"] == measure])
        )
        for name in [n for n in PEER_NAMES if n not in authorities][: 15 - len(authorities)]:
            denominator = int(rng.integers(80_000, 260_000) * share)
            rate = base * rng.lognormal(0, 0.18)
            rows.append(
                {
                    "partnership": f"{name} Community Safety Partnership",
                    "period": "2026-09",
                    "measure": measure,
                    "count": int(rng.poisson(rate * denominator)),
                    "population": denominator,
                }
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)
