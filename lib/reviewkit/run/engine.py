"""The papermill engine the runner executes notebooks with: papermill's own (nbclient), saving
the executed notebook at most once a second while it runs instead of twice per cell.

papermill writes the whole notebook to disk when each cell starts and when it ends, so that
someone opening it mid-run sees how far it got. For a report notebook whose outputs reach a
megabyte, those writes are a good part of the run (about 60 of them, up to 15 ms each), and
the kernel waits for each. Saving at most once a second keeps the executed notebook on disk
within a second of the run's progress; the notebook is still saved whole at its start and when
it ends, however it ends (papermill's `Engine.execute_notebook` saves it at the start, then
around our hook, after the cells, saves it once more, a failing cell included).

The engine is registered with papermill through its documented entry point group
(`papermill.engine`, in `pyproject.toml`, as `reviewkit`: `reviewkit.run.steps.ENGINE`) and
overrides only the hook papermill documents for engines, `execute_managed_notebook`. papermill
loads it when papermill is imported, so nothing imports this module before papermill: imported
first, it would import papermill, which would load it again half-made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from papermill.engines import NBClientEngine

SAVE_EVERY = 1.0  # seconds between saves while the notebook runs


def throttled(save: Callable[..., Any], every: Callable[[], float]) -> Callable[..., None]:
    """`save`, done at most once every `every()` seconds (the first call waits `every()` from
    now: the notebook has just been saved when its cells start)."""
    last = time.monotonic()

    def save_seldom(**kwargs: Any) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= every():
            last = now
            save(**kwargs)

    return save_seldom


class ReviewEngine(NBClientEngine):
    """nbclient execution, as papermill's default engine, saving at most once a second while
    the cells run."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Run the cells as papermill's nbclient engine does, with the execution manager's
        `save` throttled while they run; the manager saves as ever once they have run."""
        nb_man.save = throttled(nb_man.save, lambda: SAVE_EVERY)
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            del nb_man.save  # the manager's own `save` again, for the end of the notebook
