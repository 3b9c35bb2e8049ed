"""The schema of every table steps pass to each other, built from the data dictionary.

A column's type is stated once, in reviewkit.store.dictionary (`S` text, `I` whole number,
`F` number, `B` flag); this module turns a table's entry into a pandera schema, which the store
(reviewkit.store.tables) checks when a table is written and when it is read. pandera is
imported on the first check, not when the package is imported (it costs about half a second).

What a schema holds:
- each column's dtype; whole numbers and flags are never missing;
- text in the tables the report reads as words (scorecard, initiative status, completeness,
  reconciliation) is never missing either: an empty cell is "" there, so no reader fills gaps;
- the columns every table of that kind has (police datasets, benchmarking and population keep
  only the columns their source gave, so theirs are not required).

Before the check a table is brought to its types where nothing can change: a table with no
rows (pandas makes its columns `object`), a column with no values at all, and text or flags
held as Python objects. Anything else of the wrong type fails, naming table, column and problem.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.store import dictionary

if TYPE_CHECKING:
    import pandera.pandas as pa

# Tables whose text is "" when empty, never missing (the report reads them as words).
TEXT_NEVER_MISSING = frozenset({"scorecard", "initiative_status", "completeness", "reconciliation"})
# Tables whose columns depend on the source: a column there may be absent.
SOME_COLUMNS = frozenset(
    {"police_street", "police_outcomes", "police_stop_search", "benchmarking", "population"}
)


# The dtype a column that may have missing values has when none is missing (and when empty).
COMPLETE = {dictionary.WHOLE_OR_MISSING: "int64", dictionary.FLAG_OR_MISSING: "bool"}


def dtypes(table: str) -> dict[str, str]:
    """Each column's dtype name for `table` (a police dataset id uses its kind's entry)."""
    return {name: c.dtype for name, c in dictionary.TABLES.get(dictionary.kind(table), {}).items()}


def _nullable(kind: str, dtype: str) -> bool:
    if dtype in (dictionary.WHOLE, dictionary.WHOLE32, dictionary.FLAG):
        return False
    return not (dtype == dictionary.TEXT and kind in TEXT_NEVER_MISSING)


@cache
def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of `table` (cached per name)."""
    import pandera.pandas as pa

    kind = dictionary.kind(table)
    if kind not in dictionary.TABLES:
        raise ReviewError(
            f"Table '{table}' has no entry in the data dictionary "
            "(reviewkit.store.dictionary), so it has no schema: add its columns "
            "there before writing it."
        )
    columns = {name: _column(pa, kind, dtype) for name, dtype in dtypes(table).items()}
    return pa.DataFrameSchema(columns, name=table, strict=False, ordered=False, coerce=False)


def _column(pa: Any, kind: str, dtype: str) -> pa.Column:
    required = kind not in SOME_COLUMNS
    if dtype in MAY_BE_MISSING:
        check, name = MAY_BE_MISSING[dtype]
        return pa.Column(
            None,
            nullable=True,
            required=required,
            checks=pa.Check(check, element_wise=False, name=name),
        )
    column_dtype = _text_dtype() if dtype == dictionary.TEXT else _pandas_dtype(dtype)
    return pa.Column(column_dtype, nullable=_nullable(kind, dtype), required=required)


@cache
def _text_dtype() -> Any:
    """pandera's text dtype, answering for a text column as a whole. pandera's own answers a
    column of the right dtype with one `True` per row, and then describes the (empty) list of
    failures row by row, for every text column of every table checked: half of a check's time.
    Any other column (Python objects, say) is judged as pandera judges it."""
    from pandera.engines import pandas_engine

    class Text(pandas_engine.STRING):
        def check(self, pandera_dtype: Any, data_container: Any = None) -> Any:
            if pandas_engine.Engine.dtype(pandera_dtype).type == self.type:
                return True
            return super().check(pandera_dtype, data_container)

    return Text.from_parametrized_dtype(_pandas_dtype(dictionary.TEXT))


def _whole_or_missing(values: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return True
    if not pd.api.types.is_float_dtype(values.dtype):
        return False
    present = values.dropna()
    return bool((present == present.round()).all())


def _flag_or_missing(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values.dtype):
        return True
    if values.dtype != object:
        return bool(values.isna().all())
    return _all_of(values, (bool, np.bool_))


# Whole numbers or flags that may be missing: no single pandas dtype holds them (an integer or
# bool column with gaps is float or object), so each is checked by what its values are.
MAY_BE_MISSING: dict[str, tuple[Callable[[pd.Series], bool], str]] = {
    dictionary.WHOLE_OR_MISSING: (_whole_or_missing, "whole numbers or missing"),
    dictionary.FLAG_OR_MISSING: (_flag_or_missing, "yes/no flags or missing"),
}


def _pandas_dtype(dtype: str) -> Any:
    return pd.StringDtype(na_value=float("nan")) if dtype == dictionary.TEXT else dtype


def _all_of(values: pd.Series, kind: type | tuple[type, ...]) -> bool:
    present = values.dropna()
    return bool(present.map(lambda v: isinstance(v, kind)).all())


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with columns brought to the schema's types where no value changes: no rows,
    no values, or text and flags held as Python objects. Everything else is left for the check
    to judge."""
    out = frame
    for name, dtype in dtypes(table).items():
        if name not in frame.columns or str(frame[name].dtype) == dtype:
            continue
        col = frame[name]
        if dtype in COMPLETE:  # whole numbers or flags, missing on some rows
            if len(col) == 0:
                out = out.copy() if out is frame else out
                out[name] = col.astype(COMPLETE[dtype])
            continue
        empty = len(col) == 0 or (
            col.isna().all() and dtype in (dictionary.TEXT, dictionary.NUMBER)
        )
        same = col.dtype == object and (
            (dtype == dictionary.TEXT and _all_of(col, str))
            or (
                dtype == dictionary.FLAG and not col.isna().any() and _all_of(col, (bool, np.bool_))
            )
        )
        if empty or same:
            if out is frame:
                out = frame.copy()
            out[name] = col.astype(_pandas_dtype(dtype))
    return out


def check(
    table: str, frame: pd.DataFrame, where: str, advice: str, name: str | None = None
) -> pd.DataFrame:
    """`frame` conformed and checked against `table`'s schema; a failure raises ReviewError
    naming the table (`name`, when it is not the schema's own name), the file (`where`),
    each column and its problem, then `advice`."""
    import pandera.pandas as pa

    conformed = conform(table, frame)
    try:
        return schema(table).validate(conformed, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = _problems(err.failure_cases, conformed)
        called = f"'{name}' (a {table} table)" if name and name != table else f"'{table}'"
        raise ReviewError(
            f"Table {called} in {where} does not match its schema: "
            + "; ".join(problems)
            + f". {advice}"
        ) from None


def warm_up() -> None:
    """Build every table's schema and check one table: pandera's import, the registration of
    its backends and the schemas are then made once, in the process that calls this (the
    kernel server, whose kernels inherit them), not at each kernel's first check."""
    for table in dictionary.TABLES:
        schema(table)
    check("scorecard", pd.DataFrame(columns=list(dtypes("scorecard"))), "a warm-up", "")


def _problems(cases: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    out: list[str] = []
    for (column, check_name), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        found = group["failure_case"].iloc[0]
        if check_name == "column_in_dataframe":
            out.append(f"column '{found}' is missing")
        elif str(check_name).startswith("dtype("):
            held = str(frame[column].dtype) if column in frame.columns else str(found)
            out.append(f"column '{column}' holds {_words(held)}, not {_wanted(str(check_name))}")
        elif check_name == "not_nullable":
            rows = [int(i) for i in group["index"].dropna().head(3)]
            at = f" (data row {', '.join(str(r + 1) for r in rows)})" if rows else ""
            out.append(f"column '{column}' has missing values{at}, which it never may")
        elif column in frame.columns:
            out.append(
                f"column '{column}' holds {_words(str(frame[column].dtype))}, not {check_name}"
            )
        else:
            out.append(f"column '{column}' fails {check_name} ({found!r})")
    return out


def _wanted(check_name: str) -> str:
    inner = check_name.removeprefix("dtype(").removesuffix(")").strip("'\"")
    return _words(inner)


def _words(dtype: str) -> str:
    if dtype.startswith(("str", "string")):
        return "text"
    if dtype.startswith("int"):
        return "whole numbers"
    if dtype.startswith("float"):
        return "numbers"
    if dtype == "bool":
        return "yes/no flags"
    if dtype == "object":
        return "mixed values (object)"
    return dtype
