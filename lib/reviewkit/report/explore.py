"""A review cycle opened for exploration: `reviewkit.open_cycle(...)`.

Gives a cycle's tables as DataFrames and its charts as matplotlib figures, read-only: nothing
here writes, and each table comes back as a fresh copy the analyst may change freely.

    import reviewkit as rk
    cycle = rk.open_cycle("params/example.yaml")      # or a cycle's folder
    cycle.scorecard                                   # one row per indicator
    cycle.series("asb_police")                        # an indicator's series, by period
    cycle.chart("asb_police")                         # its XmR chart as a figure
    cycle.chart_images()                              # every XmR chart as the report shows it
    cycle.changed_most("lsoa")                        # where counts changed most
    cycle.grid_cells()                                # grid cells with their centres, to map

Tables come back ready to explore: months as dates (a plot's axis is time, not text), and the
LSOA names beside the codes wherever a table has codes. `cycle.params` are the params that
made the cycle (from its manifest), with a warning when the params file now says otherwise.
"""

from __future__ import annotations

import os

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.inputs.yaml_files import validate
from reviewkit.report.cycle import Cycle
from reviewkit.report.made_params import ParamsChanged, params_that_made
from reviewkit.report.period_changes import GROUPS, MONTH_COLUMNS
from reviewkit.store.layout import MANIFEST, CycleLayout, cycle_dir

__all__ = ["GROUPS", "MONTH_COLUMNS", "Cycle", "ParamsChanged", "open_cycle"]


def open_cycle(
    params_or_folder: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None
) -> Cycle:
    """Open a review cycle's results for exploration, read-only.

    Give a params file (`params/<cycle>.yaml`: the finished cycle `reviewkit run` wrote for
    it) or a cycle's folder (`outputs/<partnership>/<cycle>`). Either way a finished cycle's
    `params` are those that made it (its manifest's); a params file that now differs is
    warned about (ParamsChanged). `folder` reads another folder with the params given (an own
    notebook run by `reviewkit run` gets the run in progress this way)."""
    source = resolve(params_or_folder)
    if source.suffix.lower() in (".yaml", ".yml"):
        params = load_params(source)
        where = resolve(folder) if folder else cycle_dir(params)
        manifest = CycleLayout(where).read_manifest()
        if not CycleLayout(where).has_intake:
            raise ReviewError(
                f"No results for cycle '{params.cycle}' in {relative(where)} yet: run "
                f"`reviewkit run {relative(source)}` first."
            )
        if manifest is not None:
            params = params_that_made(manifest, where, params, source)
        return Cycle(where, params, manifest)
    if not source.is_dir():
        raise ReviewError(
            f"{relative(source)} is neither a params file (.yaml) nor a cycle's folder."
        )
    manifest = CycleLayout(source).read_manifest()
    if manifest is None:
        raise ReviewError(
            f"{relative(source)} has no {MANIFEST}: it is not a finished "
            "review cycle. Give the cycle's params file instead."
        )
    params = validate(CycleParams, manifest["params"], CycleLayout(source).manifest)
    return Cycle(source, params, manifest)
