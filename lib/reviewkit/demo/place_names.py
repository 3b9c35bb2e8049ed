"""The demo's local names for places: a small fictional lookup in the shape of the House of
Commons Library's MSOA Names file (docs/inputs.md), for the community update's busiest areas."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

QUARTERS = ["Town Centre", "North", "South", "East", "West", "Old Town", "Riverside"]
STEMS = ["Ash", "Birch", "Elm", "Holly", "Thorn", "Willow", "Hazel", "Rowan", "Fern", "Alder"]
ENDS = [" Park", " Green", " Fields", " Hill", " Vale"]


def place_names(lsoas: pd.DataFrame) -> pd.DataFrame:
    """One row per MSOA of the LSOAs given (`lsoa_name` as ONS writes it, 'Brackwell 008C'):
    a made-up E02 code, the ONS name and a local name ('Brackwell Town Centre', 'Elm Park')."""
    msoas = list(dict.fromkeys(re.sub(r"[A-Z]$", "", n) for n in lsoas["lsoa_name"]))
    rows = []
    for k, ons in enumerate(msoas):
        authority, number = ons.rsplit(" ", 1)
        i = int(number) - 1
        if i < len(QUARTERS):
            local = f"{authority} {QUARTERS[i]}"
        else:
            j = i - len(QUARTERS) + 7 * (k % 3)
            local = f"{STEMS[j % len(STEMS)]}{ENDS[(j // len(STEMS) + k) % len(ENDS)]}"
        rows.append(
            {
                "msoa21cd": f"E02{6001 + k:06d}",
                "msoa21nm": ons,
                "msoa21hclnm": local,
                "localauthorityname": authority,
            }
        )
    return pd.DataFrame(rows)


def write_place_names(lsoas: pd.DataFrame, path: Path) -> None:
    """Write the lookup as the Library publishes it (UTF-8 with a byte order mark)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    place_names(lsoas).to_csv(path, index=False, encoding="utf-8-sig")
