"""Rows of a partner dataset that are never counted although each is valid on its own: periods
re-sent in a later file (the later file wins, whole rows at a time), exact duplicate rows in
one file, and rows of one file that conflict (same period and area, other values)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewkit.intake.accounting import DatasetIntake

KEY = ["measure", "period_start", "area"]
RowId = tuple[str, int]  # (file, line)


def file_order(tidy: pd.DataFrame) -> list[str]:
    """The files from oldest to newest: the newer extract is the one reaching the latest
    period; then the newer file; then the name."""
    per_file = tidy.groupby("_file").agg(last=("period_start", "max"), mtime=("_mtime", "max"))
    return sorted(
        per_file.index, key=lambda f: (per_file.at[f, "last"], per_file.at[f, "mtime"], f)
    )


def resent_rows(
    tidy: pd.DataFrame, latest: pd.Series, files: list[str], notes: list[str]
) -> dict[RowId, str]:
    """Rows whose period and area a later file gives again, with the reason; a note of the
    re-sent periods and of each value restated (into `notes`)."""
    superseded = tidy[tidy["_order"] < latest]
    drop_rows: dict[RowId, str] = {}
    for (f, r), grp in superseded.groupby(["_file", "_row"]):
        newer = files[int(latest[grp.index].max())]
        drop_rows[(f, r)] = f"superseded by re-sent file {newer}"
    if len(superseded):
        merged = superseded.merge(tidy[tidy["_order"] == latest], on=KEY, suffixes=("", "_new"))
        changed = merged[merged["value"] != merged["value_new"]]
        periods = sorted(set(superseded["period"]))
        notes.append(f"Re-sent periods {', '.join(periods)}: the later file is used.")
        for m in changed.to_dict("records"):
            notes.append(
                f"Restated: {m['measure']} {m['period']} {m['area']}: "
                f"{m['value']:g} -> {m['value_new']:g} "
                f"({Path(m['_file']).name} replaced by "
                f"{Path(m['_file_new']).name})"
            )
    return drop_rows


def duplicate_rows(live: pd.DataFrame) -> dict[RowId, str]:
    """Rows that repeat an earlier row of the same file exactly (all their tidy values): the
    first copy is kept."""
    # Each source row's tidy values, gathered in one pass (not a pandas group per row).
    cells: dict[RowId, list[tuple]] = {}
    for f, r, *cell in zip(
        live["_file"],
        live["_row"],
        live["measure"],
        live["period_start"],
        live["area"],
        live["value"],
        strict=True,
    ):
        cells.setdefault((f, r), []).append(tuple(cell))
    first_seen: dict[tuple[str, tuple], int] = {}
    out: dict[RowId, str] = {}
    for (f, r), found in sorted(cells.items(), key=lambda item: item[0]):
        k = (f, tuple(sorted(found)))
        if k in first_seen:
            out[(f, r)] = f"duplicate of row {first_seen[k]}"
        else:
            first_seen[k] = r
    return out


def conflicting_rows(live: pd.DataFrame, dropped: dict[RowId, str]) -> dict[RowId, str]:
    """Rows (not already dropped) giving a period and area an earlier row of the same file
    gave with other values: the first is kept."""
    keep = [(f, r) not in dropped for f, r in zip(live["_file"], live["_row"], strict=True)]
    live_keys = live[keep]
    conflict = live_keys.duplicated(subset=KEY, keep="first")
    out: dict[RowId, str] = {}
    for m in live_keys[conflict].to_dict("records"):
        out.setdefault(
            (m["_file"], m["_row"]),
            f"conflicts with an earlier row for "
            f"{m['period']} {m['area']} in the same file (the first is kept)",
        )
    return out


def set_aside(
    tidy: pd.DataFrame,
    drop_rows: dict[RowId, str],
    result: DatasetIntake,
    quarantine: list[dict[str, object]],
) -> pd.DataFrame:
    """Move the dropped rows from accepted to quarantined in their files' accounts, list each
    in the quarantine (with its first record's period and area), and return the rest."""
    for acc in result.accounts:
        n = sum(1 for (f, _r) in drop_rows if f == acc.file)
        acc.accepted -= n
        acc.quarantined += n
    first_of: dict[RowId, int] = {}  # each source row's first tidy row
    for pos, key_fr in enumerate(zip(tidy["_file"], tidy["_row"], strict=True)):
        first_of.setdefault(key_fr, pos)
    for (f, r), reason in sorted(drop_rows.items()):
        sample = tidy.iloc[first_of[(f, r)]]
        quarantine.append(
            {
                "dataset": sample["dataset"],
                "file": f,
                "row": r,
                "reason": reason,
                "period": sample["period"],
                "area": sample["area"],
            }
        )
    dup = sum(1 for v in drop_rows.values() if v.startswith("duplicate"))
    if dup:
        result.notes.append(f"{dup} duplicate row(s) quarantined.")
    mask = [(f, r) not in drop_rows for f, r in zip(tidy["_file"], tidy["_row"], strict=True)]
    return tidy[mask]


def resolve_duplicates(
    tidy: pd.DataFrame, result: DatasetIntake, quarantine: list[dict[str, object]]
) -> pd.DataFrame:
    """Exact duplicate rows in one file and periods re-sent in a later file are quarantined."""
    if tidy.empty:
        return tidy
    files = file_order(tidy)
    order = {f: i for i, f in enumerate(files)}
    tidy = tidy.drop(columns="_mtime")
    tidy = tidy.assign(_order=tidy["_file"].map(order))
    latest = tidy.groupby(KEY)["_order"].transform("max")
    drop_rows = resent_rows(tidy, latest, files, result.notes)
    live = tidy[tidy["_order"] == latest]
    drop_rows.update(duplicate_rows(live))
    for row_id, reason in conflicting_rows(live, drop_rows).items():
        drop_rows.setdefault(row_id, reason)
    if drop_rows:
        tidy = set_aside(tidy, drop_rows, result, quarantine)
    return tidy.drop(columns="_order")
