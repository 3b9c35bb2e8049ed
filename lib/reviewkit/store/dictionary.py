"""The data dictionary: for every column of every table a cycle writes, a plain label, its
meaning, where it comes from and how many decimals people are shown.

One source for the data dictionary file, the Excel workbook's headers and rounding, and the
DataFrames the notebooks show, so a column is described once. The columns themselves are
described beside the step that writes them (`intake_columns`, `progress_columns`,
`scorecard_columns`), in the words of `columns`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from reviewkit.store.columns import (
    FLAG,
    FLAG_OR_MISSING,
    NUMBER,
    TEXT,
    TYPE_WORDS,
    WHOLE,
    WHOLE32,
    WHOLE_OR_MISSING,
    Column,
)
from reviewkit.store.intake_columns import INTAKE_TABLES
from reviewkit.store.progress_columns import PROGRESS_TABLES
from reviewkit.store.scorecard_columns import SCORECARD_TABLES

__all__ = [
    "DESCRIPTIONS",
    "FLAG",
    "FLAG_OR_MISSING",
    "NUMBER",
    "STEP_OF",
    "TABLES",
    "TEXT",
    "TYPE_WORDS",
    "WHOLE",
    "WHOLE32",
    "WHOLE_OR_MISSING",
    "Column",
    "column",
    "describe",
    "for_people",
    "kind",
    "styled",
]

_ALL = {**INTAKE_TABLES, **PROGRESS_TABLES, **SCORECARD_TABLES}
# The step that writes each table: its columns are described beside that step.
STEP_OF: dict[str, str] = {
    **dict.fromkeys(INTAKE_TABLES, "intake"),
    **dict.fromkeys([*PROGRESS_TABLES, *SCORECARD_TABLES], "progress"),
}
# Every table, in the order the data dictionary file and the workbook list them.
ORDER = (
    "police_street",
    "police_outcomes",
    "police_stop_search",
    "partner_measures",
    "grid",
    "lsoa_names",
    "population",
    "indicator_series",
    "scorecard",
    "initiative_status",
    "initiative_outputs",
    "benchmarking",
    "completeness",
    "reconciliation",
    "difficulties_log",
    "recording_changes",
    "quarantine",
)
TABLES: dict[str, dict[str, Column]] = {name: _ALL[name] for name in ORDER}

# What each table is, for the workbook's first sheet and the guide.
DESCRIPTIONS: dict[str, str] = {
    "scorecard": "Every indicator: review period against baseline, change, test, target, SPC.",
    "initiative_status": "Every initiative: status, milestones, re-assessment flag.",
    "initiative_outputs": "Every initiative's output measures: delivered against plan.",
    "indicator_series": "Every indicator's series by period with its XmR chart columns.",
    "benchmarking": "Peer comparison: rates, funnel limits and rank.",
    "completeness": "Every data request: received, late or missing; rows accounted for.",
    "reconciliation": "Every file read: rows read, accepted, quarantined, out of area.",
    "difficulties_log": "The difficulties log after this cycle's intake.",
    "quarantine": "Rows held back at intake, with their reasons.",
    "recording_changes": "Possible changes in police recording found force-wide at intake.",
    "police_street": "police.uk street crimes and ASB in the area, counted by month and LSOA.",
    "police_outcomes": "police.uk outcomes in the area, counted by month and LSOA.",
    "police_stop_search": "police.uk stop and search, counted by month.",
    "partner_measures": "Partner agencies' measures by period, as mapped by the register.",
    "population": "Residents and households by year.",
    "grid": "police.uk street records counted by month, crime type and grid cell of about "
    "500 m (no location kept).",
    "lsoa_names": "The name of each LSOA in the police.uk files.",
}


def kind(table: str) -> str:
    """The dictionary entry a table uses (a police dataset id such as 'police_street_2' uses
    'police_street')."""
    if table in TABLES:
        return table
    for key in sorted(TABLES, key=len, reverse=True):
        if table.startswith(key):
            return key
    return table


def column(table: str, name: str) -> Column | None:
    """A column's description in the dictionary; None when the table or column is not in it."""
    return TABLES.get(kind(table), {}).get(name)


def describe(table: str, columns: Iterable[str]) -> pd.DataFrame:
    """Dictionary rows for a table's columns: table, column, label, type (the dictionary's, in
    words: `TYPE_WORDS`), meaning, source.

    A column the dictionary does not know gets an empty type and meaning, which the tests
    catch."""
    rows = []
    for name in columns:
        c = column(table, str(name))
        rows.append(
            {
                "table": table,
                "column": str(name),
                "label": c.label if c else str(name),
                "type": TYPE_WORDS[c.dtype] if c else "",
                "meaning": c.meaning if c else "",
                "source": c.source if c else "",
            }
        )
    return pd.DataFrame(rows, columns=["table", "column", "label", "type", "meaning", "source"])


def for_people(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with plain column labels and numbers rounded as people read them."""
    out = frame.copy()
    for name in frame.columns:
        c = column(table, str(name))
        if (
            c
            and c.decimals is not None
            and pd.api.types.is_numeric_dtype(out[name])
            and not (pd.api.types.is_bool_dtype(out[name]))
        ):
            out[name] = out[name].round(c.decimals)
    labels = {n: c.label for n in frame.columns if (c := column(table, str(n))) is not None}
    return out.rename(columns=labels)


def styled(table: str, frame: pd.DataFrame) -> pd.io.formats.style.Styler:
    """`frame` for reading in a notebook: plain labels, numbers with thousands separators and
    the table's decimals, no index, empty cells blank."""
    people = for_people(table, frame)
    formats = {}
    for name in frame.columns:
        c = column(table, str(name))
        if (
            c
            and c.decimals is not None
            and pd.api.types.is_numeric_dtype(frame[name])
            and not (pd.api.types.is_bool_dtype(frame[name]))
        ):
            formats[c.label] = f"{{:,.{c.decimals}f}}"
    return people.style.format(formats, na_rep="").hide(axis="index")
