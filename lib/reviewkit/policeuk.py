"""Readers for data.police.uk street, outcomes and stop-and-search files.

Files are parsed with Arrow, keeping only the columns the analysis needs. Each row is classed
as accepted (in the partnership's area), out of area, unassigned (no location) or quarantined
with a reason. Crime IDs, coordinates, free text and personal columns are never read: police.uk
publishes some records that share a Crime ID, and its own figures count every row, as we do.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from reviewkit.accounting import DatasetIntake, FileAccount, Problem
from reviewkit.area import AreaMatcher
from reviewkit.cache import (
    bytes_hash,
    content_hash,
    load_bundle,
    load_parsed,
    store_bundle,
    store_parsed,
)
from reviewkit.cache import enabled as cache_enabled
from reviewkit.crime_types import HISTORY
from reviewkit.paths import relative

# Columns read per kind: file header name -> tidy name. Everything else is never parsed.
COLUMNS: dict[str, dict[str, str]] = {
    "police_uk_street": {"Month": "month", "LSOA code": "lsoa_code",
                         "LSOA name": "lsoa_name", "Crime type": "crime_type",
                         "Last outcome category": "outcome_category"},
    "police_uk_outcomes": {"Month": "month", "LSOA code": "lsoa_code",
                           "LSOA name": "lsoa_name", "Outcome type": "outcome_type"},
    "police_uk_stop_search": {"Type": "search_type", "Date": "date",
                              "Object of search": "object_of_search", "Outcome": "outcome",
                              "Latitude": "latitude"},
}
# Columns of each kind's tidy table (aggregated counts, column `n`).
TIDY_KEYS: dict[str, list[str]] = {
    "police_uk_street": ["month", "lsoa_code", "local_authority", "crime_type",
                         "outcome_category"],
    "police_uk_outcomes": ["month", "lsoa_code", "local_authority", "outcome_type"],
    "police_uk_stop_search": ["month", "search_type", "object_of_search", "outcome"],
}
SUFFIX = {"police_uk_street": "-street.csv", "police_uk_outcomes": "-outcomes.csv",
          "police_uk_stop_search": "-stop-and-search.csv"}
_DICT = pa.dictionary(pa.int32(), pa.string())  # categories: small, fast to classify
_MONTH_IN_NAME = re.compile(r"(\d{4}-\d{2})-(.+?)-(street|outcomes|stop-and-search)\.csv$")


@dataclass
class RawFile:
    """One CSV to read: a file on disk or a member of a zip."""

    label: str  # how messages name it
    source: Path | bytes | tuple[Path, str]  # a file, bytes, or (zip, member) read when needed
    mtime: float = 0.0  # when it arrived: the newer of two files for one month wins
    parsed: bool = False  # parsed this run (False: taken from the cache)
    stamp: str = ""  # path, size and modification time: unchanged files are not read again

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


def iter_raw_files(paths: list[Path], kind: str, notes: list[str]) -> Iterator[RawFile]:
    """CSV files and the matching members of zips; other zip members are named in `notes`."""
    for path in paths:
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    members = sorted(n for n in zf.namelist() if not n.endswith("/"))
                    ignored = [n for n in members if not n.endswith(SUFFIX[kind])]
                    if ignored:
                        shown = ", ".join(ignored[:5]) + (" ..." if len(ignored) > 5 else "")
                        notes.append(f"{path.name}: {len(ignored)} file(s) in the zip are not "
                                     f"{SUFFIX[kind]} files and were not read: {shown}")
                    st = path.stat()
                    for name in members:
                        if name.endswith(SUFFIX[kind]):
                            mtime = st.st_mtime + _zip_time(zf.getinfo(name))
                            yield RawFile(f"{relative(path)}!{name}", (path, name), mtime,
                                          stamp=f"{path}|{st.st_size}|{st.st_mtime_ns}|{name}")
            except zipfile.BadZipFile:
                notes.append(f"{relative(path)}: not a readable zip file; download it again")
                yield RawFile(relative(path), b"")
        else:
            st = path.stat()
            yield RawFile(relative(path), path, st.st_mtime,
                          stamp=f"{path}|{st.st_size}|{st.st_mtime_ns}")


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


def _read_cached(raw: RawFile, kind: str, threads: bool = True
                 ) -> tuple[pa.Table | None, int, str]:
    """`_read_arrow` through the content-keyed cache of parsed files."""
    if not cache_enabled():
        raw.parsed = True
        return _read_arrow(raw, kind, threads)
    if isinstance(raw.source, tuple):  # a zip member: read it once, keep the bytes
        raw.source = raw.data()
    digest = (bytes_hash(raw.source) if isinstance(raw.source, bytes)
              else content_hash(raw.source))
    key = f"{digest}-{hashlib.sha1(repr(COLUMNS[kind]).encode()).hexdigest()[:8]}"
    hit = load_parsed(kind, key)
    if hit is not None:
        return hit
    raw.parsed = True
    table, rows, problem = _read_arrow(raw, kind, threads)
    store_parsed(kind, key, table, rows, problem)
    return table, rows, problem


def _read_arrow(raw: RawFile, kind: str, threads: bool = True
                ) -> tuple[pa.Table | None, int, str]:
    """Parse one file; return (table or None, rows in file, problem text or '')."""
    head, size = _head(raw)
    if not head.strip() and size <= len(head):
        return None, 0, "empty file (no header, no rows)"
    if b"\x00" in head:
        return None, 0, "not a CSV text file (binary content); download it again"
    lines = head.removeprefix(b"\xef\xbb\xbf").splitlines()
    first = lines[0].decode("utf-8", "replace") if lines else ""
    wanted = COLUMNS[kind]
    header = [h.strip().strip('"') for h in first.split(",")]
    missing = [c for c in wanted if c not in header]
    if missing:
        rows = _count_data_lines(raw.data())
        hint = ("; the file looks like it uses ';' or tabs between columns"
                if len(header) == 1 and (";" in first or "\t" in first) else "")
        return None, rows, (f"missing column(s) {', '.join(missing)}{hint}: this is not a "
                            f"data.police.uk {kind.removeprefix('police_uk_')} file")
    source = raw.source if isinstance(raw.source, Path) else io.BytesIO(raw.data())
    try:
        table = pacsv.read_csv(
            source, read_options=pacsv.ReadOptions(use_threads=threads),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(wanted),
                column_types={c: pa.string() if c == "Latitude" else _DICT for c in wanted},
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        rows = _count_data_lines(raw.data())
        detail = str(exc).split("\n")[0]
        return None, rows, f"could not be parsed as CSV ({detail}); check the file is complete"
    return table.rename_columns([wanted[c] for c in table.column_names]), table.num_rows, ""


def read_police(dataset: str, kind: str, paths: list[Path], area: AreaMatcher) -> DatasetIntake:
    """Read every file of one police.uk dataset and account for every row."""
    result = DatasetIntake(dataset=dataset, files=list(paths))
    raws = list(iter_raw_files(paths, kind, result.notes))
    # A later file for the same month and force replaces an earlier one (a re-sent extract).
    latest: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(raws):
        key = raw.key()
        if key is not None and (key not in latest or raw.mtime >= raws[latest[key]].mtime):
            latest[key] = i
    started = time.perf_counter()
    bundle = hashlib.sha1("\n".join([kind, repr(COLUMNS[kind]), *(r.stamp for r in raws)])
                          .encode()).hexdigest()
    hit = load_bundle(kind, bundle)
    if hit is not None:  # nothing changed since the last run: no file is read or parsed
        combined, meta = hit
        parsed = [(None if not m["has_table"] else True, m["rows"], m["problem"]) for m in meta]
    else:
        # Many files: one per thread (Arrow parses without the GIL). Few: Arrow's own threads.
        workers = max(1, min(4, os.cpu_count() or 1))
        many = len(raws) >= 2 * workers
        with ThreadPoolExecutor(max_workers=workers if many else 1) as pool:
            parsed = list(pool.map(lambda r: _read_cached(r, kind, threads=not many), raws))
        combined = None
    result.parsed_from_cache = sum(1 for r in raws if not r.parsed)
    tables: list[pa.Table] = []
    accounts: list[FileAccount] = []
    quarantine: list[pd.DataFrame] = []
    for i, (raw, (table, n_rows, problem)) in enumerate(zip(raws, parsed, strict=True)):
        label = raw.label
        acc = FileAccount(dataset=dataset, file=label, rows_read=n_rows)
        accounts.append(acc)
        if table is None:
            acc.quarantined = n_rows
            acc.note = problem
            result.problems.append(Problem("incompatible format", f"{label}: {problem}"))
            if n_rows:
                quarantine.append(pd.DataFrame({"dataset": dataset, "file": label,
                                                "row": np.arange(2, n_rows + 2),
                                                "reason": problem}))
            continue
        key = raw.key()
        if key is not None and latest[key] != i:
            newer = raws[latest[key]].label
            acc.quarantined = n_rows
            acc.note = f"superseded by {newer} (re-sent {key[0]})"
            result.notes.append(f"{label}: {key[0]} was sent again as {newer}; the newer file "
                                "is used")
            quarantine.append(pd.DataFrame({"dataset": dataset, "file": label,
                                            "row": np.arange(2, n_rows + 2),
                                            "reason": f"superseded by re-sent file {newer}"}))
            continue
        if combined is None:
            tables.append(table.append_column("_file", pa.array(np.full(n_rows, i, np.int32))))
    if combined is None and tables:
        combined = pa.concat_tables(tables).unify_dictionaries()
    if hit is None:
        store_bundle(kind, bundle, combined, [
            {"has_table": t is not None, "rows": n, "problem": pr} for t, n, pr in parsed])
    result.parse_seconds = time.perf_counter() - started
    if combined is not None:
        _classify(combined, kind, dataset, raws, accounts, area, result, quarantine)
    result.accounts = accounts
    if quarantine:
        result.quarantine = pd.concat(quarantine, ignore_index=True)
    return result


def _categorical(column: pa.ChunkedArray) -> pd.Categorical:
    """A dictionary column as a pandas Categorical, sharing its codes (no per-row strings)."""
    if column.num_chunks == 0:
        arr = pa.array([], type=column.type)
    else:
        arr = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)
    codes = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Categorical.from_codes(codes, categories=pd.Index(
        arr.dictionary.to_pylist(), dtype=object), validate=False)


def _remap(cat: pd.Categorical, values: list[object | None]) -> pd.Categorical:
    """A categorical whose category i becomes `values[i]` (None: missing), by codes alone."""
    new_cats = sorted({v for v in values if v is not None}, key=str)
    index = {v: k for k, v in enumerate(new_cats)}
    lookup = np.array([index[v] if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    codes = np.asarray(cat.codes)
    return pd.Categorical.from_codes(lookup[np.where(codes >= 0, codes, len(values))],
                                     categories=new_cats)


def _flag(cat: pd.Categorical, per_category: np.ndarray, missing: bool) -> np.ndarray:
    """A boolean per row from a boolean per category (`missing` for empty cells)."""
    lookup = np.append(np.asarray(per_category, dtype=bool), missing)
    codes = np.asarray(cat.codes)
    return lookup[np.where(codes >= 0, codes, len(per_category))]


def _classify(table: pa.Table, kind: str, dataset: str, raws: list[RawFile],
              accounts: list[FileAccount], area: AreaMatcher, result: DatasetIntake,
              quarantine: list[pd.DataFrame]) -> None:
    """Class every row, deciding per category (few) and spreading by codes (many)."""
    n = table.num_rows
    table = table.combine_chunks()
    file_idx = table["_file"].to_numpy()
    df = {name: _categorical(table[name]) for name in table.column_names
          if pa.types.is_dictionary(table[name].type)}
    reasons = [""]
    reason = np.zeros(n, dtype=np.int32)  # index into `reasons`; 0 = none
    if kind == "police_uk_stop_search":
        dates = df["date"]
        df["month"] = _remap(dates, [str(d)[:7] for d in dates.categories])
    month = df["month"]
    good = pd.Series(month.categories, dtype=object).astype(str).str.strip().str.fullmatch(
        r"\d{4}-(0[1-9]|1[0-2])").to_numpy(bool)
    reasons.append("month missing or not YYYY-MM")
    reason[~_flag(month, good, False)] = len(reasons) - 1
    if kind == "police_uk_street":
        ctype = df["crime_type"]
        names = [str(c) for c in ctype.categories]
        standard = [HISTORY.get(c.strip()) for c in names]
        known = _flag(ctype, np.array([x is not None for x in standard]), False)
        unknown = ~known & (reason == 0)
        if unknown.any():
            all_codes = np.asarray(ctype.codes)
            seen = sorted({names[c] if c >= 0 else "(empty)" for c in np.unique(
                all_codes[unknown])})
            for name in seen:
                reasons.append(f"unknown crime type '{name}'")
                code = names.index(name) if name in names else -1
                reason[unknown & (all_codes == code)] = len(reasons) - 1
            result.problems.append(Problem("quality", f"{int(unknown.sum())} row(s) with "
                                           f"unknown crime type(s): {', '.join(seen)}; update "
                                           "the crime type mapping or ask the provider"))
        df["crime_type"] = _remap(ctype, standard)
    bad = reason != 0
    if kind == "police_uk_stop_search":
        no_place = table["latitude"].is_null().to_numpy(zero_copy_only=False)
        in_area = ~bad & ~no_place
        unassigned = ~bad & no_place
        out = np.zeros(n, dtype=bool)
        result.notes.append("Stop and search records carry coordinates but no LSOA, so they "
                            "are counted force-wide; rows with no location are unassigned.")
    else:
        codes_cat = df["lsoa_code"]
        c = np.asarray(codes_cat.codes, dtype=np.int64)
        nm = np.asarray(df["lsoa_name"].codes, dtype=np.int64)
        width = len(df["lsoa_name"].categories) + 1
        both = pd.unique((c * width + nm)[(c >= 0) & (nm >= 0)])  # each (code, name) once
        code_names = pd.Series(np.asarray(codes_cat.categories, dtype=object)[both // width])
        name_values = pd.Series(np.asarray(df["lsoa_name"].categories,
                                           dtype=object)[both % width])
        member_codes = set(code_names[area.contains(code_names, name_values).to_numpy()])
        la_map = dict(zip(code_names, area.local_authority(code_names, name_values),
                          strict=True))
        cats = [str(c) for c in codes_cat.categories]
        no_place = _flag(codes_cat, np.array([not c.strip() for c in cats]), True)
        member = _flag(codes_cat, np.array([c in member_codes for c in cats]), False)
        df["local_authority"] = _remap(codes_cat, [
            la if isinstance(la := la_map.get(c), str) else None for c in cats])
        unassigned = ~bad & no_place
        in_area = ~bad & ~no_place & member
        out = ~bad & ~no_place & ~member
    counts = {name: np.bincount(file_idx[mask], minlength=len(raws))
              for name, mask in (("quarantined", bad), ("unassigned", unassigned),
                                 ("out_of_area", out), ("accepted", in_area))}
    for i, acc in enumerate(accounts):
        for name, per_file in counts.items():
            setattr(acc, name, getattr(acc, name) + int(per_file[i]))
    if bad.any():
        row_no = np.zeros(n, dtype=np.int64)  # line numbers: the header is line 1
        for i in np.unique(file_idx):
            where = np.flatnonzero(file_idx == i)
            row_no[where] = np.arange(2, len(where) + 2)
        keep = [c for c in ("month", "crime_type", "lsoa_code", "outcome_type", "search_type")
                if c in df]
        q = pd.DataFrame({k: np.asarray(df[k][bad], dtype=object) for k in keep})
        q.insert(0, "reason", np.asarray(reasons, dtype=object)[reason[bad]])
        q.insert(0, "row", row_no[bad])
        q.insert(0, "file", [raws[i].label for i in file_idx[bad]])
        q.insert(0, "dataset", dataset)
        quarantine.append(q)
    keys = TIDY_KEYS[kind]
    accepted = pd.DataFrame({k: df[k][in_area] for k in keys})
    tidy = (accepted.groupby(keys, observed=True, dropna=False).size().rename("n")
            .reset_index())
    tidy = tidy[tidy["n"] > 0]
    for k in keys:
        tidy[k] = tidy[k].astype(object).where(tidy[k].notna(), "").astype(str)
    tidy["n"] = tidy["n"].astype("int64")
    result.tidy = tidy.sort_values(keys, ignore_index=True)
    result.periods = sorted(tidy["month"].unique()) if len(tidy) else []
