"""Is the community update ready to publish? What it still lacks to tell residents what
happens next and how to get involved, each said with what to add and where.

`final_gaps` are what a final paper refuses on (`run.signoff`): no dated next step at all, no
meeting still to come, no way to contact the partnership, an initiative without a public
name, a public name that speaks to the analyst. `involvement_gaps` adds, for a draft's box,
what is worth fixing but does not stop publication (a priority with no dated step, the old
`report.contact` key).
"""

from __future__ import annotations

from reviewkit.base.paths import relative
from reviewkit.inputs.params import CycleParams, contact_deprecation
from reviewkit.inputs.strategy import Strategy
from reviewkit.report.analyst_text import analyst_text
from reviewkit.report.community_involved import contact, published_on, upcoming_meetings
from reviewkit.report.community_steps import NextStep


def _day(params: CycleParams) -> str:
    day = published_on(params)
    return f"{day.day} {day:%B %Y}"


def final_gaps(params: CycleParams, strategy: Strategy, steps: list[NextStep]) -> list[str]:
    """Why the community update cannot be published as it is (empty when it can)."""
    where = relative(params.path("strategy"))
    return (
        _steps_gaps(steps, where)
        + _involvement(params)
        + _unnamed(strategy, where)
        + _speaking_to_the_analyst(strategy, steps, where)
    )


def _steps_gaps(steps: list[NextStep], where: str) -> list[str]:
    if steps:
        return []
    return [
        "the community update has no dated next step: give the initiatives' milestones "
        f"that are still to do a due date (key 'initiatives.N.milestones' in {where}); "
        "a milestone done has its 'done' date and is not a next step"
    ]


def _involvement(params: CycleParams) -> list[str]:
    out = []
    if not upcoming_meetings(params):
        out.append(
            "the community update offers no meeting to come to: add the next meetings on or "
            f"after {_day(params)} (date, time, place, link) under community.meetings in the "
            "params (meetings before the update is published are not offered)"
        )
    if not contact(params):
        out.append(
            "the community update says no way to contact the partnership: add "
            "community.contact (an email, phone number or address) in the params"
        )
    return out


def _unnamed(strategy: Strategy, where: str) -> list[str]:
    return [
        f"initiative '{ini.id}' has no public name, so residents would read its own "
        f"name ('{ini.name}'): add the name residents know it by (key "
        f"'initiatives.{k}.public_name' in {where})"
        for k, ini in enumerate(strategy.initiatives)
        if not ini.public_name
    ]


def _speaking_to_the_analyst(strategy: Strategy, steps: list[NextStep], where: str) -> list[str]:
    shown = [ini.public_name for ini in strategy.initiatives] + [s.step for s in steps]
    return [
        f"{where}: the public name '{text}' names what only the analyst acts on "
        f"({', '.join(leaks)}): say it in residents' words"
        for text in dict.fromkeys(t for t in shown if t)
        if (leaks := analyst_text(text, []))
    ]


def involvement_gaps(params: CycleParams, strategy: Strategy, steps: list[NextStep]) -> list[str]:
    """Everything a draft update's box tells the analyst: the final gaps, then each priority
    with no dated step, and the old contact key."""
    out = final_gaps(params, strategy, steps)
    if steps:
        have = {s.priority for s in steps}
        out += [
            f"Priority '{p.name}' has no dated next step: residents read that none is "
            "planned. Give one of its initiatives a milestone still to do (due date), or "
            "add an initiative for it to the strategy."
            for p in strategy.priorities
            if p.id not in have
        ]
    moved = contact_deprecation(params)
    if moved:
        out.append(moved + ".")
    return [s[0].upper() + s[1:] for s in out]
