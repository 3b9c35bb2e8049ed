"""The tables of a review cycle, written and read by name: the one way steps pass tables on.

`CycleStore(folder)` sits on the cycle's layout (reviewkit.store.layout) and checks every
table against its schema (reviewkit.store.schemas, built from the data dictionary) when it is
written and when it is read, so a step gets the types the step before it wrote and never
re-types what it reads.

Two kinds of table:
- tidy tables (police datasets, partner measures, population, grid cells, LSOA names,
  indicator series): `tidy/<name>.parquet`;
- tables (scorecard, initiative status, benchmarking, completeness, reconciliation, recording
  changes, indicator series): `tables/<name>.csv` is the published copy for partners
  (spreadsheet-safe, reviewkit.store.spreadsheet), and `.tables/<name>.parquet` the copy the
  next step and `open_cycle` read, with the exact types. A cycle written before the parquet
  copy existed is read from its CSV, brought to the schema's types.

Parquet is written the same way every time (same table, same bytes). The quarantine and the
difficulties log are CSV files people read and edit; they are written here too, and so are the
intake and progress steps' summaries (reviewkit.store.summaries).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative
from reviewkit.inputs.register import Register
from reviewkit.store import dictionary, schemas
from reviewkit.store.catalogue import cycle_dictionary
from reviewkit.store.layout import CycleLayout
from reviewkit.store.spreadsheet import read_csv, write_csv
from reviewkit.store.summaries import IntakeSummary, ProgressSummary, read_summary, write_summary

__all__ = [
    "CycleStore",
    "grid_table",
    "lsoa_names_table",
    "police_schema",
    "read_parquet",
    "write_parquet",
]


def police_schema(kind: str) -> str:
    """The data dictionary entry of a police dataset's tidy table, from its source kind in the
    register (the dataset's own id is the partnership's choice and says nothing)."""
    return kind.replace("police_uk_", "police_")


def grid_table(dataset: str) -> str:
    """The tidy table of a police street dataset's counts per grid cell."""
    return f"grid_{dataset}"


def lsoa_names_table(dataset: str) -> str:
    """The tidy table of the LSOA names in a police street dataset."""
    return f"lsoa_names_{dataset}"


_ON_WRITE = (
    "This is a fault in reviewkit, not in your data: please report it with the cycle's params."
)
_ON_READ = (
    "The file was changed after its step wrote it, or was written by another version "
    "of reviewkit: rerun the cycle (`reviewkit run <params> --force`)."
)


def write_parquet(table: pd.DataFrame, path: Path) -> None:
    """Write `table` as parquet with a stable layout (same inputs, same bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    pq.write_table(arrow, path, compression="zstd")


def read_parquet(path: Path) -> pd.DataFrame:
    """A parquet file as a DataFrame, with the types it was written with."""
    return pq.read_table(path).to_pandas()


@dataclass(frozen=True)
class CycleStore:
    """The tables of one cycle's folder, by name, checked against their schemas."""

    root: Path

    @property
    def layout(self) -> CycleLayout:
        """Where each file of the cycle's folder is."""
        return CycleLayout(self.root)

    # Tidy tables ------------------------------------------------------------------------------
    def write_tidy(self, name: str, frame: pd.DataFrame, schema: str | None = None) -> None:
        """Write tidy table `name`, checked against `schema` (the dictionary entry: by default
        the one `name` starts with; a police dataset gives `police_schema(kind)`)."""
        path = self.layout.tidy(name)
        checked = schemas.check(schema or name, frame, relative(path), _ON_WRITE, name)
        write_parquet(checked, path)

    def read_tidy(self, name: str, schema: str | None = None) -> pd.DataFrame:
        """A tidy table, checked against its schema (`schema` names it when the
        table's name does not); an error naming the tables there when it is missing."""
        path = self.layout.tidy(name)
        if not path.is_file():
            raise ReviewError(
                f"{relative(path)} not found: this cycle has no tidy table "
                f"'{name}'; it has: {', '.join(self.tidy_names()) or 'none'}."
            )
        return schemas.check(schema or name, read_parquet(path), relative(path), _ON_READ, name)

    def has_tidy(self, name: str) -> bool:
        """Whether the cycle holds a tidy table of that name."""
        return self.layout.tidy(name).is_file()

    def tidy_names(self) -> list[str]:
        """The names of the tidy tables the cycle holds."""
        return sorted(p.stem for p in self.layout.tidy_dir.glob("*.parquet"))

    def police_tables(self, register: Register) -> dict[str, pd.DataFrame]:
        """Each police dataset's tidy records, by data request id (whatever the partnership
        calls it), for the register's police data requests that have a table."""
        return {
            r.dataset: self.read_tidy(r.dataset, police_schema(r.source.kind))
            for r in sorted(register.data_requests, key=lambda r: r.dataset)
            if r.source.kind != "table" and self.has_tidy(r.dataset)
        }

    # Tables -----------------------------------------------------------------------------------
    def write_table(self, name: str, frame: pd.DataFrame, *, also_tidy: bool = False) -> None:
        """The published CSV and the typed parquet copy the next step reads; with `also_tidy`,
        the same checked table as tidy table `name` too (checked once, not once per copy)."""
        csv, typed = self.layout.table(name), self.layout.typed_table(name)
        checked = schemas.check(name, frame, relative(csv), _ON_WRITE)
        write_csv(checked, csv)
        write_parquet(checked, typed)
        if also_tidy:
            write_parquet(checked, self.layout.tidy(name))

    def read_table(self, name: str) -> pd.DataFrame:
        """A table, from its typed copy (or its CSV for an older cycle), checked
        against its schema; an error naming the tables there when it is missing."""
        csv, typed = self.layout.table(name), self.layout.typed_table(name)
        if typed.is_file():
            return schemas.check(name, read_parquet(typed), relative(typed), _ON_READ)
        if csv.is_file():
            return schemas.check(name, _typed_from_csv(name, csv), relative(csv), _ON_READ)
        raise ReviewError(
            f"{relative(csv)} not found: this cycle has no '{name}' table; it "
            f"has: {', '.join(self.table_names()) or 'none'}."
        )

    def has_table(self, name: str) -> bool:
        """Whether the cycle holds a table of that name."""
        return self.layout.table(name).is_file()

    def table_names(self) -> list[str]:
        """The names of the tables the cycle holds."""
        return sorted(p.stem for p in self.layout.tables_dir.glob("*.csv"))

    def read_published(self, name: str) -> pd.DataFrame:
        """The published CSV as text, every cell a string ("" when empty): how a later cycle
        reads an earlier one, whatever version wrote it."""
        return read_csv(self.layout.table(name), dtype=str, keep_default_na=False)

    # Files people read and edit ---------------------------------------------------------------
    def write_quarantine(self, dataset: str, frame: pd.DataFrame) -> None:
        """Write a dataset's quarantined rows (a CSV people read and edit)."""
        write_csv(frame, self.layout.quarantine(dataset))

    def read_quarantine(self) -> pd.DataFrame | None:
        """Every dataset's quarantined rows in one table (None when no row was held back)."""
        files = sorted(self.layout.quarantine_dir.glob("*.csv"))
        if not files:
            return None
        return pd.concat(
            [
                read_csv(f, dtype={"row": "Int64"}, keep_default_na=False, na_values=[""])
                for f in files
            ],
            ignore_index=True,
        )

    def write_difficulties(self, frame: pd.DataFrame) -> None:
        """Write the difficulties log (a CSV people read and edit)."""
        write_csv(frame, self.layout.difficulties_log)

    def read_difficulties(self, path: Path | None = None) -> pd.DataFrame:
        """The difficulties log as text ("" when empty), as the analyst keeps it."""
        return read_csv(path or self.layout.difficulties_log, dtype=str, keep_default_na=False)

    def has_difficulties(self) -> bool:
        """Whether the cycle holds a difficulties log."""
        return self.layout.difficulties_log.is_file()

    # The steps' records -----------------------------------------------------------------------
    def write_intake_summary(self, summary: IntakeSummary) -> None:
        """Write what the intake step found (`intake.json`, keys sorted)."""
        write_summary(self.layout.intake_summary, summary, sort_keys=True)

    def read_intake_summary(self) -> IntakeSummary:
        """What the intake step found; ReviewError when it is missing or cannot be read."""
        return cast("IntakeSummary", read_summary(self.layout.intake_summary))

    def has_intake_summary(self) -> bool:
        """Whether the intake step's summary is here."""
        return self.layout.intake_summary.is_file()

    def write_progress_summary(self, summary: ProgressSummary) -> None:
        """Write what the progress step found (`progress.json`, keys in their order)."""
        write_summary(self.layout.progress_summary, summary, sort_keys=False)

    def read_progress_summary(self) -> ProgressSummary:
        """What the progress step found; ReviewError when it is missing or cannot be read."""
        return cast("ProgressSummary", read_summary(self.layout.progress_summary))

    # The data dictionary ----------------------------------------------------------------------
    def write_dictionary(self) -> pd.DataFrame:
        """Write the data dictionary of every column of every table file the cycle holds
        (reviewkit.store.catalogue) and return its rows."""
        rows = cycle_dictionary(self.layout)
        write_csv(rows, self.layout.data_dictionary)
        return rows

    def read_dictionary(self) -> pd.DataFrame:
        """The data dictionary as written (text), or made from the folder's files when the
        cycle has no dictionary file yet (a step still running, a cycle written before it)."""
        path = self.layout.data_dictionary
        if path.is_file():
            return read_csv(path, dtype=str, keep_default_na=False)
        return cycle_dictionary(self.layout)


def _typed_from_csv(name: str, path: Path) -> pd.DataFrame:
    """A table's CSV (from a cycle written before the typed copy) in the schema's types."""
    frame = read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    text_filled = dictionary.kind(name) in schemas.TEXT_NEVER_MISSING
    for col, dtype in schemas.dtypes(name).items():
        if col not in frame:
            continue
        values = frame[col]
        if dtype == dictionary.FLAG:
            frame[col] = values.str.strip().str.lower().isin({"true", "1", "yes"})
        elif dtype == dictionary.FLAG_OR_MISSING:
            flags = values.map(lambda v: v if pd.isna(v) else v.strip().lower() == "true")
            frame[col] = flags.astype(bool) if flags.notna().all() else flags.astype(object)
        elif dtype == dictionary.WHOLE_OR_MISSING:
            frame[col] = pd.to_numeric(values)
        elif dtype in (dictionary.WHOLE, dictionary.WHOLE32, dictionary.NUMBER):
            frame[col] = pd.to_numeric(values).astype(dtype)
        elif text_filled:
            frame[col] = values.fillna("")
    return frame
