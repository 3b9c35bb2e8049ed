"""Small builders the file plan's tests share: police.uk street files in memory, parsed as the
reader parses them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reviewkit.intake.policeuk.discovery import NO_MEMBER_TIME, RawFile
from reviewkit.intake.policeuk.fileplan.aside import file_months
from reviewkit.intake.policeuk.parsing import Parsed, read_arrow

KIND = "police_uk_street"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)


def street_bytes(months: list[str], types: list[str] | None = None, newline: str = "\n") -> bytes:
    """A street file with one row per month given (crime types cycle through `types`)."""
    types = types or ["Drugs"]
    rows = [
        f"c{k},{m},F,F,-1.0,52.0,On or near Street,E01000001,Brackwell 001A,"
        f"{types[k % len(types)]},,"
        for k, m in enumerate(months)
    ]
    return (newline.join([HEADER, *rows]) + newline).encode()


def raw_file(label: str, data: bytes, arrived: int = 0) -> RawFile:
    """A file in memory, named `label`, that arrived at `arrived` (nanoseconds)."""
    return RawFile(label, data, (arrived, NO_MEMBER_TIME), size=len(data))


def planned(raws: list[RawFile]) -> tuple[list[Parsed], list[list[str]], list[int]]:
    """What a rule is given besides the files: their parses, their months, the live files."""
    parsed = [read_arrow(r, KIND) for r in raws]
    months = [file_months(t, KIND) if t is not None else [] for t, *_ in parsed]
    return parsed, months, [i for i, (t, *_rest) in enumerate(parsed) if t is not None]


def set_aside(rule: Callable[..., list[Any]], raws: list[RawFile]) -> dict[int, str]:
    """The files `rule` sets aside (by index), with their reasons."""
    parsed, months, live = planned(raws)
    return {a.file: a.reason for a in rule(raws, parsed, months, live)}
