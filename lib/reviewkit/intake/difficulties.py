"""The difficulties log, carried from cycle to cycle.

The log is the analyst's own file: every manual row and any extra columns are kept untouched.
Intake adds difficulties it finds (a dataset not received, a file in an incompatible format,
unknown categories, many quarantined rows) without duplicating an open one, and marks open
difficulties resolved, with the cycle, when their dataset now arrives complete.

Each action may have a `due` date (a log written before the column existed still loads). The
planning pack reads three judgements from the log here: open difficulties whose problem has
gone (proposed for closing, with the reason), open actions past their due date (escalated to
the board), and data gaps still open with how long each has been open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_csv_text

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
# Columns a log may lack (written before they existed): added empty when it is read.
OPTIONAL_COLUMNS = ("due",)
# Categories whose resolution means a data gap was filled.
GAP_CATEGORIES = ("unwilling to share", "incompatible format", "IT problem", "late")


def load_difficulties(path: Path) -> pd.DataFrame:
    """Read the log as text columns, checking the columns it must have."""
    log = read_csv_text(path, "difficulties log", keep_default_na=False)
    log.columns = [c.strip() for c in log.columns]
    missing = [c for c in COLUMNS if c not in log.columns]
    if missing:
        raise ReviewError(
            f"{path}: the difficulties log lacks column(s) {', '.join(missing)}. "
            f"It needs {', '.join(COLUMNS)} (extra columns are kept)."
        )
    for c in OPTIONAL_COLUMNS:
        if c not in log.columns:
            log[c] = ""
    problems = []
    for i, row in log.iterrows():
        line = int(i) + 2
        if row["due"].strip() and due_date(row["due"]) is None:
            problems.append(
                f"{path}: row {line}, key 'due': '{row['due']}' is not a date; write it as "
                "YYYY-MM-DD, e.g. 2027-01-31, or leave it empty"
            )
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


def due_date(text: str) -> dt.date | None:
    """An action's due date from the log's text (YYYY-MM-DD), or None when empty or not a date."""
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _next_id(log: pd.DataFrame) -> int:
    nums = pd.to_numeric(log["id"].str.extract(r"(\d+)$")[0], errors="coerce").dropna()
    return int(nums.max()) + 1 if len(nums) else 1


def update_difficulties(
    log: pd.DataFrame,
    cycle: str,
    found: list[dict[str, str]],
    complete_datasets: set[str],
    due: dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The log for this cycle, the rows added, and the rows resolved this cycle.

    `found` holds automatic difficulties (dataset, agency, category, description, action,
    owner). One is added only if no open difficulty exists for the same dataset and category,
    with its action due on `due` (the core audit team's first meeting) when given.
    An open difficulty is resolved when its dataset is complete and nothing new was found for it.
    """
    log = log.copy()
    if "due" not in log.columns:
        log["due"] = ""
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
                "due": f"{due:%Y-%m-%d}" if due else "",
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


# --- Judgements the planning pack and the board read from the log -------------------------

# File formats a register's expected_format may name, by the word used and the file suffix.
FORMATS = {"csv": "CSV", "xlsx": "XLSX", "xls": "XLS", "ods": "ODS", "pdf": "PDF", "zip": "ZIP"}


def asked_formats(expected_format: str) -> set[str]:
    """The file formats an expected_format names ('XLSX, sheet ...' -> {'XLSX'}; 'street
    CSVs in monthly folders' -> {'CSV'}); empty when it names none."""
    words = re.findall(r"[a-z]+", expected_format.lower())
    return {FORMATS.get(w) or FORMATS[w[:-1]] for w in words if w in FORMATS or w[:-1] in FORMATS}


def file_format(file: str) -> str:
    """A file's format from its suffix ('fire/x.xlsx!Deliberate fires' -> 'XLSX')."""
    name = str(file).split("!")[0]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FORMATS.get(suffix, suffix.upper())


@dataclass(frozen=True)
class Proposal:
    """An open difficulty whose problem has gone, proposed for closing with the reason."""

    id: str
    reason: str


def _format_gone(done: dict[str, object], files: list[str], asked: set[str]) -> str | None:
    if not asked or not files or done["status"] not in ("complete", "partial"):
        return None
    got = sorted({file_format(f) for f in files})
    if not set(got) <= asked or not int(str(done["accepted"] or 0)):
        return None
    names = ", ".join(sorted({f.split("!")[0].rsplit("/", 1)[-1] for f in files}))
    return (
        f"the data now arrives as {' and '.join(got)}, as asked ({names}; "
        f"{done['periods_present']} of {done['periods_expected']} periods read)"
    )


def _data_complete(row: dict[str, str], done: dict[str, object], cycle: str) -> str | None:
    if done["status"] != "complete":
        return None
    periods = f"all {done['periods_expected']} periods of the review period arrived"
    if row["category"] == "late":
        late = done["timeliness"] == "late"
        if late and row["raised_cycle"] == cycle:
            return None  # this review's own record that the data came late
        got = due_date(str(done["received"]))
        on = f", received {got:%d %B %Y}" if got else ""
        return f"nothing is missing now: {periods}" + (
            f" (late this time{on}: keep it open if lateness is the difficulty)" if late else ""
        )
    if row["category"] == "unwilling to share":
        return f"the data is being shared: {periods}"
    return f"the data arrives and is read: {periods}"


def stale_difficulties(
    log: pd.DataFrame,
    completeness: pd.DataFrame,
    reconciliation: pd.DataFrame,
    expected_formats: dict[str, str],
    cycle: str,
) -> list[Proposal]:
    """Open difficulties whose problem has gone, by what intake found this review:

    - an incompatible format, raised before this review, while every file of the dataset
      now arrives in a format its data request asks for and was read;
    - data late or missing, data not shared, or an IT problem, while the dataset is now
      complete (a 'late' raised this review for data that came late is not stale).

    They are proposed, never closed: the core audit team decides."""
    status = {str(r["dataset"]): r for r in completeness.to_dict("records")}
    files: dict[str, list[str]] = {}
    for r in reconciliation.to_dict("records"):
        files.setdefault(str(r["dataset"]), []).append(str(r["file"]))
    out = []
    for row in log[log["status"] == "open"].to_dict("records"):
        done = status.get(row["dataset"])
        if done is None:
            continue
        if row["category"] == "incompatible format":
            reason = (
                _format_gone(
                    done,
                    files.get(row["dataset"], []),
                    asked_formats(expected_formats.get(row["dataset"], "")),
                )
                if row["raised_cycle"] != cycle
                else None
            )
        elif row["category"] in ("late", "unwilling to share", "IT problem"):
            reason = _data_complete(row, done, cycle)
        else:
            reason = None
        if reason:
            out.append(Proposal(str(row["id"]), reason))
    return out


def overdue_difficulties(log: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Open difficulties whose action was due before `on` (the review date)."""
    if "due" not in log.columns or log.empty:
        return log.iloc[0:0]
    dues = log["due"].map(due_date)
    late = (log["status"] == "open") & dues.map(lambda d: d is not None and d < on)
    return log[late.astype(bool)]


def escalated_difficulties(
    log: pd.DataFrame, on: dt.date, leave_out: Collection[str] = ()
) -> pd.DataFrame:
    """Open difficulties for the board: those the analyst escalated (a `board_note`) and
    those whose action is overdue on `on`, which are escalated automatically with a note
    saying so; `leave_out` holds the ids proposed for closing (their problem has gone). The
    board report's decisions and the planning pack both read this."""
    if log is None or log.empty:
        return pd.DataFrame(columns=[*COLUMNS, "board_note"])
    log = log[~log["id"].isin(list(leave_out))].copy()
    if "board_note" not in log.columns:
        log["board_note"] = ""
    log["board_note"] = log["board_note"].fillna("")
    overdue = overdue_difficulties(log, on).index
    for i in overdue:
        note = f"Action overdue: due {due_date(log.at[i, 'due']):%d %B %Y}, still open"
        log.at[i, "board_note"] = "; ".join(n for n in (log.at[i, "board_note"], note) if n)
    is_open = log["status"].fillna("") != "resolved"
    return log[is_open & (log["board_note"] != "")]


def cycle_order(log: pd.DataFrame, cycle: str, history: Sequence[str] = ()) -> list[str]:
    """The review cycles, oldest first, ending with this one: `history` (the cycles the
    `previous_cycle` links reach, oldest first: `store.identity.review_cycles`), which counts
    a review that logged nothing; before them the cycles the log names that the links do not
    reach, by id (ids sort in time when named as the guide suggests: 2024-25, 2025-26;
    2026-q1, 2026-q2)."""
    linked = [c for c in history if c != cycle]
    named = set(log["raised_cycle"]) | set(log["resolved_cycle"])
    return [*sorted(c for c in named if c and c != cycle and c not in linked), *linked, cycle]


@dataclass(frozen=True)
class GapAge:
    """A data gap still open: its dataset, the first review it was logged in, how many
    reviews it has stayed open since, and the difficulties that record it."""

    dataset: str
    since: str
    cycles_open: int
    ids: tuple[str, ...]
    descriptions: tuple[str, ...]

    def age_words(self) -> str:
        """How long the gap has been open, in words: 'new this review', or the review it was
        first logged in and the review cycles it has stayed open since."""
        if self.cycles_open == 0:
            return "new this review"
        n = self.cycles_open
        return f"open since {self.since}: {n} review cycle{'s' if n != 1 else ''}"


def gap_ages(
    log: pd.DataFrame,
    cycle: str,
    complete: Collection[str] = (),
    history: Sequence[str] = (),
) -> list[GapAge]:
    """Data gaps still open: open difficulties of the gap categories (unwilling to share,
    incompatible format, IT problem, late) for datasets not `complete` this review, one per
    dataset, oldest first, each with the number of review cycles it has been open (0: raised
    this review), counted over `cycle_order(log, cycle, history)`. A dataset complete this
    review has no gap, whatever its log still says."""
    order = cycle_order(log, cycle, history)
    gaps = log[
        (log["status"] == "open")
        & log["category"].isin(GAP_CATEGORIES)
        & ~log["dataset"].isin(list(complete))
    ]
    out = []
    for dataset, rows in gaps.groupby("dataset", sort=False):
        since = min(rows["raised_cycle"], key=lambda c: order.index(c) if c in order else 0)
        age = len(order) - 1 - order.index(since) if since in order else 0
        out.append(
            GapAge(
                str(dataset),
                str(since),
                age,
                tuple(rows["id"]),
                tuple(rows["description"]),
            )
        )
    return sorted(out, key=lambda g: (-g.cycles_open, g.dataset))
