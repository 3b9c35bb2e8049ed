"""Every filter value an indicator uses is checked against what it can match: police.uk crime
types (with the legacy names), police.uk outcome categories, and the partner measure names the
register maps. A misspelt value ("Burglery") would match no row and report a zero: it is an
error with a "did you mean" instead. With the data at hand, a filter that matches nothing in a
dataset that has rows is an error too, never a zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.inputs.crime_types import HISTORY
from reviewkit.inputs.register import Register, TableSource
from reviewkit.inputs.strategy import Filter, Strategy

# data.police.uk "Last outcome category" values (street files) and "Outcome type" values
# (outcomes files), as published; values seen in the data are accepted too.
OUTCOME_CATEGORIES: tuple[str, ...] = (
    "Action to be taken by another organisation",
    "Awaiting court outcome",
    "Court case unable to proceed",
    "Court result unavailable",
    "Defendant found not guilty",
    "Defendant sent to Crown Court",
    "Formal action is not in the public interest",
    "Further action is not in the public interest",
    "Further investigation is not in the public interest",
    "Investigation complete; no suspect identified",
    "Local resolution",
    "Offender deprived of property",
    "Offender fined",
    "Offender given a caution",
    "Offender given a drugs possession warning",
    "Offender given absolute discharge",
    "Offender given community sentence",
    "Offender given conditional discharge",
    "Offender given penalty notice",
    "Offender given suspended prison sentence",
    "Offender ordered to pay compensation",
    "Offender otherwise dealt with",
    "Offender sent to prison",
    "Status update unavailable",
    "Suspect charged",
    "Suspect charged as part of another case",
    "Unable to prosecute suspect",
    "Under investigation",
)
CRIME_TYPE_NAMES: tuple[str, ...] = tuple(HISTORY)  # today's, renamed and legacy names


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """' Did you mean 'X'?' for the closest known value (case and spacing aside), or ''."""
    options = list(dict.fromkeys(known))
    folded = {" ".join(k.lower().split()): k for k in options}
    exact = folded.get(" ".join(value.lower().split()))
    if exact:
        return f" Did you mean '{exact}' (names are matched exactly)?"
    close = difflib.get_close_matches(value.lower(), [k.lower() for k in options], n=1, cutoff=0.6)
    if close:
        return f" Did you mean '{next(k for k in options if k.lower() == close[0])}'?"
    return ""


def _unknown(values: list[str], known: Iterable[str], key: str, what: str) -> list[str]:
    known = list(known)
    return [
        f"key '{key}': '{v}' is not a {what}.{did_you_mean(v, known)}"
        for v in values
        if v not in known
    ]


def _filter_problems(
    flt: Filter, key: str, kind: str, measures: list[str], first: bool, seen_outcomes: Iterable[str]
) -> list[str]:
    """A filter's values that cannot match its dataset: by the kind of data it reads."""
    if kind == "police_uk_street":
        return _street_problems(flt, key, first, seen_outcomes)
    if kind.startswith("police_uk"):
        return [
            *_absent_keys(
                flt, key, f"{kind} files have no {{}}; count them from a police_uk_street dataset"
            ),
            *_measure_on_police(flt, key),
        ]
    return _absent_keys(flt, key, "a partner dataset has no {}; use 'measure'") + (
        _measure_problems(flt, key, measures, first)
    )


def _street_problems(flt: Filter, key: str, first: bool, seen_outcomes: Iterable[str]) -> list[str]:
    """A police.uk street filter: its crime types stated (on the indicator's own filter),
    known crime types and outcome categories, and no measure."""
    out: list[str] = []
    names = flt.crime_type_names()
    if first and names is None:
        out.append(
            f"key '{key}.crime_types': an indicator over police data states its "
            "crime types: a list, 'all', or {all_except: [Anti-social behaviour]} "
            "for all crime excluding anti-social behaviour (docs/inputs.md)"
        )
    if names:
        out += _unknown(names, CRIME_TYPE_NAMES, f"{key}.crime_types", "data.police.uk crime type")
    if flt.outcome_categories:
        out += _unknown(
            flt.outcome_categories,
            [*OUTCOME_CATEGORIES, *seen_outcomes],
            f"{key}.outcome_categories",
            "data.police.uk outcome category",
        )
    return out + _measure_on_police(flt, key)


def _absent_keys(flt: Filter, key: str, words: str) -> list[str]:
    """Crime types or outcome categories given for data that has none (`words` says so, with
    `{}` for the key's name in words)."""
    return [
        f"key '{key}.{name}': " + words.format(name.replace("_", " "))
        for name, given in (
            ("crime_types", flt.crime_types),
            ("outcome_categories", flt.outcome_categories),
        )
        if given is not None
    ]


def _measure_on_police(flt: Filter, key: str) -> list[str]:
    """A measure named on police data, which has none."""
    if flt.measure is None:
        return []
    return [f"key '{key}.measure': police data has no measures; use crime_types"]


def _measure_problems(flt: Filter, key: str, measures: list[str], first: bool) -> list[str]:
    """A partner dataset's measure: named (on the indicator's own filter), and one it has."""
    if first and flt.measure is None:
        return [
            f"key '{key}.measure': name the measure to count (one of "
            f"{', '.join(measures)}); measures are never added together"
        ]
    if flt.measure is not None and flt.measure not in measures:
        hint = did_you_mean(flt.measure, measures)
        return [
            f"key '{key}.measure': '{flt.measure}' is not a measure of this "
            f"dataset (known: {', '.join(measures)}).{hint}"
        ]
    return []


def filter_problems(
    strategy: Strategy, register: Register, seen_outcomes: Iterable[str] = ()
) -> list[str]:
    """Every filter value that cannot match, as `key '...': ...` lines (empty: all good)."""
    out: list[str] = []
    for k, ind in enumerate(strategy.indicators):
        req = register.get(ind.dataset)
        if req is None:
            continue  # reported by load_strategy
        source = req.source
        measures = (
            list(dict.fromkeys(source.measures.values())) if isinstance(source, TableSource) else []
        )
        out += _filter_problems(
            ind.filter, f"indicators.{k}.filter", req.source.kind, measures, True, seen_outcomes
        )
        if ind.numerator is not None:
            out += _filter_problems(
                ind.numerator,
                f"indicators.{k}.numerator",
                req.source.kind,
                measures,
                False,
                seen_outcomes,
            )
    return out + output_problems(strategy, register)


def output_problems(strategy: Strategy, register: Register) -> list[str]:
    """Initiatives' output measures that name no partner measure the register reads."""
    out = []
    for k, ini in enumerate(strategy.initiatives):
        for j, o in enumerate(ini.outputs):
            req = register.get(o.dataset)
            if req is None:
                continue  # reported by load_strategy
            key = f"key 'initiatives.{k}.outputs.{j}"
            if not isinstance(req.source, TableSource):
                out.append(
                    f"{key}.dataset': '{o.dataset}' is police data; an output measure is "
                    "counted from a partner's returns (a table with measures)"
                )
                continue
            measures = list(dict.fromkeys(req.source.measures.values()))
            if o.measure not in measures:
                out.append(
                    f"{key}.measure': '{o.measure}' is not a measure of {o.dataset} "
                    f"(known: {', '.join(measures)})"
                )
    return out


def check_filters(
    strategy: Strategy,
    register: Register,
    source: str,
    seen_outcomes: Iterable[str] = (),
    tidy: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Raise ReviewError naming the strategy file and every filter value that cannot match
    (with `tidy`, also every filter matching nothing in a police dataset that has rows)."""
    problems = filter_problems(strategy, register, seen_outcomes)
    if tidy is not None and not problems:
        problems = empty_filter_problems(strategy, tidy)
    if problems:
        raise ReviewError("\n".join(f"{source}: {p}" for p in problems))


def empty_filter_problems(strategy: Strategy, tidy: dict[str, pd.DataFrame]) -> list[str]:
    """Filters that match no row of a police dataset that has rows (in any month)."""
    from reviewkit.analysis.indicators import police_rows

    out = []
    for k, ind in enumerate(strategy.indicators):
        rows = tidy.get(ind.dataset)
        if rows is None or rows.empty or "crime_type" not in rows.columns:
            continue
        for part, flt in (("filter", ind.filter), ("numerator", ind.numerator)):
            if flt is None:
                continue
            base = rows if part == "filter" else police_rows(rows, ind.filter)
            if base.empty or not police_rows(base, flt).empty:
                continue
            have = (
                sorted(set(rows["crime_type"]))
                if flt.crime_types is not None and (part == "filter")
                else sorted(set(base["outcome_category"]) - {""})
            )
            out.append(
                f"key 'indicators.{k}.{part}' ({ind.id}): matches none of the "
                f"{int(base['n'].sum()):,} {ind.dataset} rows in any month, so its "
                "figures would all be zero. Values in the data: "
                + "; ".join(have[:20])
                + (" ..." if len(have) > 20 else "")
            )
    return out


def outcomes_in(tidy: dict[str, pd.DataFrame]) -> set[str]:
    """Outcome categories present in tidy police street tables."""
    return {
        str(v)
        for t in tidy.values()
        if "outcome_category" in t.columns
        for v in t["outcome_category"].unique()
        if str(v)
    }
