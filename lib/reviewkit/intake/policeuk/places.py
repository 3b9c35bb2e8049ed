"""Where police.uk rows are: each row's place from its LSOA (in the partnership's area, out of
it, or with no location), the local authority of each LSOA, the counts kept of rows in the
area and of the rest of the force, and each LSOA's name and middle grid cell."""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from reviewkit.intake.area import AreaMatcher, normalise_authority
from reviewkit.intake.policeuk.codes import category_texts
from reviewkit.methods.counting import count_groups, counts_frame

# A row's place: no LSOA code, out of the partnership's area, in it.
UNASSIGNED, OUT_OF_AREA, IN_AREA = 0, 1, 2
Authorities = tuple[np.ndarray, list[str]]  # a code per LSOA code (-1: none), and the names

_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z ,.&'()-]{0,59}")


def lsoa_places(df: dict[str, pd.Categorical], area: AreaMatcher) -> tuple[np.ndarray, Authorities]:
    """Each row's place from its LSOA (0: no LSOA code, 1: out of the partnership's area, 2: in
    it), and each LSOA code's local authority (a code per LSOA code, -1 for none, last entry
    for a missing code; and the authorities' names). Decided once per (code, name) pair."""
    codes_cat, names_cat = df["lsoa_code"], df["lsoa_name"]
    width = len(names_cat.categories) + 1
    wide = (len(codes_cat.categories) + 1) * width >= 2**31
    c = np.asarray(codes_cat.codes).astype(np.int64 if wide else np.int32)
    nm = np.asarray(names_cat.codes).astype(c.dtype)
    pairs = pd.unique((c + 1) * width + (nm + 1))  # each (code, name) once; 0: missing
    pair_code, pair_name = pairs // width - 1, pairs % width - 1
    both = (pair_code >= 0) & (pair_name >= 0)
    code_names = pd.Series(np.asarray(codes_cat.categories, dtype=object)[pair_code[both]])
    name_values = pd.Series(np.asarray(names_cat.categories, dtype=object)[pair_name[both]])
    member_codes = set(code_names[area.contains(code_names, name_values).to_numpy()])
    la_map = dict(zip(code_names, area.local_authority(code_names, name_values), strict=True))
    cats = [str(c) for c in codes_cat.categories]
    place = np.array(
        [0 if not c.strip() else 2 if c in member_codes else 1 for c in cats] + [0], dtype=np.int8
    )
    values = [la if isinstance(la := la_map.get(c), str) else None for c in cats]
    names = sorted({v for v in values if v is not None}, key=str)
    index = {v: k for k, v in enumerate(names)}
    authority = np.array([index[v] if v is not None else -1 for v in values] + [-1], np.int32)
    # a missing code (-1) picks the lookups' last entries
    return place[np.asarray(codes_cat.codes)], (authority, names)


def no_area_match(area: AreaMatcher, found: list[str], out: int, place: np.ndarray) -> list[str]:
    """When rows with a place were read but none is in the partnership's area: say so, with
    the local authorities the files do name (and the nearest to each name given), so a wrong
    area name is never read as data that did not arrive."""
    if out == 0 or bool((place == IN_AREA).any()):
        return []
    names = [n for n in found if _AUTHORITY.fullmatch(n)]
    shown = ", ".join(names[:15]) + (f" and {len(names) - 15} more" if len(names) > 15 else "")
    if area.authorities:
        given = sorted(area.given_authorities)
        near = _nearest_authorities(given, names)
        hint = f" Did you mean {' or '.join(near)}?" if near else ""
        return [
            f"None of the {out:,} rows with a location is in the partnership's area: no LSOA "
            f"name in these files begins with {' or '.join(given)} (key "
            f"'area.local_authorities'). The local authorities these files name: "
            f"{shown or 'none'}.{hint} Correct the name in the params file."
        ]
    return [
        f"None of the {out:,} rows with a location is in the partnership's area: none of the "
        f"{len(area.codes):,} LSOA codes of 'area.lsoa_file' appears in these files (they name "
        f"LSOAs of {shown or 'no local authority'}). Check the list is of this force's area."
    ]


def _nearest_authorities(given: list[str], names: list[str]) -> list[str]:
    """The authorities named in the files nearest the names given: a name the given one
    contains (or that contains it) first; else the closest spellings."""
    near = sorted(
        {
            n
            for g in given
            for n in names
            if normalise_authority(n) in normalise_authority(g)
            or normalise_authority(g) in normalise_authority(n)
        }
    )
    if near:
        return near
    lookup = {normalise_authority(n): n for n in names}
    return sorted(
        {
            lookup[m]
            for g in given
            for m in difflib.get_close_matches(normalise_authority(g), list(lookup), 3, 0.6)
        }
    )


def rest_of_force(df: dict[str, pd.Categorical], out: np.ndarray) -> pd.DataFrame:
    """Rows out of the partnership's area (`out`: a mask or row indices) counted by month and
    crime type."""
    keys = ("month", "crime_type")
    codes = [np.asarray(df[k].codes)[out] for k in keys]
    both = (codes[0] >= 0) & (codes[1] >= 0)  # a missing month or type is not a group
    groups, n = count_groups([c[both] for c in codes], [len(df[k].categories) for k in keys])
    columns: dict[str, tuple[list[str] | None, np.ndarray]] = {
        k: (category_texts(df[k]), g) for k, g in zip(keys, groups, strict=True)
    }
    return counts_frame(columns, n, sort=False)


def tidy_counts(
    df: dict[str, pd.Categorical],
    in_area: np.ndarray,
    keys: list[str],
    authorities: Authorities | None = None,
) -> pd.DataFrame:
    """Accepted rows (`in_area`: a mask or row indices) counted by the dataset's tidy keys
    (month, crime type, LSOA, ...); a row's local authority is its LSOA code's (`authorities`,
    from `lsoa_places`)."""
    codes, sizes, texts = [], [], []
    for k in keys:
        if k == "local_authority" and authorities is not None:
            lookup, names = authorities
            codes.append(lookup[np.asarray(df["lsoa_code"].codes)[in_area]])
            sizes.append(len(names))
            texts.append([str(n) for n in names])
        else:
            codes.append(np.asarray(df[k].codes)[in_area])
            sizes.append(len(df[k].categories))
            texts.append(category_texts(df[k]))
    groups, n = count_groups(codes, sizes)
    return counts_frame({k: (t, g) for k, t, g in zip(keys, texts, groups, strict=True)}, n)


def lsoa_names(
    df: dict[str, pd.Categorical],
    keep: np.ndarray,
    cells: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Each accepted LSOA code (of the rows `keep`: row indices) with its name (the name on
    most of its rows, as names change between months) and, where the rows have grid cells,
    the cell in the middle of its records (median row and column): where a map writes its
    name. Only the cell, about 500 m square, is kept: never a point."""
    code, name = df["lsoa_code"], df["lsoa_name"]
    (c, nm), counts = count_groups(
        [np.asarray(code.codes)[keep], np.asarray(name.codes)[keep]],
        [len(code.categories), len(name.categories)],
    )
    ok = (c >= 0) & (nm >= 0)
    frame = pd.DataFrame(
        {
            "lsoa_code": np.asarray(code.categories, dtype=object)[c[ok]],
            "lsoa_name": np.asarray(name.categories, dtype=object)[nm[ok]],
            "rows": counts[ok],
        }
    )
    frame = frame.sort_values(["lsoa_code", "rows", "lsoa_name"], ascending=[True, False, True])
    out = frame.drop_duplicates("lsoa_code")[["lsoa_code", "lsoa_name"]]
    out = out.astype(str).reset_index(drop=True)
    if cells is None:  # no locations in these files: no cell to name an LSOA at
        return out.assign(
            cell_row=pd.array([pd.NA] * len(out), dtype="Int64"),
            cell_col=pd.array([pd.NA] * len(out), dtype="Int64"),
        )
    rows, cols = cells[0][keep], cells[1][keep]
    codes = np.asarray(code.codes)[keep]
    placed = ~np.isnan(rows) & ~np.isnan(cols) & (codes >= 0)
    where = (
        pd.DataFrame({"code": codes[placed], "cell_row": rows[placed], "cell_col": cols[placed]})
        .groupby("code")[["cell_row", "cell_col"]]
        .median()
        .round()
    )
    where.index = np.asarray(code.categories, dtype=object)[where.index.to_numpy()]
    for column in ("cell_row", "cell_col"):
        out[column] = out["lsoa_code"].map(where[column]).astype("Int64")
    return out
