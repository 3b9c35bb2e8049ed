"""The partnership's strategy: priorities, indicators (with baselines and targets) and
initiatives (with milestones and status updates), validated with errors that name the key."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import resolve
from reviewkit.base.periods import PeriodType
from reviewkit.inputs.blocks import params_month
from reviewkit.inputs.params import Period, Strict
from reviewkit.inputs.yaml_files import load_yaml, validate

Measure = Literal["count", "rate_per_1000_residents", "rate_per_1000_households", "proportion"]
MEASURES: tuple[Measure, ...] = get_args(Measure)
InitiativeStatus = Literal["not started", "on track", "at risk", "off track", "complete"]
INITIATIVE_STATUSES: tuple[InitiativeStatus, ...] = get_args(InitiativeStatus)


class AllExcept(Strict):
    """Every police.uk crime type except some: `{all_except: [Anti-social behaviour]}` is
    "all crime excluding anti-social behaviour", the usual headline measure."""

    all_except: list[str] = Field(min_length=1)


class Filter(Strict):
    """Which rows of the source dataset an indicator counts."""

    crime_types: list[str] | Literal["all"] | AllExcept | None = Field(
        None, description="police.uk crime types: a list, 'all', or {all_except: [...]}"
    )
    outcome_categories: list[str] | None = None
    measure: str | None = Field(None, description="partner datasets: the tidy measure name")

    def crime_type_names(self) -> list[str] | None:
        """The crime types as written (for checking): a list, every type, or all but some."""
        if self.crime_types is None:
            return None
        if self.crime_types == "all":
            return []
        if isinstance(self.crime_types, AllExcept):
            return list(self.crime_types.all_except)
        return list(self.crime_types)

    def crime_type_set(self) -> list[str] | None:
        """The tidy crime type names this filter keeps (legacy names mapped as at intake)."""
        from reviewkit.inputs.crime_types import ALL_NAMES, standard_crime_type

        if self.crime_types is None:
            return None
        if self.crime_types == "all":
            return list(ALL_NAMES)
        if isinstance(self.crime_types, AllExcept):
            drop = {standard_crime_type(c) or c for c in self.crime_types.all_except}
            return [c for c in ALL_NAMES if c not in drop]
        return sorted({standard_crime_type(c) or c for c in self.crime_types})


class Target(Strict):
    """A target value, or a % change from the baseline, to reach by a month."""

    value: float | None = None
    change_pct: float | None = None
    by: Period | str

    @model_validator(mode="after")
    def _one(self) -> Target:
        if (self.value is None) == (self.change_pct is None):
            raise ValueError("give exactly one of value or change_pct")
        for key in ("value", "change_pct"):
            v = getattr(self, key)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"{key} is {v}; give a number (e.g. -10 for a 10% fall)")
        if self.value is not None and self.value < 0:
            raise ValueError(
                f"value {self.value:g} is negative; a target is a count, rate or "
                "percentage of zero or more"
            )
        if self.change_pct is not None and self.change_pct < -100:
            raise ValueError(f"change_pct {self.change_pct:g} is a fall of more than 100%")
        return self

    @field_validator("by", mode="before")
    @classmethod
    def _month(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        return params_month(value)

    @property
    def by_month(self) -> str:
        """The month (YYYY-MM) the target is to be reached by: a period's last month."""
        return self.by if isinstance(self.by, str) else self.by.end


class Priority(Strict):
    """A priority of the strategy, with what it means and a sentence for residents."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str = ""
    community_message: str = Field(
        "", description="one plain sentence for residents on what the partnership is doing"
    )


class Indicator(Strict):
    """How progress on a priority is measured: which rows of a dataset are counted, as a
    count, rate or proportion, which way is better, and any baseline of its own and target."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    priority: str
    name: str
    plain_name: str = Field("", description="how residents would say it, e.g. 'burglaries'")
    dataset: str
    filter: Filter = Filter()
    numerator: Filter | None = Field(None, description="proportion: rows counted on top")
    measure: Measure = "count"
    period: PeriodType = "month"
    better: Literal["higher", "lower"]
    baseline: Period | None = None
    target: Target | None = None

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if self.measure == "proportion" and self.numerator is None:
            raise ValueError("a proportion needs 'numerator' (the rows counted on top)")
        if self.measure == "proportion" and (self.filter.measure is None) != (
            self.numerator is None or self.numerator.measure is None
        ):
            raise ValueError(
                "a proportion of partner measures needs 'filter.measure' (the "
                "whole) and 'numerator.measure' (the part); a police proportion "
                "needs neither"
            )
        return self


def public_words(cls: type, value: Any) -> Any:
    """A public name as residents read it: one line, trimmed; only spaces is a mistake, and
    none (`null`) is no public name."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value  # the type check says what is wrong
    text = " ".join(value.split())
    if value and not text:
        raise ValueError("public_name is blank: write the name residents know, or leave it out")
    return text


class Milestone(Strict):
    """A step of an initiative, its due date, and the date it was done (None: not yet)."""

    name: str
    public_name: str = Field(
        "", description="the step in residents' words (the community update); else its name"
    )
    due: dt.date
    done: dt.date | None = None

    public_words = field_validator("public_name", mode="before")(public_words)


class StatusUpdate(Strict):
    """The lead agency's update on an initiative in a review cycle: its status and a note."""

    cycle: str
    date: dt.date
    status: InitiativeStatus | None = None
    note: str = ""


class OutputMeasure(Strict):
    """What an initiative delivers (homes secured, sessions run), counted from a partner's
    returns against a planned figure by a date: the initiative's own assessment criteria."""

    name: str = Field(description="what is delivered, in plain words, e.g. 'homes given locks'")
    dataset: str = Field(description="the data request that carries the returns")
    measure: str = Field(description="the measure in that dataset, e.g. 'homes_secured'")
    planned: float = Field(gt=0, description="the figure planned by the date `by`")
    by: dt.date
    start: dt.date | None = Field(None, description="counted from; the initiative's start")


class Initiative(Strict):
    """Work a lead agency does for a priority, from start to end: the indicators it is meant
    to move, its milestones, status updates and output measures."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    public_name: str = Field(
        "", description="the scheme's name for residents (the community update), not its own"
    )
    priority: str
    lead_agency: str
    description: str = ""
    start: dt.date
    end: dt.date
    indicators: list[str] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    updates: list[StatusUpdate] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list, description="other initiatives")
    outputs: list[OutputMeasure] = Field(
        default_factory=list, description="what it delivers against a plan (output measures)"
    )

    public_words = field_validator("public_name", mode="before")(public_words)

    @model_validator(mode="after")
    def _dates(self) -> Initiative:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        for k, o in enumerate(self.outputs):
            if o.by < (o.start or self.start):
                raise ValueError(
                    f"outputs.{k}.by {o.by} is before the output is counted from "
                    f"{o.start or self.start}"
                )
        return self


class Strategy(Strict):
    """The partnership's strategy: its priorities, indicators and initiatives, each id used
    once and every reference between them checked."""

    partnership: str
    strategy_start: str | None = Field(
        None, description="YYYY-MM the strategy began; SPC charts can rebase here"
    )
    priorities: list[Priority]
    indicators: list[Indicator]
    initiatives: list[Initiative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Strategy:
        if not self.priorities or not self.indicators:
            raise ValueError(
                "the strategy needs at least one priority and one indicator "
                "(keys 'priorities' and 'indicators'); see docs/inputs.md"
            )
        problems = (
            _duplicate_ids(self)
            + _indicator_problems(self)
            + _initiative_problems(self)
            + _circle_problems(self)
        )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def indicator(self, ind_id: str) -> Indicator:
        """The indicator with that id (which must be one of the strategy's)."""
        return next(i for i in self.indicators if i.id == ind_id)

    def priority(self, pid: str) -> Priority:
        """The priority with that id (which must be one of the strategy's)."""
        return next(p for p in self.priorities if p.id == pid)


def _duplicate_ids(s: Strategy) -> list[str]:
    """An id used twice among the priorities, the indicators or the initiatives."""
    problems = []
    for kind, items in (
        ("priority", s.priorities),
        ("indicator", s.indicators),
        ("initiative", s.initiatives),
    ):
        ids = [x.id for x in items]
        dups = sorted({x for x in ids if ids.count(x) > 1})
        if dups:
            problems.append(
                f"{kind} id(s) {', '.join(dups)} used more than once: give each its own id"
            )
    return problems


def _indicator_problems(s: Strategy) -> list[str]:
    """An indicator under an unknown priority, or with a target due before its baseline ends."""
    pids = [p.id for p in s.priorities]
    problems = []
    for k, ind in enumerate(s.indicators):
        if ind.priority not in pids:
            problems.append(
                f"key 'indicators.{k}.priority': '{ind.priority}' is not a "
                f"priority id (known: {', '.join(pids)})"
            )
        if ind.target and ind.baseline and ind.target.by_month < ind.baseline.end:
            problems.append(
                f"key 'indicators.{k}.target.by': {ind.target.by_month} is "
                f"before the baseline ends ({ind.baseline.end})"
            )
    return problems


def _initiative_problems(s: Strategy) -> list[str]:
    """An initiative naming a priority, an indicator or an initiative the strategy lacks."""
    pids, iids = [p.id for p in s.priorities], [i.id for i in s.indicators]
    nids = [n.id for n in s.initiatives]
    problems = []
    for k, ini in enumerate(s.initiatives):
        if ini.priority not in pids:
            problems.append(
                f"key 'initiatives.{k}.priority': '{ini.priority}' is not a priority id"
            )
        problems += [
            f"key 'initiatives.{k}.indicators': '{ref}' is not an "
            f"indicator id (known: {', '.join(iids)})"
            for ref in ini.indicators
            if ref not in iids
        ]
        problems += [
            f"key 'initiatives.{k}.depends_on': '{ref}' is not an initiative id"
            for ref in ini.depends_on
            if ref not in nids
        ]
    return problems


def _circle_problems(s: Strategy) -> list[str]:
    """Initiatives that depend on each other in a circle."""
    cycle = _find_cycle({n.id: n.depends_on for n in s.initiatives})
    if not cycle:
        return []
    return [
        "key 'initiatives': they depend on each other in a circle ("
        + " -> ".join(cycle)
        + "); remove one of the depends_on links"
    ]


def _find_cycle(graph: dict[str, list[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt in graph and not state.get(nxt):
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if not state.get(node):
            found = visit(node)
            if found:
                return found
    return []


def load_strategy(path: str | Path, datasets: list[str] | None = None) -> Strategy:
    """Read and validate the strategy; with `datasets`, check every indicator's source exists."""
    source = resolve(path)
    strategy = validate(Strategy, load_yaml(source, "strategy"), source)
    if datasets is not None:
        bad = [
            f"{source}: key 'indicators.{k}.dataset': '{ind.dataset}' is not in the data "
            f"request register (known: {', '.join(datasets)})"
            for k, ind in enumerate(strategy.indicators)
            if ind.dataset not in datasets
        ] + [
            f"{source}: key 'initiatives.{k}.outputs.{j}.dataset': '{o.dataset}' is not in "
            f"the data request register (known: {', '.join(datasets)})"
            for k, ini in enumerate(strategy.initiatives)
            for j, o in enumerate(ini.outputs)
            if o.dataset not in datasets
        ]
        if bad:
            raise ReviewError("\n".join(bad))
    return strategy
