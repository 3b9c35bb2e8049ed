"""Run a review cycle: the three notebooks in fresh kernels with papermill, then the HTML exports.

A run writes into a temporary folder beside `outputs/<partnership>/<cycle>/` and moves it into
place only when every step succeeded, so a failed or interrupted run never leaves half a report
where a good one was. A finished cycle is not overwritten without `force`; `--from` reruns only
a finished cycle of the same partnership, params file and params (see `identity`); a lock
stops two runs of the same cycle at once; a batch refuses two params files that would write to
one folder.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import default

from reviewkit.base import platforms
from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import notebooks_dir, outputs_dir, relative, repo_root, resolve
from reviewkit.inputs.own import own_title
from reviewkit.inputs.params import CycleParams, OwnNotebook, load_params
from reviewkit.report.export import export_analysis, export_html
from reviewkit.report.publish import write_for_people
from reviewkit.run import engine
from reviewkit.run.kernels import (
    ADDRESS_ENV,
    SERVER_ENV,
    forking_wanted,
    kernel_server,
    provisioner,
    server_address,
)
from reviewkit.run.parameters_cell import check_parameters_cells
from reviewkit.run.printing import LazyPrinter, print_service
from reviewkit.run.signoff import sign_off_record
from reviewkit.store.identity import (
    STEPS,
    check_finished,
    check_previous,
    cycle_dir,
    shared_folders,
)
from reviewkit.store.layout import CycleLayout
from reviewkit.store.manifest import build_manifest, changed_inputs, write_manifest

NOTEBOOKS = {
    "intake": "01_intake.ipynb",
    "progress": "02_progress.ipynb",
    "report": "03_report.ipynb",
}
KERNEL = "python3"


@dataclass(frozen=True)
class Step:
    """One notebook of the sequence: a review step, or an analyst's own notebook."""

    name: str  # intake, progress, report, or own:<notebook name>
    source: Path
    own: OwnNotebook | None = None

    @property
    def notebook(self) -> str:
        return self.source.name


def sequence(params: CycleParams, start: str = "intake") -> list[Step]:
    """The notebooks a run executes from `start`, in order: the three steps, each followed by
    the own notebooks declared to run after it."""
    steps: list[Step] = []
    for step in STEPS[STEPS.index(start) :]:
        steps.append(Step(step, notebooks_dir() / NOTEBOOKS[step]))
        steps += [
            Step(f"own:{nb.name}", resolve(nb.file), nb)
            for nb in params.own_notebooks
            if nb.after == step
        ]
    return steps


@dataclass(frozen=True)
class Export:
    file: str
    audience: str
    title: str
    pdf: bool = False  # also printed to PDF (the papers that are circulated)


EXPORTS = {
    "intake": [Export("data_quality.html", "quality", "Data quality")],
    "report": [
        Export("review_report.html", "board", "Strategy review", pdf=True),
        Export("community_update.html", "community", "Community safety update", pdf=True),
        Export("planning_pack.html", "planning", "Planning pack"),
    ],
}


def running_header(params: CycleParams, audience: str) -> tuple[str, str]:
    """(left, right) of the printed pages' header: who and when; draft or final."""
    left = f"{params.partnership} · review period {params.review.describe()}"
    r = params.report
    if audience == "board":
        return left, r.status_line()
    if audience == "community":
        return left, (
            "Draft: not for publication"
            if r.status == "draft"
            else f"Published {r.signed_off_on:%d %B %Y}"
        )
    return left, "For the core audit team"


def report_pdf_pairs(run_dir: Path) -> list[tuple[Path, Path]]:
    """(html, pdf) of each circulated report."""
    return [
        (run_dir / ex.file, run_dir / ex.file.replace(".html", ".pdf"))
        for exports in EXPORTS.values()
        for ex in exports
        if ex.pdf
    ]


def remade_by(layout: CycleLayout, params: CycleParams, start: str) -> list[Path]:
    """The files a run from `start` makes again in a copy of the finished cycle: the pages,
    PDFs and executed notebooks of the steps it runs, and the workbook."""
    paths = [layout.workbook]
    for step in sequence(params, start):
        paths.append(layout.executed(step.notebook))
        if step.own is not None:
            paths.append(layout.analysis_html(step.notebook))
        for ex in EXPORTS.get(step.name, []):
            paths.append(layout.report(ex.file))
            if ex.pdf:
                paths.append(layout.report(ex.file.replace(".html", ".pdf")))
    return paths


def pdf_record(printed: Future[list[Path]], echo: Callable[[str], None]) -> dict[str, object]:
    """What the manifest says of the PDFs, once printed; one line said if they were not."""
    try:
        written = printed.result()
    except RuntimeError as exc:
        note = f"PDFs not written: {exc}. The HTML reports are complete."
        echo(note)
        return {"written": [], "note": note}
    return {"written": [p.name for p in written], "note": ""}


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


class CycleLock:
    """An exclusive lock file per cycle; a stale lock (its process is gone) is taken over."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> CycleLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pid = self._holder()
                if pid and platforms.process_alive(pid):
                    raise ReviewError(
                        f"Another run of this cycle is in progress (process {pid}; lock file "
                        f"{relative(self.path)}). Wait for it to finish. If no run is going, "
                        "delete the lock file."
                    ) from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            return self
        raise ReviewError(f"Could not take the lock {relative(self.path)}.")

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def _failed_cell(nb_path: Path) -> str:
    """'cell N: ErrorName: message' for the first failing cell of an executed notebook."""
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # noqa: BLE001 - the message is best effort
        return "see the notebook"
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                value = str(out.get("evalue", "")).strip().splitlines()
                first = value[0] if value else ""
                line = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
                where = f"code cell {number} (`{line[:60]}`)"
                if out.get("ename") == "ReviewError":
                    return f"{where}: {chr(10).join(value)}"
                return f"{where}: {out.get('ename')}: {first}"
    return "see the notebook"


def execute_step(
    step: Step,
    params_file: Path,
    run_dir: Path,
    progress: bool = True,
    km: LocalKernelManager | None = None,
) -> Path:
    """Run one notebook in a fresh kernel (`km`, started for it, or one started now); raise
    ReviewError naming the failing cell."""
    target = CycleLayout(run_dir).executed(step.notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(step.source),
            str(target),
            parameters={"params_file": relative(params_file), "run_dir": str(run_dir)},
            kernel_name=KERNEL,
            cwd=str(repo_root()),
            log_output=False,
            progress_bar={"desc": f"{step.notebook:<18}", "leave": True} if progress else False,
            kernel_manager_class=LocalKernelManager,
            km=km,
            engine_name=engine.register(),
        )
    except pm.PapermillExecutionError:
        raise StepFailed(step, target, _failed_cell(target)) from None
    return target


class LocalKernelManager(AsyncKernelManager):
    """A kernel on local (IPC) sockets in a private folder on the fork route, so nothing
    listens on the network; TCP on 127.0.0.1 on the portable route (Windows has no IPC
    transport; macOS and REVIEWKIT_PORTABLE=1 take Windows' route)."""

    _socket_dir: str | None = None

    @default("transport")
    def _default_transport(self) -> str:
        return platforms.local_transport()

    @default("ip")
    def _default_ip(self) -> str:
        if self.transport == "ipc":
            self._socket_dir = tempfile.mkdtemp(prefix="reviewkit-")
            return os.path.join(self._socket_dir, "kernel")
        return "127.0.0.1"

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        # The kernel's own log lines (not the notebook's output, which the notebook keeps)
        # go to outputs/.kernels.log, not into the analyst's terminal.
        if "stderr" not in kw:
            log = outputs_dir() / ".kernels.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            self._log = log.open("ab")
            kw["stderr"] = self._log
        if self.provisioner is None and server_address() is not None:
            # a fork of the run's kernel server, which has made the notebooks' imports
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = provisioner(self.kernel_id, self.kernel_spec, self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_dir:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
        if not restart and getattr(self, "_log", None) is not None:
            self._log.close()

    cleanup_resources = _async_cleanup_resources


class StepFailed(ReviewError):
    def __init__(self, step: Step, notebook: Path, detail: str):
        self.step, self.notebook, self.detail = step, notebook, detail
        super().__init__(f"{step.notebook} failed at {detail}")


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
    with CycleLock(out_root / f".{params.cycle}.lock"):
        old_manifest = None
        if CycleLayout(final).finished:
            old_manifest = json.loads(CycleLayout(final).manifest.read_text(encoding="utf-8"))
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
        elif start != "intake":
            raise ReviewError(
                f"--from {start} needs a finished earlier run in "
                f"{relative(final)}; run the whole cycle first."
            )
        if old_manifest and start != "intake":
            refuse_stale_start(old_manifest, params, pfile, start)
        keep_interrupted(out_root, params.cycle, echo)
        tmp = out_root / f".{params.cycle}.run-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        if start != "intake":
            # the run in progress is not a finished cycle until its new manifest is written
            copy = CycleLayout(final).copy_unfinished(tmp)
            # what the rerun makes again goes first: a page or PDF it cannot make now (no
            # browser here) is never left from the earlier run beside the new results
            for path in remade_by(copy, params, start):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            # the report's charts are drawn once per run: a rerun draws them again from its
            # own data (the charts for people are drawn by the progress step)
            shutil.rmtree(copy.chart_cache_dir, ignore_errors=True)
        else:
            tmp.mkdir(parents=True)
        pdf: dict[str, object] | None = None
        printer = LazyPrinter()
        timings: dict[str, float] = (
            dict(old_manifest.get("timings_seconds", {}))
            if (old_manifest and start != "intake")
            else {}
        )
        try:
            footer = (
                f"{params.partnership} · review cycle {params.cycle} · {params.review.describe()}"
            )
            with kernel_server(outputs_dir() / ".kernels.log"):
                done, printed = run_steps(params, pfile, tmp, start, progress, footer, printer)
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
        except ReviewError as exc:
            failed = failed_dir(out_root, params.cycle)
            shutil.rmtree(failed, ignore_errors=True)
            failed.parent.mkdir(parents=True, exist_ok=True)
            platforms.move_folder(tmp, failed)
            kept = (
                f" The previous outputs in {relative(final)} are untouched."
                if final.exists()
                else ""
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
        warnings = _warnings(tmp)
        manifest = build_manifest(params, pfile, tmp, timings, warnings)
        manifest["sign_off"] = sign_off_record(params)
        manifest["pdf"] = pdf
        if old_manifest:
            changes = changed_inputs(old_manifest, manifest)
            if changes:
                manifest["changed_since_last_run"] = changes
        write_manifest(manifest, tmp)
        replace_cycle(tmp, final, out_root / "_new" / params.cycle)
        shutil.rmtree(failed_dir(out_root, params.cycle), ignore_errors=True)
    return final


def run_steps(
    params: CycleParams,
    pfile: Path,
    run_dir: Path,
    start: str,
    progress: bool,
    footer: str,
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
                    nb = execute_step(step, pfile, run_dir, progress, km=km)
                finally:
                    kernels.stop(km)
                seconds[step.name] = time.perf_counter() - t0
                exported.append(exporter.submit(export_step, step, params, nb, run_dir, footer))
        finally:
            kernels.close()
        timings: dict[str, float] = {}
        for step, done in zip(steps, exported, strict=True):
            timings[step.name] = seconds[step.name]
            timings.update(done.result())
    return timings, printer.submit(report_pdf_pairs(run_dir))


def export_step(
    step: Step, params: CycleParams, nb: Path, run_dir: Path, footer: str
) -> dict[str, float]:
    """The HTML pages made from an executed notebook; {'<step>_export': seconds}."""
    t0 = time.perf_counter()
    for ex in EXPORTS.get(step.name, []):
        export_html(
            nb,
            run_dir / ex.file,
            f"{ex.title}: {params.partnership}",
            ex.audience,
            footer=footer,
            header=running_header(params, ex.audience),
        )
    if step.own is not None:
        export_analysis(
            nb,
            CycleLayout(run_dir).analysis_html(step.notebook),
            own_title(step.own),
            footer=footer,
        )
    return {f"{step.name}_export": time.perf_counter() - t0}


class KernelQueue:
    """Each notebook's fresh kernel, the next one started while the current notebook runs.

    Every notebook still gets a kernel of its own, started for it and shut down after it; only
    the start is earlier, so a kernel's start-up overlaps the notebook before it. The next
    kernel is started from a thread of the queue's own, so the runner never waits for it while
    a notebook could be running (the kernel server may be warming up before it forks it)."""

    def __init__(self) -> None:
        self.ready: Future[LocalKernelManager] | None = None
        self._starter: ThreadPoolExecutor | None = None

    def take(self) -> LocalKernelManager:
        ready, self.ready = self.ready, None
        return ready.result() if ready is not None else start_kernel()

    def start_next(self) -> None:
        if self.ready is None:
            self.ready = self._thread().submit(start_kernel)

    def stop(self, km: LocalKernelManager) -> None:
        """Shut `km` down from the queue's thread: the next notebook need not wait for it."""
        self._thread().submit(stop_kernel, km)

    def _thread(self) -> ThreadPoolExecutor:
        if self._starter is None:
            self._starter = ThreadPoolExecutor(1, thread_name_prefix="reviewkit-kernels")
        return self._starter

    def close(self) -> None:
        """Stop the kernel started for a notebook that did not run, and wait for every start
        and shutdown the thread was given."""
        ready, self.ready = self.ready, None
        if ready is not None:
            try:
                stop_kernel(ready.result())
            except Exception:  # noqa: BLE001 - a kernel that never started needs no stopping
                pass
        if self._starter is not None:
            self._starter.shutdown(wait=True)
            self._starter = None


def start_kernel() -> LocalKernelManager:
    """A fresh kernel in the repository root (the notebooks' working folder), starting now."""
    km = LocalKernelManager(kernel_name=KERNEL)
    run_sync(km.start_kernel)(cwd=str(repo_root()))
    return km


def stop_kernel(km: LocalKernelManager) -> None:
    """Shut a kernel down (papermill leaves a kernel it was given running)."""
    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=False)
        else:
            run_sync(km.cleanup_resources)()
    except RuntimeError:  # already gone
        pass


def failed_dir(out_root: Path, cycle: str) -> Path:
    """Where a failed or interrupted run of `cycle` is kept: `_failed/<cycle>`. No cycle id
    can start with '_', so this never names (and never deletes) another cycle's outputs."""
    return out_root / "_failed" / cycle


def _check_strategy(params: CycleParams) -> None:
    """Before any notebook: the strategy is valid and every filter value can match."""
    from reviewkit.analysis.vocabulary import check_filters
    from reviewkit.inputs.register import load_register
    from reviewkit.inputs.strategy import load_strategy

    register = load_register(params.path("data_requests"))
    strategy = load_strategy(params.path("strategy"), register.datasets)
    check_filters(strategy, register, str(params.path("strategy")))


def keep_interrupted(out_root: Path, cycle: str, echo: Callable[[str], None]) -> None:
    """A run killed midway leaves its temporary folder: keep it as `_failed/<cycle>` to look at
    (the finished outputs were never touched), and say so."""
    for stale in sorted(out_root.glob(f".{cycle}.run-*")):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and platforms.process_alive(int(pid)):
            continue
        failed = failed_dir(out_root, cycle)
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        platforms.move_folder(stale, failed)
        echo(
            f"An earlier run of cycle '{cycle}' was interrupted; its files are in "
            f"{relative(failed)}. The finished outputs were not touched."
        )


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
    for step in ("progress", "report"):
        if roles & set(STEP_INPUTS[step]):
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


def _warnings(run_dir: Path) -> list[str]:
    path = CycleLayout(run_dir).intake_summary
    if not path.exists():
        return []
    intake = json.loads(path.read_text(encoding="utf-8"))
    out = [f"{ds}: {n}" for ds, notes in intake.get("notes", {}).items() for n in notes]
    out += [
        f"{ds}: personal-looking column(s) dropped at intake: {', '.join(cols)}"
        for ds, cols in intake.get("dropped_columns", {}).items()
    ]
    return out


def replace_cycle(tmp: Path, final: Path, waiting: Path) -> None:
    """Move the finished run into place; the old outputs go only once the new are there.

    Where the old folder cannot be moved (on Windows, while a file in it is open: the
    workbook in Excel, a PDF in a viewer), nothing is lost: the old outputs stay as they were,
    the new run is kept whole in `waiting`, and the message says where and what to do."""
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    try:
        if final.exists():
            platforms.move_folder(final, old)
    except platforms.FolderInUse:
        shutil.rmtree(waiting, ignore_errors=True)
        waiting.parent.mkdir(parents=True, exist_ok=True)
        platforms.move_folder(tmp, waiting)
        raise ReviewError(
            f"{relative(final)} could not be replaced: a file in it is open in another program "
            "(the workbook in Excel, a report in a PDF viewer or browser). Nothing was lost: "
            f"the previous outputs are untouched, and this run's finished outputs are in "
            f"{relative(waiting)}. Close the file and run again with --force, or move "
            f"{relative(waiting)} to {relative(final)} yourself."
        ) from None
    try:
        platforms.move_folder(tmp, final)
    except OSError:
        platforms.move_folder(old, final)  # the old outputs back where they were
        raise
    shutil.rmtree(old, ignore_errors=True)


def _run_one(
    params_file: str,
    start: str,
    force: bool,
    server: str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> tuple[str, float, str]:
    """Worker for run_many: (params file, seconds, error message or ''). Runs with the batch's
    environment and working folder (a forked worker has its fork server's), its kernels forked
    by the batch's kernel server when it has one."""
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    if server:
        os.environ[ADDRESS_ENV] = server
    else:
        os.environ.pop(ADDRESS_ENV, None)
    t0 = time.perf_counter()
    try:
        run_cycle(params_file, start=start, force=force, progress=False, echo=lambda _m: None)
    except ReviewError as exc:
        return params_file, time.perf_counter() - t0, str(exc)
    return params_file, time.perf_counter() - t0, ""


def warm_cache(params_files: list[str]) -> int:
    """Parse each police.uk source the cycles share once, before they start, so that
    partnerships in the same force read the parsed files from the cache. Returns the number
    of files parsed."""
    from reviewkit.inputs.register import load_register, source_files
    from reviewkit.intake.policeuk import iter_raw_files, read_cached

    seen: set[tuple[str, str]] = set()
    parsed = 0
    for pf in params_files:
        try:
            register = load_register(load_params(pf).path("data_requests"))
        except ReviewError:
            continue  # reported when that cycle runs
        for req in register.data_requests:
            if not req.is_police:
                continue
            for path in source_files(req):
                key = (req.source.kind, str(path))
                if key in seen:
                    continue
                seen.add(key)
                for raw in iter_raw_files([path], req.source.kind, []):
                    read_cached(raw, req.source.kind)
                    parsed += raw.parsed
    return parsed


def check_batch(params_files: list[str]) -> None:
    """Refuse a batch, before anything runs, when two params files would write to one folder
    (or one params file is given twice)."""
    by_folder: dict[Path, list[str]] = {}
    named: list[tuple[str, str]] = []
    for pf in params_files:
        try:
            params = load_params(pf)
        except ReviewError:
            continue  # reported when that cycle runs
        by_folder.setdefault(cycle_dir(params).resolve(), []).append(pf)
        named.append((pf, params.partnership))
    shared = shared_folders(named)
    if shared:
        raise ReviewError(
            "Nothing was run: these partnerships' names would share one outputs folder, and a "
            "folder belongs to one partnership:\n"
            + "\n".join(shared)
            + "\nGive the partnerships names that differ in more than case, spaces and "
            "punctuation."
        )
    clashes = [
        f"{relative(folder)}: {' and '.join(files)}"
        for folder, files in by_folder.items()
        if len(files) > 1
    ]
    if clashes:
        raise ReviewError(
            "Nothing was run: these params files would write to the same outputs folder (the "
            "same partnership and cycle id):\n"
            + "\n".join(clashes)
            + "\nGive each its own cycle id (key 'cycle'), or run only one of them."
        )


def worker_context() -> Any:
    """How a batch starts its workers: forked from a server that has imported the runner once
    (multiprocessing's forkserver, started single-threaded: BLAS on one thread, Arrow's
    allocator without its background thread), where kernels are forked too; else spawned, each
    importing for itself (Windows, macOS, REVIEWKIT_PORTABLE=1). Never a fork of this process,
    which may be running Arrow threads."""
    if not forking_wanted():
        return platforms.worker_context(None, {})
    settings = {k: v for k, v in SERVER_ENV.items() if k != "MPLBACKEND"}
    return platforms.worker_context(["reviewkit.run.runner"], settings)


def run_many(
    params_files: list[str], start: str = "intake", force: bool = False, jobs: int | None = None
) -> int:
    """Run several cycles (e.g. every partnership in a force) with at most `jobs` at once,
    sharing the parsed force files. Returns the exit code: 1 if any cycle failed."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    t0 = time.perf_counter()
    check_batch(params_files)
    if start == "intake":
        parsed = warm_cache(params_files)
        print(
            f"police.uk files parsed once for all cycles: {parsed} "
            f"({time.perf_counter() - t0:.1f}s)"
        )
    # Kernels spend part of their start waiting, so one more cycle than cores keeps them busy.
    workers = max(1, min(jobs or (os.cpu_count() or 1) + 1, len(params_files)))
    failures = 0
    ctx = worker_context()
    # one kernel server for every cycle of the batch: each kernel is forked from it; and one
    # browser prints every cycle's PDFs
    with (
        kernel_server(outputs_dir() / ".kernels.log") as server,
        print_service(),
        ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool,
    ):
        env, cwd = dict(os.environ), os.getcwd()
        futures = [
            pool.submit(_run_one, str(p), start, force, server, env, cwd) for p in params_files
        ]
        for fut in as_completed(futures):
            name, seconds, error = fut.result()
            if error:
                failures += 1
                print(f"error: {name}: {error}", file=sys.stderr)
            else:
                print(f"{name}: review cycle finished in {seconds:.1f}s")
    print(
        f"{len(params_files) - failures} of {len(params_files)} cycles finished in "
        f"{time.perf_counter() - t0:.1f}s with {workers} at a time"
    )
    return 1 if failures else 0
