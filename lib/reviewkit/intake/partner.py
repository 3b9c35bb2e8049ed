"""Reader for partner agency extracts (CSV or XLSX) described in the data request register.

Each file is read as it comes: title and note rows above the header are skipped (the header is
the first row holding every mapped column), the encoding is detected, and each data row is
accepted, quarantined with a reason, out of area or unassigned. Only mapped columns are kept;
columns that look like personal data are named (never their contents) in the data-quality
report. A later file that covers the same periods replaces an earlier one (a re-sent extract).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative
from reviewkit.base.periods import PERIOD_MONTHS, parse_period, period_label
from reviewkit.base.textfiles import read_rows
from reviewkit.inputs.register import TableSource
from reviewkit.intake.accounting import DatasetIntake, FileAccount, Problem
from reviewkit.intake.area import AreaMatcher, normalise_authority

PERSONAL = re.compile(
    r"\b(name|surname|forename|first ?name|dob|date of birth|birth|address|postcode|post code|"
    r"nhs|nhs number|phone|telephone|email|e-mail|notes?|comments?|free ?text|narrative|"
    r"description|details)\b",
    re.I,
)

TIDY_COLUMNS = ["dataset", "measure", "period_type", "period_start", "period", "area", "value"]

TIDY_SCHEMA = pa.DataFrameSchema(
    {
        "dataset": pa.Column(str),
        "measure": pa.Column(str),
        "period_type": pa.Column(str, pa.Check.isin(list(PERIOD_MONTHS))),
        "period_start": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$")),
        "period": pa.Column(str),
        "area": pa.Column(str),
        "value": pa.Column(float, pa.Check.ge(0)),
    },
    strict=True,
    coerce=True,
)


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text if text is not None else "")).strip().lower()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _load_rows(path: Path, source: TableSource) -> tuple[list[list[object]], str]:
    """Raw rows of a CSV or XLSX file, and a note on how it was read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
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

    if suffix == ".xls":
        raise ReviewError(f"{path}: old Excel .xls files are not read; save it as .xlsx or CSV.")
    rows, enc = read_rows(path, source.encoding)
    return rows, f"encoding {enc}"


MAX_COLUMNS = 200  # columns of a sheet that are read (a mapped column lies within them)
MAX_ROWS = 500_000  # rows of a sheet that are read: far more than any partner extract


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


def _find_header(
    rows: list[list[object]], wanted: list[str], path: Path, header_row: int | None
) -> tuple[int, dict[str, int]]:
    """Index of the header row and the position of each wanted column."""
    want = {_norm(w): w for w in wanted}
    candidates = [header_row - 1] if header_row else range(min(len(rows), 50))
    best: tuple[int, set[str]] = (-1, set())
    for i in candidates:
        if i >= len(rows):
            break
        cells = {_norm(c): j for j, c in enumerate(rows[i]) if _norm(c)}
        found = {k for k in want if k in cells}
        if len(found) == len(want):
            return i, {want[k]: cells[k] for k in want}
        if len(found) > len(best[1]):
            best = (i, found)
    missing = [want[k] for k in want if k not in best[1]]
    where = f"row {header_row}" if header_row else "the first 50 rows"
    seen = ""
    if best[0] >= 0:
        seen = (
            f" The closest header (row {best[0] + 1}) has: "
            + ", ".join(_cell_text(c) for c in rows[best[0]] if _cell_text(c))
            + "."
        )
    raise ReviewError(
        f"{path}: column(s) {', '.join(repr(m) for m in missing)} not found in "
        f"{where}.{seen} Fix the column names in the data request register "
        "(source.period_column / area_column / measures) or ask the provider "
        "for the agreed format."
    )


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if pd.isna(value):
            raise ValueError
        return float(value)
    text = str(value).strip().replace(",", "")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    return float(text)


MAX_COUNT = 10_000_000  # no partner measure counts more in one period for one partnership


def count_problem(value: float, column: str) -> str:
    """Why `value` cannot be a count ('' when it can): counts are finite, whole, not negative
    and below an absurd size."""
    if not math.isfinite(value):
        return f"value {_fmt(value)} in column '{column}' is not a finite number"
    if value < 0:
        return f"negative count {_fmt(value)} in column '{column}'"
    if not float(value).is_integer():
        return f"count {_fmt(value)} in column '{column}' is not a whole number"
    if value > MAX_COUNT:
        return (
            f"count {_fmt(value)} in column '{column}' is implausibly large (more than "
            f"{MAX_COUNT:,} in one period); check the file with the provider"
        )
    return ""


def _fmt(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else str(value)


def quote_value(value: object, limit: int = 30) -> str:
    """A cell value as messages quote it: short, on one line, without control characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", _cell_text(value))
    return f"'{text[:limit]}...'" if len(text) > limit else f"'{text}'"


class Uncalculated:
    """An XLSX formula cell saved without its result (the workbook was never saved by Excel)."""

    def __repr__(self) -> str:
        return "formula without a saved result"


def read_table_dataset(
    dataset: str,
    source: TableSource,
    paths: list[Path],
    area: AreaMatcher,
    review_date: dt.date,
    area_values: list[str] | None = None,
    review_end: pd.Period | None = None,
) -> DatasetIntake:
    """Read every file of one partner dataset and account for every row (rows of periods
    starting after `review_end` are counted as after the review period, never used)."""
    result = DatasetIntake(dataset=dataset, files=list(paths))
    rules = TableRules(
        source,
        area,
        review_date,
        review_end,
        allowed={normalise_authority(v) for v in (area_values or source.area_values or [])},
    )
    records: list[dict[str, object]] = []  # accepted rows, before re-sent files are resolved
    quarantine: list[dict[str, object]] = []
    dropped: set[str] = set()
    other_areas: set[str] = set()
    for path in paths:
        read = read_table_file(path, dataset, rules)
        other_areas |= read.other_areas
        result.accounts.append(read.account)
        records += read.records
        quarantine += read.quarantine
        dropped |= read.dropped
        if read.problem is not None:
            result.problems.append(read.problem)
    result.dropped_columns = sorted(dropped)
    out = sum(a.out_of_area for a in result.accounts)
    if out and not records:
        result.notes += no_area_rows(rules, out, other_areas)
    tidy = pd.DataFrame(records, columns=[*TIDY_COLUMNS, "_file", "_row", "_mtime"])
    tidy = _resolve_duplicates(tidy, result, quarantine)
    result.tidy = TIDY_SCHEMA.validate(tidy[TIDY_COLUMNS].reset_index(drop=True))
    result.periods = sorted(set(result.tidy["period_start"]))
    qcols = ["dataset", "file", "row", "reason", "period", "area"]
    result.quarantine = pd.DataFrame(quarantine, columns=qcols).astype({"row": "Int64"})
    return result


@dataclass(frozen=True)
class TableRules:
    """How a partner dataset's rows are judged: its mapping, the partnership's area (or the
    area values that are the partnership), and the review's dates."""

    source: TableSource
    area: AreaMatcher
    review_date: dt.date  # a period starting after its month cannot be real: quarantined
    review_end: pd.Period | None = None  # later periods: counted, used nowhere
    allowed: set[str] = field(default_factory=set)  # normalised area values; empty: the area's

    @property
    def totals(self) -> set[str]:
        return {_norm(t) for t in self.source.total_values}

    def inside(self, area_name: str) -> bool:
        if self.allowed:
            return normalise_authority(area_name) in self.allowed
        return self.area.contains_name(area_name)


@dataclass
class FileRead:
    """One partner file read: its account, accepted records (one per measure), quarantined
    rows, personal-looking columns left unread, and the problem when it could not be read."""

    account: FileAccount
    records: list[dict[str, object]] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)
    problem: Problem | None = None
    other_areas: set[str] = field(default_factory=set)  # area names out of the area (safe ones)


@dataclass(frozen=True)
class RowOutcome:
    """Where one row goes: an outcome of the accounts (accepted, quarantined, out_of_area,
    unassigned, after_review_period), why when quarantined, and an accepted row's period and
    values by measure."""

    outcome: str
    reason: str = ""
    start: pd.Period | None = None
    values: dict[str, float] = field(default_factory=dict)


def read_table_file(path: Path, dataset: str, rules: TableRules) -> FileRead:
    """Read one partner file: every non-blank row below the header is accounted for once."""
    source = rules.source
    label = relative(path)
    acc = FileAccount(dataset=dataset, file=label)
    wanted = [source.period_column, *source.measures]
    if source.area_column:
        wanted.append(source.area_column)
    try:
        rows, how = _load_rows(path, source)
        hdr, pos = _find_header(rows, wanted, path, source.header_row)
    except ReviewError as exc:
        return _unreadable(path, label, acc, exc, source)
    acc.note = how
    mapped = set(pos.values())
    read = FileRead(
        acc,
        dropped={
            _cell_text(name)
            for j, name in enumerate(rows[hdr])
            if j not in mapped and _cell_text(name) and PERSONAL.search(_cell_text(name))
        },
    )
    mtime = path.stat().st_mtime
    for r_idx in range(hdr + 1, len(rows)):
        row = rows[r_idx]
        if not any(_cell_text(c) for c in row):
            continue  # blank line: not a row
        acc.rows_read += 1
        line = r_idx + 1
        area_name = _cell_text(_cell(row, pos, source.area_column)) if source.area_column else ""
        found = row_outcome(row, pos, area_name, rules)
        if found.outcome == "quarantined":
            where = {"area": area_name} if source.area_column else {}
            read.quarantine.append(
                {
                    "dataset": dataset,
                    "file": label,
                    "row": line,
                    "period": _cell_text(_cell(row, pos, source.period_column)),
                    **where,
                    "reason": found.reason,
                }
            )
        elif found.outcome == "accepted":
            read.records += [
                {
                    "dataset": dataset,
                    "measure": measure,
                    "period_type": source.period_type,
                    "period_start": str(found.start),
                    "period": period_label(found.start, source.period_type),
                    "area": area_name or "(whole file)",
                    "value": v,
                    "_file": label,
                    "_row": line,
                    "_mtime": mtime,
                }
                for measure, v in found.values.items()
            ]
        elif found.outcome == "out_of_area" and AREA_NAME.fullmatch(area_name):
            read.other_areas.add(area_name)
        setattr(acc, found.outcome, getattr(acc, found.outcome) + 1)
    return read


# An area name that may be quoted in a message: words of a place's name, never a raw row's
# free text (digits, symbols and long values are left unquoted).
AREA_NAME = re.compile(r"[A-Za-z][A-Za-z ,.&'()-]{0,59}")


def no_area_rows(rules: TableRules, out: int, found: set[str]) -> list[str]:
    """When a file's rows name areas but none is the partnership's: say so, with the area
    names the files do use (a wrong name in the params or register is not missing data)."""
    wanted = sorted(rules.source.area_values or []) or sorted(rules.area.given_authorities)
    names = sorted(found)
    shown = ", ".join(names[:15]) + (f" and {len(names) - 15} more" if len(names) > 15 else "")
    key = (
        "area_values in the data request register"
        if rules.source.area_values
        else "area.local_authorities"
    )
    return [
        f"None of the {out:,} rows naming an area is in the partnership's area: no row names "
        f"{' or '.join(wanted) or 'an area of the partnership'} ({key}). The areas these files "
        f"name: {shown or 'none that can be quoted'}. Correct the name, or the area column."
    ]


def _unreadable(
    path: Path, label: str, acc: FileAccount, exc: ReviewError, source: TableSource
) -> FileRead:
    """A file whose columns could not be found: each of its rows quarantined with the
    reason, and the problem to log."""
    acc.note = str(exc).removeprefix(f"{path}: ")
    body = [r for r in _safe_rows(path, source) if any(_cell_text(c) for c in r)]
    acc.rows_read = acc.quarantined = max(len(body) - 1, 0)
    rows: list[dict[str, object]] = [
        {"dataset": acc.dataset, "file": label, "row": None, "reason": acc.note}
        for _ in range(acc.rows_read)
    ]
    return FileRead(
        acc,
        quarantine=rows,
        problem=Problem("incompatible format", str(exc).replace(str(path), label)),
    )


def _cell(row: list[object], pos: dict[str, int], column: str) -> object:
    """The cell of a mapped column in a row (None when the row is short)."""
    j = pos[column]
    return row[j] if j < len(row) else None


def row_outcome(
    row: list[object], pos: dict[str, int], area_name: str, rules: TableRules
) -> RowOutcome:
    """Where one row of a partner file goes, by the first rule it fails: its period (not a
    period, after the review date, after the review period), its values, its area (none,
    a total row, outside the partnership)."""
    source = rules.source
    try:
        start = parse_period(_cell(row, pos, source.period_column), source.period_type)
    except ValueError as exc:
        return RowOutcome("quarantined", f"period: {exc}")
    if start > pd.Period(rules.review_date, "M"):
        return RowOutcome(
            "quarantined",
            f"period {start} is after the review date "
            f"({rules.review_date}); check the period column",
        )
    if rules.review_end is not None and start > rules.review_end:
        return RowOutcome("after_review_period")
    values, problem = _row_values(row, pos, source)
    if problem:
        return RowOutcome("quarantined", problem)
    if source.area_column:
        if area_name == "":
            return RowOutcome("unassigned")
        if _norm(area_name) in rules.totals:
            return RowOutcome("quarantined", "total row (totals are worked out from the area rows)")
        if not rules.inside(area_name):
            return RowOutcome("out_of_area")
    return RowOutcome("accepted", start=start, values=values)


def _row_values(
    row: list[object], pos: dict[str, int], source: TableSource
) -> tuple[dict[str, float], str]:
    """(value per measure, problem): the first value missing, uncalculated, not a number or
    not a plausible count makes the problem."""
    values: dict[str, float] = {}
    for col, measure in source.measures.items():
        raw = _cell(row, pos, col)
        if _cell_text(raw) == "":
            return values, f"value missing in column '{col}'"
        if isinstance(raw, Uncalculated):
            return values, (
                f"value in column '{col}' is a formula with no saved result; open "
                "the workbook in Excel and save it (Excel stores formula results "
                "when it saves), or ask the provider to"
            )
        try:
            v = _number(raw)
        except ValueError:
            return values, f"value {quote_value(raw)} in column '{col}' is not a number"
        problem = count_problem(v, col)
        if problem:
            return values, problem
        values[measure] = v
    return values, ""


def _safe_rows(path: Path, source: TableSource) -> list[list[object]]:
    try:
        return _load_rows(path, source)[0]
    except ReviewError:
        return []


def _resolve_duplicates(
    tidy: pd.DataFrame, result: DatasetIntake, quarantine: list[dict[str, object]]
) -> pd.DataFrame:
    """Exact duplicate rows in one file and periods re-sent in a later file are quarantined."""
    if tidy.empty:
        return tidy
    key = ["measure", "period_start", "area"]
    # The newer extract is the one reaching the latest period; then the newer file; then name.
    per_file = tidy.groupby("_file").agg(last=("period_start", "max"), mtime=("_mtime", "max"))
    files = sorted(
        per_file.index, key=lambda f: (per_file.at[f, "last"], per_file.at[f, "mtime"], f)
    )
    order = {f: i for i, f in enumerate(files)}
    tidy = tidy.drop(columns="_mtime")
    tidy = tidy.assign(_order=tidy["_file"].map(order))
    drop_rows: dict[tuple[str, int], str] = {}
    # Re-sent: the same period and area in a later file wins, whole rows at a time.
    latest = tidy.groupby(key)["_order"].transform("max")
    superseded = tidy[tidy["_order"] < latest]
    for (f, r), grp in superseded.groupby(["_file", "_row"]):
        newer = files[int(latest[grp.index].max())]
        drop_rows[(f, r)] = f"superseded by re-sent file {newer}"
    if len(superseded):
        merged = superseded.merge(tidy[tidy["_order"] == latest], on=key, suffixes=("", "_new"))
        changed = merged[merged["value"] != merged["value_new"]]
        periods = sorted(set(superseded["period"]))
        result.notes.append(f"Re-sent periods {', '.join(periods)}: the later file is used.")
        for m in changed.to_dict("records"):
            result.notes.append(
                f"Restated: {m['measure']} {m['period']} {m['area']}: "
                f"{m['value']:g} -> {m['value_new']:g} "
                f"({Path(m['_file']).name} replaced by "
                f"{Path(m['_file_new']).name})"
            )
    # Exact duplicates within one file: the first copy is kept.
    live = tidy[tidy["_order"] == latest]
    # Each source row's tidy values, gathered in one pass (not a pandas group per row).
    cells: dict[tuple[str, int], list[tuple]] = {}
    for f, r, *cell in zip(
        live["_file"],
        live["_row"],
        live["measure"],
        live["period_start"],
        live["area"],
        live["value"],
        strict=True,
    ):
        cells.setdefault((f, r), []).append(tuple(cell))
    first_seen: dict[tuple[str, tuple], int] = {}
    for (f, r), found in sorted(cells.items(), key=lambda item: item[0]):
        sig = tuple(sorted(found))
        k = (f, sig)
        if k in first_seen:
            drop_rows[(f, r)] = f"duplicate of row {first_seen[k]}"
        else:
            first_seen[k] = r
    # Conflicting rows within one file (same period and area, different values): keep first.
    live_keys = live[
        [(f, r) not in drop_rows for f, r in zip(live["_file"], live["_row"], strict=True)]
    ]
    conflict = live_keys.duplicated(subset=key, keep="first")
    for m in live_keys[conflict].to_dict("records"):
        drop_rows.setdefault(
            (m["_file"], m["_row"]),
            f"conflicts with an earlier row for "
            f"{m['period']} {m['area']} in the same file (the first is kept)",
        )
    if not drop_rows:
        return tidy.drop(columns="_order")
    for acc in result.accounts:
        n = sum(1 for (f, _r) in drop_rows if f == acc.file)
        acc.accepted -= n
        acc.quarantined += n
    first_of = {}  # each source row's first tidy row
    for pos, key_fr in enumerate(zip(tidy["_file"], tidy["_row"], strict=True)):
        first_of.setdefault(key_fr, pos)
    for (f, r), reason in sorted(drop_rows.items()):
        sample = tidy.iloc[first_of[(f, r)]]
        quarantine.append(
            {
                "dataset": sample["dataset"],
                "file": f,
                "row": r,
                "reason": reason,
                "period": sample["period"],
                "area": sample["area"],
            }
        )
    dup = sum(1 for v in drop_rows.values() if v.startswith("duplicate"))
    if dup:
        result.notes.append(f"{dup} duplicate row(s) quarantined.")
    mask = [(f, r) not in drop_rows for f, r in zip(tidy["_file"], tidy["_row"], strict=True)]
    return tidy[mask].drop(columns="_order")
