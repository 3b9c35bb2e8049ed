"""The runner's kernels, through jupyter_client's documented seams: a kernel provisioner and a
kernel spec manager.

`ReviewProvisioner` is a kernel provisioner (jupyter_client's provisioner interface), registered
under the entry point group `jupyter_client.kernel_provisioners` as `reviewkit-provisioner` in
`pyproject.toml`. The runner's kernel manager finds it the way jupyter_client documents: the
kernel spec it is given (`ReviewKernelSpecs`) names it in `metadata.kernel_provisioner`. It
launches each kernel as a fork of the run's kernel server while one is up
(`reviewkit.run.kernels`), else as an ordinary process (`LocalProvisioner`'s own launch), and
keeps the kernel's own log lines in `outputs/.kernels.log` (`paths.kernels_log`) and its local
sockets in a private folder it removes when the kernel is cleaned up. JupyterLab's kernels are
not the runner's: their specs name no provisioner, so they are jupyter_client's ordinary ones.

`KernelQueue` gives each notebook of a run its fresh kernel, the next one started while the
current notebook runs.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner
from jupyter_core.utils import run_sync

from reviewkit.base import platforms
from reviewkit.base.errors import ReviewError
from reviewkit.base.notebooks import KERNEL
from reviewkit.base.paths import kernels_log, repo_root
from reviewkit.run.kernels import ForkedProcess, fork_kernel, kernel_args, server_address

NAME = "reviewkit-provisioner"  # its entry point's name (pyproject.toml)


class ReviewProvisioner(LocalProvisioner):
    """A local kernel, forked from the run's kernel server when one is up (and the kernel
    command is this Python's ipykernel), with its log and private sockets."""

    forked: ForkedProcess | None = None
    socket_dir: str | None = None
    log: IO[bytes] | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Before launching: the kernel's own log lines (not the notebook's output, which the
        notebook keeps) go to outputs/.kernels.log, not to the analyst's terminal; on the IPC
        transport its sockets go in a private folder, so nothing listens on the network."""
        if "stderr" not in kwargs:
            path = kernels_log()
            path.parent.mkdir(parents=True, exist_ok=True)
            self.log = path.open("ab")
            kwargs["stderr"] = self.log
        km = self.parent
        if km is not None and km.transport == "ipc" and self.socket_dir is None:
            self.socket_dir = tempfile.mkdtemp(prefix="reviewkit-")
            km.ip = os.path.join(self.socket_dir, "kernel")
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """A fork of the kernel server when one is up and the command allows; else (and when
        the server has stopped or refused) an ordinary kernel."""
        address, args = server_address(), kernel_args(cmd)
        if address is None or args is None:
            return await super().launch_kernel(cmd, **kwargs)
        err = kwargs.get("stderr")
        log = getattr(err, "name", None) if err is not None else None
        env = kwargs.get("env") or dict(os.environ)
        env = {**env, "JPY_PARENT_PID": "server"}  # the server gives its own id
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            pid = fork_kernel(address, args, env, cwd, log if isinstance(log, str) else None)
        except OSError:  # no server after all: an ordinary kernel
            return await super().launch_kernel(cmd, **kwargs)
        self.forked = ForkedProcess(pid, address)
        self.pid = self.pgid = pid  # the kernel leads a session and process group of its own
        self.cwd = cwd
        return self.connection_info

    @property
    def has_process(self) -> bool:
        """Whether there is a kernel process (forked or ordinary) to manage."""
        return self.forked is not None or bool(super().has_process)

    async def poll(self) -> int | None:
        """None while the kernel runs, then its exit code (a forked kernel's as the server
        that reaped it recorded it: `ForkedProcess.returncode`)."""
        if self.forked is not None:
            return self.forked.returncode()
        return await super().poll()

    async def wait(self) -> int | None:
        """Wait for the kernel to end; its exit code."""
        if self.forked is not None:
            while self.forked.alive():
                await asyncio.sleep(0.02)
            code = self.forked.returncode()
            self.forked = None  # as LocalProvisioner: has_process is now False
            return code
        return await super().wait()

    async def send_signal(self, signum: int) -> None:
        """Send `signum` to the kernel (an interrupt, say)."""
        if self.forked is not None:
            self.forked.signal(signum)
            return
        await super().send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        """Stop the kernel at once."""
        if self.forked is not None:
            self.forked.kill()
            return
        await super().kill(restart=restart)

    async def terminate(self, restart: bool = False) -> None:
        """Ask the kernel to stop."""
        if self.forked is not None:
            self.forked.terminate()
            return
        await super().terminate(restart=restart)

    async def cleanup(self, restart: bool = False) -> None:
        """After the kernel: its sockets' folder and its log are closed (kept on a restart)."""
        await super().cleanup(restart=restart)
        if restart:
            return
        if self.socket_dir is not None:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
            self.socket_dir = None
        if self.log is not None:
            self.log.close()
            self.log = None


class ReviewKernelSpecs(KernelSpecManager):
    """The installed kernel specs, each naming `ReviewProvisioner` as its provisioner (unless
    it names one of its own): jupyter_client's documented way to choose a provisioner."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The spec of `kernel_name`, with the runner's provisioner. Refused, with what to do,
        when the provisioner's entry point is not installed (the package metadata is older
        than the code: reinstall), rather than running every notebook the slow way."""
        spec = super().get_kernel_spec(kernel_name)
        if "kernel_provisioner" not in spec.metadata:
            spec.metadata["kernel_provisioner"] = {"provisioner_name": NAME, "config": {}}
            if not KernelProvisionerFactory.instance().is_provisioner_available(spec):
                raise ReviewError(
                    f"The kernel provisioner '{NAME}' is not installed: run `make setup` (or "
                    "`python -m pip install --no-deps -e .`) again, then rerun."
                )
        return spec


def kernel_manager() -> AsyncKernelManager:
    """A kernel manager for one notebook's kernel: local sockets in a private folder on the
    fork route, TCP on 127.0.0.1 on the portable route (Windows has no IPC transport; macOS
    and REVIEWKIT_PORTABLE=1 take Windows' route); its kernel from `ReviewProvisioner`."""
    transport = platforms.local_transport()
    where = {"ip": "127.0.0.1"} if transport == "tcp" else {}  # ipc: the provisioner's folder
    return AsyncKernelManager(
        kernel_name=KERNEL, transport=transport, kernel_spec_manager=ReviewKernelSpecs(), **where
    )


def start_kernel() -> AsyncKernelManager:
    """A fresh kernel in the repository root (the notebooks' working folder), starting now."""
    km = kernel_manager()
    run_sync(km.start_kernel)(cwd=str(repo_root()))
    return km


def stop_kernel(km: AsyncKernelManager) -> None:
    """Shut a kernel down (papermill leaves a kernel it was given running)."""
    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=False)
        else:
            run_sync(km.cleanup_resources)()
    except RuntimeError:  # already gone
        pass


class KernelQueue:
    """Each notebook's fresh kernel, the next one started while the current notebook runs.

    Every notebook still gets a kernel of its own, started for it and shut down after it; only
    the start is earlier, so a kernel's start-up overlaps the notebook before it. The next
    kernel is started from a thread of the queue's own, so the runner never waits for it while
    a notebook could be running (the kernel server may be warming up before it forks it)."""

    def __init__(self) -> None:
        self.ready: Future[AsyncKernelManager] | None = None
        self._starter: ThreadPoolExecutor | None = None

    def take(self) -> AsyncKernelManager:
        """The kernel started for the next notebook (started now if none was)."""
        ready, self.ready = self.ready, None
        return ready.result() if ready is not None else start_kernel()

    def start_next(self) -> None:
        """Start the next notebook's kernel now, in the queue's thread."""
        if self.ready is None:
            self.ready = self._thread().submit(start_kernel)

    def stop(self, km: AsyncKernelManager) -> None:
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
