"""Initiative status from milestones, dates and updates, and the re-assessment rule.

Status from milestones (as at the review date):
- not started: the start date is after the review date;
- complete: every milestone is done and the end date has passed, or the latest update says so
  and no milestone is overdue;
- on track: no milestone is overdue;
- at risk: one milestone overdue by no more than `grace_days` (default 90);
- off track: more than one milestone overdue, or one overdue by more than `grace_days`.
The status shown is the worse of this and the lead agency's latest reported status.

An initiative is flagged for re-assessment when it is off track; when any indicator it is meant
to move shows special-cause concern; when an output measure is behind its plan
(`analysis.outputs`); or when it has run at least `reassess_after_months` and
none of its indicators has improved (a change beyond chance in the right direction). An
indicator that cannot be assessed is named, since the initiative cannot be judged on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.analysis.indicators import IndicatorResult
from reviewkit.analysis.outputs import OutputResult
from reviewkit.base.formatting import DIRECTION_WORDS
from reviewkit.inputs.strategy import Initiative, StatusUpdate

COLUMNS = [
    "id",
    "name",
    "priority",
    "lead_agency",
    "start",
    "end",
    "status",
    "milestone_status",
    "reported_status",
    "milestones",
    "overdue_milestones",
    "next_milestone",
    "indicators",
    "indicator_movement",
    "latest_update",
    "reassess",
    "reassess_reasons",
]
ORDER = {"complete": 0, "not started": 0, "on track": 1, "at risk": 2, "off track": 3}


@dataclass
class InitiativeResult:
    """One initiative assessed: its status, milestones, indicators' movement and whether to
    re-assess it, with the reasons."""

    id: str
    name: str
    priority: str
    lead_agency: str
    start: str
    end: str
    status: str
    milestone_status: str
    reported_status: str
    milestones_done: int
    milestones_total: int
    overdue: list[str] = field(default_factory=list)
    next_milestone: str = ""
    latest_note: str = ""
    indicators: list[str] = field(default_factory=list)
    movement: str = ""
    reassess: bool = False
    reasons: list[str] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        """The result as a row of the `initiative_status` table, lists joined into text."""
        return {
            "id": self.id,
            "name": self.name,
            "priority": self.priority,
            "lead_agency": self.lead_agency,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "milestone_status": self.milestone_status,
            "reported_status": self.reported_status,
            "milestones": f"{self.milestones_done} of {self.milestones_total} done",
            "overdue_milestones": "; ".join(self.overdue),
            "next_milestone": self.next_milestone,
            "indicators": ", ".join(self.indicators),
            "indicator_movement": self.movement,
            "latest_update": self.latest_note,
            "reassess": self.reassess,
            "reassess_reasons": "; ".join(self.reasons),
        }


def milestone_status(
    ini: Initiative, as_of: dt.date, grace_days: int = 90
) -> tuple[str, list[str]]:
    """Status from dates and milestones alone, and the overdue milestones."""
    if ini.start > as_of:
        return "not started", []
    overdue = [m for m in ini.milestones if m.done is None and m.due < as_of]
    names = [f"{m.name} (due {m.due:%d %b %Y})" for m in overdue]
    all_done = all(m.done is not None for m in ini.milestones)
    if all_done and ini.end <= as_of:
        return "complete", []
    if not overdue:
        return "on track", []
    late = max((as_of - m.due).days for m in overdue)
    if len(overdue) == 1 and late <= grace_days:
        return "at risk", names
    return "off track", names


def overall_status(
    ini: Initiative, as_of: dt.date, grace_days: int = 90
) -> tuple[str, str, str, list[str]]:
    """(status shown, status from milestones, the lead agency's latest status, overdue
    milestones): the worse of the milestones' and the lead agency's, except that the lead
    agency's "complete" stands when no milestone is overdue."""
    computed, overdue = milestone_status(ini, as_of, grace_days)
    latest = latest_update(ini, as_of)
    reported = latest.status if latest and latest.status else ""
    if reported == "complete" and not overdue:
        status = "complete"
    elif reported and ORDER.get(reported, 0) > ORDER.get(computed, 0):
        status = reported
    else:
        status = computed
    return status, computed, reported, overdue


def latest_update(ini: Initiative, as_of: dt.date) -> StatusUpdate | None:
    """The lead agency's latest update on or before `as_of` (None when there is none)."""
    updates = sorted((u for u in ini.updates if u.date <= as_of), key=lambda u: u.date)
    return updates[-1] if updates else None


def next_milestone(ini: Initiative, as_of: dt.date) -> str:
    """The next milestone not yet done and not yet due, with its date ('' when none is left)."""
    upcoming = sorted(
        (m for m in ini.milestones if m.done is None and m.due >= as_of), key=lambda m: m.due
    )
    return f"{upcoming[0].name} (due {upcoming[0].due:%d %b %Y})" if upcoming else ""


@dataclass(frozen=True)
class Movement:
    """What an initiative's indicators did: words for each, whether any improved, and the
    reasons they give to re-assess it."""

    words: list[str]
    improved: bool
    reasons: list[str]


def indicator_movement(ini: Initiative, indicators: dict[str, IndicatorResult]) -> Movement:
    """How each of the initiative's indicators moved, read from its verdict."""
    moves: list[str] = []
    reasons: list[str] = []
    improved = False
    for ind_id in ini.indicators:
        r = indicators.get(ind_id)
        if r is None:
            continue
        v = r.verdict()
        if not v.assessable:
            moves.append(f"{r.name}: cannot be assessed (its data is incomplete)")
            reasons.append(f"cannot be judged on {r.name}: its data is incomplete")
            continue
        if v.change == "not comparable":  # not a reason to re-assess: the recording changed
            types = " and ".join(t.lower() for t in v.recording_types)
            moves.append(f"{r.name}: not comparable (a change in how {types} is recorded)")
            continue
        moves.append(f"{r.name}: {DIRECTION_WORDS.get(r.direction, r.direction).lower()}")
        improved = improved or v.change == "improved"
        if v.spc == "special cause concern":
            reasons.append(f"{r.name} shows special cause concern at the latest point")
    return Movement(moves, improved, reasons)


def delivery_reasons(outputs: list[OutputResult]) -> list[str]:
    """Output measures behind their plan, as reasons to re-assess."""
    return [
        f"behind its plan: {o.output}, {o.delivered:,.0f} delivered against "
        f"{o.expected_by_now:,.0f} expected by now ({o.planned:,.0f} by {o.by:%b %Y})"
        for o in outputs
        if o.status == "behind plan" and o.delivered is not None and o.expected_by_now is not None
    ]


def months_running(ini: Initiative, as_of: dt.date) -> int:
    """Whole calendar months from the initiative's start to `as_of`."""
    return (as_of.year - ini.start.year) * 12 + as_of.month - ini.start.month


def reassess_reasons(
    ini: Initiative,
    as_of: dt.date,
    indicators: dict[str, IndicatorResult],
    status: str,
    overdue: list[str],
    moved: Movement,
    outputs: list[OutputResult],
    reassess_after_months: int,
) -> list[str]:
    """Why to re-assess the initiative (empty: no reason), in the order the board reads them:
    off track first, then its indicators, its delivery, and no improvement after a while."""
    reasons = list(moved.reasons) + delivery_reasons(outputs)
    if status == "off track":
        reasons.insert(0, "off track: " + ("; ".join(overdue) if overdue else "reported off track"))
    running = months_running(ini, as_of)
    judged = [
        i
        for i in ini.indicators
        if i in indicators and indicators[i].assessable and not indicators[i].not_comparable
    ]
    active = status not in ("complete", "not started")
    if active and running >= reassess_after_months and judged and not moved.improved:
        reasons.append(f"no improvement beyond chance in its indicators after {running} months")
    return reasons


def assess_initiative(
    ini: Initiative,
    as_of: dt.date,
    indicators: dict[str, IndicatorResult],
    reassess_after_months: int = 12,
    grace_days: int = 90,
    outputs: list[OutputResult] | None = None,
) -> InitiativeResult:
    """An initiative's status, its indicators' movement, and whether to re-assess it (the rule
    in this module's docstring), with its output measures' delivery against plan."""
    status, computed, reported, overdue = overall_status(ini, as_of, grace_days)
    latest = latest_update(ini, as_of)
    moved = indicator_movement(ini, indicators)
    reasons = reassess_reasons(
        ini, as_of, indicators, status, overdue, moved, outputs or [], reassess_after_months
    )
    active = status not in ("complete", "not started")
    return InitiativeResult(
        id=ini.id,
        name=ini.name,
        priority=ini.priority,
        lead_agency=ini.lead_agency,
        start=ini.start.isoformat(),
        end=ini.end.isoformat(),
        status=status,
        milestone_status=computed,
        reported_status=reported,
        milestones_done=sum(1 for m in ini.milestones if m.done is not None),
        milestones_total=len(ini.milestones),
        overdue=overdue,
        next_milestone=next_milestone(ini, as_of),
        latest_note=latest.note if latest else "",
        indicators=list(ini.indicators),
        movement="; ".join(moved.words),
        reassess=status == "off track" or (bool(reasons) and active),
        reasons=reasons,
    )


def assess_all(
    initiatives: list[Initiative],
    as_of: dt.date,
    indicators: dict[str, IndicatorResult],
    reassess_after_months: int = 12,
    outputs: list[OutputResult] | None = None,
) -> tuple[pd.DataFrame, list[InitiativeResult]]:
    """Every initiative assessed: the `initiative_status` table and the typed results."""
    results = [
        assess_initiative(
            i,
            as_of,
            indicators,
            reassess_after_months,
            outputs=[o for o in outputs or [] if o.initiative == i.id],
        )
        for i in initiatives
    ]
    return pd.DataFrame([r.row() for r in results], columns=COLUMNS), results
