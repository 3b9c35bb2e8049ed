"""File-plan rule: a copy saved again (other bytes: line ends, quoting) under another force's
name, holding the same records for the same month, is set aside."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Aside
from reviewkit.intake.policeuk.parsing import Parsed

# Smaller files are left alone: two short files can hold the same records by chance.
MIN_ROWS_FOR_COPY = 10


def records_signature(table: pa.Table) -> int:
    """A hash of a file's records (the columns read) that ignores their order and bytes."""
    frame = table.to_pandas().astype(object).where(lambda f: f.notna(), "")
    return int(pd.util.hash_pandas_object(frame, index=False).sum())


def saved_again(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[Aside]:
    """Files with the same records as an earlier file of another name for the same months.
    Only files with the same number of rows and months are compared."""
    by_month: dict[tuple[object, ...], list[tuple[int, pa.Table]]] = {}
    for i in live:
        table = parsed[i][0]
        if table is not None and table.num_rows >= MIN_ROWS_FOR_COPY:
            by_month.setdefault((table.num_rows, *months[i]), []).append((i, table))
    out = []
    for members in by_month.values():
        if len(members) < 2:
            continue
        seen: dict[int, int] = {}
        for i, table in members:
            sig = records_signature(table)
            if sig in seen and raws[i].key() != raws[seen[sig]].key():
                keep = raws[seen[sig]].label
                out.append(
                    Aside(
                        i,
                        f"same records as {keep}",
                        f"holds the same records as {keep} (a copy saved again); it "
                        "was not counted, so no month is counted twice. Remove the "
                        "copy.",
                    )
                )
            else:
                seen.setdefault(sig, i)
    return out
