"""Cells written for spreadsheets can never run as formulas.

Text from partners, peers, the register, the strategy or the difficulties log may start with
`=`, `+`, `-`, `@`, a tab or a line break, which Excel and LibreOffice read as a formula
(e.g. `=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). As OWASP recommends for CSV injection, such a
text cell is written with a leading `'`; numbers (negative ones too) are left as they are.
In XLSX, text cells are stored as text, never as formulas, and characters XML cannot hold are
dropped. Every CSV and XLSX the package writes goes through this module.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
# Characters an XLSX (XML 1.0) cell cannot hold: control characters but tab and line breaks.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value: Any) -> Any:
    """A value that cannot run as a formula: text starting with a formula character gets a
    leading `'` unless it is a plain number such as `-3` or `+1.5`."""
    if (
        isinstance(value, str)
        and value.lstrip("'").startswith(_TRIGGERS)
        and not (_NUMBER.fullmatch(value))
    ):
        return "'" + value  # quotes before a trigger get one more, so `unsafe_cell` inverts
    return value


def _map_text(frame: pd.DataFrame, fn: Any) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [fn(c) for c in out.columns]
    for k in range(out.shape[1]):
        col = out.iloc[:, k]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype | pd.CategoricalDtype):
            out.isetitem(k, col.astype(object).map(fn))
    return out


def _csv_cell(value: Any) -> Any:
    # A bare carriage return is not quoted by the CSV writer but starts a new row in a
    # spreadsheet, so line breaks inside text are written as line feeds (which are quoted).
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return safe_cell(value)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names are safe for a CSV."""
    return _map_text(frame, _csv_cell)


def write_csv(frame: pd.DataFrame, path: Path, **kwargs: Any) -> None:
    """Write `frame` as CSV (no index) with every text cell made safe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).to_csv(path, index=False, **kwargs)


def text_cells_as_text(sheet: Any) -> None:
    """In an openpyxl worksheet, store every cell openpyxl took for a formula as text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def xlsx_text(value: Any) -> Any:
    """A value openpyxl can write: text without characters XML cannot hold."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def unsafe_cell(value: Any) -> Any:
    """The text `safe_cell` was given (for reports that read a written table back)."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(_TRIGGERS):
        return value[1:]
    return value


def read_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """A CSV written by `write_csv`, with the text as it was before it was made safe."""
    return _map_text(pd.read_csv(path, **kwargs), unsafe_cell)
