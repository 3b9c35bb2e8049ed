"""The strategy re-assessment's subjects: every priority, and every crime type or partner
measure no indicator covers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reviewkit.analysis import horizon
from reviewkit.analysis.coverage import counts_or_rates, measure_covered
from reviewkit.analysis.reassess_records import (
    Subject,
)
from reviewkit.inputs.strategy import Indicator, Priority, Strategy

SEVERAL_MEASURES = "its indicators follow several partner measures that cannot be added up"
NOTHING_COUNTED = "none of its indicators counts crimes or a partner measure"


def _measure_name(dataset: str, measure: str, dataset_names: Mapping[str, str]) -> str:
    return f"{measure.replace('_', ' ').capitalize()} ({dataset_names.get(dataset, dataset)})"


def followed(
    indicators: Sequence[Indicator], street_dataset: str | None, police_types: set[str]
) -> tuple[set[str], list[tuple[str, str]]]:
    """(crime types, partner measures as (dataset, measure)) that a priority's count and rate
    indicators follow: what could measure the priority. An all-crime indicator of the street
    dataset follows every type in the data; a proportion follows nothing (it says nothing of
    how many)."""
    types: set[str] = set()
    measures: list[tuple[str, str]] = []
    for ind in indicators:
        if not counts_or_rates(ind):
            continue
        if ind.dataset == street_dataset:
            types.update(ind.filter.crime_type_set() or police_types)
        elif ind.filter.measure is not None:
            measures.append((ind.dataset, ind.filter.measure))
    return types, measures


def measured_by(
    types: set[str], measures: list[tuple[str, str]]
) -> tuple[tuple[str, str] | None, list[tuple[str, str]], str]:
    """(the one partner measure scoring the priority, the partner measures listed beside it,
    why nothing can score it): crime types first (partner measures then listed, not added);
    else its one partner measure; several cannot be added up, and none leaves nothing."""
    if types:
        return None, measures, ""
    if len(measures) == 1:
        return measures[0], [], ""
    return None, measures, SEVERAL_MEASURES if measures else NOTHING_COUNTED


def priority_subject(
    priority: Priority,
    strategy: Strategy,
    street_dataset: str | None,
    police_types: set[str],
    dataset_names: Mapping[str, str],
) -> Subject:
    """One priority as a subject: its indicators, and the crime types or the one partner
    measure that measure it (`followed`, `measured_by`)."""
    inds = [i for i in strategy.indicators if i.priority == priority.id]
    types, measures = followed(inds, street_dataset, police_types)
    one, also, why = measured_by(types, measures)
    return Subject(
        "priority",
        priority.id,
        priority.name,
        tuple(sorted(types)),
        one,
        tuple(i.id for i in inds),
        tuple(_measure_name(d, m, dataset_names) for d, m in also),
        why,
        _measure_name(*one, dataset_names) if one else "",
    )


def candidates(
    strategy: Strategy,
    street_dataset: str | None,
    police_types: set[str],
    partner_measures: set[tuple[str, str]],
    dataset_names: Mapping[str, str],
) -> list[Subject]:
    """The crime types, then the partner measures, in the data that no count or rate indicator
    covers (`horizon.covered`, the same rule as "What the strategy does not cover"), each in
    alphabetical order."""
    cover_police, cover_partner = horizon.covered(strategy)
    covered_types = cover_police.get(street_dataset or "", set())
    out = [Subject("crime_type", t, t, (t,)) for t in sorted(police_types - covered_types)]
    for d, m in sorted(partner_measures):
        if measure_covered(cover_partner, d, m):
            continue
        name = _measure_name(d, m, dataset_names)
        out.append(Subject("measure", m, name, measure=(d, m), measure_name=name))
    return out


def subjects(
    strategy: Strategy,
    street_dataset: str | None,
    police_types: set[str],
    partner_measures: set[tuple[str, str]],
    dataset_names: Mapping[str, str],
) -> list[Subject]:
    """Every priority, then every crime type and partner measure in the data that no count or
    rate indicator covers (`horizon.covered`), in the order the board reads them."""
    priorities = [
        priority_subject(pr, strategy, street_dataset, police_types, dataset_names)
        for pr in strategy.priorities
    ]
    return priorities + candidates(
        strategy, street_dataset, police_types, partner_measures, dataset_names
    )
