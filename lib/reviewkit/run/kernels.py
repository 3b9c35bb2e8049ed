"""Fresh kernels without paying the imports each time: a kernel server that forks them.

Every notebook of a cycle runs in a fresh kernel of its own, and most of a kernel's start is
importing pandas, pyarrow, numpy, matplotlib, scipy and the review steps. A kernel server is a
process that has made those imports once; each kernel is then a fork of it (a new process, with
nothing of any notebook's state), which sets its own working folder, environment, output and
random seeds and runs ipykernel with its connection file. One server serves a run, or every
cycle of a batch (its address is in `REVIEWKIT_KERNEL_SERVER`).

This module is the runner's side: starting and stopping the server and asking it for a kernel.
The server itself is `reviewkit.run.kernel_server`; jupyter_client reaches forked kernels
through the provisioner of `reviewkit.run.provisioner` (its documented provisioner interface,
registered as an entry point), so poll, interrupt, kill and shutdown work on the forked
process as on any kernel (the server reaps its children, so their peak memory counts as its
children's, as an ordinary kernel's counts as the runner's). Ordinary kernels are used where
forking is not safe or not available (anything but Linux, or `REVIEWKIT_PORTABLE=1`: the
platform seam, `reviewkit.base.platforms`, decides), when `REVIEWKIT_KERNELS=plain`, when the
kernel spec is not this Python's ipykernel, or when the server cannot start. The fork, the
local socket and the other POSIX-only calls the server makes are the seam's.

Forking is only safe from a single-threaded process: the server makes BLAS (OpenBLAS) use one
thread and Arrow's allocator (jemalloc) no background thread, checks that it is alone before
it listens, and stops otherwise (the run then uses ordinary kernels). The kernels inherit those
two settings: one BLAS thread per kernel, which is also what several cycles at once want.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewkit.base import platforms

ADDRESS_ENV = "REVIEWKIT_KERNEL_SERVER"
MODE_ENV = "REVIEWKIT_KERNELS"  # "plain": ordinary kernels, each importing for itself
INLINE = "module://matplotlib_inline.backend_inline"
# Interpreter options the kernel spec may give before `-m ipykernel_launcher`; the server is
# started with them.
FLAGS = ["-Xfrozen_modules=off"]
SERVER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
    "MPLBACKEND": INLINE,
}
START_TIMEOUT = 120.0
# Seconds a runner waits for the server's answer to a request it has taken. The server answers
# at once (it forks, then replies), or after a warm-up of a few seconds once its first kernel
# is away; one that takes a request and says nothing in this time is taken for hung: its folder
# goes, as a refusing server's does, and the run's notebooks get ordinary kernels.
REPLY_TIMEOUT = 60.0

_address: str | None = None  # the server of the run in this process, if any


def forking_wanted() -> bool:
    """Forked kernels where they are safe (Linux, not the portable route) and not turned off."""
    return platforms.can_fork() and os.environ.get(MODE_ENV, "").strip().lower() != "plain"


def server_address() -> str | None:
    """The kernel server this process's runs use: its own run's, or the batch's."""
    if not forking_wanted():
        return None
    return _address or os.environ.get(ADDRESS_ENV) or None


PID_FILE = "pid"  # in the server's folder: the server's process id, for any process to check


class KernelServer:
    """A kernel server process, started now; `close()` stops it (its kernels stop with it).

    Its folder holds its socket and its process id: a runner (or a batch's worker) asking for
    a kernel sees at once when the server has died, whatever killed it."""

    def __init__(self, log: Path | None = None):
        from reviewkit.base.paths import repo_root

        self.folder = tempfile.mkdtemp(prefix="reviewkit-kernels-")
        self.address = os.path.join(self.folder, "server")
        env = {**os.environ}
        for key, value in SERVER_ENV.items():
            env.setdefault(key, value)
        env.pop(ADDRESS_ENV, None)
        err = log.open("ab") if log is not None else subprocess.DEVNULL
        # stdin is a pipe the server watches: when this process ends, however it ends, the
        # server sees it close and stops, and its kernels (watching the server) stop too.
        self.process = subprocess.Popen(
            [sys.executable, *FLAGS, "-m", "reviewkit.run.kernel_server", self.address],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=repo_root(),
            env=env,
        )
        if log is not None:
            err.close()  # type: ignore[union-attr]
        Path(self.folder, PID_FILE).write_text(str(self.process.pid), encoding="utf-8")

    def close(self) -> None:
        """Stop the server now (its kernels have been shut down by then; any left over stop
        when they see it gone)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_early: KernelServer | None = None  # started by start_early, not yet used by a run


def start_early(log: Path | None = None) -> None:
    """Start this process's kernel server now, before the runner's own imports: the two then
    overlap (on two cores), and the next `kernel_server()` block uses this server instead of
    starting one. Nothing is started where kernels are not forked or a batch's server is given."""
    global _early
    if _early is None and forking_wanted() and not os.environ.get(ADDRESS_ENV):
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
        _early = KernelServer(log)


def stop_early() -> None:
    """Stop a server start_early started and no run used (the run was refused before)."""
    server = _take_early()
    if server is not None:
        server.close()


def _take_early() -> KernelServer | None:
    global _early
    server, _early = _early, None
    return server


@contextmanager
def kernel_server(log: Path | None = None) -> Iterator[str | None]:
    """A kernel server for the runs made inside the block (None where kernels are not forked):
    the batch's when one is given in the environment, else one of its own."""
    global _address
    if not forking_wanted():
        yield None
        return
    inherited = os.environ.get(ADDRESS_ENV)
    if inherited:
        yield inherited
        return
    server = _take_early() or KernelServer(log)
    before = _address
    _address = server.address
    try:
        yield server.address
    finally:
        _address = before
        server.close()


def read_line(conn: socket.socket) -> bytes:
    """One newline-ended message from `conn` (what came, if it closes first): requests and
    replies between the runner and the server are one JSON line each. TimeoutError when `conn`
    has a timeout and nothing comes in that time."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def fork_kernel(
    address: str, argv: list[str], env: dict[str, str], cwd: str, log: str | None
) -> int:
    """Ask the server at `address` for a kernel (ipykernel with `argv`); its process id.
    Waits while the server is still importing. Raises OSError when it is not there: refused
    (its folder gone), dead however it died, or hung (no answer in REPLY_TIMEOUT seconds); its
    folder is removed then, so later requests get ordinary kernels at once too."""
    request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "log": log}).encode() + b"\n"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with platforms.unix_client(address) as conn:
                conn.settimeout(REPLY_TIMEOUT)
                conn.sendall(request)
                reply = read_line(conn)
            break
        except TimeoutError:
            shutil.rmtree(os.path.dirname(address), ignore_errors=True)
            raise TimeoutError(
                f"the kernel server of {address} did not answer in {REPLY_TIMEOUT:g}s"
            ) from None
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline or not os.path.isdir(os.path.dirname(address)):
                raise
            if not server_alive(address):
                shutil.rmtree(os.path.dirname(address), ignore_errors=True)
                raise ConnectionRefusedError(
                    f"the kernel server of {address} has stopped"
                ) from None
            time.sleep(0.05)
    answer = json.loads(reply or b"{}")
    if "pid" not in answer:
        raise OSError(f"the kernel server did not start a kernel: {answer.get('error')}")
    return int(answer["pid"])


def server_alive(address: str) -> bool:
    """Whether the server at `address` is still running (True while its id is not yet written:
    it has only just been started)."""
    try:
        pid = int(Path(os.path.dirname(address), PID_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return platforms.process_alive(pid)


# A forked kernel that ended with no exit code recorded (its server died with it): reported
# as a failure, never as a clean exit.
UNRECORDED_EXIT = 1


def exit_file(address: str, pid: int) -> str:
    """Where the server at `address` records the exit code of its kernel `pid` (its folder)."""
    return os.path.join(os.path.dirname(address), f"exit-{pid}")


def record_exit(address: str, pid: int, code: int) -> None:
    """In the server, as it reaps a kernel: write its exit code for the runner to read
    (complete or not at all); nothing when the folder has gone with the runner."""
    path = exit_file(address, pid)
    try:
        with open(f"{path}.tmp", "w", encoding="ascii") as f:
            f.write(str(code))
        os.replace(f"{path}.tmp", path)
    except OSError:
        pass


class ForkedProcess:
    """A kernel forked by the server: not a child of this process (the server reaps it), so
    it is watched through a process handle (Linux's pidfd), signalled by its id, and its exit
    code is the one the server recorded as it reaped it (`record_exit`)."""

    def __init__(self, pid: int, address: str | None = None):
        self.pid = pid
        self.ended = False
        self.address = address
        self.code: int | None = None
        self._fd = platforms.process_handle(pid)

    def returncode(self, settle: float = 1.0) -> int | None:
        """None while the kernel runs; once it has ended, its exit code as its server recorded
        it (negative: the signal that ended it), waiting up to `settle` seconds for the
        server to reap it; `UNRECORDED_EXIT` when none was recorded (the server had gone)."""
        if self.alive():
            return None
        if self.code is None:
            self.code = self._recorded(settle)
        return self.code

    def _recorded(self, settle: float) -> int:
        if self.address is None:
            return UNRECORDED_EXIT
        path = exit_file(self.address, self.pid)
        deadline = time.monotonic() + settle
        while True:
            try:
                with open(path, encoding="ascii") as f:
                    code = int(f.read())
                os.remove(path)
                return code
            except (OSError, ValueError):
                if time.monotonic() > deadline or not os.path.isdir(os.path.dirname(path)):
                    return UNRECORDED_EXIT
                time.sleep(0.01)

    def alive(self) -> bool:
        """Whether the kernel is still running (an ended kernel stays ended)."""
        if not self.ended:
            if self._fd is not None:
                if select.select([self._fd], [], [], 0)[0]:
                    self._end()
            elif not platforms.process_alive(self.pid):
                self._end()
        return not self.ended

    def _end(self) -> None:
        self.ended = True
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def wait(self, timeout: float | None = None) -> None:
        """Return once the kernel has ended; TimeoutExpired after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.alive():
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)

    def signal(self, signum: int) -> None:
        """Send `signum` to the kernel while it runs."""
        if self.alive():
            platforms.send_signal(self.pid, signum)

    def kill(self) -> None:
        """Stop the kernel at once."""
        if self.alive():
            platforms.kill(self.pid)

    def terminate(self) -> None:
        """Ask the kernel to stop."""
        if self.alive():
            platforms.terminate(self.pid)

    def __del__(self) -> None:
        if self._fd is not None:
            os.close(self._fd)


def kernel_args(cmd: list[str]) -> list[str] | None:
    """The ipykernel arguments of a kernel command that a fork of the server can run (this
    Python, `-m ipykernel_launcher`, known interpreter options), else None."""
    if not cmd or os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):
        return None
    try:
        at = cmd.index("-m")
    except ValueError:
        return None
    if any(flag not in FLAGS for flag in cmd[1:at]) or cmd[at + 1 : at + 2] != [
        "ipykernel_launcher"
    ]:
        return None
    return cmd[at + 2 :]
