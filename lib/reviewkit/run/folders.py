"""The folders a run works in, beside `outputs/<partnership>/<cycle>/`: the cycle's lock, the
run in progress, a failed or interrupted run kept to look at, and moving a finished run into
place without losing the outputs it replaces."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from reviewkit.base import platforms
from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative
from reviewkit.store.layout import CycleLayout


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


def lock_for(out_root: Path, cycle: str) -> CycleLock:
    """The lock of `cycle` in its partnership's folder `out_root`."""
    return CycleLock(out_root / f".{cycle}.lock")


def run_in_progress(out_root: Path, cycle: str) -> Path:
    """This process's folder for the run of `cycle` in progress (beside the finished one)."""
    return out_root / f".{cycle}.run-{os.getpid()}"


def failed_dir(out_root: Path, cycle: str) -> Path:
    """Where a failed or interrupted run of `cycle` is kept: `_failed/<cycle>`. No cycle id
    can start with '_', so this never names (and never deletes) another cycle's outputs."""
    return out_root / "_failed" / cycle


def waiting_dir(out_root: Path, cycle: str) -> Path:
    """Where a finished run waits when the old outputs could not be replaced: `_new/<cycle>`."""
    return out_root / "_new" / cycle


def keep_failed(tmp: Path, out_root: Path, cycle: str) -> Path:
    """Keep a failed run's folder as `_failed/<cycle>` (replacing an older one); its path."""
    failed = failed_dir(out_root, cycle)
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    platforms.move_folder(tmp, failed)
    return failed


def keep_interrupted(out_root: Path, cycle: str, echo: Callable[[str], None]) -> None:
    """A run killed midway leaves its temporary folder: keep it as `_failed/<cycle>` to look at
    (the finished outputs were never touched), and say so."""
    for stale in sorted(out_root.glob(f".{cycle}.run-*")):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and platforms.process_alive(int(pid)):
            continue
        failed = keep_failed(stale, out_root, cycle)
        echo(
            f"An earlier run of cycle '{cycle}' was interrupted; its files are in "
            f"{relative(failed)}. The finished outputs were not touched."
        )


def fresh_copy(final: Path, tmp: Path, remade: Callable[[CycleLayout], list[Path]]) -> None:
    """The run folder `tmp` for a rerun of later steps: a copy of the finished cycle `final`
    without its manifest (a run in progress is not a finished cycle), and without what the
    rerun makes again (`remade(copy)`), so a page or PDF it cannot make now (no browser here)
    is never left from the earlier run beside the new results."""
    copy = CycleLayout(final).copy_unfinished(tmp)
    for path in remade(copy):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


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
