"""Places as residents know them: the busiest local areas by their local names (params
`inputs.place_names`), never a statistical code ("Brackwell 008C").

Counts per LSOA are added up to their MSOA (the unit local names are given for); an MSOA the
lookup has no name for is said in words ("Part of Brackwell"); with no lookup at all, no area
is named (the map still shows where)."""

from __future__ import annotations

import pandas as pd

from reviewkit.inputs.places import PlaceNames, authority_of, load_place_names, msoa_of
from reviewkit.report.context import ReportContext


def place_names(ctx: ReportContext) -> PlaceNames | None:
    """The params' place names lookup, read and checked, or None when none is given."""
    path = ctx.params.path("place_names")
    return load_place_names(path) if path is not None else None


def _said(names: PlaceNames, msoa: str, lsoa_name: str) -> str:
    """An area as residents read it: its local name, else the area in words, never a code."""
    authority = authority_of(lsoa_name)
    return names.by_msoa.get(msoa) or (f"Part of {authority}" if authority else "Elsewhere")


def local_areas(table: pd.DataFrame, lsoa_names: dict[str, str], names: PlaceNames) -> pd.DataFrame:
    """Review-period counts by local area (from `analysis.places.by_lsoa`'s table), busiest
    first: columns area (the local name, or the area in words), named (whether the lookup
    gave it), review, share_pct. LSOAs whose ONS name gives no MSOA are one area 'elsewhere'."""
    ons = [lsoa_names.get(str(c), "") for c in table["lsoa_code"]]
    msoa = [msoa_of(n) or "" for n in ons]
    label = [_said(names, m, n) for m, n in zip(msoa, ons, strict=True)]
    out = (
        pd.DataFrame(
            {
                "key": [m or "~" for m in msoa],
                "area": label,
                "named": [m in names.by_msoa for m in msoa],
                "review": table["review"].to_numpy(),
            }
        )
        .groupby("key", sort=True)
        .agg(area=("area", "first"), named=("named", "first"), review=("review", "sum"))
        .reset_index()
    )
    total = out["review"].sum()
    out["share_pct"] = out["review"] / total * 100 if total else 0.0
    out = out.sort_values(["review", "key"], ascending=[False, True], kind="stable")
    return out.drop(columns="key").reset_index(drop=True)
