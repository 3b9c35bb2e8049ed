"""The words of the data dictionary: a column's description (`Column`), the types a column
can have, one helper per type (`S` text, `I` whole number, `F` number, `B` flag, `IM`/`BM` whole
number or flag that may be missing) and the sources the descriptions name."""

from __future__ import annotations

from dataclasses import dataclass

REGISTER = "data request register"
STRATEGY = "strategy file"
SCORE = "computed at progress from the tidy tables"
SPC = "XmR chart (Making Data Count rules, docs/method.md)"
VERDICT = 'the indicator\'s one verdict, computed at progress (docs/method.md, "One verdict")'
INTAKE = "computed at intake"
POLICE = "data.police.uk"


# The type each column has in memory and in the tidy parquet (pandas dtype names); the
# store's schemas (reviewkit.store.schemas) are built from these, so a column's type is stated
# here once, beside its label. Two are not one dtype: an XmR chart's whole numbers and flags
# are missing on the rows of an indicator too short for a chart, so they are held as int64 and
# bool when every row has them, as float64 and object (NaN where missing) when not.
TEXT, WHOLE, WHOLE32, NUMBER, FLAG = "str", "int64", "int32", "float64", "bool"
WHOLE_OR_MISSING, FLAG_OR_MISSING = "whole or missing", "flag or missing"
# Each type as the data dictionary file says it to people (an empty cell is a missing value).
TYPE_WORDS = {
    TEXT: "text",
    WHOLE: "whole number",
    WHOLE32: "whole number",
    NUMBER: "number or empty",
    FLAG: "yes/no",
    WHOLE_OR_MISSING: "whole number or empty",
    FLAG_OR_MISSING: "yes/no or empty",
}


@dataclass(frozen=True)
class Column:
    """One column of a table as people read it: its label, meaning, source, the decimals it is
    shown with and its type (the schema's dtype)."""

    label: str
    meaning: str
    source: str
    decimals: int | None = None  # None: shown as it is (text, whole numbers)
    dtype: str = TEXT


def S(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A text column."""
    return Column(label, meaning, source, decimals, TEXT)


def I(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:  # noqa: E743
    """A whole-number column (never missing: a count that can be missing is a number)."""
    return Column(label, meaning, source, decimals, WHOLE)


def I32(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A whole-number column held in 32 bits (grid cells)."""
    return Column(label, meaning, source, decimals, WHOLE32)


def IM(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A whole-number column that is missing on some rows (an XmR chart's columns)."""
    return Column(label, meaning, source, decimals, WHOLE_OR_MISSING)


def BM(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A yes/no flag that is missing on some rows (an XmR chart's columns)."""
    return Column(label, meaning, source, decimals, FLAG_OR_MISSING)


def F(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A number column (missing allowed: NaN)."""
    return Column(label, meaning, source, decimals, NUMBER)


def B(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A yes/no flag."""
    return Column(label, meaning, source, decimals, FLAG)
