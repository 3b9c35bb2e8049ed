"""The params a finished cycle was made with, read from its manifest, and the warning when the
params file now says otherwise (`reviewkit.report.explore`)."""

from __future__ import annotations

import warnings
from pathlib import Path

from reviewkit.base.paths import relative
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.yaml_files import validate
from reviewkit.store.layout import CycleLayout


class ParamsChanged(UserWarning):
    """The params file no longer says what the params that made the cycle said."""


def params_that_made(manifest: dict, folder: Path, now: CycleParams, source: Path) -> CycleParams:
    """The params a finished cycle was made with (its manifest's), with a warning naming the
    keys where the params file now says otherwise."""
    made = validate(CycleParams, manifest["params"], CycleLayout(folder).manifest)
    then, current = made.model_dump(mode="json"), now.model_dump(mode="json")
    changed = sorted(k for k in then.keys() | current.keys() if then.get(k) != current.get(k))
    if changed:
        warnings.warn(
            f"{relative(source)} has changed since cycle '{made.cycle}' was made "
            f"({', '.join(changed)}): `cycle.params` are the params that made it. Run "
            f"`reviewkit run {relative(source)} --force` for results from the file as it is.",
            ParamsChanged,
            stacklevel=3,
        )
    return made
