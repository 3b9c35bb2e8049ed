"""A batch: several cycles (e.g. every partnership in a force) run at once, sharing one kernel
server, one browser for the PDFs, and the police.uk files parsed once for all of them."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from reviewkit.base import platforms
from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import kernels_log, relative
from reviewkit.inputs.params import load_params
from reviewkit.run import lean
from reviewkit.run.kernels import ADDRESS_ENV, SERVER_ENV, forking_wanted, kernel_server
from reviewkit.run.printing import print_service
from reviewkit.run.runner import run_cycle
from reviewkit.store.layout import cycle_dir, shared_folders


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
    # the fork server runs no code of ours before its imports: lean blocks there at import
    settings[lean.SERVER_FLAG] = "1"
    return platforms.worker_context(["reviewkit.run.lean", "reviewkit.run.batch"], settings)


def worker_pool(workers: int, ctx: Any) -> Any:
    """The batch's pool of `workers` processes, started from `ctx` (`worker_context`); each
    worker leaves lean.UNUSED unloaded (its initialiser) before it imports the runner."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=lean.leave_unloaded)


def run_many(
    params_files: list[str], start: str = "intake", force: bool = False, jobs: int | None = None
) -> int:
    """Run several cycles (e.g. every partnership in a force) with at most `jobs` at once,
    sharing the parsed force files. Returns the exit code: 1 if any cycle failed."""
    from concurrent.futures import as_completed

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
    ctx = worker_context()  # the fork server imports while the kernel server starts
    # one kernel server for every cycle of the batch: each kernel is forked from it; and one
    # browser prints every cycle's PDFs
    with (
        kernel_server(kernels_log()) as server,
        print_service(),
        worker_pool(workers, ctx) as pool,
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
