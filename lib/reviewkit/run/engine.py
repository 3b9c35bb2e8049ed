"""The papermill engine the runner executes notebooks with: papermill's own (nbclient), saving
the executed notebook at most once a second while it runs instead of twice per cell.

papermill writes the whole notebook to disk when each cell starts and when it ends, so that
someone opening it mid-run sees how far it got. For a report notebook whose outputs reach a
megabyte, those writes are a good part of the run (about 60 of them, up to 15 ms each), and
the kernel waits for each. Saving at most once a second keeps the executed notebook on disk
within a second of the run's progress; the notebook is still saved whole when it ends, however
it ends (papermill writes it after a failing cell and at the end).
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

NAME = "reviewkit"
SAVE_EVERY = 1.0  # seconds between saves while the notebook runs


class ThrottledExecutionManager(NotebookExecutionManager):
    """papermill's execution manager, saving at most once every SAVE_EVERY seconds while cells
    run, and always when the notebook ends or a cell fails."""

    _force = False

    def notebook_start(self, **kwargs: Any) -> None:
        self._force = True  # the executed notebook is on disk from the start
        super().notebook_start(**kwargs)
        self._force = False

    def save(self, **kwargs: Any) -> None:
        if self._force or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY:
            super().save(**kwargs)

    def cell_exception(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        self._force = True
        super().cell_exception(cell, cell_index=cell_index, **kwargs)

    def notebook_complete(self, **kwargs: Any) -> None:
        self._force = True
        super().notebook_complete(**kwargs)


class ReviewEngine(NBClientEngine):
    """nbclient execution, as papermill's default engine, with the throttled manager."""

    @classmethod
    def execute_notebook(
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool | dict = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> Any:
        nb_man = ThrottledExecutionManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (once is enough; again is harmless); its name."""
    papermill_engines.register(NAME, ReviewEngine)
    return NAME
