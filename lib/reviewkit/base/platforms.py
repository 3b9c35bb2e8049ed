"""The platform seam: everything one operating system has and another lacks, in one place.

Most analysts work on Windows, some on macOS; the reference machine and CI run Linux. Linux
has a faster route for some things (kernels forked from a server that has made the imports,
batch workers from a fork server, local sockets in a private folder); Windows and macOS take
the portable route, which works everywhere: ordinary (spawned) processes, `psutil` for
whether a process lives, and `multiprocessing.connection` on the loopback interface with an
authentication key. `REVIEWKIT_PORTABLE=1` makes Linux take exactly the portable route, so
CI proves it (`.ci/run`).

Nothing outside this module names a POSIX-only call (`fork`, `setsid`, `AF_UNIX`, signal 0,
`/proc`, the `fork`/`forkserver` start methods); `tests/test_platforms.py` checks it. The
fork-route functions below are only called where `can_fork()` is true.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PORTABLE_ENV = "REVIEWKIT_PORTABLE"  # "1": the route Windows and macOS take, on any system


def portable() -> bool:
    """True where the portable route is taken: anything but Linux, or REVIEWKIT_PORTABLE=1."""
    if os.environ.get(PORTABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        return True
    return not sys.platform.startswith("linux")


def can_fork() -> bool:
    """Whether forking (kernels from the kernel server, batch workers from a fork server) is
    available and wanted here: Linux only, not on the portable route."""
    return not portable() and hasattr(os, "fork")


def route() -> str:
    """'fork' or 'portable': said in the manifest and the benchmarks."""
    return "fork" if can_fork() else "portable"


# Processes ---------------------------------------------------------------------------------
def process_alive(pid: int) -> bool:
    """True while a process with this id exists and has not ended (a zombie has ended).

    On every system through psutil: on Windows, `os.kill(pid, 0)` would send the process a
    Ctrl+C instead of checking it."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # another user's process: it exists
        return True


def worker_start_method() -> str:
    """How a batch starts its workers: 'forkserver' on the fork route (where the system has
    it), else 'spawn', the start method of Windows and macOS."""
    import multiprocessing

    if can_fork() and "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return "spawn"


def worker_context(preload: list[str] | None, settings: dict[str, str]) -> Any:
    """The multiprocessing context a batch's workers start from. With `preload` on the fork
    route: a fork server, started now with `settings` in its environment (where not already
    set), that has imported `preload` once; else spawn."""
    import multiprocessing

    if preload is None or worker_start_method() == "spawn":
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload)
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update({k: v for k, v in settings.items() if saved[k] is None})
    try:
        forkserver.ensure_running()  # started now, with these settings
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return ctx


def local_transport() -> str:
    """The kernels' transport: 'ipc' (sockets in a private folder) on the fork route, 'tcp' on
    127.0.0.1 on the portable route (Windows has no IPC transport)."""
    return "ipc" if can_fork() else "tcp"


def is_root() -> bool:
    """True for the POSIX superuser (a container's user often is); False on Windows."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


# Messages between processes: the batch's print service ------------------------------------
def listener(folder: str) -> tuple[Any, str]:
    """A `multiprocessing.connection.Listener` for this machine's processes, and its address
    as text for the environment (`connect` takes it). A socket in `folder` (private) on the fork
    route; 127.0.0.1 on the portable route. Either way a client must know the random key in
    the address."""
    from multiprocessing.connection import Listener

    key = os.urandom(16)
    if can_fork():
        path = os.path.join(folder, "socket")
        lis = Listener(path, family="AF_UNIX", authkey=key)
        return lis, f"unix|{key.hex()}|{path}"
    lis = Listener(("127.0.0.1", 0), family="AF_INET", authkey=key)
    host, port = lis.address
    return lis, f"tcp|{key.hex()}|{host}:{port}"


def connect(address: str) -> Any:
    """A `multiprocessing.connection.Connection` to the listener at `address` (as `listener`
    gave it). Raises OSError when nothing answers there."""
    from multiprocessing.connection import Client

    try:
        kind, key, where = address.split("|", 2)
        authkey = bytes.fromhex(key)
    except ValueError:
        raise OSError(f"not a listener's address: {address!r}") from None
    target: Any
    if kind == "unix":
        if not hasattr(socket, "AF_UNIX"):
            raise OSError("this system has no local sockets")
        target, family = where, "AF_UNIX"
    elif kind == "tcp":
        host, _, port = where.rpartition(":")
        target, family = (host, int(port)), "AF_INET"
    else:
        raise OSError(f"not a listener's address: {address!r}")
    try:
        return Client(target, family=family, authkey=authkey)
    except EOFError as exc:
        raise OSError(f"the listener at {where} closed the connection") from exc


# Folders -----------------------------------------------------------------------------------
class FolderInUse(OSError):
    """A folder could not be renamed: on Windows, a file in it is open in another program."""


RETRIES = (0.1, 0.3, 1.0)  # seconds: a virus scanner or indexer lets go of a file quickly
rename: Callable[[Path, Path], None] = os.rename  # the tests stand in Windows' rule here


def move_folder(source: Path, target: Path) -> None:
    """Rename `source` to `target` (which must not exist), retrying briefly; FolderInUse when a
    program keeps a file in `source` open (Windows refuses to rename a folder then; Linux and
    macOS never do)."""
    last: OSError | None = None
    for wait in (*RETRIES, None):
        try:
            rename(source, target)
            return
        except PermissionError as exc:
            last = exc
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EBUSY, errno.EPERM):
                raise
            last = exc
        if wait is not None:
            time.sleep(wait)
    raise FolderInUse(errno.EBUSY, f"a file in it is open in another program ({last})", source)


# The fork route: kernels forked from the kernel server (run/kernels.py) -------------------
def fork() -> int:
    """os.fork(): 0 in the child, the child's id in the parent (fork route only)."""
    return os.fork()


def new_session() -> None:
    """Make this (forked) process lead a session and process group of its own."""
    os.setsid()


def reset_signals() -> None:
    """In a forked kernel: the default handling of the signals the server handles itself."""
    for name in ("SIGCHLD", "SIGINT", "SIGTERM", "SIGPIPE"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)


def reap_children(record: Callable[[int, int], None] | None = None) -> None:
    """Wait for every child that has ended (installed as the SIGCHLD handler by
    `on_child_end`), giving `record` each one's process id and exit code (negative: the signal
    that ended it, as `subprocess` says)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if record is not None:
            record(pid, os.waitstatus_to_exitcode(status))


def on_child_end(record: Callable[[int, int], None] | None = None) -> None:
    """Reap each child as it ends: no zombies, their resource use is added to ours, and
    `record` is told each one's exit code."""
    signal.signal(signal.SIGCHLD, lambda _signum, _frame: reap_children(record))


def thread_count() -> int:
    """Threads of this process (1 where the system cannot say): forking is only safe alone."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def process_handle(pid: int) -> int | None:
    """A file descriptor that becomes readable when process `pid` ends (Linux's pidfd), or
    None where there is none."""
    try:
        return os.pidfd_open(pid)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return None


def terminate(pid: int) -> None:
    """Ask process `pid` (a forked kernel) to stop: SIGTERM."""
    os.kill(pid, signal.SIGTERM)


def kill(pid: int) -> None:
    """Stop process `pid` (a forked kernel) at once: SIGKILL."""
    os.kill(pid, signal.SIGKILL)  # type: ignore[attr-defined,unused-ignore]


def send_signal(pid: int, signum: int) -> None:
    """Send `signum` to process `pid` (a forked kernel)."""
    os.kill(pid, signum)


def unix_listener(path: str) -> socket.socket:
    """A listening local socket at `path` (the kernel server's; fork route only)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # type: ignore[attr-defined,unused-ignore]
    sock.bind(path)
    sock.listen(16)
    return sock


def unix_client(path: str) -> socket.socket:
    """A connection to the local socket at `path` (to the kernel server; fork route only)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # type: ignore[attr-defined,unused-ignore]
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock
