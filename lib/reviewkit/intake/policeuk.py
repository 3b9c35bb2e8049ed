"""Readers for data.police.uk street, outcomes and stop-and-search files.

Files are parsed with Arrow, keeping only the columns the analysis needs. Each row is classed
as accepted (in the partnership's area), out of area, unassigned (no location) or quarantined
with a reason. Crime IDs, coordinates, free text and personal columns are never read: police.uk
publishes some records that share a Crime ID, and its own figures count every row, as we do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from reviewkit.base.paths import relative, repo_root
from reviewkit.base.textfiles import detect_encoding
from reviewkit.inputs.crime_types import HISTORY
from reviewkit.inputs.register import POLICE_SUFFIX
from reviewkit.intake.accounting import DatasetIntake, FileAccount, Problem
from reviewkit.intake.area import AreaMatcher, normalise_authority
from reviewkit.methods.counting import count_groups, counts_frame
from reviewkit.methods.grid import cell_counts, replace_coordinates
from reviewkit.store.police_cache import (
    bytes_hash,
    content_hash,
    load_bundle,
    load_parsed,
    store_bundle,
    store_parsed,
)
from reviewkit.store.police_cache import enabled as cache_enabled

# Columns read per kind: file header name -> tidy name. Everything else is never parsed.
COLUMNS: dict[str, dict[str, str]] = {
    "police_uk_street": {
        "Month": "month",
        "LSOA code": "lsoa_code",
        "LSOA name": "lsoa_name",
        "Crime type": "crime_type",
        "Last outcome category": "outcome_category",
        "Longitude": "longitude",
        "Latitude": "latitude",
    },
    "police_uk_outcomes": {
        "Month": "month",
        "LSOA code": "lsoa_code",
        "LSOA name": "lsoa_name",
        "Outcome type": "outcome_type",
    },
    "police_uk_stop_search": {
        "Type": "search_type",
        "Date": "date",
        "Object of search": "object_of_search",
        "Outcome": "outcome",
        "Latitude": "latitude",
    },
}
# Columns of each kind's tidy table (aggregated counts, column `n`).
TIDY_KEYS: dict[str, list[str]] = {
    "police_uk_street": ["month", "lsoa_code", "local_authority", "crime_type", "outcome_category"],
    "police_uk_outcomes": ["month", "lsoa_code", "local_authority", "outcome_type"],
    "police_uk_stop_search": ["month", "search_type", "object_of_search", "outcome"],
}
# Read when present, never required: the anonymised location, turned into grid cells at once.
OPTIONAL = {"Longitude", "Latitude"}
SUFFIX = POLICE_SUFFIX
_DICT = pa.dictionary(pa.int32(), pa.string())  # categories: small, fast to classify
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_MONTH_IN_NAME = re.compile(r"(\d{4}-\d{2})-(.+?)-(street|outcomes|stop-and-search)\.csv$")


@dataclass
class RawFile:
    """One CSV to read: a file on disk or a member of a zip."""

    label: str  # how messages name it
    source: Path | bytes | tuple[Path, str]  # a file, bytes, or (zip, member) read when needed
    mtime: float = 0.0  # when it arrived: the newer of two files for one month wins
    parsed: bool = False  # parsed this run (False: taken from the cache)
    stamp: str = ""  # path, size and modification time: unchanged files are not read again
    size: int = -1  # bytes (files of one size are compared for identical content)

    def data(self) -> bytes:
        if isinstance(self.source, bytes):
            return self.source
        if isinstance(self.source, tuple):
            with zipfile.ZipFile(self.source[0]) as zf:
                return zf.read(self.source[1])
        return self.source.read_bytes()

    def key(self) -> tuple[str, str] | None:
        """(month, force) from a data.police.uk file name, for spotting re-sent months."""
        m = _MONTH_IN_NAME.search(self.label.replace("\\", "/").rsplit("/", 1)[-1])
        return (m.group(1), m.group(2)) if m else None

    def folder_month(self) -> str | None:
        """The month its folder names (`2026-03/...`), if the folder is a month folder."""
        parts = self.label.replace("\\", "/").replace("!", "/").split("/")
        return parts[-2] if len(parts) > 1 and _MONTH.fullmatch(parts[-2]) else None

    def digest(self) -> str:
        """sha256 of its bytes (remembered against path, size and time for files on disk)."""
        if isinstance(self.source, Path):
            return content_hash(self.source)
        return bytes_hash(self.data())


def iter_raw_files(paths: list[Path], kind: str, notes: list[str]) -> Iterator[RawFile]:
    """CSV files and the matching members of zips; other zip members are named in `notes`."""
    root = repo_root().resolve()  # once: each file's label is relative to it
    for path in paths:
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    members = sorted(n for n in zf.namelist() if not n.endswith("/"))
                    ignored = [n for n in members if not n.endswith(SUFFIX[kind])]
                    if ignored:
                        shown = ", ".join(ignored[:5]) + (" ..." if len(ignored) > 5 else "")
                        notes.append(
                            f"{path.name}: {len(ignored)} file(s) in the zip are not "
                            f"{SUFFIX[kind]} files and were not read: {shown}"
                        )
                    st = path.stat()
                    for name in members:
                        if name.endswith(SUFFIX[kind]):
                            mtime = st.st_mtime + _zip_time(zf.getinfo(name))
                            yield RawFile(
                                f"{relative(path, root)}!{name}",
                                (path, name),
                                mtime,
                                stamp=f"{path}|{st.st_size}|{st.st_mtime_ns}|{name}",
                                size=zf.getinfo(name).file_size,
                            )
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                NotImplementedError,
                RuntimeError,
                ValueError,
                OSError,
                EOFError,
            ):
                # corrupt, cut short, encrypted or an unsupported compression: name the zip
                notes.append(
                    f"{relative(path, root)}: not a readable zip file (damaged, cut short or "
                    "password-protected); download it again"
                )
                yield RawFile(relative(path, root), b"", size=0)
        else:
            st = path.stat()
            yield RawFile(
                relative(path, root),
                path,
                st.st_mtime,
                stamp=f"{path}|{st.st_size}|{st.st_mtime_ns}",
                size=st.st_size,
            )


def _zip_time(info: zipfile.ZipInfo) -> float:
    """A member's own timestamp as a small offset, to order members of one zip."""
    y, mo, d, h, mi, sec = info.date_time
    return ((((y * 12 + mo) * 31 + d) * 24 + h) * 60 + mi) * 60 * 1e-12 + sec * 1e-12


def _count_data_lines(data: bytes) -> int:
    lines = [ln for ln in data.splitlines() if ln.strip()]
    return max(len(lines) - 1, 0)


def _head(raw: RawFile, size: int = 4096) -> tuple[bytes, int]:
    """The first bytes of a file, and its total size."""
    if not isinstance(raw.source, Path):
        data = raw.data()
        return data[:size], len(data)
    with raw.source.open("rb") as f:
        return f.read(size), raw.source.stat().st_size


Parsed = tuple[pa.Table | None, int, str, list[int]]  # table, rows in file, problem, bad lines


def read_cached(raw: RawFile, kind: str, threads: bool = True) -> Parsed:
    """`_read_arrow` through the content-keyed cache of parsed files."""
    if not cache_enabled():
        raw.parsed = True
        return _read_arrow(raw, kind, threads)
    try:
        if isinstance(raw.source, tuple):  # a zip member: read it once, keep the bytes
            raw.source = raw.data()
    except _ZIP_ERRORS:
        raw.parsed = True
        return None, 0, _UNREADABLE_MEMBER, []
    digest = bytes_hash(raw.source) if isinstance(raw.source, bytes) else content_hash(raw.source)
    key = f"{digest}-{hashlib.sha1(repr(COLUMNS[kind]).encode()).hexdigest()[:8]}"
    hit = load_parsed(kind, key)
    if hit is not None:
        return hit
    raw.parsed = True
    table, rows, problem, bad = _read_arrow(raw, kind, threads)
    store_parsed(kind, key, table, rows, problem, bad)
    return table, rows, problem, bad


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
)
_UNREADABLE_MEMBER = (
    "could not be read from its zip (damaged, cut short or password-protected); download it again"
)


def _nul_problem(head: bytes) -> str:
    """Why a file with NUL bytes is not read: UTF-16 text (a CSV re-saved as Excel's "Unicode
    text") is named as such; anything else is binary content."""
    try:
        encoding = detect_encoding(head)
    except ValueError:
        encoding = ""
    if encoding.startswith("utf-16"):
        return (
            "saved as UTF-16 text (as Excel's 'Unicode text' saves it), not the UTF-8 CSV "
            "data.police.uk gives; download it again, or save it as 'CSV UTF-8'"
        )
    return "not a CSV text file (binary content); download it again"


def _read_arrow(raw: RawFile, kind: str, threads: bool = True) -> Parsed:
    """Parse one file; return (table or None, rows in file, problem text or '', line numbers
    of malformed rows). Malformed rows are set aside one by one and never quoted."""
    try:
        head, size = _head(raw)
    except _ZIP_ERRORS:
        return None, 0, _UNREADABLE_MEMBER, []
    if not head.strip() and size <= len(head):
        return None, 0, "empty file (no header, no rows)", []
    if b"\x00" in head:
        return None, 0, _nul_problem(head), []
    lines = head.removeprefix(b"\xef\xbb\xbf").splitlines()
    first = lines[0].decode("utf-8", "replace") if lines else ""
    header = [h.strip().strip('"') for h in first.split(",")]
    wanted = {
        c: t
        for c, t in COLUMNS[kind].items()
        if c not in OPTIONAL or c in header or kind == "police_uk_stop_search"
    }
    missing = [c for c in wanted if c not in header]
    if missing:
        rows = _count_data_lines(raw.data())
        hint = (
            "; the file looks like it uses ';' or tabs between columns"
            if len(header) == 1 and (";" in first or "\t" in first)
            else ""
        )
        return (
            None,
            rows,
            (
                f"missing column(s) {', '.join(missing)}{hint}: this is not a "
                f"data.police.uk {kind.removeprefix('police_uk_')} file"
            ),
            [],
        )
    bad: list[int | None] = []

    def parse(use_threads: bool) -> pa.Table:
        bad.clear()
        source = raw.source if isinstance(raw.source, Path) else io.BytesIO(raw.data())
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(use_threads=use_threads),
            parse_options=pacsv.ParseOptions(invalid_row_handler=_skip_into(bad)),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(wanted),
                column_types={c: pa.string() if c in OPTIONAL else _DICT for c in wanted},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        table = parse(threads)
        if any(n is None for n in bad):  # line numbers are only known to one thread
            table = parse(False)
    except pa.ArrowInvalid:
        rows = _count_data_lines(raw.data())
        return (
            None,
            rows,
            (
                "could not be parsed as CSV (a quoted value is not closed or the "
                "file is damaged); check the file is complete"
            ),
            [],
        )
    lines_bad = sorted(int(n) for n in bad if n is not None)
    rows = table.num_rows + len(lines_bad)
    if lines_bad and _ends_mid_row(raw, lines_bad[-1]):
        return (
            None,
            rows,
            (
                "the file ends part-way through a row, as an interrupted download "
                "leaves it; download it again"
            ),
            [],
        )
    table = table.rename_columns([wanted[c] for c in table.column_names])
    if kind == "police_uk_street":
        table = replace_coordinates(table)  # no coordinate goes further than this line
    return table, rows, "", lines_bad


def _skip_into(bad: list[int | None]):  # noqa: ANN202 - Arrow's callback type is private
    def handler(row: pacsv.InvalidRow) -> str:
        bad.append(row.number)  # the line number only: a malformed row is never quoted
        return "skip"

    return handler


def _ends_mid_row(raw: RawFile, last_bad_line: int) -> bool:
    """True when the file's last line is a malformed row with no line end (cut short)."""
    data = raw.data()
    if not data or data.endswith((b"\n", b"\r")):
        return False
    return data.count(b"\n") + 1 == last_bad_line or (b"\n" not in data and last_bad_line == 1)


# What to do with each file, decided once all are parsed (and remembered with the bundle):
# {"reason": quarantine reason for all its rows ("" = use it), "note": for its reconciliation
#  row, "notice": for the dataset's notes, "category": difficulty category or ""}.
FilePlan = dict[str, str]


def _file_months(table: pa.Table, kind: str) -> list[str]:
    """The well-formed months a parsed file's rows say they are for."""
    column = table["date" if kind == "police_uk_stop_search" else "month"]
    values = pc.unique(column)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    out = {str(v).strip()[:7] for v in values.to_pylist() if v is not None}
    return sorted(m for m in out if _MONTH.fullmatch(m))


_MIN_ROWS_FOR_COPY = 10


def _records_signature(table: pa.Table) -> int:
    """A hash of a file's records (the columns read) that ignores their order and bytes."""
    frame = table.to_pandas().astype(object).where(lambda f: f.notna(), "")
    return int(pd.util.hash_pandas_object(frame, index=False).sum())


def plan_files(raws: list[RawFile], parsed: list[Parsed], kind: str) -> list[FilePlan]:
    """Decide which files count, so that no month is ever counted twice or as another month.

    A file is set aside whole when it could not be read; when it lies in a month folder that
    is not the month its name gives; when its bytes are those of another file (a copy; the
    one whose rows agree with its name is kept); when every row's Month says another month
    than its name (mislabelled); when it holds the same records as another force's file for
    the month (a copy saved again); when a newer file for the same month and force was sent
    (re-sent); or, for a file whose name gives no month,
    when its months are already given by another file.
    """
    plans: list[FilePlan] = [{"reason": "", "note": "", "notice": "", "category": ""} for _ in raws]
    months = [_file_months(t, kind) if t is not None else [] for t, *_ in parsed]
    live = [i for i, (t, *_rest) in enumerate(parsed) if t is not None]
    for rule in (
        _in_another_months_folder,
        _byte_copies,
        _mislabelled,
        _saved_again,
        _resent,
        _months_given_twice,
    ):
        for a in rule(raws, parsed, months, list(live)):
            plans[a.file].update(
                reason=a.reason,
                note=a.note or a.reason,
                notice=f"{raws[a.file].label}: {a.notice}",
                category=a.category,
            )
            live.remove(a.file)
    return plans


@dataclass(frozen=True)
class _Aside:
    """A file set aside whole: why (in the accounts), what to tell the analyst, and the
    difficulty category ('' when it is not a difficulty)."""

    file: int
    reason: str
    notice: str
    category: str = "quality"
    note: str | None = None


def _in_another_months_folder(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[_Aside]:
    out = []
    for i in live:
        name, folder = raws[i].key(), raws[i].folder_month()
        if name and folder and name[0] != folder:
            out.append(
                _Aside(
                    i,
                    f"in folder {folder} but named for {name[0]}",
                    f"the file is in the {folder} folder but its name says "
                    f"{name[0]}; it was not counted. Put it in its own month's "
                    "folder (or remove the copy).",
                )
            )
    return out


def _is_mislabelled(raw: RawFile, months: list[str]) -> bool:
    """Every row's Month says another month than the file's name."""
    name = raw.key()
    return bool(name and months and name[0] not in months)


def _byte_copies(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[_Aside]:
    """Copies: of files with the same bytes, one whose name agrees with its rows is kept."""
    by_size: dict[int, list[int]] = {}
    for i in live:
        by_size.setdefault(raws[i].size, []).append(i)
    out = []
    for group in by_size.values():
        if len(group) < 2:
            continue
        same: dict[str, list[int]] = {}
        for i in group:
            same.setdefault(raws[i].digest(), []).append(i)
        for members in same.values():
            keep = next((i for i in members if not _is_mislabelled(raws[i], months[i])), members[0])
            out += [
                _Aside(
                    i,
                    f"same content as {raws[keep].label}",
                    f"the same file as {raws[keep].label} (a copy); it was not counted, "
                    "so no month is counted twice. Remove the copy.",
                )
                for i in members
                if i != keep
            ]
    return out


def _mislabelled(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[_Aside]:
    out = []
    for i in live:
        if _is_mislabelled(raws[i], months[i]):
            name = raws[i].key()[0]  # type: ignore[index]
            said = ", ".join(months[i][:3]) + (" ..." if len(months[i]) > 3 else "")
            out.append(
                _Aside(
                    i,
                    f"its Month column says {said}, not {name} as its name says",
                    f"named for {name} but its Month column says {said}; it was not "
                    f"counted (a month is never guessed). Download {name} again.",
                )
            )
    return out


def _saved_again(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[_Aside]:
    """Copies saved again (other bytes: line ends, quoting) under another force's name: the
    same records for the same month. Small files are left alone (two short files can
    agree)."""
    by_month: dict[tuple[object, ...], list[int]] = {}  # only files of one size are compared
    for i in live:
        rows = parsed[i][0].num_rows if parsed[i][0] is not None else 0
        if rows >= _MIN_ROWS_FOR_COPY:
            by_month.setdefault((rows, *months[i]), []).append(i)
    out = []
    for members in by_month.values():
        if len(members) < 2:
            continue
        seen: dict[int, int] = {}
        for i in members:
            sig = _records_signature(parsed[i][0])  # type: ignore[arg-type]
            if sig in seen and raws[i].key() != raws[seen[sig]].key():
                keep = raws[seen[sig]].label
                out.append(
                    _Aside(
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


def _resent(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[_Aside]:
    """Of the files for one month and force, the newest is used."""
    latest: dict[tuple[str, str], int] = {}
    for i in live:
        key = raws[i].key()
        if key is not None and (key not in latest or raws[i].mtime >= raws[latest[key]].mtime):
            latest[key] = i
    out = []
    for i in live:
        key = raws[i].key()
        if key is not None and latest[key] != i:
            newer = raws[latest[key]].label
            out.append(
                _Aside(
                    i,
                    f"superseded by re-sent file {newer}",
                    f"{key[0]} was sent again as {newer}; the newer file is used",
                    category="",
                    note=f"superseded by {newer} (re-sent {key[0]})",
                )
            )
    return out


def _months_given_twice(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[_Aside]:
    """A file whose name gives no month is set aside when its months are already given by a
    file named for them, or by an earlier such file."""
    given: dict[str, str] = {}
    for i in live:
        if raws[i].key() is not None:
            for m in months[i]:
                given.setdefault(m, raws[i].label)
    out = []
    for i in live:
        if raws[i].key() is None:
            twice = [m for m in months[i] if m in given]
            if twice:
                out.append(
                    _Aside(
                        i,
                        f"gives months already given by {given[twice[0]]}",
                        f"holds {', '.join(twice[:3])}, already given by "
                        f"{given[twice[0]]}; it was not counted, so no month is "
                        "counted twice. Name police.uk files as they are published "
                        "(YYYY-MM-force-street.csv).",
                    )
                )
            else:
                for m in months[i]:
                    given.setdefault(m, raws[i].label)
    return out


def read_police(
    dataset: str,
    kind: str,
    paths: list[Path],
    area: AreaMatcher,
    review_end: str | None = None,
    review_date: dt.date | None = None,
) -> DatasetIntake:
    """Read every file of one police.uk dataset and account for every row. Months after
    `review_end` (YYYY-MM) are counted as after the review period and used nowhere; months
    after `review_date` cannot be real and are quarantined (the same rule as partner data)."""
    result = DatasetIntake(dataset=dataset, files=list(paths))
    raws = list(iter_raw_files(paths, kind, result.notes))
    started = time.perf_counter()
    bundle = hashlib.sha1(
        "\n".join([kind, repr(COLUMNS[kind]), *(r.stamp for r in raws)]).encode()
    ).hexdigest()
    hit = load_bundle(kind, bundle)
    plans: list[FilePlan]
    if hit is not None:  # nothing changed since the last run: no file is read or parsed
        combined, meta = hit
        parsed = [
            (None if not m["has_table"] else True, m["rows"], m["problem"], m["bad_lines"])
            for m in meta
        ]
        plans = [m["plan"] for m in meta]
    else:
        # Many files: one per thread (Arrow parses without the GIL). Few: Arrow's own threads.
        workers = max(1, min(4, os.cpu_count() or 1))
        many = len(raws) >= 2 * workers
        with ThreadPoolExecutor(max_workers=workers if many else 1) as pool:
            parsed = list(pool.map(lambda r: read_cached(r, kind, threads=not many), raws))
        plans = plan_files(raws, parsed, kind)
        tables = [
            t.append_column("_file", pa.array(np.full(t.num_rows, i, np.int32)))
            for i, ((t, *_rest), plan) in enumerate(zip(parsed, plans, strict=True))
            if t is not None and not plan["reason"]
        ]
        combined = (
            pa.concat_tables(tables, promote_options="default").unify_dictionaries()
            if tables
            else None
        )
        store_bundle(
            kind,
            bundle,
            combined,
            [
                {"has_table": t is not None, "rows": n, "problem": pr, "bad_lines": bl, "plan": pl}
                for (t, n, pr, bl), pl in zip(parsed, plans, strict=True)
            ],
        )
    result.parsed_from_cache = sum(1 for r in raws if not r.parsed)
    accounts: list[FileAccount] = []
    quarantine: list[pd.DataFrame] = []
    bad_lines: dict[int, list[int]] = {}
    for i, (raw, (table, n_rows, problem, bad), plan) in enumerate(
        zip(raws, parsed, plans, strict=True)
    ):
        label = raw.label
        acc = FileAccount(dataset=dataset, file=label, rows_read=n_rows)
        accounts.append(acc)
        if table is None:
            acc.quarantined = n_rows
            acc.note = problem
            result.problems.append(Problem("incompatible format", f"{label}: {problem}"))
            if n_rows:
                quarantine.append(_whole_file(dataset, label, n_rows, problem))
            continue
        if plan["reason"]:
            acc.quarantined = n_rows
            acc.note = plan["note"]
            result.notes.append(plan["notice"])
            if plan["category"]:
                result.problems.append(Problem(plan["category"], plan["notice"]))
            quarantine.append(_whole_file(dataset, label, n_rows, plan["reason"]))
            continue
        if bad:
            acc.quarantined += len(bad)
            bad_lines[i] = bad
            quarantine.append(
                pd.DataFrame(
                    {
                        "dataset": dataset,
                        "file": label,
                        "row": bad,
                        "reason": "malformed row (wrong number of columns); row not quoted",
                    }
                )
            )
    if bad_lines:
        n_bad = sum(len(b) for b in bad_lines.values())
        result.problems.append(
            Problem(
                "quality",
                f"{n_bad} malformed row(s) (wrong number of "
                "columns) set aside in " + ", ".join(raws[i].label for i in bad_lines),
            )
        )
    result.parse_seconds = time.perf_counter() - started
    if combined is not None:
        found = _classify(
            combined, dataset, raws, bad_lines, Rules(kind, area, review_end, review_date)
        )
        for i, acc in enumerate(accounts):
            for name, per_file in found.counts.items():
                setattr(acc, name, getattr(acc, name) + int(per_file[i]))
        result.problems += found.problems
        result.notes += found.notes
        if found.quarantine is not None:
            quarantine.append(found.quarantine)
        result.tidy, result.periods = found.tidy, found.periods
        result.rest_of_force, result.lsoa_names, result.grid = (
            found.rest_of_force,
            found.lsoa_names,
            found.grid,
        )
    elif raws:  # files came but none could be counted: an empty table, not a missing one
        result.tidy = pd.DataFrame(
            {**{k: pd.Series(dtype=object) for k in TIDY_KEYS[kind]}, "n": pd.Series(dtype="int64")}
        )
    result.accounts = accounts
    if quarantine:
        result.quarantine = pd.concat(quarantine, ignore_index=True)
    return result


def _whole_file(dataset: str, label: str, n_rows: int, reason: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"dataset": dataset, "file": label, "row": np.arange(2, n_rows + 2), "reason": reason}
    )


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


def _safe_pattern(pattern: str):  # noqa: ANN202
    rx = re.compile(pattern)
    return lambda v: str(v).strip() if v is not None and rx.fullmatch(str(v).strip()) else ""


_SAFE_VALUE = {
    "month": _safe_pattern(r"\d{4}-\d{2}(-\d{2}.*)?"),
    "lsoa_code": _safe_pattern(r"[EWSN]\d{8}"),
    "crime_type": lambda v: s.strip("'") if (s := safe_category(v)).startswith("'") else "",
    "outcome_type": lambda v: s.strip("'") if (s := safe_category(v)).startswith("'") else "",
    "search_type": lambda v: s.strip("'") if (s := safe_category(v)).startswith("'") else "",
}


def _check_month_against_name(
    month: pd.Categorical, file_idx: np.ndarray, raws: list[RawFile], reasons: _Reasons
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
        name_month = raws[int(i)].key()[0]  # type: ignore[index]
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


def _categorical(column: pa.ChunkedArray) -> pd.Categorical:
    """A dictionary column as a pandas Categorical, sharing its codes (no per-row strings)."""
    if column.num_chunks == 0:
        arr = pa.array([], type=column.type)
    else:
        arr = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)
    codes = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(arr.dictionary.to_pylist(), dtype=object), validate=False
    )


def _remap(cat: pd.Categorical, values: list[object | None]) -> pd.Categorical:
    """A categorical whose category i becomes `values[i]` (None: missing), by codes alone."""
    new_cats = sorted({v for v in values if v is not None}, key=str)
    index = {v: k for k, v in enumerate(new_cats)}
    lookup = np.array([index[v] if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    # a missing value's code -1 picks the lookup's last entry (-1: missing)
    return pd.Categorical.from_codes(
        lookup[np.asarray(cat.codes)], categories=new_cats, validate=False
    )


def _flag(cat: pd.Categorical, per_category: np.ndarray, missing: bool) -> np.ndarray:
    """A boolean per row from a boolean per category (`missing` for empty cells)."""
    lookup = np.append(np.asarray(per_category, dtype=bool), missing)
    return lookup[np.asarray(cat.codes)]  # a missing value's code -1 picks the last entry


def _lsoa_names(
    df: dict[str, pd.Categorical],
    keep: np.ndarray,
    cells: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Each accepted LSOA code (of the rows `keep`: row indices) with its name (the name on
    most of its rows, as names change between months) and, where the rows have grid cells,
    the cell in the middle of its records (median row and column): where a map writes its
    name. Only the cell, about 500 m square, is kept: never a point."""
    code, name = df["lsoa_code"], df["lsoa_name"]
    (c, nm), counts = count_groups(
        [np.asarray(code.codes)[keep], np.asarray(name.codes)[keep]],
        [len(code.categories), len(name.categories)],
    )
    ok = (c >= 0) & (nm >= 0)
    frame = pd.DataFrame(
        {
            "lsoa_code": np.asarray(code.categories, dtype=object)[c[ok]],
            "lsoa_name": np.asarray(name.categories, dtype=object)[nm[ok]],
            "rows": counts[ok],
        }
    )
    frame = frame.sort_values(["lsoa_code", "rows", "lsoa_name"], ascending=[True, False, True])
    out = frame.drop_duplicates("lsoa_code")[["lsoa_code", "lsoa_name"]]
    out = out.astype(str).reset_index(drop=True)
    if cells is None:  # no locations in these files: no cell to name an LSOA at
        return out.assign(
            cell_row=pd.array([pd.NA] * len(out), dtype="Int64"),
            cell_col=pd.array([pd.NA] * len(out), dtype="Int64"),
        )
    rows, cols = cells[0][keep], cells[1][keep]
    codes = np.asarray(code.codes)[keep]
    placed = ~np.isnan(rows) & ~np.isnan(cols) & (codes >= 0)
    where = (
        pd.DataFrame({"code": codes[placed], "cell_row": rows[placed], "cell_col": cols[placed]})
        .groupby("code")[["cell_row", "cell_col"]]
        .median()
        .round()
    )
    where.index = np.asarray(code.categories, dtype=object)[where.index.to_numpy()]
    for column in ("cell_row", "cell_col"):
        out[column] = out["lsoa_code"].map(where[column]).astype("Int64")
    return out


@dataclass(frozen=True)
class Rules:
    """How a police.uk dataset's rows are classed: its kind, the partnership's area, and the
    months after which rows are later than the review period or impossible."""

    kind: str
    area: AreaMatcher
    review_end: str | None = None  # YYYY-MM: later rows are counted, used nowhere
    review_date: dt.date | None = None  # later months cannot be real: quarantined


@dataclass
class Classified:
    """What classing the rows of a police.uk dataset gives: per file, the rows in each outcome;
    the quarantined rows with their reasons; the tidy counts; and for street data the rest of
    the force, the LSOA names and the grid of approximate locations."""

    counts: dict[str, np.ndarray]  # outcome -> rows per file
    tidy: pd.DataFrame
    periods: list[str]
    quarantine: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rest_of_force: pd.DataFrame | None = None
    lsoa_names: pd.DataFrame | None = None
    grid: pd.DataFrame | None = None


def _classify(
    table: pa.Table,
    dataset: str,
    raws: list[RawFile],
    bad_lines: dict[int, list[int]],
    rules: Rules,
) -> Classified:
    """Class every row, deciding per category (few) and spreading by codes (many)."""
    n = table.num_rows
    table = table.combine_chunks()
    file_idx = table["_file"].to_numpy()
    df = {
        name: _categorical(table[name])
        for name in table.column_names
        if pa.types.is_dictionary(table[name].type)
    }
    if rules.kind == "police_uk_stop_search":
        dates = df["date"]
        df["month"] = _remap(dates, [str(d)[:7] for d in dates.categories])
    reasons = _Reasons(n)
    problems: list[Problem] = []
    if _month_trouble(df["month"], file_idx, raws, rules.review_date):  # else nothing to mark
        problems += _month_reasons(df["month"], file_idx, raws, reasons, rules.review_date)
    later = _later(df["month"], rules.review_end, reasons)
    if rules.kind == "police_uk_street":
        problems += _crime_type_reasons(df, reasons)
    notes: list[str] = []
    authorities = None
    # Each row's place: 0 unassigned (no location), 1 out of area, 2 in the area; then 3 after
    # the review period and 4 quarantined, which come first.
    if rules.kind == "police_uk_stop_search":
        no_place = table["latitude"].is_null().to_numpy(zero_copy_only=False)
        place = np.where(no_place, np.int8(0), np.int8(2))
        notes.append(
            "Stop and search records carry coordinates but no LSOA, so they "
            "are counted force-wide; rows with no location are unassigned."
        )
    else:
        place, authorities = _lsoa_places(df, rules.area)
        notes += no_area_match(rules.area, authorities[1], int((place == 1).sum()), place)
    if later is not None:
        place[later] = 3  # after the review period: counted once, as such, and used nowhere
    if reasons.any:
        place[reasons.code != 0] = 4
    key = file_idx.astype(np.int64) * 5 + place
    per_file = np.bincount(key, minlength=5 * len(raws)).reshape(len(raws), 5)
    counts = {
        name: per_file[:, k]
        for k, name in enumerate(
            ("unassigned", "out_of_area", "accepted", "after_review_period", "quarantined")
        )
    }
    bad = place == 4 if reasons.any else None
    in_area = place == 2
    accepted, out = np.flatnonzero(in_area), np.flatnonzero(place == 1)  # rows, by index
    tidy = _tidy_counts(df, accepted, TIDY_KEYS[rules.kind], authorities)
    result = Classified(
        counts,
        tidy,
        _arrived(df["month"], place),
        problems=problems,
        notes=notes,
    )
    if bad is not None and bad.any():
        result.quarantine = _quarantined(df, bad, reasons, file_idx, raws, bad_lines, dataset)
    if rules.kind == "police_uk_street":
        result.rest_of_force = _rest_of_force(df, out)
        result.lsoa_names = _lsoa_names(
            df,
            accepted,
            (
                table["cell_row"].to_numpy(zero_copy_only=False).astype(float),
                table["cell_col"].to_numpy(zero_copy_only=False).astype(float),
            )
            if "cell_row" in table.column_names
            else None,
        )
        if "cell_row" in table.column_names:
            result.grid = cell_counts(
                df["month"],
                df["crime_type"],
                table["cell_row"].to_numpy(zero_copy_only=False).astype(float),
                table["cell_col"].to_numpy(zero_copy_only=False).astype(float),
                in_area,
            )
    return result


def _arrived(month: pd.Categorical, place: np.ndarray) -> list[str]:
    """The months that arrived: those of every row read for the review (in the area, out of
    it, or with no location), so a month in which a small area had no record is a zero, not
    missing data. Rows quarantined or after the review period do not make a month arrive."""
    codes = np.asarray(month.codes)[place <= 2]
    return sorted(str(month.categories[c]) for c in np.unique(codes[codes >= 0]))


_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z ,.&'()-]{0,59}")


def no_area_match(area: AreaMatcher, found: list[str], out: int, place: np.ndarray) -> list[str]:
    """When rows with a place were read but none is in the partnership's area: say so, with
    the local authorities the files do name (and the nearest to each name given), so a wrong
    area name is never read as data that did not arrive."""
    if out == 0 or bool((place == 2).any()):
        return []
    import difflib

    names = [n for n in found if _AUTHORITY.fullmatch(n)]
    shown = ", ".join(names[:15]) + (f" and {len(names) - 15} more" if len(names) > 15 else "")
    if area.authorities:
        given = sorted(area.given_authorities)
        lookup = {normalise_authority(n): n for n in names}
        # a name the given one contains (or that contains it) first; else the closest spelling
        near = sorted(
            {
                n
                for g in given
                for n in names
                if normalise_authority(n) in normalise_authority(g)
                or normalise_authority(g) in normalise_authority(n)
            }
        ) or sorted(
            {
                lookup[m]
                for g in given
                for m in difflib.get_close_matches(normalise_authority(g), list(lookup), 3, 0.6)
            }
        )
        hint = f" Did you mean {' or '.join(near)}?" if near else ""
        return [
            f"None of the {out:,} rows with a location is in the partnership's area: no LSOA "
            f"name in these files begins with {' or '.join(given)} (key "
            f"'area.local_authorities'). The local authorities these files name: "
            f"{shown or 'none'}.{hint} Correct the name in the params file."
        ]
    return [
        f"None of the {out:,} rows with a location is in the partnership's area: none of the "
        f"{len(area.codes):,} LSOA codes of 'area.lsoa_file' appears in these files (they name "
        f"LSOAs of {shown or 'no local authority'}). Check the list is of this force's area."
    ]


def _rest_of_force(df: dict[str, pd.Categorical], out: np.ndarray) -> pd.DataFrame:
    """Rows out of the partnership's area (`out`: a mask or row indices) counted by month and
    crime type."""
    keys = ("month", "crime_type")
    codes = [np.asarray(df[k].codes)[out] for k in keys]
    both = (codes[0] >= 0) & (codes[1] >= 0)  # a missing month or type is not a group
    groups, n = count_groups([c[both] for c in codes], [len(df[k].categories) for k in keys])
    columns = {k: (_texts(df[k]), g) for k, g in zip(keys, groups, strict=True)}
    return counts_frame(columns, n, sort=False)


class _Reasons:
    """Why each row is set aside: a code per row (0: not set aside) into a list of reasons; a
    row keeps the first reason found."""

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, dtype=np.int32)
        self.texts = [""]
        self.any = False  # no row set aside yet: `code` is all 0

    def mark(self, rows: np.ndarray, reason: str) -> None:
        """Set aside `rows` not already set aside, for `reason`."""
        self.texts.append(reason)
        rows = self.unmarked(rows)
        if rows.any():
            self.code[rows] = len(self.texts) - 1
            self.any = True

    def unmarked(self, rows: np.ndarray) -> np.ndarray:
        """`rows` without those already set aside."""
        return rows & (self.code == 0) if self.any else rows

    def of(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.texts, dtype=object)[self.code[rows]]


def _month_trouble(
    month: pd.Categorical, file_idx: np.ndarray, raws: list[RawFile], review_date: dt.date | None
) -> bool:
    """Whether any row has a month `_month_reasons` sets aside (missing or not YYYY-MM, not
    the month its file is named for, after the review date), from the months each file holds:
    clean files need no row-by-row marking."""
    k = len(month.categories)
    key = file_idx.astype(np.int64) * (k + 1) + np.asarray(month.codes) + 1
    per_file = np.bincount(key, minlength=len(raws) * (k + 1)).reshape(len(raws), k + 1)
    if per_file[:, 0].any():  # rows with no month
        return True
    held = per_file[:, 1:] > 0  # per file and month category
    names = pd.Series(month.categories, dtype=object).astype(str).str.strip()
    good = names.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").to_numpy(bool)
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


def _month_reasons(
    month: pd.Categorical,
    file_idx: np.ndarray,
    raws: list[RawFile],
    reasons: _Reasons,
    review_date: dt.date | None,
) -> list[Problem]:
    """Rows whose month is not a month, not the month their file is named for, or after the
    review date are set aside; the problems to report."""
    good = (
        pd.Series(month.categories, dtype=object)
        .astype(str)
        .str.strip()
        .str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
        .to_numpy(bool)
    )
    reasons.mark(~_flag(month, good, False), "month missing or not YYYY-MM")
    problems = _check_month_against_name(month, file_idx, raws, reasons)
    names = pd.Series(month.categories, dtype=object).astype(str).str.strip()
    if review_date is not None:
        future = (good & (names > f"{review_date:%Y-%m}")).to_numpy(bool)
        if future.any():
            reasons.mark(
                _flag(month, future, False),
                f"month after the review date ({review_date}); check the file",
            )
    return problems


def _later(month: pd.Categorical, review_end: str | None, reasons: _Reasons) -> np.ndarray | None:
    """Rows of a month after the review period (not otherwise set aside); None when the
    data holds no month after it."""
    if review_end is None:
        return None
    good = pd.Series(month.categories, dtype=object).astype(str).str.strip()
    months = (good.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])") & (good > review_end)).to_numpy(bool)
    if not months.any():
        return None
    rows = reasons.unmarked(_flag(month, months, False))
    return rows if rows.any() else None


def _crime_type_reasons(df: dict[str, pd.Categorical], reasons: _Reasons) -> list[Problem]:
    """Street rows whose crime type is not one police.uk has used are set aside; the rest are
    given today's name for their type (in `df`)."""
    ctype = df["crime_type"]
    names = [str(c) for c in ctype.categories]
    standard = [HISTORY.get(c.strip()) for c in names]
    known = _flag(ctype, np.array([x is not None for x in standard]), False)
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
    df["crime_type"] = _remap(ctype, standard)
    return problems


def _lsoa_places(
    df: dict[str, pd.Categorical], area: AreaMatcher
) -> tuple[np.ndarray, tuple[np.ndarray, list[str]]]:
    """Each row's place from its LSOA (0: no LSOA code, 1: out of the partnership's area, 2: in
    it), and each LSOA code's local authority (a code per LSOA code, -1 for none, last entry
    for a missing code; and the authorities' names). Decided once per (code, name) pair."""
    codes_cat, names_cat = df["lsoa_code"], df["lsoa_name"]
    width = len(names_cat.categories) + 1
    wide = (len(codes_cat.categories) + 1) * width >= 2**31
    c = np.asarray(codes_cat.codes).astype(np.int64 if wide else np.int32)
    nm = np.asarray(names_cat.codes).astype(c.dtype)
    pairs = pd.unique((c + 1) * width + (nm + 1))  # each (code, name) once; 0: missing
    pair_code, pair_name = pairs // width - 1, pairs % width - 1
    both = (pair_code >= 0) & (pair_name >= 0)
    code_names = pd.Series(np.asarray(codes_cat.categories, dtype=object)[pair_code[both]])
    name_values = pd.Series(np.asarray(names_cat.categories, dtype=object)[pair_name[both]])
    member_codes = set(code_names[area.contains(code_names, name_values).to_numpy()])
    la_map = dict(zip(code_names, area.local_authority(code_names, name_values), strict=True))
    cats = [str(c) for c in codes_cat.categories]
    place = np.array(
        [0 if not c.strip() else 2 if c in member_codes else 1 for c in cats] + [0], dtype=np.int8
    )
    values = [la if isinstance(la := la_map.get(c), str) else None for c in cats]
    names = sorted({v for v in values if v is not None}, key=str)
    index = {v: k for k, v in enumerate(names)}
    authority = np.array([index[v] if v is not None else -1 for v in values] + [-1], np.int32)
    # a missing code (-1) picks the lookups' last entries
    return place[np.asarray(codes_cat.codes)], (authority, names)


def _quarantined(
    df: dict[str, pd.Categorical],
    bad: np.ndarray,
    reasons: _Reasons,
    file_idx: np.ndarray,
    raws: list[RawFile],
    bad_lines: dict[int, list[int]],
    dataset: str,
) -> pd.DataFrame:
    """The rows set aside, with their file, line number and reason, and the values of the
    columns that look like what the column holds."""
    row_no = np.zeros(len(bad), dtype=np.int64)  # line numbers: the header is line 1
    for i in np.unique(file_idx):
        where = np.flatnonzero(file_idx == i)
        lines = np.arange(2, len(where) + 2)
        for skipped in bad_lines.get(int(i), []):  # malformed rows were set aside first
            lines[lines >= skipped] += 1
        row_no[where] = lines
    keep = [
        c for c in ("month", "crime_type", "lsoa_code", "outcome_type", "search_type") if c in df
    ]
    # Only values that look like what the column holds are kept: a shifted row could
    # put an ID, a place or free text in any column.
    q = pd.DataFrame(
        {k: [_SAFE_VALUE[k](v) for v in np.asarray(df[k][bad], dtype=object)] for k in keep}
    )
    q.insert(0, "reason", reasons.of(bad))
    q.insert(0, "row", row_no[bad])
    q.insert(0, "file", [raws[i].label for i in file_idx[bad]])
    q.insert(0, "dataset", dataset)
    return q


def _tidy_counts(
    df: dict[str, pd.Categorical],
    in_area: np.ndarray,
    keys: list[str],
    authorities: tuple[np.ndarray, list[str]] | None = None,
) -> pd.DataFrame:
    """Accepted rows (`in_area`: a mask or row indices) counted by the dataset's tidy keys
    (month, crime type, LSOA, ...); a row's local authority is its LSOA code's (`authorities`,
    from `_lsoa_places`)."""
    codes, sizes, texts = [], [], []
    for k in keys:
        if k == "local_authority" and authorities is not None:
            lookup, names = authorities
            codes.append(lookup[np.asarray(df["lsoa_code"].codes)[in_area]])
            sizes.append(len(names))
            texts.append([str(n) for n in names])
        else:
            codes.append(np.asarray(df[k].codes)[in_area])
            sizes.append(len(df[k].categories))
            texts.append(_texts(df[k]))
    groups, n = count_groups(codes, sizes)
    return counts_frame({k: (t, g) for k, t, g in zip(keys, texts, groups, strict=True)}, n)


def _texts(cat: pd.Categorical) -> list[str]:
    return [str(c) for c in cat.categories]
