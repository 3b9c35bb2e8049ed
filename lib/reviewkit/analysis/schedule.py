"""The year between two reviews, in dates: when each dataset is due, and what each core audit
team meeting reviews.

A data request's due dates follow its frequency: monthly data is due a lag after each month
ends, quarterly data a lag after each quarter ends, annual data once, a lag after the review
period ends. The lag is the register's `lag_days`, else the days from the end of this review
period to the request's `due` date (so a register without the field keeps its one due date
for the whole period's data). Each meeting reviews what falls due since the one before it:
the data, the initiatives' milestones and the difficulties' actions; the first also takes
what is already overdue, and the next review takes what falls due after the last meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.base.periods import MonthRange, expected_periods, period_label
from reviewkit.inputs.register import DataRequest, Register
from reviewkit.inputs.strategy import Strategy
from reviewkit.intake.difficulties import due_date

# the period each frequency delivers, as base.periods names period types
_PERIOD_TYPE = {"monthly": "month", "quarterly": "quarter"}
_MONTHS = {"month": 1, "quarter": 3}


def month_end(month: pd.Period) -> dt.date:
    """The last day of a month."""
    return month.end_time.date()


def _label(start: pd.Period, kind: str) -> str:
    """A period as the pack names it: `Oct 2026`, `Oct-Dec 2026`."""
    return start.strftime("%b %Y") if kind == "month" else period_label(start, kind)


def lag_days(request: DataRequest, review: MonthRange) -> int:
    """Days after a period ends that its data is due: the register's `lag_days`, else the
    days from the end of the review period to `due` (0 when `due` is earlier)."""
    if request.lag_days is not None:
        return request.lag_days
    return max((request.due - month_end(review.end)).days, 0)


@dataclass(frozen=True)
class Delivery:
    """One delivery of a data request: the period it covers and the date it is due."""

    dataset: str
    description: str
    provider: str
    period: str  # how the period is named: 2026-10, Oct-Dec 2026, Oct 2026 to Sep 2027
    due: dt.date


def deliveries(request: DataRequest, period: MonthRange, lag: int) -> list[Delivery]:
    """The deliveries a data request owes for `period` (the next review period), by its
    frequency: one per month, one per calendar quarter wholly inside the period, or one for
    the whole period (annual)."""
    kind = _PERIOD_TYPE.get(request.frequency)
    if kind is None:
        spans = [(period.describe(), period.end)]
    else:
        starts = [pd.Period(s, "M") for s in expected_periods(period, kind)]
        spans = [(_label(s, kind), s + (_MONTHS[kind] - 1)) for s in starts]
    return [
        Delivery(
            request.dataset,
            request.description,
            request.provider,
            label,
            month_end(last) + dt.timedelta(days=lag),
        )
        for label, last in spans
    ]


def schedule(register: Register, review: MonthRange, cycle_months: int) -> list[Delivery]:
    """Every delivery the register's data requests owe for the next review period, by due
    date (then by the register's order)."""
    nxt = review.shift(cycle_months)
    out = [
        d
        for request in register.data_requests
        for d in deliveries(request, nxt, lag_days(request, review))
    ]
    order = {r.dataset: i for i, r in enumerate(register.data_requests)}
    return sorted(out, key=lambda d: (d.due, order[d.dataset]))


@dataclass(frozen=True)
class MilestoneDue:
    """A milestone not done that falls due by a date: its initiative, lead agency and due
    date, for the planning pack's meetings."""

    initiative: str
    lead_agency: str
    milestone: str
    due: dt.date


def milestones_due(strategy: Strategy, until: dt.date) -> list[MilestoneDue]:
    """Milestones not done that fall due by `until` (overdue ones included), by due date."""
    out = [
        MilestoneDue(ini.name, ini.lead_agency, m.name, m.due)
        for ini in strategy.initiatives
        for m in ini.milestones
        if m.done is None and m.due <= until
    ]
    return sorted(out, key=lambda m: m.due)


@dataclass
class Meeting:
    """A core audit team meeting, or the next review (`is_review`), and what it reviews:
    what falls due after `since` up to its date (the first meeting also takes everything
    overdue or undated)."""

    date: dt.date
    since: dt.date
    is_review: bool = False
    data: list[Delivery] = field(default_factory=list)
    milestones: list[MilestoneDue] = field(default_factory=list)
    difficulties: list[dict[str, str]] = field(default_factory=list)  # rows of the log


def _falls(when: dt.date | None, window: tuple[dt.date | None, dt.date]) -> bool:
    """Whether a due date belongs to a meeting whose window is (after, up to and including);
    the first meeting's window has no start: it takes what is overdue, and what has no date."""
    after, until = window
    if after is None:
        return when is None or when <= until
    return when is not None and after < when <= until


def agendas(
    dates: list[dt.date],
    review_date: dt.date,
    next_review: dt.date,
    due: tuple[list[Delivery], list[MilestoneDue], pd.DataFrame],
) -> list[Meeting]:
    """Each meeting in `dates`, then the next review, with the data, milestones and open
    difficulties' actions due by then. `due` holds the deliveries, the milestones and the
    difficulties log; data due after the next review is left to the review after it."""
    deliveries_, milestones, log = due
    open_ = log[log["status"] == "open"].to_dict("records")
    stops = [*dates, next_review]
    out = []
    for i, day in enumerate(stops):
        since = review_date if i == 0 else stops[i - 1]
        window = (None if i == 0 else since, day)
        out.append(
            Meeting(
                day,
                since,
                is_review=i == len(stops) - 1,
                data=[d for d in deliveries_ if _falls(d.due, window)],
                milestones=[m for m in milestones if _falls(m.due, window)],
                difficulties=[r for r in open_ if _falls(due_date(r.get("due", "")), window)],
            )
        )
    return out
