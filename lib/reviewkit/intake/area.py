"""The partnership's area: which LSOAs are in it, and which local authority each LSOA is in.

An area is given by local authority names (the LSOA name is `<authority> <3 digits><letter>`)
or by an explicit list of LSOA codes. LSOA names change between months (`Vale of Glamorgan
001A` in one file, `The Vale of Glamorgan 001A` in another), so membership is decided per
LSOA code from every name seen for it, never by matching names row by row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_csv_text
from reviewkit.inputs.blocks import Area

_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def authority_of(lsoa_name: str | None) -> str | None:
    """`Newport 014B` -> `Newport`; None when the name is empty or not in that form."""
    if not lsoa_name or not isinstance(lsoa_name, str):
        return None
    name = _CONTROL.sub("", lsoa_name).strip()  # a stray NUL or tab is not part of a name
    if not _SUFFIX.search(name):
        return None
    return _SUFFIX.sub("", name)


def normalise_authority(name: str) -> str:
    """Compare authority names without case, spacing or a leading 'The'."""
    n = re.sub(r"\s+", " ", name.strip().lower())
    return n.removeprefix("the ")


class AreaMatcher:
    """Decides membership of LSOAs in a partnership area."""

    def __init__(self, local_authorities: Iterable[str] = (), lsoa_codes: Iterable[str] = ()):
        self.given_authorities = {a.strip() for a in local_authorities if a and a.strip()}
        self.authorities = {normalise_authority(a) for a in local_authorities}
        self.codes = {c.strip() for c in lsoa_codes if c and c.strip()}
        if not self.authorities and not self.codes:
            raise ReviewError(
                "The partnership area is empty: give local authority names or a "
                "list of LSOA codes in the params file (key 'area')."
            )

    @classmethod
    def from_params(cls, area: Area, resolve_path: Callable[[str], Path]) -> AreaMatcher:
        """The matcher for the params' `area:`: its local authorities, and the codes of its
        LSOA list when one is given (the file needs an `lsoa_code` column)."""
        codes: list[str] = []
        if area.lsoa_file:
            path: Path = resolve_path(area.lsoa_file)
            table = read_csv_text(path, "LSOA list")
            col = next(
                (c for c in table.columns if c.strip().lower().replace(" ", "_") == "lsoa_code"),
                None,
            )
            if col is None:
                raise ReviewError(
                    f"{path}: no 'lsoa_code' column; the LSOA list needs one "
                    "code per row under that heading."
                )
            codes = table[col].dropna().tolist()
        return cls(area.local_authorities, codes)

    def _code_authority(self, codes: pd.Series, names: pd.Series) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for code, name in sorted(_pairs(codes, names)):
            la = authority_of(name)
            if la and code not in mapping:
                mapping[code] = la
        return mapping

    def local_authority(self, codes: pd.Series, names: pd.Series) -> pd.Series:
        """The local authority of each row's LSOA (from any name seen for its code)."""
        mapping = self._code_authority(codes, names)
        return codes.map(mapping)

    def contains(self, codes: pd.Series, names: pd.Series) -> pd.Series:
        """True where the row's LSOA is in the partnership's area."""
        member: set[str] = set(self.codes)
        if self.authorities:
            for code, name in _pairs(codes, names):
                la = authority_of(name)
                if la and normalise_authority(la) in self.authorities:
                    member.add(code)
        return codes.isin(member)

    def contains_name(self, area_name: str) -> bool:
        """For partner files that name an area: is it one of the partnership's authorities?"""
        return normalise_authority(str(area_name)) in self.authorities


def _pairs(codes: pd.Series, names: pd.Series) -> set[tuple[Any, Any]]:
    """Each (code, name) pair present, leaving out pairs with a missing part."""
    return {
        (c, n)
        for c, n in zip(codes.tolist(), names.tolist(), strict=True)
        if not (pd.isna(c) or pd.isna(n))
    }
