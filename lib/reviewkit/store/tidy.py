"""Tidy tables as parquet, written the same way every time, with a data dictionary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reviewkit.store.spreadsheet import write_csv

# column -> (meaning, source); types come from the files themselves.
DICTIONARY: dict[str, dict[str, tuple[str, str]]] = {
    "police_street": {
        "month": ("month the crime or incident was recorded (YYYY-MM)", "data.police.uk street"),
        "lsoa_code": ("Lower layer Super Output Area code", "data.police.uk street"),
        "local_authority": ("local authority, from the LSOA name", "data.police.uk street"),
        "crime_type": ("police.uk crime type, older names mapped (docs/method.md)",
                       "data.police.uk street"),
        "outcome_category": ("last outcome category (empty for anti-social behaviour)",
                             "data.police.uk street"),
        "n": ("number of crimes or incidents", "count of accepted rows"),
    },
    "police_outcomes": {
        "month": ("month of the outcome (YYYY-MM)", "data.police.uk outcomes"),
        "lsoa_code": ("LSOA code", "data.police.uk outcomes"),
        "local_authority": ("local authority, from the LSOA name", "data.police.uk outcomes"),
        "outcome_type": ("outcome type", "data.police.uk outcomes"),
        "n": ("number of outcomes", "count of accepted rows"),
    },
    "police_stop_search": {
        "month": ("month of the search (YYYY-MM)", "data.police.uk stop and search"),
        "search_type": ("person, vehicle or both", "data.police.uk stop and search"),
        "object_of_search": ("what was searched for", "data.police.uk stop and search"),
        "outcome": ("outcome of the search", "data.police.uk stop and search"),
        "n": ("number of searches", "count of accepted rows"),
    },
    "partner_measures": {
        "dataset": ("data request id", "data request register"),
        "measure": ("tidy measure name", "data request register mapping"),
        "period_type": ("month, quarter or financial_year", "data request register"),
        "period_start": ("first month of the period (YYYY-MM)", "partner extract"),
        "period": ("period label (2026-01, Jan-Mar 2026, 2025/26)", "partner extract"),
        "area": ("area as named in the extract", "partner extract"),
        "value": ("count reported for the period", "partner extract"),
    },
    "grid": {
        "month": ("month the crime or incident was recorded (YYYY-MM)", "data.police.uk street"),
        "crime_type": ("police.uk crime type, older names mapped", "data.police.uk street"),
        "cell_row": ("grid cell row: floor(latitude / 0.0045), about 500 m", "data.police.uk "
                     "street anonymised location, never kept"),
        "cell_col": ("grid cell column: floor(longitude / 0.0075), about 500 m",
                     "data.police.uk street anonymised location, never kept"),
        "n": ("number of crimes or incidents in the cell", "count of accepted rows"),
    },
    "lsoa_names": {
        "lsoa_code": ("Lower layer Super Output Area code", "data.police.uk street"),
        "lsoa_name": ("LSOA name (the one on most rows when it changed)",
                      "data.police.uk street"),
    },
    "population": {
        "year": ("mid-year estimate year", "population file"),
        "population": ("residents", "population file"),
        "households": ("households", "population file"),
    },
}


def _kind(name: str) -> str:
    for key in DICTIONARY:
        if name == key or name.startswith(key):
            return key
    return name


def write_tidy(table: pd.DataFrame, path: Path, name: str) -> None:
    """Write `table` as parquet with a stable layout (same inputs, same bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    pq.write_table(arrow, path, compression="zstd")
    _update_dictionary(path.parent, name, arrow.schema)


def _update_dictionary(folder: Path, name: str, schema: pa.Schema) -> None:
    target = folder / "data_dictionary.csv"
    rows = pd.read_csv(target, dtype=str) if target.exists() else pd.DataFrame(
        columns=["table", "column", "type", "meaning", "source"])
    rows = rows[rows["table"] != name]
    meanings = DICTIONARY.get(_kind(name), {})
    new = [{"table": name, "column": f.name, "type": str(f.type),
            "meaning": meanings.get(f.name, ("", ""))[0],
            "source": meanings.get(f.name, ("", ""))[1]} for f in schema]
    out = pd.concat([rows, pd.DataFrame(new)], ignore_index=True).sort_values(
        ["table"], kind="stable")
    write_csv(out, target)


def read_tidy(path: Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()
