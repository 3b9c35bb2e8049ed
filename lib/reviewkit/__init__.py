"""Partnership Strategy Review: the library behind the review notebooks.

Every rule the notebooks apply lives here, so it is written once and tested.
`reviewkit.open_cycle(...)` opens a finished review cycle's tables and charts for exploration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["open_cycle", "step_folder", "__version__"]

from reviewkit.errors import brief_in_notebooks

brief_in_notebooks()

if TYPE_CHECKING:
    from reviewkit.explore import open_cycle
    from reviewkit.workspace import step_folder


def __getattr__(name: str) -> Any:
    # Imported on first use, so `reviewkit --version` does not load pandas and matplotlib.
    if name == "open_cycle":
        from reviewkit.explore import open_cycle

        return open_cycle
    if name == "step_folder":
        from reviewkit.workspace import step_folder

        return step_folder
    raise AttributeError(f"module 'reviewkit' has no attribute '{name}'")
