"""Tidy tables as parquet, written the same way every time (the data dictionary describes
their columns: reviewkit.store.dictionary)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_tidy(table: pd.DataFrame, path: Path) -> None:
    """Write `table` as parquet with a stable layout (same inputs, same bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    pq.write_table(arrow, path, compression="zstd")


def read_tidy(path: Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()
