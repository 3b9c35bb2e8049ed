"""The steps of a review cycle, in run order, and the notebook that runs each: written once.

Every other list of the steps (the runner's sequence, `--from`'s choices, the notebooks a run
executes, the names an own notebook may not take, the step an own notebook runs after, the step
each audience's page is exported from) is read from here; `tests/test_steps.py` fails on a
module that spells the steps out again.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["STEPS", "STEP_NOTEBOOKS", "check_step", "step_stems"]

# The steps of a review cycle, in order, and the notebook (in notebooks/) that runs each.
STEP_NOTEBOOKS: dict[str, str] = {
    "intake": "01_intake.ipynb",
    "progress": "02_progress.ipynb",
    "report": "03_report.ipynb",
}
STEPS: tuple[str, ...] = tuple(STEP_NOTEBOOKS)


def step_stems() -> tuple[str, ...]:
    """The steps' notebooks' names without `.ipynb` (`01_intake`...), in run order."""
    return tuple(Path(nb).stem for nb in STEP_NOTEBOOKS.values())


def check_step(step: str, what: str = "step") -> str:
    """`step` when it is one of the steps; else ValueError naming them (`what` names the
    setting, e.g. `--from`)."""
    if step not in STEPS:
        raise ValueError(f"{what} must be one of {', '.join(STEPS)}, not '{step}'.")
    return step
