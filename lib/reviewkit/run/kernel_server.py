"""The kernel server: a process that imports what the notebooks need once, then forks a fresh
kernel per request (`python -m reviewkit.run.kernel_server <address>`, started by
`reviewkit.run.kernels.KernelServer`).

It listens on a local socket in a private folder, reads one JSON request per connection (the
kernel's ipykernel arguments, environment, working folder and log) and answers with the forked
kernel's process id. Each kernel becomes a process of its own (session, signals, environment,
working folder, random seeds) before it runs ipykernel. Between requests it warms up what a
kernel would otherwise build at first use. It stops when the runner closes its stdin; it
refuses to fork (removing its folder, so runners get ordinary kernels at once) when it finds
threads of its own, since forking a process with threads is not safe.
"""

from __future__ import annotations

import functools
import json
import os
import select
import shutil
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from reviewkit.base import platforms
from reviewkit.run.kernels import SERVER_ENV, read_line, record_exit
from reviewkit.store.layout import STEP_NOTEBOOKS

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
    # ipykernel stops when the server goes: its documented option, since the default it reads
    # from JPY_PARENT_PID was read when the server imported ipykernel
    argv = [*request["argv"], f"--IPKernelApp.parent_handle={server_pid}"]
    sys.argv = ["ipykernel_launcher", *argv]
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # the legacy global generator, seeded at import
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(argv)
    app.start()


def notebook_imports(folder: Path) -> list[str]:
    """The modules the review notebooks in `folder` import (their import statements, with
    `from package import module` as the module), in order."""
    import ast

    from reviewkit.base.notebooks import notebook_cells

    names: list[str] = []
    for name in STEP_NOTEBOOKS.values():
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


# Seconds a client that has connected is given to send its request: one that never does is
# dropped, so it cannot hold up the kernels of everyone else the server serves.
REQUEST_TIMEOUT = 10.0


def read_request(conn: socket.socket, timeout: float = REQUEST_TIMEOUT) -> dict[str, Any] | None:
    """A client's request (one JSON line), or None when it sends none in `timeout` seconds,
    goes away, or sends something unreadable (it is told so when it is still there)."""
    conn.settimeout(timeout)
    try:
        request = json.loads(read_line(conn))
    except (TimeoutError, OSError):
        return None
    except ValueError:
        try:
            conn.sendall(b'{"error": "unreadable request"}\n')
        except OSError:
            pass
        return None
    return request if isinstance(request, dict) else None


def serve(address: str) -> int:
    """The server's loop: import, check it is alone, then fork a kernel per request until
    the runner closes our stdin."""
    from reviewkit.base.paths import notebooks_dir

    _preload(PRELOAD)
    try:
        _preload(notebook_imports(notebooks_dir()))
    except Exception as exc:  # noqa: BLE001 - kernels then import what they need themselves
        print(f"kernel server: the notebooks' imports not preloaded: {exc}", file=sys.stderr)
    threads = platforms.thread_count()
    if threads != 1:
        return _refuse(address, f"{threads} threads after the imports")
    # each kernel that ends is waited for: no zombies, its resource use (peak memory) is
    # added to the server's, as the runner's would be for ordinary kernels, and its exit code
    # is recorded for its runner (`ForkedProcess.returncode`)
    platforms.on_child_end(functools.partial(record_exit, address))
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
            request = read_request(conn)
            if request is None:
                continue
            server_pid = os.getpid()
            pid = platforms.fork()
            if pid == 0:
                _be_the_kernel((listener, conn), request, server_pid)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        # once the first kernel is away (its notebook is running), before the next request
        refused = _warm_up(warm, address)
        if refused is not None:
            return refused


def _be_the_kernel(
    sockets: tuple[socket.socket, socket.socket], request: dict[str, Any], server_pid: int
) -> NoReturn:
    """In the forked child: let go of the server's sockets, run the kernel, and exit with
    its exit code (what the server records for its runner)."""
    code = 1
    try:
        for sock in sockets:
            sock.close()
        _child(request, server_pid)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the kernel's log says why
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _warm_up(warm: list[str | Callable[[], None]], address: str) -> int | None:
    """Warm up what is left to warm (emptying `warm`); the refusal's exit code when that
    left the server with a thread, which makes forking unsafe."""
    while warm:
        item = warm.pop(0)
        _warm(item)
        threads = platforms.thread_count()
        if threads != 1:
            name = getattr(item, "__name__", item)
            return _refuse(address, f"{threads} threads after warming up {name}")
    return None


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
