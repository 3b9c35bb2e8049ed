"""When each input file arrived: a receipt record, never a file's modification time.

A file's modification time changes when it is copied, unzipped or restored, so it cannot say
when the data was received. The receipt record (`outputs/receipts.csv`, or
`REVIEWKIT_RECEIPTS`) holds, for each file content (sha256), the first date this tool saw it;
the same content copied again keeps its date. The register's `received` overrides it, and
`new-cycle` writes the last register's dates into the record, so files carried into the next
cycle keep them. A dataset's received date is that of its newest file.

The record is a CSV people may open and re-save in a spreadsheet, so it is read with a schema:
each row needs a file's sha256 and a date in a form spreadsheets write (`parse_day`); a row that
fails is set aside and named by file and line (`read_receipts`), never a traceback, and the file
it names gets no date rather than today's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewkit.base.paths import outputs_dir, relative
from reviewkit.base.textfiles import detect_encoding
from reviewkit.store.police_cache import content_hash

COLUMNS = ["sha256", "first_seen", "file", "source"]
FROM_REGISTER = "register"
FROM_RECORD = "receipt record"


def receipts_file() -> Path:
    """The file of received dates (`REVIEWKIT_RECEIPTS`, or receipts.csv in the outputs
    folder)."""
    env = os.environ.get("REVIEWKIT_RECEIPTS")
    return Path(env).resolve() if env else outputs_dir() / "receipts.csv"


@dataclass(frozen=True)
class Receipts:
    """The receipt record as read: the dates it gives, and the rows set aside (each named by
    file and line), never a traceback. `unreadable` holds the files (sha256) whose only rows
    were set aside: their date is unknown, and they are not re-dated to today."""

    dates: dict[str, dt.date] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    usable: bool = True  # False: the file as a whole cannot be read (nothing is appended to it)


SHA256 = re.compile(r"[0-9a-f]{64}")
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?")
YMD = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
FORMS = "YYYY-MM-DD (or DD/MM/YYYY, as a spreadsheet saves it)"


def parse_day(text: str) -> dt.date:
    """A receipt date in the forms spreadsheets write: `2026-03-05` (with or without a time),
    `2026/03/05`, and day first as in the UK, `05/03/2026`, `5/3/2026`, `05-03-2026`,
    `05.03.2026` (with or without a time). A two-digit year, or a month-first date such as
    `03/15/2026`, is refused with a message saying what to write: guessing a century or an
    order would date a file wrongly."""
    value = text.strip()
    if not value:
        raise ValueError("the date is empty")
    for pattern, order in ((ISO, "ymd"), (YMD, "ymd"), (DMY, "dmy")):
        m = pattern.fullmatch(value)
        if not m:
            continue
        a, b, c = m.group(1), m.group(2), m.group(3)
        year, month, day = (int(a), int(b), int(c)) if order == "ymd" else (int(c), int(b), int(a))
        if len(c if order == "dmy" else a) == 2:
            raise ValueError(f"'{value}' has a two-digit year; write it as {FORMS}")
        try:
            return dt.date(year, month, day)
        except ValueError:
            hint = (
                " (it reads as month/day/year; write day first, or YYYY-MM-DD)"
                if order == "dmy" and month > 12 and day <= 12
                else ""
            )
            raise ValueError(f"'{value}' is not a real date{hint}") from None
    raise ValueError(f"'{value}' is not a date in a form this tool reads; write it as {FORMS}")


def _row_problem(row: dict[str | None, object], today: dt.date) -> tuple[str, dt.date | None]:
    """(why the row is set aside, or '' ; its date)."""
    digest = str(row.get("sha256") or "").strip().lower()
    if not SHA256.fullmatch(digest):
        return "its sha256 is not a file's 64-character fingerprint", None
    try:
        day = parse_day(str(row.get("first_seen") or ""))
    except ValueError as exc:
        return f"first_seen: {exc}", None
    if day > today:
        return f"first_seen {day:%d %B %Y} is after today: a file cannot arrive in the future", None
    return "", day


def read_receipts(path: Path | None = None, today: dt.date | None = None) -> Receipts:
    """The receipt record, each row checked: a bad row is set aside and named (file, line)."""
    path = path or receipts_file()
    where = relative(path)
    opened = _record_text(path, where)
    if isinstance(opened, Receipts):
        return opened
    reader = csv.DictReader(io.StringIO(opened))
    missing = [c for c in ("sha256", "first_seen") if c not in (reader.fieldnames or [])]
    if missing:
        return Receipts(
            problems=(
                f"{where} line 1: the header lacks {' and '.join(missing)} (it should be "
                f"{','.join(COLUMNS)}); no received date is taken from it",
            ),
            usable=False,
        )
    return _rows(reader, where, today or dt.date.today())


def _record_text(path: Path, where: str) -> str | Receipts:
    """The record's text; or the Receipts to return instead (none yet, unreadable, not text)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Receipts()
    except OSError as exc:
        return Receipts(problems=(f"{where}: cannot be read ({exc.strerror})",), usable=False)
    try:
        return data.decode(detect_encoding(data))
    except (ValueError, UnicodeDecodeError):
        return Receipts(
            problems=(f"{where}: not a text file; no received date is taken from it",),
            usable=False,
        )


def _rows(reader: csv.DictReader, where: str, today: dt.date) -> Receipts:
    """Each row's file and date (the earliest for a file recorded twice), the rows set aside
    with why, and the files known only from rows set aside."""
    dates: dict[str, dt.date] = {}
    unreadable: dict[str, str] = {}
    problems: list[str] = []
    for row in reader:
        if not any(str(v or "").strip() for v in row.values()):
            continue
        why, day = _row_problem(row, today)
        digest = str(row.get("sha256") or "").strip().lower()
        if why:
            line = f"{where} line {reader.line_num}: {why}; row set aside"
            problems.append(line)
            if SHA256.fullmatch(digest):
                unreadable.setdefault(digest, line)
        elif day is not None and (digest not in dates or day < dates[digest]):
            dates[digest] = day
    for digest in dates:
        unreadable.pop(digest, None)
    return Receipts(dates, unreadable, tuple(problems))


def load_receipts(path: Path | None = None) -> dict[str, dt.date]:
    """sha256 -> the earliest date recorded for it (rows that cannot be read left out)."""
    return read_receipts(path).dates


def receipt_problems(files: list[Path] | None = None) -> list[str]:
    """The rows of the receipt record set aside: all of them, or only those naming `files`."""
    record = read_receipts()
    if files is None or not record.usable:
        return list(record.problems)
    wanted = {content_hash(f) for f in files if f.is_file()}
    return [line for digest, line in record.unreadable.items() if digest in wanted]


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
) -> dict[Path, dt.date | None]:
    """Each file's first-seen date; files never seen before are recorded as seen today. A file
    whose row in the record was set aside (or a record that cannot be read) has no date (None):
    it is not re-dated to today, which would say it arrived late."""
    today = today or dt.date.today()
    path = receipts_file()
    book = read_receipts(path, today)
    known = dict(book.dates)
    out: dict[Path, dt.date | None] = {}
    new: list[list[str]] = []
    for f in files:
        digest = content_hash(f)
        if digest in book.unreadable or not book.usable:
            out[f] = None
            continue
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
    book = read_receipts(path)
    if not book.usable:
        return 0  # never append to a file that is not a receipt record
    known = book.dates
    rows = []
    if day > dt.date.today():
        return 0  # a date in the future is not recorded (check flags it)
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
    days = list(first_seen(real, today).values())
    if any(d is None for d in days):
        return None, ""  # a row set aside: unknown, said by `receipt_problems`
    return max(d for d in days if d is not None), FROM_RECORD
