"""Tables for partners: each written as CSV and XLSX with the same content, byte-stable, and
safe to open in a spreadsheet (no cell runs as a formula)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from reviewkit.store.spreadsheet import text_cells_as_text, write_csv, xlsx_frame

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _stable_xlsx(data: bytes) -> bytes:
    """Rewrite an XLSX zip with fixed timestamps so reruns give identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                import re

                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              r"\g<1>2000-01-01T00:00:00Z\g<3>", text)
                body = text.encode("utf-8")
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_table(table: pd.DataFrame, base: Path, sheet: str | None = None) -> None:
    """Write `table` to `<base>.csv` and `<base>.xlsx`."""
    base.parent.mkdir(parents=True, exist_ok=True)
    write_csv(table, base.with_suffix(".csv"))
    buf = io.BytesIO()
    name = (sheet or base.name)[:31]
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        xlsx_frame(table).to_excel(writer, index=False, sheet_name=name)
        text_cells_as_text(writer.sheets[name])
    base.with_suffix(".xlsx").write_bytes(_stable_xlsx(buf.getvalue()))
