"""The notebooks a run executes, and running one: papermill, in a fresh kernel, with the
runner's engine; a failing notebook named with the cell where it failed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewkit.base.errors import ReviewError
from reviewkit.base.notebooks import KERNEL
from reviewkit.base.paths import notebooks_dir, relative, repo_root, resolve
from reviewkit.inputs.params import CycleParams, OwnNotebook
from reviewkit.store.layout import STEP_NOTEBOOKS, STEPS, CycleLayout

# papermill's name for the runner's engine (reviewkit.run.engine.ReviewEngine): its entry
# point's name in pyproject.toml, by which papermill finds it.
ENGINE = "reviewkit"


@dataclass(frozen=True)
class Step:
    """One notebook of the sequence: a review step, or an analyst's own notebook."""

    name: str  # intake, progress, report, or own:<notebook name>
    source: Path
    own: OwnNotebook | None = None

    @property
    def notebook(self) -> str:
        """The notebook's file name (the executed copy's name too)."""
        return self.source.name


def sequence(params: CycleParams, start: str = "intake") -> list[Step]:
    """The notebooks a run executes from `start`, in order: the three steps, each followed by
    the own notebooks declared to run after it."""
    steps: list[Step] = []
    for step in STEPS[STEPS.index(start) :]:
        steps.append(Step(step, notebooks_dir() / STEP_NOTEBOOKS[step]))
        steps += [
            Step(f"own:{nb.name}", resolve(nb.file), nb)
            for nb in params.own_notebooks
            if nb.after == step
        ]
    return steps


class StepFailed(ReviewError):
    """A notebook of the run failed: which, its executed copy, and where it failed."""

    def __init__(self, step: Step, notebook: Path, detail: str):
        self.step, self.notebook, self.detail = step, notebook, detail
        super().__init__(f"{step.notebook} failed at {detail}")


def failed_cell(nb_path: Path) -> str:
    """'cell N: ErrorName: message' for the first failing cell of an executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # noqa: BLE001 - the message is best effort
        return "see the notebook"
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                value = str(out.get("evalue", "")).strip().splitlines()
                first = value[0] if value else ""
                line = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
                where = f"code cell {number} (`{line[:60]}`)"
                if out.get("ename") == "ReviewError":
                    return f"{where}: {chr(10).join(value)}"
                return f"{where}: {out.get('ename')}: {first}"
    return "see the notebook"


def execute_step(
    step: Step, params_file: Path, run_dir: Path, km: Any, progress: bool = True
) -> Path:
    """Run one notebook in `km`'s fresh kernel (started for it: see
    `reviewkit.run.provisioner.KernelQueue`); raise StepFailed naming the failing cell."""
    import papermill as pm

    target = CycleLayout(run_dir).executed(step.notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(step.source),
            str(target),
            parameters={"params_file": relative(params_file), "run_dir": str(run_dir)},
            kernel_name=KERNEL,
            cwd=str(repo_root()),
            log_output=False,
            progress_bar={"desc": f"{step.notebook:<18}", "leave": True} if progress else False,
            km=km,
            engine_name=ENGINE,
        )
    except pm.PapermillExecutionError:
        raise StepFailed(step, target, failed_cell(target)) from None
    return target
