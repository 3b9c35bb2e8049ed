"""The police.uk reader's use of the cache of parsed files (`store/police_cache.py`): one
file's parse by its content, and a whole dataset's files, combined and planned, by their paths,
sizes and modification times (an unchanged dataset is neither read nor parsed)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyarrow as pa

from reviewkit.intake.policeuk.columns import COLUMNS
from reviewkit.intake.policeuk.discovery import ZIP_ERRORS, RawFile
from reviewkit.intake.policeuk.fileplan import PLAN_VERSION, FilePlan
from reviewkit.intake.policeuk.parsing import UNREADABLE_MEMBER, Parsed, read_arrow
from reviewkit.store.police_cache import (
    bytes_hash,
    content_hash,
    load_bundle,
    load_parsed,
    store_bundle,
    store_parsed,
)
from reviewkit.store.police_cache import enabled as cache_enabled


def read_cached(raw: RawFile, kind: str, threads: bool = True) -> Parsed:
    """`read_arrow` through the content-keyed cache of parsed files."""
    if not cache_enabled():
        raw.parsed = True
        return read_arrow(raw, kind, threads)
    try:
        if isinstance(raw.source, tuple):  # a zip member: read it once, keep the bytes
            raw.source = raw.data()
    except ZIP_ERRORS:
        raw.parsed = True
        return None, 0, UNREADABLE_MEMBER, []
    digest = bytes_hash(raw.source) if isinstance(raw.source, bytes) else content_hash(raw.source)
    key = f"{digest}-{hashlib.sha1(repr(COLUMNS[kind]).encode()).hexdigest()[:8]}"
    hit = load_parsed(kind, key)
    if hit is not None:
        return hit
    raw.parsed = True
    table, rows, problem, bad = read_arrow(raw, kind, threads)
    store_parsed(kind, key, table, rows, problem, bad)
    return table, rows, problem, bad


@dataclass
class Bundle:
    """A dataset's files read: each file's parse (from a stored bundle, an empty table stands
    for a file's table: only whether it had one is kept), the plan for each, and the counted
    rows combined (with the column `_file`: the file's index), or None when none counts."""

    parsed: list[Parsed]
    plans: list[FilePlan]
    combined: pa.Table | None


def bundle_key(kind: str, raws: list[RawFile]) -> str:
    """The key of a dataset's bundle: its kind, the columns read, each file's stamp and the
    file plan's version (a bundle planned by earlier rules is not reused)."""
    parts = [kind, repr(COLUMNS[kind]), *(r.stamp for r in raws)]
    return hashlib.sha1("\n".join([PLAN_VERSION, *parts]).encode()).hexdigest()


def load_dataset_bundle(kind: str, key: str) -> Bundle | None:
    """The bundle of a dataset none of whose files changed since it was stored, or None."""
    hit = load_bundle(kind, key)
    if hit is None:
        return None
    combined, meta = hit
    parsed: list[Parsed] = [
        (pa.table({}) if m["has_table"] else None, m["rows"], m["problem"], m["bad_lines"])
        for m in meta
    ]
    return Bundle(parsed, [m["plan"] for m in meta], combined)


def store_dataset_bundle(kind: str, key: str, bundle: Bundle) -> None:
    """Keep a dataset's bundle for the next run with the same files."""
    meta = [
        {"has_table": t is not None, "rows": n, "problem": pr, "bad_lines": bl, "plan": pl}
        for (t, n, pr, bl), pl in zip(bundle.parsed, bundle.plans, strict=True)
    ]
    store_bundle(kind, key, bundle.combined, meta)
