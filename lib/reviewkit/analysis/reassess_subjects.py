"""The strategy re-assessment's subjects: every priority, and every crime type or partner
measure no indicator covers."""

from __future__ import annotations

from collections.abc import Mapping

from reviewkit.analysis import horizon
from reviewkit.analysis.reassess_records import (
    Subject,
)
from reviewkit.inputs.strategy import Strategy


def _measure_name(dataset: str, measure: str, dataset_names: Mapping[str, str]) -> str:
    return f"{measure.replace('_', ' ').capitalize()} ({dataset_names.get(dataset, dataset)})"


def subjects(
    strategy: Strategy,
    street_dataset: str | None,
    police_types: set[str],
    partner_measures: set[tuple[str, str]],
    dataset_names: Mapping[str, str],
) -> list[Subject]:
    """Every priority, then every crime type and partner measure in the data that no count or
    rate indicator covers (`horizon.covered`), in the order the board reads them."""
    out = []
    for pr in strategy.priorities:
        inds = [i for i in strategy.indicators if i.priority == pr.id]
        types: set[str] = set()
        measures: list[tuple[str, str]] = []
        for ind in inds:
            if ind.measure == "proportion":
                continue
            if ind.dataset == street_dataset:
                types.update(ind.filter.crime_type_set() or police_types)
            elif ind.filter.measure is not None:
                measures.append((ind.dataset, ind.filter.measure))
        names = [_measure_name(d, m, dataset_names) for d, m in measures]
        why = ""
        one: tuple[str, str] | None = None
        if not types and len(measures) == 1:
            one, names = measures[0], []
        elif not types and len(measures) > 1:
            why = "its indicators follow several partner measures that cannot be added up"
        elif not types:
            why = "none of its indicators counts crimes or a partner measure"
        out.append(
            Subject(
                "priority",
                pr.id,
                pr.name,
                tuple(sorted(types)),
                one,
                tuple(i.id for i in inds),
                tuple(names),
                why,
                _measure_name(*one, dataset_names) if one else "",
            )
        )
    cover_police, cover_partner = horizon.covered(strategy)
    covered_types = cover_police.get(street_dataset or "", set())
    for t in sorted(police_types - covered_types):
        out.append(Subject("crime_type", t, t, (t,)))
    for d, m in sorted(partner_measures):
        cov = cover_partner.get(d, set())
        if cov is None or m in cov:
            continue
        name = _measure_name(d, m, dataset_names)
        out.append(Subject("measure", m, name, measure=(d, m), measure_name=name))
    return out
