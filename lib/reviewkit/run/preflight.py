"""Preflight: are the params valid, is every requested dataset there, what is missing or late?

No outputs are written and no notebook runs (only files seen for the first time are added to
the receipt record, so their received date is the day `check` first saw them); the same readers
as intake are used, so what `check` says is what the run will find.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.base.errors import ReviewError
from reviewkit.base.steps import STEP_NOTEBOOKS

if TYPE_CHECKING:
    from reviewkit.inputs.params import CycleParams


def own_notebook_lines(params: CycleParams) -> list[str]:
    """What will run besides the review's own steps: each own notebook, where it is and when,
    said plainly as code that runs with the analyst's rights."""
    from reviewkit.base.paths import relative, repo_root, resolve

    if not params.own_notebooks:
        return []
    out = [
        f"own notebooks: {len(params.own_notebooks)} will run, as code with your rights "
        "(they can read and change whatever you can):"
    ]
    root = repo_root().resolve()
    for nb in params.own_notebooks:
        path = resolve(nb.file).resolve()
        where = (
            ""
            if path.is_relative_to(root)
            else " (outside the repository, from a folder named in own_notebook_folders)"
        )
        out.append(f"runs    {relative(path)} after the {nb.after} step{where}")
    return out


def shared_folder_lines(params_files: list[str]) -> list[str]:
    """For several params files checked together: partnerships whose different names would
    share one outputs folder (a batch of them would mix or replace each other's cycles)."""
    from reviewkit.inputs.params import load_params
    from reviewkit.store.layout import shared_folders

    named = []
    for pf in params_files:
        try:
            named.append((pf, load_params(pf, check_files=False).partnership))
        except ReviewError:
            continue  # said when that file is checked
    found = shared_folders(named)
    if not found:
        return []
    return [
        "these partnerships' names differ but would share one outputs folder; give each a "
        "name that differs in its letters or digits:",
        *found,
    ]


def baseline_lines(params: CycleParams, strategy_start: str | None) -> list[str]:
    """A warning when the baseline runs into the strategy: the baseline is what things were
    like before the strategy, so a baseline ending on or after `strategy_start` would hold some
    of the strategy's own effect and understate any change (docs/guide.md, choosing periods)."""
    if not strategy_start or params.baseline_period.end < strategy_start:
        return []
    return [
        f"WARN    baseline: the baseline ({params.baseline.describe()}) ends on or after the "
        f"strategy began ({strategy_start}, the strategy's strategy_start), so it holds some "
        "of the strategy's own effect; end it before the strategy began (docs/guide.md)"
    ]


def _notebooks(params: Any, folder: Callable[[], Path]) -> list[Path]:
    """The notebooks a run of `params` executes (none of the review's own where this is not a
    review repository: the run says so)."""
    from reviewkit.base.paths import resolve

    try:
        review = [folder() / n for n in STEP_NOTEBOOKS.values()]
    except ReviewError:
        review = []
    return review + [resolve(nb.file) for nb in params.own_notebooks]


def later_input_problems(params: CycleParams) -> list[str]:
    """Each input a later step reads (peers at progress; the narrative, place names, priority
    scores, harm weights and LSOA boundaries at the report), read now with that step's own
    reader: a file that cannot be read is found by `check`, before a run reaches the step."""
    from reviewkit.analysis.peers import load_peers
    from reviewkit.inputs.harm import load_harm_weights
    from reviewkit.inputs.places import load_place_names
    from reviewkit.inputs.scores import load_scores
    from reviewkit.report.maps import load_boundaries
    from reviewkit.report.narrative import load_narrative

    readers: dict[str, Callable[[Path], object]] = {
        "peers": load_peers,
        "narrative": load_narrative,
        "place_names": load_place_names,
        "priority_scores": load_scores,
        "harm_weights": load_harm_weights,
        "lsoa_boundaries": load_boundaries,
    }
    problems = []
    for key, read in readers.items():
        path = params.path(key)
        if path is None:
            continue
        try:
            read(path)
        except ReviewError as exc:
            problems.append(f"inputs.{key}: {exc}")
    return problems


def dataset_line(row: dict[str, Any], params: CycleParams) -> tuple[bool, str]:
    """(complete, on time and received by the review date; the line `check` prints) for one
    data request's completeness row."""
    state, unknown = row["status"], row["timeliness"] == "date unknown"
    extra = f"; missing {row['missing_periods']}" if row["missing_periods"] else ""
    late = (
        f" ({row['timeliness']}, due {row['due']})"
        if row["timeliness"] in ("late", "overdue", "date unknown")
        else ""
    )
    mark = "ok  " if state == "complete" else "MISSING" if state == "not received" else "WARN"
    if row["received_after_review_date"] or (unknown and mark == "ok  "):
        mark = "WARN"
    line = (
        f"{mark:<7} {row['dataset']}: {state}{late}{extra}{_received(row, params)}; "
        f"{row['files']} file(s), {row['accepted']:,} rows accepted, "
        f"{row['quarantined']:,} quarantined, {row['after_review_period']:,} after "
        "the review period"
    )
    good = state == "complete" and not row["received_after_review_date"] and not unknown
    return good, line


def _received(row: dict[str, Any], params: CycleParams) -> str:
    """When the data arrived, and a warning when that is after the review date."""
    if row["received_after_review_date"]:
        return (
            f"; received {row['received']} (from the {row['received_from']}) is AFTER the "
            f"review date {params.review_date}: data used in a review cannot arrive after "
            "it; if the files were copied later than they arrived, set 'received' in the "
            "register"
        )
    if row["received"]:
        return f"; received {row['received']} (from the {row['received_from']})"
    return ""


def note_lines(notes: dict[str, list[str]], receipts: list[str]) -> list[str]:
    """What intake noticed of each dataset, then the receipt record's problems it did not
    already say."""
    lines = [f"note    {ds}: {n}" for ds, said in notes.items() for n in said]
    told = {n for said in notes.values() for n in said}
    return lines + [
        f"note    receipt record: {p}" for p in receipts if not any(n.startswith(p) for n in told)
    ]


def check_cycle(params_file: str | Path) -> tuple[bool, list[str]]:
    """(all good, lines to print)."""
    from reviewkit.analysis.vocabulary import check_filters, outcomes_in
    from reviewkit.base.paths import notebooks_dir, resolve
    from reviewkit.inputs.register import load_register
    from reviewkit.inputs.strategy import load_strategy
    from reviewkit.intake.step import run_intake
    from reviewkit.run.parameters_cell import check_parameters_cells
    from reviewkit.store.identity import load_checked
    from reviewkit.store.receipts import receipt_problems

    try:
        params = load_checked(params_file)
        check_parameters_cells(_notebooks(params, notebooks_dir), resolve(params_file))
        register = load_register(params.path("data_requests"))
        strategy = load_strategy(params.path("strategy"), register.datasets)
        check_filters(strategy, register, str(params.path("strategy")))
        result = run_intake(params)
        tidy = {
            name: d.tidy
            for name, d in result.datasets.items()
            if d.tidy is not None and "crime_type" in d.tidy.columns
        }
        check_filters(strategy, register, str(params.path("strategy")), outcomes_in(tidy), tidy)
    except ReviewError as exc:
        return False, [f"error: {line}" for line in str(exc).splitlines()]
    lines = [
        f"params valid: cycle '{params.cycle}', {params.partnership}, review period "
        f"{params.review.describe()}",
        f"strategy valid: {len(strategy.priorities)} priorities, "
        f"{len(strategy.indicators)} indicators, {len(strategy.initiatives)} initiatives",
    ]
    lines += own_notebook_lines(params)
    lines += baseline_lines(params, strategy.strategy_start)
    rows = [dataset_line(row, params) for row in result.completeness.to_dict("records")]
    ok = all(good for good, _ in rows)
    lines += [line for _, line in rows]
    lines += note_lines(result.notes, receipt_problems())
    if result.refusal:
        return False, [*lines, *(f"error: {line}" for line in result.refusal.splitlines())]
    later = later_input_problems(params)
    if later:
        return False, [*lines, *(f"error: {line}" for p in later for line in p.splitlines())]
    lines.append(
        "all requested data present"
        if ok
        else "some requested data is missing or incomplete (the review can still run)"
    )
    return ok, lines
