"""Fresh kernels without paying the imports each time: a kernel server that forks them.

Every notebook of a cycle runs in a fresh kernel of its own, and most of a kernel's start is
importing pandas, pyarrow, numpy, matplotlib, scipy and the review steps. A kernel server is a
process that has made those imports once; each kernel is then a fork of it (a new process, with
nothing of any notebook's state), which sets its own working folder, environment, output and
random seeds and runs ipykernel with its connection file. One server serves a run, or every
cycle of a batch (its address is in `REVIEWKIT_KERNEL_SERVER`).

The runner's kernel manager launches kernels through `ForkedProvisioner` (jupyter_client's
provisioner API) while a server is up; poll, interrupt, kill and shutdown work on the forked
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
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reviewkit.base import platforms

ADDRESS_ENV = "REVIEWKIT_KERNEL_SERVER"
MODE_ENV = "REVIEWKIT_KERNELS"  # "plain": ordinary kernels, each importing for itself
INLINE = "module://matplotlib_inline.backend_inline"
# Made once in the server, shared by every kernel forked from it: the libraries, ipykernel's
# shell and debugger, and (read from the notebooks when the server starts) every module the
# review notebooks import.
PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.csv",
    "pyarrow.parquet",
    "matplotlib",
    "matplotlib.pyplot",
    "scipy.stats",
    "pydantic",
    "yaml",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "sqlite3",
    "reviewkit.store.workspace",
    "reviewkit.report.explore",
)
REVIEW_NOTEBOOKS = ("01_intake.ipynb", "02_progress.ipynb", "03_report.ipynb")
# Interpreter options the kernel spec may give before `-m ipykernel_launcher`; the server is
# started with them.
FLAGS = ["-Xfrozen_modules=off"]
SERVER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
    "MPLBACKEND": INLINE,
}
START_TIMEOUT = 120.0

_address: str | None = None  # the server of the run in this process, if any


def forking_wanted() -> bool:
    """Forked kernels where they are safe (Linux, not the portable route) and not turned off."""
    return platforms.can_fork() and os.environ.get(MODE_ENV, "").strip().lower() != "plain"


def server_address() -> str | None:
    """The kernel server this process's runs use: its own run's, or the batch's."""
    if not forking_wanted():
        return None
    return _address or os.environ.get(ADDRESS_ENV) or None


class KernelServer:
    """A kernel server process, started now; `close()` stops it (its kernels stop with it)."""

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
            [sys.executable, *FLAGS, "-m", "reviewkit.run.kernels", self.address],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=repo_root(),
            env=env,
        )
        if log is not None:
            err.close()  # type: ignore[union-attr]

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
    replies between the runner and the server are one JSON line each."""
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
    Waits while the server is still importing. Raises OSError when it is not there."""
    request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "log": log}).encode() + b"\n"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with platforms.unix_client(address) as conn:
                conn.sendall(request)
                reply = read_line(conn)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline or not os.path.isdir(os.path.dirname(address)):
                raise
            time.sleep(0.05)
    answer = json.loads(reply or b"{}")
    if "pid" not in answer:
        raise OSError(f"the kernel server did not start a kernel: {answer.get('error')}")
    return int(answer["pid"])


class ForkedKernel:
    """The part of `subprocess.Popen` a kernel provisioner uses, for a kernel forked by the
    server (not a child of this process: the server reaps it, so its exit status is not
    known here; it is reported as 0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd = platforms.process_handle(pid)

    def poll(self) -> int | None:
        if self.returncode is None:
            if self._fd is not None:
                if select.select([self._fd], [], [], 0)[0]:
                    self._ended()
            elif not platforms.process_alive(self.pid):
                self._ended()
        return self.returncode

    def _ended(self) -> None:
        self.returncode = 0
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            platforms.send_signal(self.pid, signum)

    def terminate(self) -> None:
        if self.poll() is None:
            platforms.terminate(self.pid)

    def kill(self) -> None:
        if self.poll() is None:
            platforms.kill(self.pid)

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


def _provisioner_class() -> type:
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        """Launches the kernel as a fork of the kernel server, when the command allows."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            address, args = server_address(), kernel_args(cmd)
            if address is None or args is None:
                return await super().launch_kernel(cmd, **kwargs)
            err = kwargs.get("stderr")
            log = getattr(err, "name", None) if err is not None else None
            env = kwargs.get("env") or dict(os.environ)
            env = {**env, "JPY_PARENT_PID": "server"}  # the server fills in its own id
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                pid = fork_kernel(address, args, env, cwd, log if isinstance(log, str) else None)
            except OSError:  # no server after all: an ordinary kernel
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)  # type: ignore[assignment]  # Popen enough
            self.pid = self.pgid = pid  # the kernel leads a session and process group of its own
            self.cwd = cwd
            return self.connection_info

    return ForkedProvisioner


def provisioner(kernel_id: str, kernel_spec: Any, parent: Any) -> Any:
    """A provisioner for the kernel manager `parent`: forked kernels while a server is up."""
    return _provisioner_class()(kernel_id=kernel_id, kernel_spec=kernel_spec, parent=parent)


# The server ----------------------------------------------------------------------------------
def _child(request: dict[str, Any], server_pid: int) -> None:
    """In the forked kernel: become a fresh process of its own, then run ipykernel."""
    platforms.new_session()
    platforms.reset_signals()
    env = {k: str(v) for k, v in request["env"].items()}
    env["JPY_PARENT_PID"] = str(server_pid)  # ipykernel stops when the server goes
    for key, value in SERVER_ENV.items():  # what the server was started with, kept
        env.setdefault(key, os.environ.get(key, value))
    os.environ.clear()
    os.environ.update(env)
    cwd = request["cwd"]
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_RDWR)
    log = (
        os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if request.get("log")
        else null
    )
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # a plain `python -m ipykernel_launcher` has its working folder first on sys.path
    sys.path[0] = cwd
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # the legacy global generator, seeded at import
    from ipykernel.kernelapp import IPKernelApp

    from reviewkit.base.errors import brief_in_notebooks

    app = IPKernelApp.instance()
    # read from JPY_PARENT_PID when ipykernel was imported (in the server, before any request)
    app.parent_handle = server_pid
    app.initialize(request["argv"])
    brief_in_notebooks()  # done at import in a plain kernel; the import was the server's
    app.start()


def notebook_imports(folder: Path) -> list[str]:
    """The modules the review notebooks in `folder` import (their import statements, with
    `from package import module` as the module), in order."""
    import ast

    from reviewkit.base.notebooks import notebook_cells

    names: list[str] = []
    for name in REVIEW_NOTEBOOKS:
        try:
            cells = notebook_cells(folder / name)
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse(cell["source"])
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names += [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.append(node.module)
                    names += [f"{node.module}.{a.name}" for a in node.names]
    return list(dict.fromkeys(names))


def _preload(names: list[str] | tuple[str, ...]) -> None:
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a name imported from a module, not a module itself: fine
                print(f"kernel server: {name} not preloaded: {exc}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - a kernel imports it again, and says why
            print(f"kernel server: {name} not preloaded: {exc}", file=sys.stderr)


def _warm_store() -> None:
    from reviewkit.store.schemas import warm_up

    warm_up()


def _warm_charts() -> None:
    """Draw and save (PNG and SVG) one small chart with text in the styles charts use: fonts
    are found and loaded and the text layout caches filled once, not in each kernel."""
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1.0, 3.0, 2.0], marker="o", label="Points")
    ax.set_title("A title", loc="left", fontweight="bold")
    ax.set_xlabel("Month")
    ax.text(1, 2, "text", fontsize=8, style="italic")
    ax.legend(frameon=False, fontsize=8)
    for fmt in ("png", "svg"):
        fig.savefig(io.BytesIO(), format=fmt, dpi=100, bbox_inches="tight")


# Done in the server once its first kernel is forked (while that notebook runs, before the
# next request is served, so the first kernel does not wait and every later one inherits
# them): what a kernel would otherwise import or build at its first use of the store, a
# partner's workbook, a styled table or a chart. A module to import, or a function to call.
WARM_UP: tuple[str | Callable[[], None], ...] = (
    "pandera.pandas",
    _warm_store,
    "openpyxl",
    "jinja2",
    "pandas.io.formats.style",
    "pyarrow.dataset",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    _warm_charts,
)
# Not matplotlib_inline.backend_inline: imported where there is no IPython shell, it never sets
# up inline figures, and a kernel importing it again would not either.


def _warm(item: str | Callable[[], None]) -> None:
    """One item of WARM_UP; a failure is logged (a kernel then does it for itself)."""
    import importlib

    try:
        if isinstance(item, str):
            importlib.import_module(item)
        else:
            item()
    except Exception as exc:  # noqa: BLE001 - a kernel does it again, and says why
        print(
            f"kernel server: {getattr(item, '__name__', item)} not warmed up: {exc}",
            file=sys.stderr,
        )


def _refuse(address: str, why: str) -> int:
    """Stop forking kernels (forking a process with threads is not safe): the server's folder
    goes, so a runner asking for a kernel gets an ordinary one at once."""
    print(f"kernel server: {why}; not forking kernels", file=sys.stderr)
    shutil.rmtree(os.path.dirname(address), ignore_errors=True)
    return 3


def serve(address: str) -> int:
    """The server's loop: import, check it is alone, then fork a kernel per request until
    the runner closes our stdin."""
    from reviewkit.base.paths import notebooks_dir

    # the runner's process blocks an import it does not need (reviewkit.run); a notebook may
    if sys.modules.get("rfc3987_syntax", False) is None:
        del sys.modules["rfc3987_syntax"]
    _preload(PRELOAD)
    try:
        _preload(notebook_imports(notebooks_dir()))
    except Exception as exc:  # noqa: BLE001 - kernels then import what they need themselves
        print(f"kernel server: the notebooks' imports not preloaded: {exc}", file=sys.stderr)
    threads = platforms.thread_count()
    if threads != 1:
        return _refuse(address, f"{threads} threads after the imports")
    # each kernel that ends is waited for: no zombies, and its resource use (peak memory) is
    # added to the server's, as the runner's would be for ordinary kernels
    platforms.on_child_end()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle
    listener = platforms.unix_listener(address)
    stdin = sys.stdin.fileno()
    warm = list(WARM_UP)
    while True:
        ready = select.select([listener, stdin], [], [])[0]
        if stdin in ready and not os.read(stdin, 4096):
            return 0  # the runner has gone
        if listener not in ready:
            continue
        conn, _ = listener.accept()
        with conn:
            data = read_line(conn)
            try:
                request = json.loads(data)
            except ValueError:
                conn.sendall(b'{"error": "unreadable request"}\n')
                continue
            server_pid = os.getpid()
            pid = platforms.fork()
            if pid == 0:
                code = 1
                try:
                    listener.close()
                    conn.close()
                    _child(request, server_pid)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:  # noqa: BLE001 - the kernel's log says why
                    import traceback

                    traceback.print_exc()
                finally:
                    os._exit(code)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        # once the first kernel is away (its notebook is running), before the next request
        while warm:
            item = warm.pop(0)
            _warm(item)
            threads = platforms.thread_count()
            if threads != 1:
                name = getattr(item, "__name__", item)
                return _refuse(address, f"{threads} threads after warming up {name}")


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
