"""The data dictionary of one cycle's folder: every column of every table file written, with
its label, type, meaning and source.

The columns come from each file's header (a CSV's first line, a parquet file's schema), never
from its data, and a column's type is the one the data dictionary states
(`reviewkit.store.columns`), in words: so the file says the same of a column whatever values
this cycle happens to hold (a text column of digits is still text, an all-empty number column
still a number).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from reviewkit.store import dictionary
from reviewkit.store.layout import CycleLayout
from reviewkit.store.spreadsheet import read_csv

COLUMNS = ["file", "table", "column", "label", "type", "meaning", "source"]


@dataclass(frozen=True)
class TableFile:
    """One table file of a cycle's folder: where it is, which dictionary table describes it,
    and its columns in the file's order."""

    path: Path
    table: str
    columns: list[str]


def table_files(layout: CycleLayout) -> list[TableFile]:
    """Every table file the cycle holds, in the dictionary file's order: the published CSVs,
    the tidy parquet tables, each dataset's quarantined rows, the difficulties log."""
    files = [TableFile(p, p.stem, _csv_header(p)) for p in sorted(layout.tables_dir.glob("*.csv"))]
    files += [
        TableFile(p, p.stem, _parquet_header(p)) for p in sorted(layout.tidy_dir.glob("*.parquet"))
    ]
    files += [
        TableFile(p, "quarantine", _csv_header(p))
        for p in sorted(layout.quarantine_dir.glob("*.csv"))
    ]
    if layout.difficulties_log.is_file():
        log = layout.difficulties_log
        files.append(TableFile(log, "difficulties_log", _csv_header(log)))
    return files


def cycle_dictionary(layout: CycleLayout) -> pd.DataFrame:
    """The dictionary rows of every column of every table file the cycle holds: file, table,
    column, label, type, meaning, source."""
    frames = []
    for f in table_files(layout):
        rows = dictionary.describe(f.table, f.columns)
        rows.insert(0, "file", f.path.relative_to(layout.root).as_posix())
        frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _csv_header(path: Path) -> list[str]:
    """A CSV's column names (its first line only)."""
    return [str(c) for c in read_csv(path, nrows=0, dtype=str).columns]


def _parquet_header(path: Path) -> list[str]:
    """A parquet file's column names (its schema only, no data read)."""
    return [n for n in pq.read_schema(path).names if not n.startswith("__index_level_")]
