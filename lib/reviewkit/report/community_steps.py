"""What happens next, for residents: each priority's dated next steps, from the milestones of
its initiatives, in the public names the strategy gives.

A next step is a milestone not yet done of an initiative not yet complete: one due after the
review date ("By March 2027: ..."), or one overdue at it, said as running late. Steps are in
date order. The same list decides whether a final paper may go out (`run.signoff`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewkit.inputs.strategy import Initiative, Strategy


@dataclass(frozen=True)
class NextStep:
    """One dated step residents are told of."""

    priority: str
    initiative: str  # the initiative's id
    scheme: str  # the initiative's public name, else its own name
    step: str  # the milestone's public name, else its own name
    due: dt.date
    late: bool  # overdue at the review date

    def words(self) -> str:
        """The step in a resident's words, its date first."""
        when = date_words(self.due)
        said = f"{self.step} ({self.scheme})"
        if self.late:
            return f"Running late (planned by {when}): {said}."
        return f"By {when}: {said}."


def date_words(day: dt.date) -> str:
    """A date as residents say it: 'March 2027' for a month's last day, else '15 March 2027'."""
    last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    month = f"{day:%B %Y}"
    return month if day == last else f"{day.day} {month}"


def scheme_name(ini: Initiative) -> str:
    """The initiative's name for residents: its public name, else (a draft only) its own."""
    return ini.public_name or ini.name


def next_steps(strategy: Strategy, as_of: dt.date, finished: set[str]) -> list[NextStep]:
    """Every next step of the strategy, in date order (then the strategy's order): milestones
    not done of initiatives not in `finished` (the ids whose status is complete)."""
    steps = [
        NextStep(
            ini.priority,
            ini.id,
            scheme_name(ini),
            m.public_name or m.name,
            m.due,
            m.due < as_of,
        )
        for ini in strategy.initiatives
        if ini.id not in finished
        for m in ini.milestones
        if m.done is None
    ]
    return sorted(steps, key=lambda s: s.due)  # stable: the strategy's order among equal dates
