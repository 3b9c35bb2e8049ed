"""Kernels forked from the kernel server: fresh, isolated, interruptible, and never left behind."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_client.manager import AsyncKernelManager

from reviewkit.base import platforms
from reviewkit.base.paths import notebooks_dir
from reviewkit.run import kernels
from reviewkit.run.kernel_server import notebook_imports
from reviewkit.run.kernels import kernel_args, kernel_server, server_address
from reviewkit.run.provisioner import kernel_manager
from reviewkit.store.layout import STEP_NOTEBOOKS

linux = pytest.mark.skipif(
    not platforms.can_fork(), reason="kernels are forked on Linux only, not on the portable route"
)


@pytest.fixture
def own_server(monkeypatch):
    """Kernels forked (not turned off) from a server of the test's own, not a batch's."""
    monkeypatch.delenv("REVIEWKIT_KERNELS", raising=False)
    monkeypatch.delenv(kernels.ADDRESS_ENV, raising=False)


def _alive(pid: int) -> bool:
    """A process that exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _gone(pids: list[int], within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


def _reaped(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while os.path.exists(f"/proc/{pid}"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_kernel_args_only_for_this_pythons_ipykernel():
    py = sys.executable
    assert kernel_args(
        [py, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]
    ) == ["-f", "c.json"]
    assert kernel_args([py, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    assert kernel_args(["/opt/other/python", "-m", "ipykernel_launcher", "-f", "c"]) is None
    assert kernel_args([py, "-m", "other_kernel", "-f", "c"]) is None
    assert kernel_args([py, "-X", "dev", "-m", "ipykernel_launcher", "-f", "c"]) is None
    assert kernel_args([py, "-c", "print(1)"]) is None


def test_the_server_preloads_what_the_review_notebooks_import(tmp_path):
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    nb = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {**cell, "metadata": {"tags": ["parameters"]}, "source": "params_file = 'x'"},
            {**cell, "source": ["import a.b as ab\n", "from c import d, e\n", "x = 1\n"]},
            {**cell, "source": "from . import rel\nimport a.b"},
            {**cell, "source": "this is not python"},
            {"cell_type": "markdown", "metadata": {}, "source": "import not_code"},
        ],
    }
    for name in STEP_NOTEBOOKS.values():
        (tmp_path / name).write_text(json.dumps(nb))
    assert notebook_imports(tmp_path) == ["a.b", "c", "c.d", "c.e"]
    # the real notebooks: every reviewkit module they name exists (a stale name would leave
    # the module to each kernel)
    named = [n for n in notebook_imports(notebooks_dir()) if n.startswith("reviewkit")]
    assert "reviewkit.intake.step" in named and "reviewkit.analysis.step" in named
    for name in named:
        head, _, tail = name.rpartition(".")
        module = importlib.import_module(head) if head else None
        assert (module is not None and hasattr(module, tail)) or importlib.util.find_spec(
            name
        ) is not None, name


def test_plain_kernels_when_asked(monkeypatch):
    monkeypatch.setenv("REVIEWKIT_KERNELS", "plain")
    monkeypatch.setenv(kernels.ADDRESS_ENV, "/nonexistent/server")
    with kernel_server() as address:
        assert address is None
        assert server_address() is None


def test_a_batch_server_in_the_environment_is_used_not_started(monkeypatch):
    monkeypatch.delenv("REVIEWKIT_KERNELS", raising=False)
    monkeypatch.setenv(kernels.ADDRESS_ENV, "/some/batch/server")
    with kernel_server() as address:
        assert address == "/some/batch/server"
    if kernels.forking_wanted():
        assert server_address() == "/some/batch/server"


async def _run(km: AsyncKernelManager, code: str, timeout: float = 60) -> list[dict]:
    """Execute `code` in the kernel; its iopub outputs (streams, displays, errors)."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=timeout)
        outputs: list[dict] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] in ("stream", "display_data", "execute_result", "error"):
                outputs.append({"type": msg["msg_type"], **msg["content"]})

        await kc.execute_interactive(code, output_hook=hook, timeout=timeout)
        return outputs
    finally:
        kc.stop_channels()


def _text(outputs: list[dict]) -> str:
    return "".join(o.get("text", "") for o in outputs if o["type"] == "stream")


@linux
@pytest.mark.e2e
@pytest.mark.usefixtures("own_server")
def test_forked_kernels_are_fresh_show_figures_interrupt_and_leave_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "outputs"))
    probe = (
        "import os, sys, numpy\n"
        "print(os.getppid(), os.getsid(0) == os.getpid(), 'pandas' in sys.modules,\n"
        "      os.getcwd(), os.environ.get('PROBE'), numpy.random.random(), 'x' in dir(),\n"
        "      'pandera.pandas' in sys.modules, 'openpyxl' in sys.modules)\n"
        "x = 1"
    )

    async def scenario() -> tuple[list[int], int]:
        with kernel_server() as address:
            assert address is not None
            km1, km2 = kernel_manager(), kernel_manager()
            monkeypatch.setenv("PROBE", "one")
            await km1.start_kernel(cwd=str(tmp_path))
            monkeypatch.setenv("PROBE", "two")
            await km2.start_kernel(cwd=str(tmp_path))
            pids = [km1.provisioner.pid, km2.provisioner.pid]
            try:
                one, two = _text(await _run(km1, probe)).split(), _text(await _run(km2, probe))
                two = two.split()
                # a fork of the server (not of this process), in a session of its own, with the
                # libraries already imported, in the folder and environment it was given
                server_pid = int(one[0])
                assert server_pid != os.getpid() and two[0] == one[0]
                assert one[1:4] == ["True", "True", str(tmp_path)]
                assert (one[4], two[4]) == ("one", "two")
                assert one[5] != two[5]  # each kernel's random numbers are its own
                assert one[6] == two[6] == "False"  # nothing of another notebook's state
                # the first kernel is forked at once; the server warms up before the next, so
                # the second has the store's schemas (pandera) built and a workbook reader
                assert one[8] == "False" and two[7:9] == ["True", "True"]
                built = await _run(
                    km2, "from reviewkit.store import schemas\nprint(schemas.schema.cache_info())"
                )
                assert "currsize=0" not in _text(built)
                # figures appear inline, as in a plain kernel, before and after the warm-up
                for km in (km1, km2):
                    shown = await _run(
                        km, "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()"
                    )
                    assert any("image/png" in o.get("data", {}) for o in shown), shown
                # the brief ReviewError message of the notebooks
                err = await _run(
                    km1,
                    "from reviewkit.base.errors import ReviewError\n"
                    "raise ReviewError('check the params')",
                )
                assert [o["traceback"] for o in err if o["type"] == "error"] == [
                    ["ReviewError: check the params"]
                ]
                # an interrupt stops a long cell and the kernel lives on
                kc = km2.client()
                kc.start_channels()
                kc.execute("import time; time.sleep(60)")
                await asyncio.sleep(1.0)
                await km2.interrupt_kernel()
                reply = await kc.get_shell_msg(timeout=20)
                kc.stop_channels()
                assert reply["content"]["ename"] == "KeyboardInterrupt"
                assert await km2.is_alive()
                # a kill ends it, and the manager sees it gone
                await km2.shutdown_kernel(now=True)
                assert not await km2.is_alive() and not _alive(pids[1])
                # and the server has reaped it: no zombie left
                assert _reaped(pids[1])
            finally:
                for km in (km1, km2):
                    if await km.is_alive():
                        await km.shutdown_kernel(now=True)
        return pids, server_pid

    pids, server_pid = asyncio.run(scenario())
    assert _gone([*pids, server_pid])


@linux
@pytest.mark.e2e
@pytest.mark.usefixtures("own_server")
def test_kernels_stop_when_their_server_is_killed(monkeypatch, tmp_path):
    """A runner killed midway: its kernel server goes with it, and the kernels follow."""
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "outputs"))

    async def scenario() -> int:
        server = kernels.KernelServer(Path(tmp_path / "server.log"))
        monkeypatch.setattr(kernels, "_address", server.address)
        km = kernel_manager()
        await km.start_kernel(cwd=str(tmp_path))
        assert _text(await _run(km, "print(1)")) == "1\n"
        pid = km.provisioner.pid
        server.process.kill()  # as a SIGKILL of the runner's process group would
        server.process.wait()
        server.close()
        return pid

    pid = asyncio.run(scenario())
    assert _gone([pid])


@linux
@pytest.mark.e2e
@pytest.mark.usefixtures("own_server")
def test_a_forked_kernel_reports_how_it_ended(monkeypatch, tmp_path):
    """The exit code jupyter_client sees is the forked kernel's own, as for an ordinary
    kernel: a crash or a kill is never reported as a clean exit."""
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "outputs"))
    endings = {
        "exits 3": "import os; os._exit(3)",
        "exits 0": "import os; os._exit(0)",
        "killed": "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    }

    async def scenario() -> tuple[dict[str, int | None], list[str]]:
        codes: dict[str, int | None] = {}
        with kernel_server() as address:
            assert address is not None
            for how, code in endings.items():
                km = kernel_manager()
                await km.start_kernel(cwd=str(tmp_path))
                assert km.provisioner.forked is not None  # a fork of the server
                kc = km.client()
                kc.start_channels()
                await kc.wait_for_ready(timeout=60)
                kc.execute(code)
                deadline = time.monotonic() + 30
                while await km.is_alive() and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                kc.stop_channels()
                codes[how] = await km.provisioner.poll()
                await km.shutdown_kernel(now=True)
            left = sorted(os.listdir(os.path.dirname(address)))
        return codes, left

    codes, left = asyncio.run(scenario())
    assert codes == {"exits 3": 3, "exits 0": 0, "killed": -9}
    assert not [name for name in left if name.startswith("exit-")]  # each read once, removed


def test_an_exit_code_is_the_one_the_server_recorded_or_a_failure(tmp_path):
    import subprocess

    address = str(tmp_path / "server")
    for recorded, expected in ((7, 7), (-15, -15), (None, kernels.UNRECORDED_EXIT)):
        child = subprocess.Popen([sys.executable, "-c", "pass"])
        child.wait()
        if recorded is not None:
            kernels.record_exit(address, child.pid, recorded)
        ended = kernels.ForkedProcess(child.pid, address)
        assert ended.returncode(settle=0.1) == expected
        assert not (tmp_path / f"exit-{child.pid}").exists()
    # a server whose folder has gone records nothing, and says nothing
    kernels.record_exit(str(tmp_path / "gone" / "server"), 1, 0)
    assert not (tmp_path / "gone").exists()


@linux
@pytest.mark.e2e
@pytest.mark.usefixtures("own_server")
def test_a_server_that_cannot_fork_safely_gives_ordinary_kernels_at_once(monkeypatch, tmp_path):
    """Forking a process with threads is unsafe: a server that finds threads after its imports
    (here OpenBLAS's, asked for by the environment) refuses at once and says why in its log,
    and the runner gets an ordinary kernel without waiting for the server's start-up timeout."""
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    log = tmp_path / "kernels.log"

    async def scenario() -> tuple[int, str]:
        with kernel_server(log) as address:
            assert address is not None
            km = kernel_manager()
            t0 = time.monotonic()
            await km.start_kernel(cwd=str(tmp_path))
            try:
                out = _text(await _run(km, "import os\nprint(os.getppid())"))
                assert time.monotonic() - t0 < kernels.START_TIMEOUT / 2
            finally:
                await km.shutdown_kernel(now=True)
        return int(out.split()[0]), log.read_text(encoding="utf-8")

    parent, said = asyncio.run(scenario())
    assert parent == os.getpid()  # an ordinary kernel: this process's child, not the server's
    assert "threads after the imports; not forking kernels" in said


class _FakeServer:
    made: list[_FakeServer] = []

    def __init__(self, log=None):
        self.address, self.closed = f"/fake/{len(self.made)}/server", False
        self.made.append(self)

    def close(self):
        self.closed = True


@pytest.mark.usefixtures("own_server")
def test_a_server_started_early_is_the_next_runs_and_stopped_if_unused(monkeypatch):
    """The command line starts the kernel server before importing the runner (the two overlap);
    the run then uses that server, and one no run used is stopped."""
    monkeypatch.setattr(kernels, "forking_wanted", lambda: True)
    monkeypatch.setattr(kernels, "KernelServer", _FakeServer)
    _FakeServer.made = []
    kernels.start_early()
    kernels.start_early()  # once is enough
    assert len(_FakeServer.made) == 1
    with kernel_server() as address:
        assert address == _FakeServer.made[0].address  # the early one, not a new one
    assert _FakeServer.made[0].closed
    with kernel_server() as address:  # a later run starts its own
        assert address == _FakeServer.made[1].address
    kernels.start_early()
    kernels.stop_early()  # the run was refused before it started: the server goes
    assert len(_FakeServer.made) == 3 and _FakeServer.made[2].closed
    kernels.stop_early()  # nothing left to stop
    monkeypatch.setenv(kernels.ADDRESS_ENV, "/batch/server")
    kernels.start_early()  # a batch's cycle uses the batch's server
    assert len(_FakeServer.made) == 3


@linux
@pytest.mark.usefixtures("own_server")
def test_a_server_that_died_is_noticed_at_once_and_its_folder_removed(monkeypatch, tmp_path):
    """A kernel server killed outside its refusal path (here before it listens): the next
    request for a kernel finds it dead without waiting for its start-up timeout (not one
    pause), removes its folder, and the runner's provisioner then starts ordinary kernels."""
    server = kernels.KernelServer(tmp_path / "server.log")
    try:
        server.process.kill()
        while _alive(server.process.pid):  # killed: a zombie until reaped, which counts as gone
            time.sleep(0.01)

        def no_waiting(_seconds: float) -> None:
            raise AssertionError("waited for a kernel server that had died")

        monkeypatch.setattr(kernels.time, "sleep", no_waiting)
        with pytest.raises(ConnectionRefusedError, match="has stopped"):
            kernels.fork_kernel(server.address, ["-f", "x.json"], {}, str(tmp_path), None)
        assert not Path(server.folder).exists()
        with pytest.raises(FileNotFoundError):  # and every later request is refused at once
            kernels.fork_kernel(server.address, ["-f", "x.json"], {}, str(tmp_path), None)
    finally:
        server.close()


class _HungServer:
    """A kernel server that takes a request and never answers (until the test ends: a runner
    without a timeout would then read an empty reply instead of hanging the suite)."""

    def __enter__(self) -> _HungServer:
        import tempfile
        import threading

        self.folder = Path(tempfile.mkdtemp(prefix="rk-hung-"))  # a socket's path is short
        self.address = str(self.folder / "server")
        self.listener = platforms.unix_listener(self.address)
        self.taken: list[bytes] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def _serve(self) -> None:
        while not self.done.is_set():
            conn, _ = self.listener.accept()
            self.taken.append(conn.recv(65536))
            self.done.wait(30)
            conn.close()

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.listener.close()
        self.thread.join(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


@linux
def test_a_server_that_takes_a_request_and_never_answers_is_given_up(monkeypatch, tmp_path):
    """A live server that accepts a request and hangs: the runner stops waiting after
    REPLY_TIMEOUT, removes the server's folder as for a dead one, and every later request is
    refused at once (the provisioner then starts ordinary kernels)."""
    monkeypatch.setattr(kernels, "REPLY_TIMEOUT", 0.2)
    with _HungServer() as server:
        with pytest.raises(TimeoutError, match="did not answer in 0.2s"):
            kernels.fork_kernel(server.address, ["-f", "x.json"], {}, str(tmp_path), None)
        assert len(server.taken) == 1 and b'"argv"' in server.taken[0]
        assert not server.folder.exists()
        with pytest.raises(FileNotFoundError):
            kernels.fork_kernel(server.address, ["-f", "x.json"], {}, str(tmp_path), None)


@linux
@pytest.mark.e2e
def test_a_hung_server_gives_the_run_ordinary_kernels(monkeypatch, tmp_path):
    """Through jupyter_client: the provisioner asks the hung server, gives up, and starts an
    ordinary kernel, as for a server that refused."""
    from reviewkit.run import provisioner

    monkeypatch.setattr(kernels, "REPLY_TIMEOUT", 0.2)

    async def scenario() -> str:
        km = kernel_manager()
        await km.start_kernel(cwd=str(tmp_path))
        try:
            return _text(await _run(km, "import os\nprint(os.getppid())"))
        finally:
            await km.shutdown_kernel(now=True)

    with _HungServer() as server:
        monkeypatch.setattr(provisioner, "server_address", lambda: server.address)
        parent = asyncio.run(scenario())
        assert len(server.taken) == 1
    assert int(parent) == os.getpid()  # an ordinary kernel: this process's child


def test_a_server_just_started_counts_as_alive(tmp_path):
    """Before its id is written the server has only just been started: not taken for dead."""
    assert kernels.server_alive(str(tmp_path / "server"))
    (tmp_path / kernels.PID_FILE).write_text(str(os.getpid()))
    assert kernels.server_alive(str(tmp_path / "server"))


def test_jupyter_finds_the_provisioner_and_engine_by_their_entry_points():
    """Registered as the libraries document (entry points), not by reaching into them: the
    kernel spec the runner gives names the provisioner, and jupyter_client and papermill
    find both by name."""
    from jupyter_client.provisioning import KernelProvisionerFactory
    from papermill.engines import papermill_engines

    from reviewkit.run import engine, provisioner
    from reviewkit.run.steps import ENGINE

    spec = provisioner.ReviewKernelSpecs().get_kernel_spec(provisioner.KERNEL)
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == provisioner.NAME
    factory = KernelProvisionerFactory.instance()
    assert factory.is_provisioner_available(spec)
    made = factory.create_provisioner_instance("k", spec, parent=kernel_manager())
    assert isinstance(made, provisioner.ReviewProvisioner)
    assert papermill_engines.get_engine(ENGINE) is engine.ReviewEngine


@linux
@pytest.mark.e2e
@pytest.mark.usefixtures("own_server")
def test_a_runs_notebook_takes_the_fast_route(monkeypatch, tmp_path):
    """The route every run takes, end to end through papermill, nbclient, jupyter_client and
    ipykernel as installed: a notebook executed by the runner runs in a kernel forked from the
    kernel server, with the libraries already imported. A release of any of them that sends
    runs down the slower route (an ordinary kernel importing everything again) fails here."""
    import nbformat

    from reviewkit.run.provisioner import KernelQueue, ReviewProvisioner
    from reviewkit.run.steps import Step, execute_step

    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "outputs"))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell("params_file = ''\nrun_dir = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell("import os, sys\nprint(os.getppid(), 'pandas' in sys.modules)"),
    ]
    source = tmp_path / "probe.ipynb"
    nbformat.write(nb, source)
    with kernel_server(tmp_path / "kernels.log") as address:
        assert address is not None
        server_pid = int((Path(address).parent / kernels.PID_FILE).read_text())
        queue = KernelQueue()
        km = queue.take()
        try:
            assert isinstance(km.provisioner, ReviewProvisioner)
            assert km.provisioner.forked is not None  # forked, not launched
            done = execute_step(
                Step("probe", source), tmp_path / "p.yaml", tmp_path / "run", km, progress=False
            )
        finally:
            queue.stop(km)
            queue.close()
    printed = nbformat.read(done, as_version=4).cells[-1].outputs[0]["text"].split()
    assert printed == [str(server_pid), "True"]


BRIEF = "from reviewkit.base.errors import ReviewError\nclass StepProblem(ReviewError):\n    pass\n"


def test_a_review_error_is_one_line_in_an_ipython_shell():
    """IPython itself (no kernel, no reviewkit import before the cell): a ReviewError, and an
    error of a kind derived from it, is shown as its one-line message, and the cell still
    fails with it."""
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        f"shell.run_cell({BRIEF!r})\n"
        "for cell in ('raise ReviewError(\"check the params\")', 'raise StepProblem(\"see\")'):\n"
        "    result = shell.run_cell(cell)\n"
        "    print('stopped by', type(result.error_in_exec).__name__)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stdout.splitlines() == [
        "ReviewError: check the params",
        "stopped by ReviewError",
        "StepProblem: see",
        "stopped by StepProblem",
    ], res.stderr


@pytest.mark.e2e
def test_a_review_error_is_one_line_in_an_ordinary_kernel(monkeypatch, tmp_path):
    """The kernel JupyterLab starts, or a run on the portable route: not forked from the
    server, the same one-line message as a forked kernel gives."""
    monkeypatch.setenv("REVIEWKIT_KERNELS", "plain")

    async def scenario() -> tuple[list[dict], str]:
        with kernel_server() as address:
            assert address is None
            km = kernel_manager()
            await km.start_kernel(cwd=str(tmp_path))
            try:
                parent = _text(await _run(km, "import os\nprint(os.getppid())"))
                return await _run(km, BRIEF + "raise StepProblem('check the params')"), parent
            finally:
                await km.shutdown_kernel(now=True)

    outputs, parent = asyncio.run(scenario())
    assert int(parent) == os.getpid()  # an ordinary kernel: this process's child
    errors = [o for o in outputs if o["type"] == "error"]
    assert [(e["ename"], e["traceback"]) for e in errors] == [
        ("StepProblem", ["StepProblem: check the params"])
    ]


def test_the_server_drops_a_client_that_sends_nothing_or_nonsense():
    """A client that connects and never sends (or sends nonsense) cannot hold up the
    kernels of everyone else the server serves."""
    import socket

    from reviewkit.run.kernel_server import read_request

    a, b = socket.socketpair()
    with a, b:
        assert read_request(a, timeout=0.1) is None  # nothing sent: given up, not waited for
    a, b = socket.socketpair()
    with a, b:
        b.sendall(b"not json\n")
        assert read_request(a, timeout=5) is None
        assert b.recv(100) == b'{"error": "unreadable request"}\n'
    a, b = socket.socketpair()
    with a, b:
        b.close()  # gone before sending
        assert read_request(a, timeout=5) is None
    a, b = socket.socketpair()
    with a, b:
        b.sendall(b'{"argv": ["-f", "c.json"]}\n')
        assert read_request(a, timeout=5) == {"argv": ["-f", "c.json"]}
