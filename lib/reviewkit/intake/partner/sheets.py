"""Loading a partner file's rows as they come (CSV in its encoding, or a sheet of an XLSX
workbook, bounded in size) and finding its header: the first row holding every mapped column,
below any title and note rows."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import cast

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_rows
from reviewkit.inputs.register import TableSource

MAX_COLUMNS = 200  # columns of a sheet that are read (a mapped column lies within them)
MAX_ROWS = 500_000  # rows of a sheet that are read: far more than any partner extract


class Uncalculated:
    """An XLSX formula cell saved without its result (the workbook was never saved by Excel)."""

    def __repr__(self) -> str:
        return "formula without a saved result"


def norm(text: object) -> str:
    """Text compared loosely: spaces collapsed, trimmed, lower case (headers, total rows)."""
    return re.sub(r"\s+", " ", str(text if text is not None else "")).strip().lower()


def cell_text(value: object) -> str:
    """A cell as text: '' for an empty cell, whole numbers without '.0', trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_rows(path: Path, source: TableSource) -> tuple[list[list[object]], str]:
    """Raw rows of a CSV or XLSX file, and a note on how it was read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _workbook_rows(path, source)
    if suffix == ".xls":
        raise ReviewError(f"{path}: old Excel .xls files are not read; save it as .xlsx or CSV.")
    rows, enc = read_rows(path, source.encoding)
    return cast(list[list[object]], rows), f"encoding {enc}"


def safe_rows(path: Path, source: TableSource) -> list[list[object]]:
    """A file's rows, or none when it cannot be read at all."""
    try:
        return load_rows(path, source)[0]
    except ReviewError:
        return []


def _workbook_rows(path: Path, source: TableSource) -> tuple[list[list[object]], str]:
    """The rows of the register's sheet (or the first) of a workbook, and its name."""
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported styling
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure here means "not a workbook"
        raise ReviewError(
            f"{path}: not a readable XLSX workbook ({type(exc).__name__}). "
            "Open it in Excel and save it again as .xlsx."
        ) from None
    try:
        if source.sheet:
            if source.sheet not in wb.sheetnames:
                raise ReviewError(
                    f"{path}: no sheet named '{source.sheet}'; the sheets are "
                    f"{', '.join(wb.sheetnames)}. Fix 'sheet' in the data "
                    "request register."
                )
            ws = wb[source.sheet]
        else:
            ws = wb.worksheets[0]
        title = ws.title
        rows = _sheet_rows(ws, path)
    finally:
        wb.close()
    _mark_uncalculated(path, title, rows)
    return rows, f"sheet '{title}'"


def _sheet_rows(ws: object, path: Path) -> list[list[object]]:
    """A sheet's rows, each cut to its last non-empty cell, read in bounded memory: a stray
    cell far to the right or below never makes every row that wide."""
    rows: list[list[object]] = []
    for r in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):  # type: ignore[attr-defined]
        row = list(r)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ReviewError(
                f"{path}: the sheet has more than {MAX_ROWS:,} rows; a partner "
                "extract is expected to hold counts by period and area. Ask the "
                "provider for the agreed format, or delete the stray rows."
            )
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _mark_uncalculated(path: Path, title: str, rows: list[list[object]]) -> None:
    """Empty cells that hold a formula (saved without its result) become `Uncalculated`, so
    the message can say to save the workbook in Excel rather than 'value missing'."""
    import openpyxl

    if not rows:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[title]
        for i, r in enumerate(
            ws.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=len(rows))
        ):
            row = rows[i]
            for j, c in enumerate(r):
                if isinstance(c, str) and c.startswith("=") and (j >= len(row) or row[j] is None):
                    row.extend([None] * (j + 1 - len(row)))
                    row[j] = Uncalculated()
    finally:
        wb.close()


def find_header(
    rows: list[list[object]], wanted: list[str], path: Path, header_row: int | None
) -> tuple[int, dict[str, int]]:
    """Index of the header row and the position of each wanted column; a message naming the
    closest header when no row holds them all."""
    want = {norm(w): w for w in wanted}
    candidates = [header_row - 1] if header_row else range(min(len(rows), 50))
    best: tuple[int, set[str]] = (-1, set())
    for i in candidates:
        if i >= len(rows):
            break
        cells = {norm(c): j for j, c in enumerate(rows[i]) if norm(c)}
        found = {k for k in want if k in cells}
        if len(found) == len(want):
            return i, {want[k]: cells[k] for k in want}
        if len(found) > len(best[1]):
            best = (i, found)
    raise _no_header(rows, want, best, path, header_row)


def _no_header(
    rows: list[list[object]],
    want: dict[str, str],
    best: tuple[int, set[str]],
    path: Path,
    header_row: int | None,
) -> ReviewError:
    """Why no header was found: the columns missing, and the closest row's headers."""
    missing = [want[k] for k in want if k not in best[1]]
    where = f"row {header_row}" if header_row else "the first 50 rows"
    seen = ""
    if best[0] >= 0:
        seen = (
            f" The closest header (row {best[0] + 1}) has: "
            + ", ".join(cell_text(c) for c in rows[best[0]] if cell_text(c))
            + "."
        )
    return ReviewError(
        f"{path}: column(s) {', '.join(repr(m) for m in missing)} not found in "
        f"{where}.{seen} Fix the column names in the data request register "
        "(source.period_column / area_column / measures) or ask the provider "
        "for the agreed format."
    )
