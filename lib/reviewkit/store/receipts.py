"""When each input file arrived: a receipt record, never a file's modification time.

A file's modification time changes when it is copied, unzipped or restored, so it cannot say
when the data was received. The receipt record (`outputs/receipts.csv`, or
`REVIEWKIT_RECEIPTS`) holds, for each file content (sha256), the first date this tool saw it;
the same content copied again keeps its date. The register's `received` overrides it, and
`new-cycle` writes the last register's dates into the record, so files carried into the next
cycle keep them. A dataset's received date is that of its newest file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

from reviewkit.base.paths import outputs_dir, relative
from reviewkit.store.police_cache import content_hash

COLUMNS = ["sha256", "first_seen", "file", "source"]
FROM_REGISTER = "register"
FROM_RECORD = "receipt record"


def receipts_file() -> Path:
    env = os.environ.get("REVIEWKIT_RECEIPTS")
    return Path(env).resolve() if env else outputs_dir() / "receipts.csv"


def load_receipts(path: Path | None = None) -> dict[str, dt.date]:
    """sha256 -> the earliest date recorded for it."""
    path = path or receipts_file()
    out: dict[str, dt.date] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return out
    for row in csv.DictReader(io.StringIO(text)):
        try:
            day = dt.date.fromisoformat(row.get("first_seen", ""))
        except ValueError:
            continue
        digest = row.get("sha256", "")
        if digest and (digest not in out or day < out[digest]):
            out[digest] = day
    return out


def _append(rows: list[list[str]], path: Path) -> None:
    """Append rows in one write (several cycles may record at once)."""
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    new = not path.exists() or path.stat().st_size == 0
    if new:
        writer.writerow(COLUMNS)
    writer.writerows(rows)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, buf.getvalue().encode("utf-8"))
    finally:
        os.close(fd)


def first_seen(
    files: list[Path], today: dt.date | None = None, record: bool = True
) -> dict[Path, dt.date]:
    """Each file's first-seen date; files never seen before are recorded as seen today."""
    today = today or dt.date.today()
    path = receipts_file()
    known = load_receipts(path)
    out: dict[Path, dt.date] = {}
    new: list[list[str]] = []
    for f in files:
        digest = content_hash(f)
        if digest not in known:
            known[digest] = today
            new.append([digest, today.isoformat(), relative(f), "first seen"])
        out[f] = known[digest]
    if record:
        _append(new, path)
    return out


def record_dates(files: list[Path], day: dt.date, source: str) -> int:
    """Record `day` for files whose recorded date is later or missing (e.g. the register's
    `received` carried by new-cycle); returns how many were recorded."""
    path = receipts_file()
    known = load_receipts(path)
    rows = []
    for f in files:
        digest = content_hash(f)
        if digest not in known or day < known[digest]:
            rows.append([digest, day.isoformat(), relative(f), source])
    _append(rows, path)
    return len(rows)


def received(
    register_date: dt.date | None, files: list[Path], today: dt.date | None = None
) -> tuple[dt.date | None, str]:
    """(the dataset's received date, where it came from): the register's date when given,
    else the newest file's first-seen date from the receipt record."""
    real = [f for f in files if f.is_file()]
    if register_date is not None:
        record_dates(real, register_date, FROM_REGISTER)  # these files keep it next cycle
        return register_date, FROM_REGISTER
    if not real:
        return None, ""
    return max(first_seen(real, today).values()), FROM_RECORD
