"""The core audit team in the params: its members, its meetings up to the next review, and
who owns the next review and when it is.

The Home Office guidance asks that the core audit team keep meeting between reviews (e.g.
quarterly) so that data requests and difficulties are tackled during the review period, not
found again at the next review. The planning pack lists these meetings with what each one
reviews (`analysis/schedule.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator, model_validator

from reviewkit.base.periods import add_months
from reviewkit.inputs.strict import Strict


class Member(Strict):
    """One member of the core audit team."""

    name: str = Field(min_length=1)
    role: str = Field(min_length=1, description="e.g. Community safety analyst")
    agency: str = Field(min_length=1, description="the agency the member speaks for")


class NextReview(Strict):
    """Who owns the next review, and when it is carried out."""

    owner: str = Field(min_length=1, description="a member's name")
    date: dt.date | None = Field(
        None, description="default: the review date moved on one cycle (12 or 3 months)"
    )


class Meetings(Strict):
    """The core audit team's meetings up to the next review: given date by date, or every
    `every_months` months from `first`."""

    dates: list[dt.date] = Field(default_factory=list, description="the meetings' dates")
    first: dt.date | None = Field(
        None, description="first meeting; default the review date plus every_months"
    )
    every_months: int = Field(3, ge=1, le=12, description="3 = quarterly")
    place: str = Field("", description="where the team meets (room, or online)")

    @model_validator(mode="after")
    def _one_way(self) -> Meetings:
        if self.dates and self.first is not None:
            raise ValueError(
                "give the meetings either as dates (every date listed) or as first and "
                "every_months, not both"
            )
        if self.dates != sorted(set(self.dates)):
            raise ValueError(
                "meeting dates must be listed in order, each once "
                f"(given: {', '.join(str(d) for d in self.dates)})"
            )
        return self


class ReviewTeam(Strict):
    """The `review_team:` block of the params (docs/params.md#review_team)."""

    members: list[Member]
    next_review: NextReview
    meetings: Meetings | None = Field(
        None, description="none: the planning pack says no meetings are set"
    )

    @field_validator("members")
    @classmethod
    def _members(cls, value: list[Member]) -> list[Member]:
        if not value:
            raise ValueError("list at least one member of the core audit team (name, role, agency)")
        names = [m.name.strip().lower() for m in value]
        twice = sorted({m.name for m in value if names.count(m.name.strip().lower()) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice; list each member once")
        return value

    @model_validator(mode="after")
    def _owner_is_member(self) -> ReviewTeam:
        names = [m.name for m in self.members]
        if self.next_review.owner.strip().lower() not in {n.strip().lower() for n in names}:
            raise ValueError(
                f"next_review.owner '{self.next_review.owner}' is not a member of the core "
                f"audit team ({', '.join(names)}); add them under review_team.members or "
                "correct the name"
            )
        return self

    def member(self, name: str) -> Member | None:
        """The member of that name, matched ignoring case and surrounding spaces (None when
        the team has no such member)."""
        return next(
            (m for m in self.members if m.name.strip().lower() == name.strip().lower()), None
        )


def next_review_date(team: ReviewTeam | None, review_date: dt.date, cycle_months: int) -> dt.date:
    """The date of the next review: the team's, else the review date moved on one cycle."""
    if team is not None and team.next_review.date is not None:
        return team.next_review.date
    return add_months(review_date, cycle_months)


def meeting_dates(
    team: ReviewTeam | None, review_date: dt.date, next_review: dt.date
) -> list[dt.date]:
    """The meetings after the review date and before the next review, in order. Generated
    dates are counted from one anchor each time (first + k x every_months, or the review
    date + k x every_months), so a meeting on the 31st falls on the last day of a shorter
    month and returns to the 31st."""
    if team is None or team.meetings is None:
        return []
    m = team.meetings
    if m.dates:
        return list(m.dates)
    # without a first date, the meetings fall every_months after the review date, counted
    # from it (so a review on 30 November meets on 28 February, then 30 May)
    anchor, k = (m.first, 0) if m.first else (review_date, 1)
    out = []
    while (day := add_months(anchor, k * m.every_months)) < next_review:
        out.append(day)
        k += 1
    return out


def team_problems(
    team: ReviewTeam, review_date: dt.date, cycle_months: int, next_period_end: dt.date
) -> list[str]:
    """What is wrong with the team's dates against the review's own: the next review must
    come after the next review period ends, and every meeting between the two reviews."""
    nxt = next_review_date(team, review_date, cycle_months)
    problems = []
    if nxt <= next_period_end:
        problems.append(
            f"review_team.next_review.date {nxt} is not after the next review period ends "
            f"({next_period_end}); a review looks back on a finished period"
        )
    m = team.meetings
    given = (m.dates if m and m.dates else []) + ([m.first] if m and m.first else [])
    for day in given:
        if day <= review_date:
            problems.append(
                f"review_team.meetings: {day} is not after the review date ({review_date}); "
                "list the meetings between this review and the next"
            )
        elif day >= nxt:
            problems.append(
                f"review_team.meetings: {day} is not before the next review ({nxt}); "
                "list the meetings between this review and the next"
            )
    return problems


def move_on(data: dict[str, Any], months: int) -> list[str]:
    """Move the `review_team` block of params as written (a YAML mapping) on by `months`,
    for the next cycle's params: the next review's date and every meeting date. Returns
    notes on what was moved (none when the params have no team)."""
    team = data.get("review_team")
    if not isinstance(team, dict):
        return []

    def later(value: object) -> dt.date:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return add_months(day, months)

    nxt = team.get("next_review") or {}
    if nxt.get("date") is not None:
        nxt["date"] = later(nxt["date"])
    meetings = team.get("meetings") or {}
    if meetings.get("first") is not None:
        meetings["first"] = later(meetings["first"])
    if meetings.get("dates"):
        meetings["dates"] = [later(d) for d in meetings["dates"]]
    return [
        f"core audit team's meetings and next review moved on {months} months "
        "(review_team): check them against the team's calendar"
    ]
