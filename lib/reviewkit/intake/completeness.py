"""Data completeness: for every data request, did it arrive, on time, and with every period?"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from reviewkit.base.periods import MonthRange, expected_periods, period_label
from reviewkit.inputs.register import DataRequest
from reviewkit.intake.accounting import DatasetIntake
from reviewkit.store.receipts import received

STATUSES = ("complete", "partial", "unusable", "not received")


def received_date(request: DataRequest, files: list[Path]) -> tuple[dt.date | None, str]:
    """(date received, where the date came from): the register's `received`, else the receipt
    record (never a file's modification time)."""
    return received(request.received, files)


def completeness_row(
    request: DataRequest, intake: DatasetIntake, review: MonthRange, review_date: dt.date
) -> dict[str, object]:
    expected = expected_periods(review, request.period_type)
    present = set(intake.periods)
    missing = [p for p in expected if p not in present]
    totals = intake.totals()
    if not intake.files:
        status = "not received"
    elif totals["accepted"] == 0:
        status = "unusable"
    elif missing:
        status = "partial"
    else:
        status = "complete"
    got, source = received_date(request, intake.files) if intake.files else (None, "")
    if got is None:
        timeliness = "overdue" if review_date > request.due else "not yet due"
    else:
        timeliness = "late" if got > request.due else "on time"
    after_review = got is not None and got > review_date
    labels = [period_label(pd.Period(p, "M"), request.period_type) for p in missing]
    return {
        "dataset": request.dataset,
        "description": request.description,
        "provider": request.provider,
        "gatherer": request.gatherer,
        "analyst": request.analyst,
        "frequency": request.frequency,
        "due": request.due.isoformat(),
        "received": got.isoformat() if got else "",
        "received_from": source,
        "received_after_review_date": after_review,
        "status": status,
        "timeliness": timeliness,
        "files": len(intake.files),
        "periods_expected": len(expected),
        "periods_present": len(expected) - len(missing),
        "missing_periods": ", ".join(labels),
        **{k: v for k, v in totals.items()},
    }
