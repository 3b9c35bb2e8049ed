"""Reading one partner file: every non-blank row below the header is accounted for once
(accepted records, one per measure; quarantined rows with their reasons; out of area;
unassigned; after the review period). Columns that look like personal data are named, never
read; a file whose columns cannot be found has all its rows quarantined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative
from reviewkit.base.periods import period_label
from reviewkit.inputs.register import TableSource
from reviewkit.intake.accounting import FileAccount, Problem
from reviewkit.intake.partner.rows import RowOutcome, TableRules, cell, row_outcome
from reviewkit.intake.partner.sheets import cell_text, find_header, load_rows, safe_rows

PERSONAL = re.compile(
    r"\b(name|surname|forename|first ?name|dob|date of birth|birth|address|postcode|post code|"
    r"nhs|nhs number|phone|telephone|email|e-mail|notes?|comments?|free ?text|narrative|"
    r"description|details)\b",
    re.I,
)
# An area name that may be quoted in a message: words of a place's name, never a raw row's
# free text (digits, symbols and long values are left unquoted).
AREA_NAME = re.compile(r"[A-Za-z][A-Za-z ,.&'()-]{0,59}")


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


def read_table_file(path: Path, dataset: str, rules: TableRules) -> FileRead:
    """Read one partner file: every non-blank row below the header is accounted for once."""
    source = rules.source
    label = relative(path)
    acc = FileAccount(dataset=dataset, file=label)
    wanted = [source.period_column, *source.measures]
    if source.area_column:
        wanted.append(source.area_column)
    try:
        rows, how = load_rows(path, source)
        hdr, pos = find_header(rows, wanted, path, source.header_row)
    except ReviewError as exc:
        return _unreadable(path, label, acc, exc, source)
    acc.note = how
    read = FileRead(acc, dropped=personal_columns(rows[hdr], set(pos.values())))
    mtime = path.stat().st_mtime_ns  # whole nanoseconds: files apart by any time never tie
    for r_idx in range(hdr + 1, len(rows)):
        row = rows[r_idx]
        if not any(cell_text(c) for c in row):
            continue  # blank line: not a row
        acc.rows_read += 1
        area_name = cell_text(cell(row, pos, source.area_column)) if source.area_column else ""
        found = row_outcome(row, pos, area_name, rules)
        _record(read, found, (row, pos, area_name), (label, r_idx + 1, mtime), source)
        setattr(acc, found.outcome, getattr(acc, found.outcome) + 1)
    return read


def personal_columns(header: list[object], mapped: set[int]) -> set[str]:
    """The names of unmapped columns that look like personal data (named, never read)."""
    return {
        cell_text(name)
        for j, name in enumerate(header)
        if j not in mapped and cell_text(name) and PERSONAL.search(cell_text(name))
    }


def _record(
    read: FileRead,
    found: RowOutcome,
    where: tuple[list[object], dict[str, int], str],
    origin: tuple[str, int, int],
    source: TableSource,
) -> None:
    """Keep what a row's outcome needs: an accepted row's records, a quarantined row's line,
    an out-of-area row's area name (when it may be quoted)."""
    row, pos, area_name = where
    label, line, mtime = origin
    dataset = read.account.dataset
    if found.outcome == "quarantined":
        place = {"area": area_name} if source.area_column else {}
        read.quarantine.append(
            {
                "dataset": dataset,
                "file": label,
                "row": line,
                "period": cell_text(cell(row, pos, source.period_column)),
                **place,
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
    body = [r for r in safe_rows(path, source) if any(cell_text(c) for c in r)]
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
