"""What every file-plan rule shares: the decision it returns (a file set aside) and the months
a parsed file's rows say they are for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from reviewkit.intake.policeuk.columns import MONTH
from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.parsing import Parsed


@dataclass(frozen=True)
class Aside:
    """A file set aside whole: why (in the accounts), what to tell the analyst, and the
    difficulty category ('' when it is not a difficulty)."""

    file: int
    reason: str
    notice: str
    category: str = "quality"
    note: str | None = None


# A rule: (files, their parses, each file's months, the indices of files still counted) ->
# the files it sets aside.
Rule = Callable[[list[RawFile], list[Parsed], list[list[str]], list[int]], list[Aside]]


def file_months(table: pa.Table, kind: str) -> list[str]:
    """The well-formed months a parsed file's rows say they are for."""
    column = table["date" if kind == "police_uk_stop_search" else "month"]
    values = pc.unique(column)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    out = {str(v).strip()[:7] for v in values.to_pylist() if v is not None}
    return sorted(m for m in out if MONTH.fullmatch(m))


def is_mislabelled(raw: RawFile, months: list[str]) -> bool:
    """Every row's Month says another month than the file's name."""
    name = raw.key()
    return bool(name and months and name[0] not in months)
