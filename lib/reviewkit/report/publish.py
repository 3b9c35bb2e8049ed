"""Outputs for people, written once a run's steps are done: one formatted Excel workbook of the
cycle's tables for partners, and the data dictionary of every column of every table written.

The workbook has a first sheet saying what each sheet is, then a sheet per table with plain
column labels, rounded numbers (values, not text), column widths, a frozen header row and
filters. Text is always written as text (reviewkit.store.spreadsheet), so no cell can run as a
formula. The file is the same
bytes on every rerun with the same inputs.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reviewkit.analysis.verdict import Verdict
from reviewkit.report.verdict_words import workbook_words
from reviewkit.store import dictionary
from reviewkit.store.layout import CycleLayout
from reviewkit.store.spreadsheet import text_cells_as_text, xlsx_text
from reviewkit.store.tables import CycleStore

# (table, sheet title) in the order partners read them.
SHEETS = (
    ("scorecard", "Scorecard"),
    ("initiative_status", "Initiatives"),
    ("initiative_outputs", "Initiative outputs"),
    ("indicator_series", "Indicator series"),
    ("benchmarking", "Benchmarking"),
    ("completeness", "Data completeness"),
    ("reconciliation", "Rows accounted for"),
    ("recording_changes", "Recording changes"),
    ("difficulties_log", "Difficulties log"),
    ("quarantine", "Quarantined rows"),
)
# Number formats beyond plain rounding: tiny p-values read "<0.0001", not 0.0000.
SPECIAL_FORMATS = {("scorecard", "p_value"): '[<0.0001]"<0.0001";0.0000'}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6EE")
MAX_WIDTH = 60


def cycle_tables(layout: CycleLayout) -> dict[str, pd.DataFrame]:
    """The tables partners get, by name, as the cycle wrote them."""
    store = CycleStore(layout.root)
    out: dict[str, pd.DataFrame] = {}
    for name, _title in SHEETS:
        if name == "difficulties_log":
            if store.has_difficulties():
                out[name] = store.read_difficulties()
        elif name == "quarantine":
            quarantine = store.read_quarantine()
            if quarantine is not None:
                out[name] = quarantine
        elif store.has_table(name):  # empty text is no cell, as a spreadsheet reads the CSV
            out[name] = store.read_table(name).replace("", None)
    if "scorecard" in out:
        done = out.get("completeness")
        names = {} if done is None else dict(zip(done["dataset"], done["description"], strict=True))
        out["scorecard"] = people_scorecard(store.read_table("scorecard"), names)
    return out


# Scorecard columns partners get as the verdict's words instead (codes and the analyst's own
# notes never reach the workbook).
CODED = (
    "direction",
    "target_status",
    "variation",
    "assurance",
    "reason",
    "analyst_notes",
    "not_comparable",
    "why_not",
    "why_dataset",
    "comparability",
    "recording_types",
    "recording_from",
    "missing_periods",
    "change_verdict",
    "spc_signal",
    "target_verdict",
    "target_assured",
    "not_assured_because",
    "special_improvement",
    "special_concern",
)


def people_scorecard(scorecard: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The scorecard as partners read it: the figures, and each indicator's verdict in the
    words the board report uses (`report.verdict_words`), never its codes."""
    verdicts = [workbook_words(Verdict.from_row(r), names) for _, r in scorecard.iterrows()]
    figures = scorecard.drop(columns=[c for c in CODED if c in scorecard.columns])
    at = list(figures.columns).index("change_pct") + 1 if "change_pct" in figures else 0
    words = pd.DataFrame(verdicts, index=scorecard.index).replace("", None)
    return pd.concat([figures.iloc[:, :at], words, figures.iloc[:, at:]], axis=1)


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def _write_sheet(ws: Worksheet, table: str, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    labels = []
    for name in columns:
        c = dictionary.column(table, name)
        labels.append(c.label if c else name)
    ws.append([xlsx_text(label) for label in labels])
    for cell in ws[1]:
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(label) for label in labels]
    shapes = [_number_shape(table, name) for name in columns]
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for i, raw in enumerate(row):
            shown = _write_cell(ws.cell(row=r, column=i + 1), _cell_value(raw), *shapes[i])
            widths[i] = max(widths[i], shown)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{max(1, len(frame) + 1)}"


def _number_shape(table: str, name: str) -> tuple[int | None, str | None]:
    """(decimals to round to, number format) of a column: a special format, or the
    dictionary's decimals with thousands separators; (None, None) to write it as it is."""
    special = SPECIAL_FORMATS.get((dictionary.kind(table), name))
    if special:
        return None, special
    c = dictionary.column(table, name)
    places = c.decimals if c else None
    if places is None:
        return None, None
    return places, "#,##0" if places == 0 else "#,##0." + "0" * places


def _write_cell(cell: Cell, value: object, places: int | None, fmt: str | None) -> int:
    """Write one value into an openpyxl cell (text always as text, numbers rounded and
    formatted); the width it shows at."""
    if isinstance(value, bool) or value is None:
        cell.value = value
        return 5
    if isinstance(value, int | float):
        if places is not None:
            value = round(value, places)
        cell.value = value
        if fmt:
            cell.number_format = fmt
        if isinstance(value, float):
            return len(f"{value:,.{4 if places is None else places}f}")
        return len(f"{value:,}")
    text = value if isinstance(value, str) else str(value)
    cell.value = xlsx_text(text)
    cell.data_type = "s"  # text stays text: never a formula
    return len(text)


def build_workbook(
    tables: dict[str, pd.DataFrame], dictionary_rows: pd.DataFrame, title: str
) -> bytes:
    """The workbook as bytes: an About sheet, a sheet per table, then the data dictionary."""
    wb = Workbook()
    about = wb.active
    about.title = "About"
    about.append([xlsx_text(title)])
    about["A1"].font = Font(bold=True, size=13)
    about.append([])
    about.append(["Sheet", "What it holds", "Rows"])
    for cell in about[3]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    titles = dict(SHEETS)
    for name, frame in tables.items():
        about.append([titles[name], dictionary.DESCRIPTIONS.get(name, ""), len(frame)])
        _write_sheet(wb.create_sheet(titles[name]), name, frame)
    about.append(
        [
            "Data dictionary",
            "What every column of every table means and where it comes from.",
            len(dictionary_rows),
        ]
    )
    for row in about.iter_rows(min_row=4):
        for cell in row[:2]:
            cell.data_type = "s"
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 90
    about.column_dimensions["C"].width = 10
    about.freeze_panes = "A4"
    dd = wb.create_sheet("Data dictionary")
    _write_sheet(dd, "data_dictionary", dictionary_rows.rename(columns=str.capitalize))
    for sheet in wb.worksheets:
        text_cells_as_text(sheet)  # titles and labels too: nothing is ever a formula
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_xlsx(buf.getvalue())


def _stable_xlsx(data: bytes) -> bytes:
    """Rewrite an XLSX zip with fixed timestamps so reruns give identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    r"\g<1>2000-01-01T00:00:00Z\g<3>",
                    body.decode("utf-8"),
                )
                body = text.encode("utf-8")
            dst.writestr(
                zipfile.ZipInfo(info.filename, _FIXED_TIME),
                body,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def write_for_people(run_dir: Path, title: str = "Review cycle tables") -> list[Path]:
    """Write the data dictionary and the Excel workbook into the cycle's folder."""
    layout = CycleLayout(run_dir)
    rows = CycleStore(run_dir).write_dictionary()
    tables = cycle_tables(layout)
    layout.workbook.write_bytes(build_workbook(tables, rows, title))
    return [layout.data_dictionary, layout.workbook]
