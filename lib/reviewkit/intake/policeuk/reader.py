"""Reading one police.uk dataset (street, outcomes or stop and search): find its files, parse
them (through the cache), plan which count, class every row and account for each.

Files are parsed with Arrow, keeping only the columns the analysis needs. Each row is classed
as accepted (in the partnership's area), out of area, unassigned (no location) or quarantined
with a reason. Crime IDs, coordinates, free text and personal columns are never read: police.uk
publishes some records that share a Crime ID, and its own figures count every row, as we do.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from reviewkit.intake.accounting import DatasetIntake
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk.accounts import account_files, add_classed
from reviewkit.intake.policeuk.cache import (
    Bundle,
    bundle_key,
    load_dataset_bundle,
    read_cached,
    store_dataset_bundle,
)
from reviewkit.intake.policeuk.classing import Classified, Rules, classify
from reviewkit.intake.policeuk.columns import TIDY_KEYS
from reviewkit.intake.policeuk.discovery import RawFile, iter_raw_files
from reviewkit.intake.policeuk.fileplan import plan_files


def parse_files(raws: list[RawFile], kind: str) -> Bundle:
    """Parse every file (many files: one per thread, as Arrow parses without the GIL; few:
    Arrow's own threads), plan which count, and combine the rows of those that do."""
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
        pa.concat_tables(tables, promote_options="default").unify_dictionaries() if tables else None
    )
    return Bundle(parsed, plans, combined)


def read_bundle(raws: list[RawFile], kind: str) -> Bundle:
    """The dataset's files parsed, planned and combined: from the cache when none of them
    changed since the last run (no file is then read or parsed), else parsed and kept."""
    key = bundle_key(kind, raws)
    bundle = load_dataset_bundle(kind, key)
    if bundle is None:
        bundle = parse_files(raws, kind)
        store_dataset_bundle(kind, key, bundle)
    return bundle


def empty_tidy(kind: str) -> pd.DataFrame:
    """The tidy table of a dataset whose files came but none could be counted: empty, never
    missing."""
    return pd.DataFrame(
        {**{k: pd.Series(dtype=object) for k in TIDY_KEYS[kind]}, "n": pd.Series(dtype="int64")}
    )


def take_classed(result: DatasetIntake, classed: Classified) -> None:
    """Move what classing found into the dataset's intake (the accounts are added apart)."""
    result.problems += classed.problems
    result.notes += classed.notes
    result.tidy, result.periods = classed.tidy, classed.periods
    result.rest_of_force = classed.rest_of_force
    result.lsoa_names, result.grid = classed.lsoa_names, classed.grid


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
    bundle = read_bundle(raws, kind)
    result.parsed_from_cache = sum(1 for r in raws if not r.parsed)
    found = account_files(dataset, raws, bundle.parsed, bundle.plans)
    result.notes += found.notes
    result.problems += found.problems
    result.parse_seconds = time.perf_counter() - started
    quarantine = found.quarantine
    if bundle.combined is not None:
        rules = Rules(kind, area, review_end, review_date)
        classed = classify(bundle.combined, dataset, raws, found.bad_lines, rules)
        add_classed(found.accounts, classed)
        take_classed(result, classed)
        if classed.quarantine is not None:
            quarantine.append(classed.quarantine)
    elif raws:  # files came but none could be counted: an empty table, not a missing one
        result.tidy = empty_tidy(kind)
    result.accounts = found.accounts
    if quarantine:
        result.quarantine = pd.concat(quarantine, ignore_index=True)
    return result
