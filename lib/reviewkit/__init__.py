"""Partnership Strategy Review: the library behind the review notebooks.

Every rule the notebooks apply lives here, so it is written once and tested. The layers are
packages (docs/development.md); the few functions a notebook calls are named here too:
`reviewkit.load_params`, `reviewkit.run_folder`, `reviewkit.run_intake`,
`reviewkit.write_intake`, `reviewkit.run_progress`, `reviewkit.write_progress` and
`reviewkit.load_context` (the report's tables and charts for one run folder).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module: imported on first use, so `reviewkit --version` does not load pandas
_PUBLIC = {
    "load_params": "reviewkit.inputs.params",
    "run_folder": "reviewkit.store.identity",
    "run_intake": "reviewkit.intake.step",
    "write_intake": "reviewkit.intake.step",
    "run_progress": "reviewkit.analysis.step",
    "write_progress": "reviewkit.analysis.step",
    "load_context": "reviewkit.report.step",
}
__all__ = ["__version__", "load_context", "load_params", "run_folder", "run_intake", "run_progress",
           "write_intake", "write_progress"]

if TYPE_CHECKING:
    from reviewkit.analysis.step import run_progress, write_progress
    from reviewkit.inputs.params import load_params
    from reviewkit.intake.step import run_intake, write_intake
    from reviewkit.report.step import load_context
    from reviewkit.store.identity import run_folder


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'reviewkit' has no attribute '{name}'")
