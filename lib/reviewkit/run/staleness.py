"""Whether a finished cycle's results are still those of its inputs: `--from progress|report`
reruns only later steps, so it must not publish results made from inputs changed since."""

from __future__ import annotations

from pathlib import Path

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative
from reviewkit.base.steps import STEPS
from reviewkit.inputs.params import CycleParams

# The inputs each step reads (by manifest role); data request datasets are intake's.
STEP_INPUTS = {"progress": ("strategy", "peers"), "report": ("strategy", "narrative")}


def stale_step(old_manifest: dict, params: CycleParams, pfile: Path) -> tuple[str, list[str]]:
    """(the first step whose inputs changed since the finished run, what changed); ('', [])
    when nothing did. The params file itself is compared by its values."""
    from reviewkit.store.manifest import input_files
    from reviewkit.store.police_cache import content_hash

    old = {
        (i["role"], i["path"]): i["sha256"]
        for i in old_manifest.get("inputs", [])
        if i["role"] != "params"
    }
    new = {(role, relative(path)): content_hash(path) for role, path in input_files(params)}
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    what = sorted(f"{path} ({role})" for role, path in changed)
    if old_manifest.get("params") not in (None, params.model_dump(mode="json")):
        return "intake", [f"{relative(pfile)} (params)", *what]
    roles = {role for role, _ in changed}
    if roles - {r for rs in STEP_INPUTS.values() for r in rs}:
        return "intake", what
    for step in STEPS:
        if roles & set(STEP_INPUTS.get(step, ())):
            return step, what
    return "", []


def refuse_stale_start(old_manifest: dict, params: CycleParams, pfile: Path, start: str) -> None:
    """`--from progress|report` must not publish results made from inputs that have changed
    since: refuse, naming the files and the step to run from."""
    step, what = stale_step(old_manifest, params, pfile)
    if step and STEPS.index(step) < STEPS.index(start):
        how = "the whole cycle with --force" if step == "intake" else f"--from {step}"
        raise ReviewError(
            f"--from {start} would reuse results made before these inputs changed: "
            f"{', '.join(what)}. Run {how} instead, so the report matches its inputs."
        )
