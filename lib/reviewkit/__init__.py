"""Partnership Strategy Review: the library behind the review notebooks.

Every rule the notebooks apply lives here, so it is written once and tested. The layers are
packages (docs/development.md); the few functions a notebook calls are named here too:
`reviewkit.open_cycle(...)` opens a finished review cycle's tables and charts for exploration;
`reviewkit.step_folder` gives a step's params and the folder it works in; and
`reviewkit.load_params`, `reviewkit.run_folder`, `reviewkit.run_intake`,
`reviewkit.write_intake`, `reviewkit.run_progress`, `reviewkit.write_progress` and
`reviewkit.load_context` (the report's tables and charts for one run folder).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from reviewkit.base.notebooks import watch_parameters_cell

__version__ = "0.1.0"

# name -> module: imported on first use, so `reviewkit --version` does not load pandas
_PUBLIC = {
    "open_cycle": "reviewkit.report.explore",
    "step_folder": "reviewkit.store.workspace",
    "load_params": "reviewkit.inputs.params",
    "run_folder": "reviewkit.store.identity",
    "run_intake": "reviewkit.intake.step",
    "write_intake": "reviewkit.intake.step",
    "run_progress": "reviewkit.analysis.step",
    "write_progress": "reviewkit.analysis.step",
    "load_context": "reviewkit.report.context",
}
__all__ = [
    "__version__",
    "load_context",
    "load_params",
    "open_cycle",
    "run_folder",
    "run_intake",
    "run_progress",
    "step_folder",
    "write_intake",
    "write_progress",
]

watch_parameters_cell()

if TYPE_CHECKING:
    from reviewkit.analysis.step import run_progress, write_progress
    from reviewkit.inputs.params import load_params
    from reviewkit.intake.step import run_intake, write_intake
    from reviewkit.report.context import load_context
    from reviewkit.report.explore import open_cycle
    from reviewkit.store.identity import run_folder
    from reviewkit.store.workspace import step_folder


def __dir__() -> list[str]:
    """The public names, the lazily imported ones included (`rk.` + Tab offers `open_cycle`)."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'reviewkit' has no attribute '{name}'")
