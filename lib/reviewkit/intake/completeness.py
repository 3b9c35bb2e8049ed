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


def arrival_status(has_files: bool, accepted: int, missing: bool) -> str:
    """Whether a data request arrived whole: not received, unusable (no row accepted),
    partial (periods missing) or complete."""
    if not has_files:
        return "not received"
    if accepted == 0:
        return "unusable"
    return "partial" if missing else "complete"


def received_on(request: DataRequest, intake: DatasetIntake) -> tuple[dt.date | None, str]:
    """When the data arrived and how that is known; (None, "") when unknown, or when the date
    given cannot be true (after `date_notes` flags it, it is never used as if it were)."""
    if request.received is not None and impossible_date(request.received, intake.periods):
        return None, ""  # never used, nor recorded for next time
    if intake.files:
        got, source = received_date(request, intake.files)
    else:  # the register's date is kept even when no file is found: it says when data came
        got, source = request.received, FROM_REGISTER if request.received else ""
    if got is not None and impossible_date(got, intake.periods):
        return None, ""
    return got, source


def timeliness_of(got: dt.date | None, has_files: bool, due: dt.date, review_date: dt.date) -> str:
    """On time or late against the due date; for data not received, overdue or not yet due by
    the review date; 'date unknown' for files whose arrival cannot be dated."""
    if got is None and has_files:
        return "date unknown"
    if got is None:
        return "overdue" if review_date > due else "not yet due"
    return "late" if got > due else "on time"


def completeness_row(
    request: DataRequest, intake: DatasetIntake, review: MonthRange, review_date: dt.date
) -> dict[str, object]:
    """One data request's row of the completeness table: whether it arrived whole, when and
    how that date is known, whether on time, the periods missing, and its rows' outcomes."""
    expected = expected_periods(review, request.period_type)
    present = set(intake.periods)
    missing = [p for p in expected if p not in present]
    totals = intake.totals()
    status = arrival_status(bool(intake.files), totals["accepted"], bool(missing))
    got, source = received_on(request, intake)
    timeliness = timeliness_of(got, bool(intake.files), request.due, review_date)
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
