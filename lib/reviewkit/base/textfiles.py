"""Reading text files as they come from partner agencies: detect the encoding and delimiter.

Seen in the wild: UTF-8, UTF-8 with a byte order mark, Windows-1252 (Excel "CSV"), and
UTF-16 (Excel "Unicode text"). Binary content with a .csv name is refused with a clear message.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reviewkit.base.errors import ReviewError


def detect_encoding(data: bytes) -> str:
    """The encoding to read `data` with: BOMs first, then strict UTF-8, then Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text
        sample = data[:4096]
        if sample[1::2].count(0) > len(sample) // 4:
            return "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 4:
            return "utf-16-be"
        raise ValueError("binary content, not text")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used) of a text file; ReviewError if it is not text."""
    data = path.read_bytes()
    try:
        enc = encoding or detect_encoding(data)
    except ValueError:
        raise ReviewError(
            f"{path}: this is not a text file (binary content). Check it is the "
            "CSV export and not another file renamed; ask the provider to "
            "send it again."
        ) from None
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise ReviewError(
            f"{path}: cannot be read as {enc} (byte {exc.start}). Remove the "
            "'encoding' setting to let it be detected, or save the file as "
            "UTF-8."
        ) from None


def sniff_delimiter(text: str) -> str:
    """The column separator: comma unless the header clearly uses ';', tab or '|'."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_rows(path: Path, encoding: str | None = None) -> tuple[list[list[str]], str]:
    """All rows of a delimited text file as lists of strings, and the encoding used."""
    text, enc = read_text(path, encoding)
    delim = sniff_delimiter(text)
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim)], enc


def read_csv_text(path: Path, what: str, **kwargs: Any) -> pd.DataFrame:
    """A small CSV input (a reference table, the place names, the difficulties log, an LSOA
    list) as pandas reads it, every cell text: its encoding detected, and a file with no
    header or rows that do not parse refused with a ReviewError naming the file and `what`
    it should hold, never a pandas traceback."""
    text, _ = read_text(path)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, **kwargs)
    except pd.errors.EmptyDataError:
        raise ReviewError(
            f"{path}: the file is empty (no header row); the {what} needs a header row "
            "naming its columns, then a row per entry."
        ) from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1].removeprefix("Error tokenizing data. ")
        raise ReviewError(
            f"{path}: not a readable CSV file ({detail}); the {what} needs the same number "
            "of columns on every row (a value with a comma in it goes in double quotes)."
        ) from None


def read_reference_table(
    path: Path, columns: list[str], numeric: dict[str, bool], what: str
) -> pd.DataFrame:
    """A small reference CSV (population, peers): required columns checked, numeric columns
    read as numbers; an error names the file, row and column. `numeric` maps each numeric
    column to whether zero is allowed."""
    table = read_csv_text(path, what)
    table.columns = [c.strip().lower() for c in table.columns]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ReviewError(
            f"{path}: missing column(s) {', '.join(missing)}; the {what} needs "
            f"{', '.join(columns)}."
        )
    for col, zero_ok in numeric.items():
        nums = pd.to_numeric(table[col].str.replace(",", ""), errors="coerce")
        bad = ~np.isfinite(nums) | (nums < 0) | ((nums == 0) & (not zero_ok))
        if bad.any():
            first = bad.idxmax()
            raise ReviewError(
                f"{path}: row {int(first) + 2}, column '{col}': "
                f"'{table.loc[first, col]}' is not a usable number "
                f"({'zero or more' if zero_ok else 'more than zero'})."
            )
        table[col] = nums
    return table
