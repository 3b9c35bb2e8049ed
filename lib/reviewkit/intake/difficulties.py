"""The difficulties log, carried from cycle to cycle.

The log is the analyst's own file: every manual row and any extra columns are kept untouched.
Intake adds difficulties it finds (a dataset not received, a file in an incompatible format,
unknown categories, many quarantined rows) without duplicating an open one, and marks open
difficulties resolved, with the cycle, when their dataset now arrives complete.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_text

COLUMNS = [
    "id",
    "raised_cycle",
    "agency",
    "dataset",
    "category",
    "description",
    "action",
    "owner",
    "status",
    "resolved_cycle",
]
CATEGORIES = ("unwilling to share", "incompatible format", "IT problem", "late", "quality")
STATUSES = ("open", "resolved")
# Categories whose resolution means a data gap was filled.
GAP_CATEGORIES = ("unwilling to share", "incompatible format", "IT problem", "late")


def load_difficulties(path: Path) -> pd.DataFrame:
    """Read the log as text columns, checking the columns it must have."""
    import io

    text, _enc = read_text(path)
    log = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    log.columns = [c.strip() for c in log.columns]
    missing = [c for c in COLUMNS if c not in log.columns]
    if missing:
        raise ReviewError(
            f"{path}: the difficulties log lacks column(s) {', '.join(missing)}. "
            f"It needs {', '.join(COLUMNS)} (extra columns are kept)."
        )
    problems = []
    for i, row in log.iterrows():
        line = int(i) + 2
        if row["status"].strip().lower() not in STATUSES:
            problems.append(
                f"{path}: row {line}, key 'status': '{row['status']}' is not one "
                f"of {', '.join(STATUSES)}"
            )
        if row["category"].strip() and row["category"].strip() not in CATEGORIES:
            problems.append(
                f"{path}: row {line}, key 'category': '{row['category']}' is not one "
                f"of {', '.join(CATEGORIES)}"
            )
    if problems:
        raise ReviewError("\n".join(problems))
    log["status"] = log["status"].str.strip().str.lower()
    return log


def _next_id(log: pd.DataFrame) -> int:
    nums = pd.to_numeric(log["id"].str.extract(r"(\d+)$")[0], errors="coerce").dropna()
    return int(nums.max()) + 1 if len(nums) else 1


def update_difficulties(
    log: pd.DataFrame, cycle: str, found: list[dict[str, str]], complete_datasets: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The log for this cycle, the rows added, and the rows resolved this cycle.

    `found` holds automatic difficulties (dataset, agency, category, description, action,
    owner). One is added only if no open difficulty exists for the same dataset and category.
    An open difficulty is resolved when its dataset is complete and nothing new was found for it.
    """
    log = log.copy()
    open_keys = {
        (d, c)
        for d, c, s in zip(log["dataset"], log["category"], log["status"], strict=True)
        if s == "open"
    }
    new_rows = []
    next_id = _next_id(log)
    for f in found:
        key = (f["dataset"], f["category"])
        if key in open_keys:
            continue
        open_keys.add(key)
        new_rows.append(
            {
                **{c: "" for c in log.columns},
                **f,
                "id": f"D{next_id:03d}",
                "raised_cycle": cycle,
                "status": "open",
                "resolved_cycle": "",
            }
        )
        next_id += 1
    added = pd.DataFrame(new_rows, columns=log.columns)
    flagged = {f["dataset"] for f in found}
    resolve = (log["status"] == "open") & log["dataset"].isin(complete_datasets - flagged)
    resolved = log[resolve].copy()
    log.loc[resolve, "status"] = "resolved"
    log.loc[resolve, "resolved_cycle"] = cycle
    resolved["status"] = "resolved"
    resolved["resolved_cycle"] = cycle
    out = pd.concat([log, added], ignore_index=True) if len(added) else log
    return out, added, resolved
