"""What the intake and progress steps found, as the records they leave beside their tables
(`intake.json`, `progress.json`): their fields, and how they are written and read.

`CycleStore` (reviewkit.store.tables) writes and reads them with these; no module above the
store opens the files (`tests/test_catalogue.py` holds it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative

__all__ = ["IntakeSummary", "ProgressSummary", "read_summary", "write_summary"]


class IntakeSummary(TypedDict, total=False):
    """What the intake step found, by police or partner dataset (a cycle written by an earlier
    version may lack a key: a reader takes a missing one as empty)."""

    notes: dict[str, list[str]]  # what the reader said of each dataset
    dropped_columns: dict[str, list[str]]  # personal-looking columns dropped at intake
    difficulties_added: list[str]  # ids of the difficulties this cycle raised
    difficulties_resolved: list[str]  # ids of those it resolved
    parse_seconds: dict[str, float]
    parsed_from_cache: dict[str, int]  # files whose parse came from the cache
    # the months each police dataset's files brought (a month with no record in the area is a
    # zero; one that never arrived is missing)
    months: dict[str, list[str]]


class ProgressSummary(TypedDict):
    """What the progress step found: how many indicators (and how many assessable), how many
    initiatives, and the ids of those to re-assess."""

    indicators: int
    assessable: int
    initiatives: int
    reassess: list[str]


def write_summary(path: Path, summary: Any, *, sort_keys: bool) -> None:
    """Write a step's summary as indented JSON (keys sorted or as given), ending in a newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, sort_keys=sort_keys) + "\n", encoding="utf-8")


def read_summary(path: Path) -> dict[str, Any]:
    """A step's summary as written; ReviewError naming the file when it is missing or is not
    a JSON object (changed or cut short after its step wrote it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewError(
            f"{relative(path)} is missing: its step has not run in this folder; run it first."
        ) from None
    except (OSError, ValueError) as exc:
        data = exc
    if not isinstance(data, dict):
        raise ReviewError(
            f"{relative(path)} cannot be read (it was changed or cut short after its step "
            "wrote it); run the step again."
        )
    return data
