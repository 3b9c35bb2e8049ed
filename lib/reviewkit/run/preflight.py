"""Preflight: are the params valid, is every requested dataset there, what is missing or late?

No outputs are written and no notebook runs (only files seen for the first time are added to
the receipt record, so their received date is the day `check` first saw them); the same readers
as intake are used, so what `check` says is what the run will find.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reviewkit.base.errors import ReviewError


def _notebooks(params: Any, folder: Callable[[], Path]) -> list[Path]:
    """The notebooks a run of `params` executes (none of the review's own where this is not a
    review repository: the run says so)."""
    from reviewkit.base.paths import resolve

    try:
        review = [folder() / f"{n}.ipynb" for n in ("01_intake", "02_progress", "03_report")]
    except ReviewError:
        review = []
    return review + [resolve(nb.file) for nb in params.own_notebooks]


def check_cycle(params_file: str | Path) -> tuple[bool, list[str]]:
    """(all good, lines to print)."""
    from reviewkit.analysis.vocabulary import check_filters, outcomes_in
    from reviewkit.base.paths import notebooks_dir, resolve
    from reviewkit.inputs.register import load_register
    from reviewkit.inputs.strategy import load_strategy
    from reviewkit.intake.step import run_intake
    from reviewkit.run.parameters_cell import check_parameters_cells
    from reviewkit.store.identity import load_checked

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
    ok = True
    for row in result.completeness.to_dict("records"):
        state = row["status"]
        extra = f"; missing {row['missing_periods']}" if row["missing_periods"] else ""
        late = (
            f" ({row['timeliness']}, due {row['due']})"
            if row["timeliness"] in ("late", "overdue")
            else ""
        )
        mark = "ok  " if state == "complete" else "MISSING" if state == "not received" else "WARN"
        if state != "complete" or row["received_after_review_date"]:
            ok = False
        if row["received_after_review_date"]:
            mark = "WARN"
        after = (
            (
                f"; received {row['received']} (from the {row['received_from']}) is AFTER the "
                f"review date {params.review_date}: data used in a review cannot arrive after "
                "it; if the files were copied later than they arrived, set 'received' in the "
                "register"
            )
            if row["received_after_review_date"]
            else (
                f"; received {row['received']} (from the {row['received_from']})"
                if row["received"]
                else ""
            )
        )
        lines.append(
            f"{mark:<7} {row['dataset']}: {state}{late}{extra}{after}; "
            f"{row['files']} file(s), {row['accepted']:,} rows accepted, "
            f"{row['quarantined']:,} quarantined, {row['after_review_period']:,} after "
            "the review period"
        )
    for ds, notes in result.notes.items():
        lines += [f"note    {ds}: {n}" for n in notes]
    lines.append(
        "all requested data present"
        if ok
        else "some requested data is missing or incomplete (the review can still run)"
    )
    return ok, lines
