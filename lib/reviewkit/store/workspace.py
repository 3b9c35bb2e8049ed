"""Where a step's notebook reads and writes, derived from its params.

`reviewkit run` hands each notebook the folder of the run in progress. Run by hand (`run_dir`
left empty), a notebook works in the cycle's scratch folder (`outputs/interactive/<cycle>/`):
it reads the earlier steps' results from there, or copies them from the finished cycle when only
that has them, and otherwise says in one line which notebook to run first. Nothing run by hand
writes into a finished cycle.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.store.identity import run_folder
from reviewkit.store.layout import STEP_NOTEBOOKS, STEPS, CycleLayout, cycle_dir, scratch_dir

# The step before each step (whose results it reads).
NEEDS = dict(zip(STEPS, (None, *STEPS[:-1]), strict=True))


def _has(layout: CycleLayout, step: str) -> bool:
    return layout.has_intake if step == "intake" else layout.has_progress


def step_folder(
    params_file: str | Path,
    run_dir: str | Path | None,
    step: str,
    echo: Callable[[str], None] = print,
) -> tuple[CycleParams, Path]:
    """The cycle's params and the folder the notebook for `step` works in.

    With `run_dir` (given by `reviewkit run`) that folder. Without, the scratch folder for
    these params, holding the earlier step's results (copied from the finished cycle when
    only that has them). Either way the folder's identity is checked by
    `reviewkit.store.identity.run_folder` (this partnership, this params file, these params)."""
    if step not in NEEDS:
        raise ReviewError(f"step must be one of {', '.join(NEEDS)}, not '{step}'.")
    params = load_params(params_file)
    need = NEEDS[step]
    if not run_dir and need and not _has(CycleLayout(scratch_dir(params)), need):
        finished = cycle_dir(params)
        if not _has(CycleLayout(finished), need):
            raise ReviewError(
                f"No {need} results for cycle '{params.cycle}' yet: run "
                f"notebooks/{STEP_NOTEBOOKS[need]} first "
                f"(or `reviewkit run {relative(resolve(params_file))}`)."
            )
        _copy_results(finished, scratch_dir(params))
        echo(
            f"Reading the {need} results of the finished cycle {relative(finished)} "
            f"(copied to {relative(scratch_dir(params))}; the finished cycle is not changed)."
        )
    folder = run_folder(params_file, run_dir or None, step)
    if not run_dir:
        echo(
            f"Working in {relative(folder)} (scratch for cycle '{params.cycle}'); "
            f"`reviewkit run` writes the finished cycle to {relative(cycle_dir(params))}."
        )
    return params, folder


def _copy_results(finished: Path, folder: Path) -> None:
    """A copy of a finished cycle's results to work on, without its manifest (a scratch
    folder is never mistaken for a finished cycle) and without its reports."""
    shutil.rmtree(folder, ignore_errors=True)
    CycleLayout(finished).copy_results(folder)
