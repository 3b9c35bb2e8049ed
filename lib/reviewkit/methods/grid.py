"""police.uk's anonymised locations, turned into grid cells as the file is parsed.

data.police.uk places each record at an anonymised map point near where it happened. To say
where crime is dense without drawing or keeping any point, each point is replaced at parse time
by the grid cell it falls in (about 500 m square: 0.0045 degrees of latitude by 0.0075 of
longitude, 500 m by 500 m at 53 degrees north). Only cell numbers go further: counts per month,
crime type and cell. Coordinates never reach the cache, the tidy tables or a report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reviewkit.methods.counting import count_groups, counts_frame

CELL_LAT = 0.0045
CELL_LON = 0.0075


# A coordinate written plainly with at most 15 digits (`-0.097472`, `51.514207`): the decimal
# it names rounds to one double, and Arrow's parser (fast_float) and pandas' (fast_float, or in
# older versions one division of the exact integer of its digits by an exact power of ten) both
# round correctly, so both give that double and the same cell. Anything else is parsed by pandas.
PLAIN_NUMBER = r"^-?[0-9]{1,3}(\.[0-9]{1,12})?$"


def _cells(num: np.ndarray, size: float, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """(cell number, usable) per coordinate: missing, not finite or out of range is not usable."""
    ok = np.isfinite(num) & (num >= low) & (num <= high)
    out = np.zeros(len(num), dtype=np.int64)
    out[ok] = np.floor(num[ok] / size).astype(np.int64)
    return out, ok


def parse_coordinates(values: pa.Array) -> np.ndarray:
    """Text coordinates as numbers (NaN where missing or not a number), as
    `pd.to_numeric(..., errors="coerce")` reads them: plain ones by Arrow, the rest by pandas."""
    if pa.types.is_dictionary(values.type):
        numbers = parse_coordinates(values.dictionary)
        codes = values.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return np.append(numbers, np.nan)[codes]  # a missing value's -1 picks the NaN
    if short_plain_text(values):
        try:  # every value Arrow reads here is plainly written (at most 15 characters)
            return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:  # such as '1-2' or '-': value by value below
            pass
    plain = pc.match_substring_regex(values, PLAIN_NUMBER)  # null where missing
    num = pc.cast(pc.if_else(plain, values, None), pa.float64()).to_numpy(zero_copy_only=False)
    other = pc.invert(plain.fill_null(True))  # present but not plain: rare
    if pc.any(other).as_py():
        rest = pc.filter(values, other).to_pylist()
        parsed = pd.to_numeric(pd.Series(rest, dtype=object), errors="coerce")
        num[other.to_numpy(zero_copy_only=False)] = parsed.to_numpy(float)
    return num


def short_plain_text(values: pa.Array) -> bool:
    """Whether every value (missing ones included) is at most 15 characters of digits, '.' and
    '-': read from Arrow's buffers at once, with no regular expression per value."""
    if values.type != pa.string():
        return False
    _, offsets_buffer, data_buffer = values.buffers()
    if offsets_buffer is None or len(values) == 0:
        return True
    offsets = np.frombuffer(offsets_buffer, np.int32)[
        values.offset : values.offset + len(values) + 1
    ]
    if np.diff(offsets).max() > 15:
        return False
    if data_buffer is None:
        return True
    data = np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
    if not len(data):
        return True
    # '-' is 45, '.' 46, '/' 47 and the digits 48 to 57: bounds and no '/'
    return bool(data.min() >= 45 and data.max() <= 57 and not (data == 47).any())


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    if column.num_chunks == 1:
        return column.chunk(0)
    if pa.types.is_dictionary(column.type):  # one dictionary for all chunks: no text copied
        return pa.concat_arrays(column.unify_dictionaries().chunks)
    return pa.concat_arrays(column.chunks) if column.num_chunks else pa.array([], column.type)


def replace_coordinates(table: pa.Table) -> pa.Table:
    """`table` with its latitude and longitude columns replaced by cell numbers (null where a
    record has no usable location). Tables without both coordinates get no cell columns."""
    if "latitude" not in table.column_names or "longitude" not in table.column_names:
        return table.drop_columns([c for c in ("latitude", "longitude") if c in table.column_names])
    lat, lon = _one_array(table["latitude"]), _one_array(table["longitude"])
    if lat.type == lon.type == pa.string():  # both read at once (values are read one by one)
        both = parse_coordinates(pa.concat_arrays([lat, lon]))
        lat_num, lon_num = both[: len(lat)], both[len(lat) :]
    else:
        lat_num, lon_num = parse_coordinates(lat), parse_coordinates(lon)
    row, row_ok = _cells(lat_num, CELL_LAT, 49.0, 61.5)
    col, col_ok = _cells(lon_num, CELL_LON, -8.7, 2.0)
    missing = ~(row_ok & col_ok)
    table = table.drop_columns(["latitude", "longitude"])
    for name, values in (("cell_row", row), ("cell_col", col)):
        table = table.append_column(name, pa.array(values.astype(np.int32), mask=missing))
    return table


def cell_counts(
    month: pd.Categorical,
    crime_type: pd.Categorical,
    rows: np.ndarray,
    cols: np.ndarray,
    keep: np.ndarray,
) -> pd.DataFrame:
    """Counts per month, crime type and cell of the rows in `keep` that have a cell."""
    has = keep & ~np.isnan(rows) & ~np.isnan(cols)
    month_codes, type_codes = np.asarray(month.codes)[has], np.asarray(crime_type.codes)[has]
    named = (month_codes >= 0) & (type_codes >= 0)  # a missing month or type is not a group
    r, c = rows[has][named].astype(np.int64), cols[has][named].astype(np.int64)
    r0, c0 = (int(r.min()), int(c.min())) if len(r) else (0, 0)
    groups, n = count_groups(
        [month_codes[named], type_codes[named], r - r0, c - c0],
        [len(month.categories), len(crime_type.categories), _span(r), _span(c)],
    )
    return counts_frame(
        {
            "month": ([str(m) for m in month.categories], groups[0]),
            "crime_type": ([str(t) for t in crime_type.categories], groups[1]),
            "cell_row": (None, (groups[2] + r0).astype(np.int32)),
            "cell_col": (None, (groups[3] + c0).astype(np.int32)),
        },
        n,
    )


def _span(values: np.ndarray) -> int:
    return int(values.max() - values.min()) + 1 if len(values) else 1
