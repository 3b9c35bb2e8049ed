"""Population and households by area and year, for rates per 1,000.

The file has one row per area and year: `area, year, population, households` (mid-year
estimates). A period's rate uses the estimate for the year the period starts in; when that year
is not in the file the latest earlier year is used and the report says so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_reference_table
from reviewkit.intake.area import normalise_authority

COLUMNS = ["area", "year", "population", "households"]


def load_population(path: Path, authorities: list[str]) -> pd.DataFrame:
    """Population and households per year for the partnership (its authorities summed)."""
    table = read_reference_table(
        path, COLUMNS, {"year": False, "population": False, "households": False}, "population file"
    )
    wanted = {normalise_authority(a) for a in authorities}
    mine = table[table["area"].map(lambda a: normalise_authority(str(a)) in wanted)]
    if mine.empty:
        raise ReviewError(
            f"{path}: no rows for {', '.join(authorities)}; add their population "
            "and households by year."
        )
    out = mine.groupby("year", as_index=False)[["population", "households"]].sum()
    out["year"] = out["year"].astype("int64")
    return out.sort_values("year", ignore_index=True)


def denominator(
    population: pd.DataFrame | None, year: int, kind: str
) -> tuple[float | None, int | None]:
    """(value, year used) for `kind` ('population' or 'households'), latest year <= `year`."""
    if population is None or population.empty:
        return None, None
    rows = population[population["year"] <= year]
    if rows.empty:
        rows = population.head(1)
    row = rows.iloc[-1]
    return float(row[kind]), int(row["year"])
