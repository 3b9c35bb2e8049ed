"""Friendly names for places: an optional lookup of local names by MSOA, so residents read
"Brackwell Town Centre" where the statistics say "Brackwell 008".

The House of Commons Library publishes such names for every MSOA in England and Wales
("MSOA Names", docs/inputs.md says where to get it): a CSV keyed by MSOA code, with the ONS name
(`msoa21nm`, e.g. "Brackwell 008") and the local name (`msoa21hclnm`). An LSOA's ONS name is its
MSOA's name and a letter ("Brackwell 008C"), so each LSOA police.uk names finds its MSOA's local
name without another lookup. The 2011 edition (`msoa11...` columns) is read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_csv_text

MSOA_CODE = re.compile(r"^[EW]02\d{6}$")
# an LSOA's ONS name: its MSOA's name ("<local authority> 008") and one capital letter
LSOA_NAME = re.compile(r"^(?P<msoa>(?P<authority>.*\S) \d{3})[A-Z]$")
EDITIONS = ("21", "11")  # the 2021 MSOAs (police.uk's LSOAs since 2023), or the 2011 ones


@dataclass(frozen=True)
class PlaceNames:
    """Local names by the MSOA's ONS name ('Brackwell 008' -> 'Brackwell Town Centre')."""

    by_msoa: dict[str, str] = field(default_factory=dict)

    def of_lsoa(self, lsoa_name: str) -> str | None:
        """The local name of the MSOA an LSOA (by its ONS name) lies in, or None."""
        msoa = msoa_of(lsoa_name)
        return self.by_msoa.get(msoa) if msoa else None


def msoa_of(lsoa_name: str) -> str | None:
    """The ONS name of the MSOA an LSOA lies in ('Brackwell 008C' -> 'Brackwell 008')."""
    m = LSOA_NAME.match(str(lsoa_name).strip())
    return m["msoa"] if m else None


def authority_of(lsoa_name: str) -> str | None:
    """The local authority an LSOA's ONS name begins with ('Brackwell 008C' -> 'Brackwell')."""
    m = LSOA_NAME.match(str(lsoa_name).strip())
    return m["authority"] if m else None


def area_codes(text: str, authorities: list[str]) -> list[str]:
    """Statistical area codes and ONS area names in `text` ('E01030001', 'Brackwell 008C',
    'Brackwell 008'), which residents never read as a place's name."""
    found = re.findall(r"\b[EW]0[12]\d{6}\b", text)
    for name in authorities:
        found += re.findall(rf"\b{re.escape(name)} \d{{3}}[A-Z]?\b", text)
    return found


def load_place_names(path: Path) -> PlaceNames:
    """Read and check the lookup: the code, ONS name and local name columns of one edition,
    every code an MSOA code, each MSOA once. A row with no local name gives none (the update
    then says the area in words). Errors name the file, row and column, never a value."""
    table = read_csv_text(path, "place names lookup", keep_default_na=False)
    table.columns = [str(c).strip().lower() for c in table.columns]
    cols = _columns(path, list(table.columns))
    code, ons, local = (table[c].str.strip() for c in cols)
    problems = _row_problems(path, code, ons, cols) + _listed_twice(path, code, ons, cols)
    if problems:
        raise ReviewError("\n".join(problems[:10]))
    names = {o: " ".join(n.split()) for o, n in zip(ons, local, strict=True) if n.strip()}
    return PlaceNames(names)


def _columns(path: Path, have: list[str]) -> list[str]:
    """The code, ONS name and local name columns of the edition the file is (2021 or 2011)."""
    year = next((y for y in EDITIONS if f"msoa{y}cd" in have), EDITIONS[0])
    cols = [f"msoa{year}{c}" for c in ("cd", "nm", "hclnm")]
    missing = [c for c in cols if c not in have]
    if missing:
        raise ReviewError(
            f"{path}: missing column(s) {', '.join(missing)}; the place names lookup needs "
            f"{', '.join(cols)} (the House of Commons Library's MSOA Names file has them; "
            "see docs/inputs.md)."
        )
    return cols


def _row_problems(path: Path, code: pd.Series, ons: pd.Series, cols: list[str]) -> list[str]:
    """Each row whose code is not an MSOA code or whose ONS name is empty."""
    bad_code = [k for k in range(len(code)) if not MSOA_CODE.fullmatch(code.iat[k])]
    no_name = [k for k in range(len(ons)) if not ons.iat[k]]
    return [
        f"{path}: row {k + 2}, column '{cols[0]}': not an MSOA code (E02 or W02 and six digits)"
        for k in bad_code
    ] + [f"{path}: row {k + 2}, column '{cols[1]}': the ONS name is empty" for k in no_name]


def _listed_twice(path: Path, code: pd.Series, ons: pd.Series, cols: list[str]) -> list[str]:
    """The first repeat of an MSOA, by code or by ONS name."""
    out = []
    for values, col in ((code, cols[0]), (ons, cols[1])):
        twice = values[values.duplicated() & (values != "")]
        if len(twice):
            out.append(
                f"{path}: row {int(twice.index[0]) + 2}, column '{col}': the same MSOA is "
                "listed twice; keep one row for each"
            )
    return out
