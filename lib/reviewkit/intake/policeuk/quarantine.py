"""The rows a police.uk dataset sets aside, as the quarantine file lists them: the file, the
line number, the reason, and only values that look like what their column holds (a shifted
row could put an ID, a place or free text in any column)."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from reviewkit.intake.policeuk.codes import Reasons
from reviewkit.intake.policeuk.discovery import RawFile

_CATEGORY = re.compile(r"[A-Za-z][A-Za-z ,&'()/-]{0,59}")
_NOT_CATEGORY = ("on or near", "no location")


def safe_category(value: object) -> str:
    """A category value as messages may quote it: in quotes when it looks like a category
    (short words, no digits, not a place), otherwise a description that quotes nothing."""
    text = "" if value is None else str(value).strip()
    if not text:
        return "(empty)"
    if _CATEGORY.fullmatch(text) and not text.lower().startswith(_NOT_CATEGORY):
        return f"'{text}'"
    return "(a value that is not a category name; not quoted)"


def _safe_pattern(pattern: str) -> Callable[[object], str]:
    rx = re.compile(pattern)
    return lambda v: str(v).strip() if v is not None and rx.fullmatch(str(v).strip()) else ""


def _safe_name(value: object) -> str:
    quoted = safe_category(value)
    return quoted.strip("'") if quoted.startswith("'") else ""


_SAFE_VALUE: dict[str, Callable[[object], str]] = {
    "month": _safe_pattern(r"\d{4}-\d{2}(-\d{2}.*)?"),
    "lsoa_code": _safe_pattern(r"[EWSN]\d{8}"),
    "crime_type": _safe_name,
    "outcome_type": _safe_name,
    "search_type": _safe_name,
}


def whole_file(dataset: str, label: str, n_rows: int, reason: str) -> pd.DataFrame:
    """Every row of a file set aside whole, by line number (the header is line 1)."""
    return pd.DataFrame(
        {"dataset": dataset, "file": label, "row": np.arange(2, n_rows + 2), "reason": reason}
    )


def malformed_rows(dataset: str, label: str, lines: list[int]) -> pd.DataFrame:
    """The malformed rows of a file, by line number (never quoted)."""
    return pd.DataFrame(
        {
            "dataset": dataset,
            "file": label,
            "row": lines,
            "reason": "malformed row (wrong number of columns); row not quoted",
        }
    )


def line_numbers(file_idx: np.ndarray, bad_lines: dict[int, list[int]]) -> np.ndarray:
    """Each parsed row's line in its file: the header is line 1, and malformed rows (set
    aside before parsing) keep their lines."""
    row_no = np.zeros(len(file_idx), dtype=np.int64)
    for i in np.unique(file_idx):
        where = np.flatnonzero(file_idx == i)
        lines = np.arange(2, len(where) + 2)
        for skipped in bad_lines.get(int(i), []):  # malformed rows were set aside first
            lines[lines >= skipped] += 1
        row_no[where] = lines
    return row_no


def quarantined(
    df: dict[str, pd.Categorical],
    bad: np.ndarray,
    reasons: Reasons,
    file_idx: np.ndarray,
    raws: list[RawFile],
    bad_lines: dict[int, list[int]],
    dataset: str,
) -> pd.DataFrame:
    """The rows set aside, with their file, line number and reason, and the values of the
    columns that look like what the column holds."""
    row_no = line_numbers(file_idx, bad_lines)
    keep = [
        c for c in ("month", "crime_type", "lsoa_code", "outcome_type", "search_type") if c in df
    ]
    q = pd.DataFrame(
        {k: [_SAFE_VALUE[k](v) for v in np.asarray(df[k][bad], dtype=object)] for k in keep}
    )
    q.insert(0, "reason", reasons.of(bad))
    q.insert(0, "row", row_no[bad])
    q.insert(0, "file", [raws[i].label for i in file_idx[bad]])
    q.insert(0, "dataset", dataset)
    return q
