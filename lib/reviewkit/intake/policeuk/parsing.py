"""Parsing one police.uk file with Arrow, keeping only the columns the analysis needs.

Malformed rows are set aside one by one (by line number, never quoted); a file that cannot
be a police.uk file of its kind (empty, binary, UTF-16, missing columns, cut short) gives a
problem instead of a table.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from reviewkit.base.textfiles import detect_encoding
from reviewkit.intake.policeuk.columns import CATEGORY_TYPE, COLUMNS, OPTIONAL
from reviewkit.intake.policeuk.discovery import ZIP_ERRORS, RawFile
from reviewkit.methods.grid import replace_coordinates

Parsed = tuple[pa.Table | None, int, str, list[int]]  # table, rows in file, problem, bad lines

UNREADABLE_MEMBER = (
    "could not be read from its zip (damaged, cut short or password-protected); download it again"
)


def _count_data_lines(data: bytes) -> int:
    lines = [ln for ln in data.splitlines() if ln.strip()]
    return max(len(lines) - 1, 0)


def _head(raw: RawFile, size: int = 4096) -> tuple[bytes, int]:
    """The first bytes of a file, and its total size."""
    if not isinstance(raw.source, Path):
        data = raw.data()
        return data[:size], len(data)
    with raw.source.open("rb") as f:
        return f.read(size), raw.source.stat().st_size


def _nul_problem(head: bytes) -> str:
    """Why a file with NUL bytes is not read: UTF-16 text (a CSV re-saved as Excel's "Unicode
    text") is named as such; anything else is binary content."""
    try:
        encoding = detect_encoding(head)
    except ValueError:
        encoding = ""
    if encoding.startswith("utf-16"):
        return (
            "saved as UTF-16 text (as Excel's 'Unicode text' saves it), not the UTF-8 CSV "
            "data.police.uk gives; download it again, or save it as 'CSV UTF-8'"
        )
    return "not a CSV text file (binary content); download it again"


def _header_problem(raw: RawFile, head: bytes, kind: str) -> tuple[dict[str, str], Parsed | None]:
    """The columns to read (header name -> tidy name), or the result for a file whose header
    lacks a column its kind needs."""
    lines = head.removeprefix(b"\xef\xbb\xbf").splitlines()
    first = lines[0].decode("utf-8", "replace") if lines else ""
    header = [h.strip().strip('"') for h in first.split(",")]
    wanted = {
        c: t
        for c, t in COLUMNS[kind].items()
        if c not in OPTIONAL or c in header or kind == "police_uk_stop_search"
    }
    missing = [c for c in wanted if c not in header]
    if not missing:
        return wanted, None
    hint = (
        "; the file looks like it uses ';' or tabs between columns"
        if len(header) == 1 and (";" in first or "\t" in first)
        else ""
    )
    problem = (
        f"missing column(s) {', '.join(missing)}{hint}: this is not a "
        f"data.police.uk {kind.removeprefix('police_uk_')} file"
    )
    return wanted, (None, _count_data_lines(raw.data()), problem, [])


def _parse(raw: RawFile, wanted: dict[str, str], threads: bool, bad: list[int | None]) -> pa.Table:
    """Arrow's parse of the wanted columns as categories (coordinates as text); the line
    numbers of malformed rows go to `bad` (None where a thread could not tell)."""
    bad.clear()
    source = raw.source if isinstance(raw.source, Path) else io.BytesIO(raw.data())
    return pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(use_threads=threads),
        parse_options=pacsv.ParseOptions(invalid_row_handler=_skip_into(bad)),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(wanted),
            column_types={c: pa.string() if c in OPTIONAL else CATEGORY_TYPE for c in wanted},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def _first_look(raw: RawFile, kind: str) -> tuple[dict[str, str], Parsed | None]:
    """The columns to read, or the result for a file refused from its first bytes: a zip
    member that cannot be read, an empty file, binary or UTF-16 content, a column missing."""
    try:
        head, size = _head(raw)
    except ZIP_ERRORS:
        return {}, (None, 0, UNREADABLE_MEMBER, [])
    if not head.strip() and size <= len(head):
        return {}, (None, 0, "empty file (no header, no rows)", [])
    if b"\x00" in head:
        return {}, (None, 0, _nul_problem(head), [])
    return _header_problem(raw, head, kind)


def read_arrow(raw: RawFile, kind: str, threads: bool = True) -> Parsed:
    """Parse one file; return (table or None, rows in file, problem text or '', line numbers
    of malformed rows). Malformed rows are set aside one by one and never quoted."""
    wanted, refused = _first_look(raw, kind)
    if refused is not None:
        return refused
    bad: list[int | None] = []
    try:
        table = _parse(raw, wanted, threads, bad)
        if any(n is None for n in bad):  # line numbers are only known to one thread
            table = _parse(raw, wanted, False, bad)
    except pa.ArrowInvalid:
        problem = (
            "could not be parsed as CSV (a quoted value is not closed or the "
            "file is damaged); check the file is complete"
        )
        return None, _count_data_lines(raw.data()), problem, []
    lines_bad = sorted(int(n) for n in bad if n is not None)
    rows = table.num_rows + len(lines_bad)
    if lines_bad and _ends_mid_row(raw, lines_bad[-1]):
        problem = (
            "the file ends part-way through a row, as an interrupted download "
            "leaves it; download it again"
        )
        return None, rows, problem, []
    table = table.rename_columns([wanted[c] for c in table.column_names])
    if kind == "police_uk_street":
        table = replace_coordinates(table)  # no coordinate goes further than this line
    return table, rows, "", lines_bad


def _skip_into(bad: list[int | None]) -> Callable[[pacsv.InvalidRow], str]:
    """Arrow's handler of a malformed row: its line number is noted and the row skipped."""

    def handler(row: pacsv.InvalidRow) -> str:
        """Note the row's line and tell Arrow to skip it."""
        bad.append(row.number)  # the line number only: a malformed row is never quoted
        return "skip"

    return handler


def _ends_mid_row(raw: RawFile, last_bad_line: int) -> bool:
    """True when the file's last line is a malformed row with no line end (cut short)."""
    data = raw.data()
    if not data or data.endswith((b"\n", b"\r")):
        return False
    return data.count(b"\n") + 1 == last_bad_line or (b"\n" not in data and last_bad_line == 1)
