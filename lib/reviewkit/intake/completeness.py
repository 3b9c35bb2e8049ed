"""Data completeness: for every data request, did it arrive, on time, and with every period?"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from reviewkit.base.periods import MonthRange, expected_periods, period_label
from reviewkit.inputs.register import DataRequest
from reviewkit.intake.accounting import DatasetIntake
from reviewkit.store.receipts import FROM_REGISTER, receipt_problems, received

STATUSES = ("complete", "partial", "unusable", "not received")


def date_notes(request: DataRequest, intake: DatasetIntake) -> list[str]:
    """What is wrong with the dataset's received date, for check and the data quality page: a
    row of the receipt record set aside, or a date that cannot be true."""
    if not intake.files:
        return []
    notes = [
        f"{line}: the received date of these files is unknown"
        for line in receipt_problems(intake.files)
    ]
    got, source = (
        (request.received, FROM_REGISTER)
        if request.received is not None
        else received_date(request, intake.files)
    )  # the register's date is judged before it is written into the receipt record
    why = impossible_date(got, intake.periods) if got is not None else None
    if why:
        fix = (
            "correct 'received' in the data request register"
            if source == FROM_REGISTER
            else "correct first_seen in the receipt record, or set 'received' in the register"
        )
        notes.append(f"{why} (date from the {source}); it is not used: {fix}.")
    return notes


def received_date(request: DataRequest, files: list[Path]) -> tuple[dt.date | None, str]:
    """(date received, where the date came from): the register's `received`, else the receipt
    record (never a file's modification time)."""
    return received(request.received, files)


def impossible_date(got: dt.date, periods: list[str], today: dt.date | None = None) -> str | None:
    """Why a received date cannot be true, or None: after today, or before the newest period
    the files hold begins (a receipt of 2019 for files of 2026)."""
    today = today or dt.date.today()
    if got > today:
        return f"received {got:%d %B %Y} is after today"
    starts = []
    for p in periods:
        try:
            starts.append(pd.Period(p, "M"))
        except ValueError:
            continue
    if starts and got < max(starts).start_time.date():
        newest = max(starts)
        return (
            f"received {got:%d %B %Y} is before the data it holds ({newest:%B %Y}), so it "
            "cannot be when the files arrived"
        )
    return None


def completeness_row(
    request: DataRequest, intake: DatasetIntake, review: MonthRange, review_date: dt.date
) -> dict[str, object]:
    """One data request's row of the completeness table: whether it arrived whole, when and
    how that date is known, whether on time, the periods missing, and its rows' outcomes."""
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
    if request.received is not None and impossible_date(request.received, intake.periods):
        got, source = None, ""  # flagged by `date_notes`; never used, nor recorded for next time
    elif intake.files:
        got, source = received_date(request, intake.files)
    else:  # the register's date is kept even when no file is found: it says when data came
        got, source = request.received, FROM_REGISTER if request.received else ""
    if got is not None and impossible_date(got, intake.periods):
        got, source = None, ""  # flagged by `date_notes`; never used as if true
    if got is None and intake.files:
        timeliness = "date unknown"
    elif got is None:
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
