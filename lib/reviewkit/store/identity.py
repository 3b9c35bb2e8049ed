"""A review cycle's identity: which partnership and which params made a folder of outputs.

Outputs are grouped by partnership (`outputs/<partnership>/<cycle>/`), so two partnerships can
use the same cycle id. Every run folder holds `cycle.json`: the partnership, the cycle, the
params file and, for each step that ran, a fingerprint of the resolved params it ran with.
Every step (the runner, `--from`, a batch, a notebook run by hand) checks that record before it
reads or writes, and refuses, naming both sides, when the folder belongs to another
partnership, another cycle or other params: figures made for one partnership are never shown
under another's name, and a finished cycle is never rewritten by hand.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.store import dictionary
from reviewkit.store.layout import STEPS, CycleLayout, cycle_dir, same_name, scratch_dir

# Params keys that only the report step reads: changing them does not make the intake or
# progress outputs stale, so `--from report` may follow an edit of the contact details.
REPORT_ONLY = ("report.", "community.", "inputs.place_names")


def params_record(params: CycleParams) -> dict[str, Any]:
    """The resolved params as plain JSON values (what the manifest stores)."""
    return params.model_dump(mode="json")


def fingerprint(params: CycleParams) -> str:
    """sha256 of the resolved params (canonical JSON): the same settings, the same print."""
    text = json.dumps(params_record(params), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity(params: CycleParams, params_file: str | Path) -> dict[str, Any]:
    """Who a run folder belongs to."""
    return {
        "partnership": params.partnership,
        "cycle": params.cycle,
        "params_file": relative(resolve(params_file)),
        "params_sha256": fingerprint(params),
    }


def read_record(folder: Path) -> dict[str, Any] | None:
    """The folder's `cycle.json`, or None when there is none (or it cannot be read)."""
    return CycleLayout(folder).read_record()


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): data}


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Params keys whose value differs, e.g. `review_period.end: 2026-03 -> 2026-09`."""
    a, b = _flatten(before), _flatten(after)
    out = []
    for key in sorted(a.keys() | b.keys()):
        if a.get(key) != b.get(key):
            out.append(f"{key}: {a.get(key, '(not set)')} -> {b.get(key, '(not set)')}")
    return out


def _who(record: dict[str, Any]) -> str:
    return (
        f"{record.get('partnership', '?')}, cycle '{record.get('cycle', '?')}', "
        f"params {record.get('params_file', '?')}"
    )


BY_HAND = (
    "Leave run_dir empty (each partnership and cycle then has its own scratch folder "
    "in outputs/interactive/) or point it at a folder of this cycle."
)
BY_RUNNER = (
    "Rerun with the params file that made it, give this params file its own cycle id "
    "(key 'cycle'), or replace the outputs with --force."
)


def _belongs(
    record: dict[str, Any],
    params: CycleParams,
    params_file: str | Path,
    folder: Path,
    hint: str = BY_HAND,
) -> None:
    """Refuse when the folder was made for another partnership, cycle or params file."""
    mine = identity(params, params_file)
    if same_name(record.get("partnership"), mine["partnership"]) and (
        record.get("cycle"),
        record.get("params_file"),
    ) == (mine["cycle"], mine["params_file"]):
        return
    raise ReviewError(
        f"{relative(folder)} belongs to {_who(record)}; this run is for {_who(mine)}. "
        f"Figures are never mixed between partnerships, cycles or params files. {hint}"
    )


def check_made_with(
    record: dict[str, Any],
    params: CycleParams,
    params_file: str | Path,
    folder: Path,
    steps: tuple[str, ...],
    hint: str = BY_HAND,
) -> None:
    """Refuse unless `steps` were run in `folder`, for these params (report-only keys aside)."""
    _belongs(record, params, params_file, folder, hint)
    now = params_record(params)
    done = record.get("steps", {})
    for step in steps:
        made = done.get(step)
        if made is None:
            raise ReviewError(
                f"{relative(folder)} has no {step} step for {_who(identity(params, params_file))}"
                f"; run the cycle from the {step} step first."
            )
        diffs = [
            d for d in changed_keys(made.get("params", {}), now) if not d.startswith(REPORT_ONLY)
        ]
        if diffs:
            raise ReviewError(
                f"The {step} step in {relative(folder)} was made with other params than "
                f"{relative(resolve(params_file))} now holds ({'; '.join(diffs[:5])}"
                f"{' ...' if len(diffs) > 5 else ''}). Its figures would not match these "
                f"settings: rerun from the {step} step (`reviewkit run` with --force, or "
                f"the {step} notebook by hand)."
            )


def check_finished(folder: Path, params: CycleParams, params_file: str | Path, start: str) -> None:
    """Before `reviewkit run --from <start>`: the finished cycle in `folder` must be this
    partnership's, this params file's, with the earlier steps made with these params."""
    record = read_record(folder)
    if record is None:
        manifest = _manifest(folder)
        who = (
            (f" (made for {manifest.get('partnership')}, params {manifest.get('params_file')})")
            if manifest
            else ""
        )
        raise ReviewError(
            f"{relative(folder)}{who} has no record of the params its steps "
            "were made with, so --from cannot be trusted with it; run the whole "
            "cycle with --force."
        )
    check_made_with(record, params, params_file, folder, STEPS[: STEPS.index(start)], BY_RUNNER)
    check_outputs_present(folder, start)


def step_files(layout: CycleLayout, step: str) -> tuple[Path, ...]:
    """What `step` leaves for the later ones (and for readers), by the layout's names:
    `--from` reruns only later steps, so a file of an earlier step that is gone would be
    missing from the rerun cycle."""
    return {
        "intake": (
            layout.intake_summary,
            layout.table("completeness"),
            layout.table("reconciliation"),
        ),
        "progress": (
            layout.progress_summary,
            layout.table("scorecard"),
            layout.table("initiative_status"),
        ),
    }.get(step, ())


def check_outputs_present(folder: Path, start: str) -> None:
    """Before `--from <start>`: every file the earlier steps wrote is still there, and every
    table has both its published CSV and its typed copy; else the rerun would publish a cycle
    without them (or with a copy that no longer matches), so it is refused, naming them."""
    layout = CycleLayout(folder)
    earlier = STEPS[: STEPS.index(start)]
    gone = [
        (step, path.relative_to(folder).as_posix())
        for step in earlier
        for path in step_files(layout, step)
        if not path.is_file()
    ]
    typed = (
        {p.stem for p in layout.typed_tables_dir.glob("*.parquet")}
        if layout.typed_tables_dir.is_dir()
        else set()
    )
    published = (
        {p.stem for p in layout.tables_dir.glob("*.csv")} if layout.tables_dir.is_dir() else set()
    )
    # a cycle written before the typed copies existed has none, and is read from its CSVs
    half = sorted(typed ^ published) if typed else sorted(typed - published)
    for n in half:
        step = dictionary.STEP_OF.get(dictionary.kind(n), "intake")
        if step in earlier:  # a later step's table is written again by the rerun
            gone.append((step, f"tables/{n}.csv" if n in typed else f".tables/{n}.parquet"))
    if not gone:
        return
    first = min((step for step, _ in gone), key=STEPS.index)
    redo = "the whole cycle with --force" if first == "intake" else f"--from {first}"
    names = [name for _, name in gone]
    raise ReviewError(
        f"{relative(folder)} lacks {', '.join(names)}, written by the earlier steps; "
        f"--from {start} reruns only later steps, so the cycle would be published without "
        f"{'it' if len(names) == 1 else 'them'}. Rerun {redo}."
    )


def _manifest(folder: Path) -> dict[str, Any] | None:
    return CycleLayout(folder).read_manifest()


def record_step(folder: Path, params: CycleParams, params_file: str | Path, step: str) -> None:
    """Write that `step` ran in `folder` with these params; a rerun step drops later ones."""
    record = read_record(folder) or {}
    steps = {
        k: v
        for k, v in record.get("steps", {}).items()
        if k in STEPS and STEPS.index(k) < STEPS.index(step)
    }
    steps[step] = {"params_sha256": fingerprint(params), "params": params_record(params)}
    out = {**identity(params, params_file), "steps": steps}
    folder.mkdir(parents=True, exist_ok=True)
    CycleLayout(folder).identity.write_text(
        json.dumps(out, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def check_previous(params: CycleParams) -> None:
    """`previous_cycle` must be a finished review of this partnership, of an earlier review
    period, and not this cycle's own folder: anything else would make "Since the last review"
    compare with nothing (every difficulty "raised"), with itself or with another partnership."""
    if not params.previous_cycle:
        return
    folder = resolve(params.previous_cycle)
    key = f"key 'previous_cycle': {relative(folder)}"
    manifest = _manifest(folder)
    if manifest is None:
        unfinished = read_record(folder) is not None
        raise ReviewError(
            f"{key} is "
            + (
                "a review cycle that never finished (it has no manifest.json)"
                if unfinished
                else "not a review cycle's outputs folder (it has no manifest.json)"
            )
            + "; 'Since the last review' would have nothing to compare with. Point it at the "
            "folder `reviewkit run` wrote for the last review, e.g. outputs/<partnership>/"
            "<cycle>, or remove the key."
        )
    other = manifest.get("partnership")
    if other and not same_name(other, params.partnership):
        raise ReviewError(
            f"{key} is a review of {other}, not of "
            f"{params.partnership}; 'Since the last review' would compare two partnerships. "
            "Point previous_cycle at this partnership's last outputs."
        )
    if manifest.get("cycle") == params.cycle:
        raise ReviewError(
            f"{key} is this review cycle ('{params.cycle}') itself; 'Since the last review' "
            "compares with the cycle before. Point it at the last review's outputs."
        )
    before = (manifest.get("params") or {}).get("review_period") or {}
    end = before.get("end") if isinstance(before, dict) else None
    if isinstance(end, str) and end >= params.review_period.end:
        raise ReviewError(
            f"{key} reviews a period ending {end}, not before this review period "
            f"(ending {params.review_period.end}); the last review comes before this one."
        )


def review_cycles(params: CycleParams) -> list[str]:
    """This partnership's review cycles up to this one, oldest first: the earlier ones by
    following `previous_cycle` from finished folder to finished folder (each manifest's params
    name the one before), so a review that logged no difficulty still counts; only this
    cycle when no earlier one is linked."""
    cycles, link = [params.cycle], params.previous_cycle
    while link:
        manifest = _manifest(resolve(link)) or {}
        cycle = manifest.get("cycle")
        if not isinstance(cycle, str) or cycle in cycles:  # the end, or a loop
            break
        cycles.append(cycle)
        link = (manifest.get("params") or {}).get("previous_cycle")
    return cycles[::-1]


def run_folder(
    params_file: str | Path, run_dir: str | Path | None = None, step: str = "intake"
) -> Path:
    """The folder a notebook step reads and writes, checked: the first call of every notebook.

    Empty `run_dir` (a run by hand): `outputs/interactive/<partnership>/<cycle>/`, so another
    partnership's params never land on this one's figures. A finished cycle (it has a
    manifest) is never written by hand. Later steps refuse a folder whose earlier steps were
    made for another partnership or with other params. The step is then recorded.
    """
    if step not in STEPS:
        raise ReviewError(f"step must be one of {', '.join(STEPS)}, not '{step}'.")
    params = load_params(params_file)
    check_previous(params)
    folder = resolve(run_dir) if run_dir else scratch_dir(params)
    if CycleLayout(folder).finished:
        manifest = _manifest(folder) or {}
        raise ReviewError(
            f"{relative(folder)} holds a finished review cycle ({manifest.get('partnership')}, "
            f"cycle '{manifest.get('cycle')}'); notebooks run by hand never write into it. "
            "Leave run_dir empty to work in outputs/interactive/, or rerun the cycle with "
            "`reviewkit run --from progress|report`."
        )
    record = read_record(folder)
    if record is not None:
        if step == "intake":
            _belongs(record, params, params_file, folder)
        else:
            check_made_with(record, params, params_file, folder, STEPS[: STEPS.index(step)])
    elif step != "intake":
        raise ReviewError(
            f"{relative(folder)} has no intake for "
            f"{_who(identity(params, params_file))}; run 01_intake first."
        )
    record_step(folder, params, params_file, step)
    return folder


def load_checked(params_file: str | Path) -> CycleParams:
    """The params, with `previous_cycle` and the outputs folder's owner checked (used by
    `check`)."""
    params = load_params(params_file)
    check_previous(params)
    cycle_dir(params)  # refuses a folder another partnership holds
    return params
