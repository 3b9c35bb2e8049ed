"""Row checks of police.uk data that set rows aside: months that are not months, not the month
their file is named for, or after the review date; crime types police.uk has never used. Rows
of months after the review period are found here too (counted as such, used nowhere)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from reviewkit.inputs.crime_types import HISTORY
from reviewkit.intake.accounting import Problem
from reviewkit.intake.policeuk.codes import Reasons, flag_rows, remap
from reviewkit.intake.policeuk.columns import MONTH_PATTERN
from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.quarantine import safe_category


def _names(month: pd.Categorical) -> pd.Series:
    """The month categories as stripped text."""
    return pd.Series(month.categories, dtype=object).astype(str).str.strip()


def month_trouble(
    month: pd.Categorical, file_idx: np.ndarray, raws: list[RawFile], review_date: dt.date | None
) -> bool:
    """Whether any row has a month `month_reasons` sets aside (missing or not YYYY-MM, not
    the month its file is named for, after the review date), from the months each file holds:
    clean files need no row-by-row marking."""
    k = len(month.categories)
    key = file_idx.astype(np.int64) * (k + 1) + np.asarray(month.codes) + 1
    per_file = np.bincount(key, minlength=len(raws) * (k + 1)).reshape(len(raws), k + 1)
    if per_file[:, 0].any():  # rows with no month
        return True
    held = per_file[:, 1:] > 0  # per file and month category
    names = _names(month)
    good = names.str.fullmatch(MONTH_PATTERN).to_numpy(bool)
    anywhere = held.any(axis=0)
    if (anywhere & ~good).any():
        return True
    if review_date is not None and (anywhere & good & (names > f"{review_date:%Y-%m}")).any():
        return True
    texts = names.to_numpy(object)
    for i, raw in enumerate(raws):
        key = raw.key()
        if key is not None and (held[i] & good & (texts != key[0])).any():
            return True
    return False


def month_reasons(
    month: pd.Categorical,
    file_idx: np.ndarray,
    raws: list[RawFile],
    reasons: Reasons,
    review_date: dt.date | None,
) -> list[Problem]:
    """Rows whose month is not a month, not the month their file is named for, or after the
    review date are set aside; the problems to report."""
    names = _names(month)
    good = names.str.fullmatch(MONTH_PATTERN).to_numpy(bool)
    reasons.mark(~flag_rows(month, good, False), "month missing or not YYYY-MM")
    problems = _month_against_name(month, file_idx, raws, reasons)
    if review_date is not None:
        future = (good & (names > f"{review_date:%Y-%m}")).to_numpy(bool)
        if future.any():
            reasons.mark(
                flag_rows(month, future, False),
                f"month after the review date ({review_date}); check the file",
            )
    return problems


def _month_against_name(
    month: pd.Categorical, file_idx: np.ndarray, raws: list[RawFile], reasons: Reasons
) -> list[Problem]:
    """Rows whose Month is not the month their file is named for are set aside (a month is
    never counted as another); a problem per file."""
    cats = np.array([*(str(c).strip()[:7] for c in month.categories), ""], dtype=object)
    named = np.array([k[0] if (k := r.key()) else "" for r in raws], dtype=object)
    # per file and month category: is the category another month than the file's name?
    other = (named[:, None] != "") & (cats[None, :] != named[:, None])
    codes = np.asarray(month.codes, dtype=np.int64)
    wrong = reasons.unmarked(other[file_idx, np.where(codes >= 0, codes, len(cats) - 1)])
    problems: list[Problem] = []
    for i in np.unique(file_idx[wrong]):
        rows = wrong & (file_idx == i)
        name_month = str(named[int(i)])  # a file with wrong rows is named for a month
        reasons.mark(rows, f"Month column is not {name_month}, the month its file is named for")
        problems.append(
            Problem(
                "quality",
                (
                    f"{raws[int(i)].label}: {int(rows.sum())} row(s) whose Month column is not "
                    f"{name_month} were not counted (a month is never counted as another); ask the "
                    "provider or download the month again"
                ),
            )
        )
    return problems


def later_rows(
    month: pd.Categorical, review_end: str | None, reasons: Reasons
) -> np.ndarray | None:
    """Rows of a month after the review period (not otherwise set aside); None when the
    data holds no month after it."""
    if review_end is None:
        return None
    names = _names(month)
    months = (names.str.fullmatch(MONTH_PATTERN) & (names > review_end)).to_numpy(bool)
    if not months.any():
        return None
    rows = reasons.unmarked(flag_rows(month, months, False))
    return rows if rows.any() else None


def crime_type_reasons(df: dict[str, pd.Categorical], reasons: Reasons) -> list[Problem]:
    """Street rows whose crime type is not one police.uk has used are set aside; the rest are
    given today's name for their type (in `df`)."""
    ctype = df["crime_type"]
    names = [str(c) for c in ctype.categories]
    standard = [HISTORY.get(c.strip()) for c in names]
    known = flag_rows(ctype, np.array([x is not None for x in standard]), False)
    unknown = reasons.unmarked(~known)
    problems = []
    if unknown.any():
        # How messages name each category, an empty cell (code -1) last: "(empty)", as a
        # category of blanks or spaces is. Rows are marked by the name their code has, so
        # every unknown row is marked whatever else the dictionary holds.
        described = [safe_category(c) for c in names] + [safe_category(None)]
        seen_names, per_code = np.unique(np.array(described, dtype=object), return_inverse=True)
        row_name = per_code.reshape(-1)[np.asarray(ctype.codes)]  # -1 picks the last entry
        present = np.unique(np.asarray(ctype.codes)[unknown])  # few: one per category
        order = sorted((names[c] if c >= 0 else "", per_code[c]) for c in present)
        seen = list(dict.fromkeys(str(seen_names[k]) for _, k in order))
        for name in seen:
            k = int(np.flatnonzero(seen_names == name)[0])
            reasons.mark(unknown & (row_name == k), f"unknown crime type {name}")
        problems.append(
            Problem(
                "quality",
                f"{int(unknown.sum())} row(s) with unknown crime "
                f"type(s): {', '.join(seen)}; update the crime type mapping "
                "or ask the provider",
            )
        )
    df["crime_type"] = remap(ctype, list(standard))
    return problems
