"""Readers for data.police.uk street, outcomes and stop-and-search files.

Files are parsed with Arrow, keeping only the columns the analysis needs. Each row is classed
as accepted (in the partnership's area), out of area, unassigned (no location) or quarantined
with a reason. Crime IDs are read only to report records that share one, and then dropped;
coordinates, free text and personal columns are never read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from reviewkit.accounting import DatasetIntake, FileAccount, Problem
from reviewkit.area import AreaMatcher
from reviewkit.crime_types import HISTORY
from reviewkit.paths import relative

# Columns read per kind: file header name -> tidy name. Everything else is never parsed.
COLUMNS: dict[str, dict[str, str]] = {
    "police_uk_street": {"Crime ID": "crime_id", "Month": "month", "LSOA code": "lsoa_code",
                         "LSOA name": "lsoa_name", "Crime type": "crime_type",
                         "Last outcome category": "outcome_category"},
    "police_uk_outcomes": {"Crime ID": "crime_id", "Month": "month", "LSOA code": "lsoa_code",
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
_MONTH_IN_NAME = re.compile(r"(\d{4}-\d{2})-(.+?)-(street|outcomes|stop-and-search)\.csv$")


@dataclass
class RawFile:
    """One CSV to read: a file on disk or a member of a zip."""

    label: str  # how messages name it
    source: Path | bytes
    mtime: float = 0.0  # when it arrived: the newer of two files for one month wins

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
                    for name in members:
                        if name.endswith(SUFFIX[kind]):
                            stamp = path.stat().st_mtime + _zip_time(zf.getinfo(name))
                            yield RawFile(f"{relative(path)}!{name}", zf.read(name), stamp)
            except zipfile.BadZipFile:
                notes.append(f"{relative(path)}: not a readable zip file; download it again")
                yield RawFile(relative(path), b"")
        else:
            yield RawFile(relative(path), path, path.stat().st_mtime)


def _zip_time(info: zipfile.ZipInfo) -> float:
    """A member's own timestamp as a small offset, to order members of one zip."""
    y, mo, d, h, mi, sec = info.date_time
    return ((((y * 12 + mo) * 31 + d) * 24 + h) * 60 + mi) * 60 * 1e-12 + sec * 1e-12


def _count_data_lines(data: bytes) -> int:
    lines = [ln for ln in data.splitlines() if ln.strip()]
    return max(len(lines) - 1, 0)


def _read_arrow(raw: RawFile, kind: str) -> tuple[pa.Table | None, int, str]:
    """Parse one file; return (table or None, rows in file, problem text or '')."""
    data = raw.source if isinstance(raw.source, bytes) else raw.source.read_bytes()
    if not data.strip():
        return None, 0, "empty file (no header, no rows)"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:4096]
    if b"\x00" in head:
        return None, 0, "not a CSV text file (binary content); download it again"
    first = head.splitlines()[0].decode("utf-8", "replace") if head.splitlines() else ""
    wanted = COLUMNS[kind]
    header = [h.strip().strip('"') for h in first.split(",")]
    missing = [c for c in wanted if c not in header]
    if missing:
        rows = _count_data_lines(data)
        hint = ("; the file looks like it uses ';' or tabs between columns"
                if len(header) == 1 and (";" in first or "\t" in first) else "")
        return None, rows, (f"missing column(s) {', '.join(missing)}{hint}: this is not a "
                            f"data.police.uk {kind.removeprefix('police_uk_')} file")
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(wanted), column_types={c: pa.string() for c in wanted},
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        rows = _count_data_lines(data)
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
    frames: list[pd.DataFrame] = []
    accounts: list[FileAccount] = []
    quarantine: list[pd.DataFrame] = []
    for i, raw in enumerate(raws):
        label = raw.label
        table, n_rows, problem = _read_arrow(raw, kind)
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
        frame = table.to_pandas()
        frame["_file"] = i
        frame["_row"] = np.arange(2, len(frame) + 2)  # line number, header on line 1
        key = raw.key()
        if key is not None and latest[key] != i:
            newer = raws[latest[key]].label
            acc.quarantined = len(frame)
            acc.note = f"superseded by {newer} (re-sent {key[0]})"
            result.notes.append(f"{label}: {key[0]} was sent again as {newer}; the newer file "
                                "is used")
            q = frame[[c for c in frame.columns if c in ("month", "crime_type", "lsoa_code")]]
            quarantine.append(q.assign(dataset=dataset, file=label, row=frame["_row"],
                                       reason=f"superseded by re-sent file {newer}"))
            continue
        frames.append(frame)
    if frames:
        _classify(pd.concat(frames, ignore_index=True), kind, dataset, raws, accounts, area,
                  result, quarantine)
    result.accounts = accounts
    if quarantine:
        result.quarantine = pd.concat(quarantine, ignore_index=True)
    return result


def _classify(df: pd.DataFrame, kind: str, dataset: str, raws: list[RawFile],
              accounts: list[FileAccount], area: AreaMatcher, result: DatasetIntake,
              quarantine: list[pd.DataFrame]) -> None:
    n = len(df)
    reason = np.full(n, "", dtype=object)
    if kind == "police_uk_stop_search":
        month = df["date"].str.slice(0, 7)
    else:
        month = df["month"].str.strip()
    month_ok = month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False).to_numpy(bool)
    reason[~month_ok] = "month missing or not YYYY-MM"
    df["month"] = month
    if kind == "police_uk_street":
        standard = df["crime_type"].map(HISTORY)
        unknown = standard.isna().to_numpy() & (reason == "")
        names_seen = df.loc[unknown, "crime_type"].fillna("(empty)").astype(str)
        reason[unknown] = ("unknown crime type '" + names_seen + "'").to_numpy()
        if unknown.any():
            names = sorted(set(df.loc[unknown, "crime_type"].fillna("(empty)")))
            result.problems.append(Problem("quality", f"{unknown.sum()} row(s) with unknown crime "
                                           f"type(s): {', '.join(names)}; update the crime type "
                                           "mapping or ask the provider"))
        df["crime_type"] = standard
    if "crime_id" in df:
        # police.uk publishes some records that share a Crime ID (and even whole rows); its own
        # figures count every row, so they are counted here too, and reported.
        ids = df["crime_id"]
        shared = int((ids.notna() & ids.duplicated(keep=False)).sum())
        if shared:
            result.notes.append(f"{shared:,} rows share a Crime ID with another row; police.uk "
                                "publishes them as separate records and they are counted as "
                                "such.")
    bad = reason != ""
    if kind == "police_uk_stop_search":
        no_place = df["latitude"].isna().to_numpy()
        unassigned = ~bad & no_place
        in_area = ~bad & ~no_place
        out = np.zeros(n, dtype=bool)
        df["local_authority"] = None
        result.notes.append("Stop and search records carry coordinates but no LSOA, so they "
                            "are counted force-wide; rows with no location are unassigned.")
    else:
        codes = df["lsoa_code"].fillna("").str.strip()
        no_place = (codes == "").to_numpy()
        la = area.local_authority(df["lsoa_code"], df["lsoa_name"])
        df["local_authority"] = la
        member = area.contains(codes, df["lsoa_name"]).to_numpy(bool)
        unassigned = ~bad & no_place
        in_area = ~bad & ~no_place & member
        out = ~bad & ~no_place & ~member
    for i, acc in enumerate(accounts):
        rows = (df["_file"] == i).to_numpy()
        if not rows.any():
            continue
        acc.quarantined += int((bad & rows).sum())
        acc.unassigned += int((unassigned & rows).sum())
        acc.out_of_area += int((out & rows).sum())
        acc.accepted += int((in_area & rows).sum())
    if bad.any():
        keep = [c for c in ("month", "crime_type", "lsoa_code", "outcome_type", "search_type")
                if c in df]
        q = df.loc[bad, keep].copy()
        q.insert(0, "reason", reason[bad])
        q.insert(0, "row", df.loc[bad, "_row"].to_numpy())
        q.insert(0, "file", [raws[i].label for i in df.loc[bad, "_file"]])
        q.insert(0, "dataset", dataset)
        quarantine.append(q)
    keys = TIDY_KEYS[kind]
    accepted = df.loc[in_area, keys]
    tidy = (accepted.fillna({k: "" for k in keys if k != "month"})
            .groupby(keys, observed=True, dropna=False).size().rename("n").reset_index())
    tidy["n"] = tidy["n"].astype("int64")
    result.tidy = tidy.sort_values(keys, ignore_index=True)
    result.periods = sorted(set(accepted["month"]))
