"""Reading one partner dataset (all its files) into its tidy table, checked by its schema, with
the accounts, quarantine and notes of every file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from reviewkit.base.periods import PERIOD_MONTHS
from reviewkit.inputs.register import TableSource
from reviewkit.intake.accounting import DatasetIntake
from reviewkit.intake.area import AreaMatcher, normalise_authority
from reviewkit.intake.partner.files import no_area_rows, read_table_file
from reviewkit.intake.partner.resent import resolve_duplicates
from reviewkit.intake.partner.rows import TableRules

TIDY_COLUMNS = ["dataset", "measure", "period_type", "period_start", "period", "area", "value"]

TIDY_SCHEMA = pa.DataFrameSchema(
    {
        "dataset": pa.Column(str),
        "measure": pa.Column(str),
        "period_type": pa.Column(str, pa.Check.isin(list(PERIOD_MONTHS))),
        "period_start": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$")),
        "period": pa.Column(str),
        "area": pa.Column(str),
        "value": pa.Column(float, pa.Check.ge(0)),
    },
    strict=True,
    coerce=True,
)


def read_table_dataset(
    dataset: str,
    source: TableSource,
    paths: list[Path],
    area: AreaMatcher,
    review_date: dt.date,
    area_values: list[str] | None = None,
    review_end: pd.Period | None = None,
) -> DatasetIntake:
    """Read every file of one partner dataset and account for every row (rows of periods
    starting after `review_end` are counted as after the review period, never used)."""
    result = DatasetIntake(dataset=dataset, files=list(paths))
    rules = TableRules(
        source,
        area,
        review_date,
        review_end,
        allowed={normalise_authority(v) for v in (area_values or source.area_values or [])},
    )
    records: list[dict[str, object]] = []  # accepted rows, before re-sent files are resolved
    quarantine: list[dict[str, object]] = []
    dropped: set[str] = set()
    other_areas: set[str] = set()
    for path in paths:
        read = read_table_file(path, dataset, rules)
        other_areas |= read.other_areas
        result.accounts.append(read.account)
        records += read.records
        quarantine += read.quarantine
        dropped |= read.dropped
        if read.problem is not None:
            result.problems.append(read.problem)
    result.dropped_columns = sorted(dropped)
    out = sum(a.out_of_area for a in result.accounts)
    if out and not records:
        result.notes += no_area_rows(rules, out, other_areas)
    tidy = pd.DataFrame(records, columns=[*TIDY_COLUMNS, "_file", "_row", "_mtime"])
    tidy = resolve_duplicates(tidy, result, quarantine)
    result.tidy = TIDY_SCHEMA.validate(tidy[TIDY_COLUMNS].reset_index(drop=True))
    result.periods = sorted(set(result.tidy["period_start"]))
    qcols = ["dataset", "file", "row", "reason", "period", "area"]
    result.quarantine = pd.DataFrame(quarantine, columns=qcols).astype({"row": "Int64"})
    return result
