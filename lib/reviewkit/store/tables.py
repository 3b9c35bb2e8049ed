"""Tables for partners and for the next step, as CSV that is safe to open in a spreadsheet
(the formatted Excel workbook is reviewkit.report.publish)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewkit.store.spreadsheet import write_csv


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write `table` to the CSV file `path` (no cell runs as a formula)."""
    write_csv(table, path)
