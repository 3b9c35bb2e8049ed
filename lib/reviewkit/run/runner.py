"""Run a review cycle: the three notebooks in fresh kernels with papermill, then the HTML exports.

A run writes into a temporary folder beside `outputs/<partnership>/<cycle>/` and moves it into
place only when every step succeeded, so a failed or interrupted run never leaves half a report
where a good one was (`reviewkit.run.folders`). A finished cycle is not overwritten without
`force`; `--from` reruns only a finished cycle of the same partnership, params file and params
(see `identity`) whose inputs have not changed since (`reviewkit.run.staleness`); a lock stops
two runs of the same cycle at once. The notebooks (`reviewkit.run.steps`) run in kernels of the
runner's provisioner (`reviewkit.run.provisioner`), forked by the kernel server of
`reviewkit.run.kernels`; each notebook's pages are exported (`reviewkit.run.exports`) while the
next one runs. Several cycles at once are a batch (`reviewkit.run.batch`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import kernels_log, relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.report.publish import write_for_people
from reviewkit.run.exports import export_step, pdf_record, remade_by, report_pdf_pairs
from reviewkit.run.folders import (
    failed_dir,
    fresh_copy,
    keep_failed,
    keep_interrupted,
    lock_for,
    replace_cycle,
    run_in_progress,
    waiting_dir,
)
from reviewkit.run.kernels import kernel_server
from reviewkit.run.parameters_cell import check_parameters_cells
from reviewkit.run.printing import LazyPrinter
from reviewkit.run.provisioner import KernelQueue
from reviewkit.run.signoff import sign_off_record
from reviewkit.run.staleness import refuse_stale_start
from reviewkit.run.steps import StepFailed, execute_step, sequence
from reviewkit.store.identity import STEPS, check_finished, check_previous, cycle_dir
from reviewkit.store.layout import CycleLayout
from reviewkit.store.manifest import build_manifest, changed_inputs, write_manifest
from reviewkit.store.tables import CycleStore


def refuse_unready_final(params: CycleParams, params_file: Path) -> None:
    """A final run stops before anything runs while the paper is not ready to sign off."""
    from reviewkit.run.signoff import final_problems

    if params.report.status != "final":
        return
    problems = final_problems(params, params_file)
    if problems:
        raise ReviewError(
            f"{relative(params_file)}: report.status is final, but the paper is not ready to "
            "sign off:\n"
            + "\n".join(f"- {p}" for p in problems)
            + "\nFix these and run again, or set report.status: draft to review it first."
        )


def _check_strategy(params: CycleParams) -> None:
    """Before any notebook: the strategy is valid and every filter value can match."""
    from reviewkit.analysis.vocabulary import check_filters
    from reviewkit.inputs.register import load_register
    from reviewkit.inputs.strategy import load_strategy

    register = load_register(params.path("data_requests"))
    strategy = load_strategy(params.path("strategy"), register.datasets)
    check_filters(strategy, register, str(params.path("strategy")))


def check_can_start(
    final: Path, params: CycleParams, pfile: Path, start: str, force: bool
) -> dict[str, Any] | None:
    """The finished cycle's manifest (None when there is none) once a run from `start` may go:
    a finished cycle is replaced only with `force`, and `--from` needs a finished run of these
    params whose inputs have not changed since."""
    old_manifest = CycleLayout(final).read_manifest()
    if old_manifest is None:
        if start != "intake":
            raise ReviewError(
                f"--from {start} needs a finished earlier run in "
                f"{relative(final)}; run the whole cycle first."
            )
        return None
    if start == "intake" and not force:
        made = (
            f" (made from {old_manifest.get('params_file')})"
            if old_manifest.get("params_file") != relative(pfile)
            else ""
        )
        raise ReviewError(
            f"{relative(final)} holds a finished review cycle{made}; it is not "
            "overwritten. Use --force to replace it, --from progress|report to rerun "
            "later steps, or give the new cycle its own id (key 'cycle')."
        )
    if start != "intake":
        check_finished(final, params, pfile, start)
        refuse_stale_start(old_manifest, params, pfile, start)
    return old_manifest


def run_cycle(
    params_file: str | Path,
    start: str = "intake",
    force: bool = False,
    progress: bool = True,
    echo: Callable[[str], None] = print,
) -> Path:
    """Run a cycle from `start` and return its outputs folder."""
    if start not in STEPS:
        raise ReviewError(f"--from must be one of {', '.join(STEPS)}, not '{start}'.")
    pfile = resolve(params_file)
    params = load_params(pfile)
    check_previous(params)
    _check_strategy(params)
    check_parameters_cells([s.source for s in sequence(params, start)], pfile)
    refuse_unready_final(params, pfile)
    final = cycle_dir(params)
    out_root = final.parent
    with lock_for(out_root, params.cycle):
        old_manifest = check_can_start(final, params, pfile, start, force)
        keep_interrupted(out_root, params.cycle, echo)
        tmp = run_in_progress(out_root, params.cycle)
        shutil.rmtree(tmp, ignore_errors=True)
        if start != "intake":
            fresh_copy(final, tmp, lambda copy: remade_by(copy, params, start))
        else:
            tmp.mkdir(parents=True)
        timings: dict[str, float] = (
            dict(old_manifest.get("timings_seconds", {}))
            if (old_manifest and start != "intake")
            else {}
        )
        pdf = _run_in(tmp, final, params, pfile, start, progress, echo, timings)
        manifest = build_manifest(params, pfile, tmp, timings, _warnings(tmp))
        manifest["sign_off"] = sign_off_record(params)
        manifest["pdf"] = pdf
        if old_manifest:
            changes = changed_inputs(old_manifest, manifest)
            if changes:
                manifest["changed_since_last_run"] = changes
        write_manifest(manifest, tmp)
        replace_cycle(tmp, final, waiting_dir(out_root, params.cycle))
        shutil.rmtree(failed_dir(out_root, params.cycle), ignore_errors=True)
    return final


def _run_in(
    tmp: Path,
    final: Path,
    params: CycleParams,
    pfile: Path,
    start: str,
    progress: bool,
    echo: Callable[[str], None],
    timings: dict[str, float],
) -> dict[str, object]:
    """Run the steps in the run folder `tmp`, then the workbook and the PDFs (adding their
    seconds to `timings`); what the manifest says of the PDFs. A failed run's folder is kept
    as `_failed/<cycle>` and the error says where; an interrupted one's is removed."""
    printer = LazyPrinter()
    try:
        with kernel_server(kernels_log()):
            done, printed = run_steps(params, pfile, tmp, start, progress, printer)
        timings.update(done)
        t0 = time.perf_counter()
        write_for_people(  # while the PDFs print
            tmp,
            f"{params.partnership}: review cycle {params.cycle} ({params.review.describe()})",
        )
        timings["workbook"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        pdf = pdf_record(printed, echo)
        timings["pdfs"] = time.perf_counter() - t0  # waited for after the workbook
        return pdf
    except ReviewError as exc:
        failed = keep_failed(tmp, final.parent, params.cycle)
        kept = (
            f" The previous outputs in {relative(final)} are untouched." if final.exists() else ""
        )
        where = ""
        if isinstance(exc, StepFailed):
            where = (
                f"\nThe executed notebook that shows the error: "
                f"{relative(CycleLayout(failed).executed(exc.notebook.name))}"
            )
        raise ReviewError(
            f"{exc}{where}\nThis run's files are in {relative(failed)}.{kept}"
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        printer.close()


def _warnings(run_dir: Path) -> list[str]:
    """The intake's notes and dropped columns, for the manifest."""
    store = CycleStore(run_dir)
    if not store.has_intake_summary():
        return []
    intake = store.read_intake_summary()
    out = [f"{ds}: {n}" for ds, notes in intake.get("notes", {}).items() for n in notes]
    out += [
        f"{ds}: personal-looking column(s) dropped at intake: {', '.join(cols)}"
        for ds, cols in intake.get("dropped_columns", {}).items()
    ]
    return out


def run_steps(
    params: CycleParams,
    pfile: Path,
    run_dir: Path,
    start: str,
    progress: bool,
    printer: LazyPrinter,
) -> tuple[dict[str, float], Future[list[Path]]]:
    """Run the notebooks from `start` and export each; (seconds per step and export, the
    circulated reports' PDFs, printing).

    What follows a notebook is off the critical path: its kernel is shut down and its pages
    exported from threads of their own while the next notebook runs (each export is waited
    for before the reports are printed, and every one before this returns). The printer is
    started with the report notebook, so the browser is ready when the reports are."""
    seconds: dict[str, float] = {}
    exported: list[Future[dict[str, float]]] = []
    steps = sequence(params, start)
    kernels = KernelQueue()
    with ThreadPoolExecutor(1, thread_name_prefix="reviewkit-exports") as exporter:
        try:
            for i, step in enumerate(steps):
                t0 = time.perf_counter()
                if step.name == "report":
                    printer.start()
                km = kernels.take()
                if i + 1 < len(steps):
                    kernels.start_next()  # starts while this notebook runs
                try:
                    nb = execute_step(step, pfile, run_dir, km, progress)
                finally:
                    kernels.stop(km)
                seconds[step.name] = time.perf_counter() - t0
                exported.append(exporter.submit(export_step, step, params, nb, run_dir))
        finally:
            kernels.close()
        timings: dict[str, float] = {}
        for step, done in zip(steps, exported, strict=True):
            timings[step.name] = seconds[step.name]
            timings.update(done.result())
    return timings, printer.submit(report_pdf_pairs(run_dir))
