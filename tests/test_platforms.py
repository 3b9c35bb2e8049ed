"""The platform seam: what Windows and macOS lack stays in one module, and the portable route
(REVIEWKIT_PORTABLE=1 on Linux) is the one those systems take."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from multiprocessing import AuthenticationError
from pathlib import Path

import pytest

from conftest import ROOT
from reviewkit.base import platforms
from reviewkit.base.errors import ReviewError

SEAM = ROOT / "lib" / "reviewkit" / "base" / "platforms.py"
# Names that exist on Linux but not on Windows (or not on macOS), as attributes (`os.fork`,
# `socket.AF_UNIX`, `signal.SIGKILL`) or imported names; `os.kill` (signal 0 is Ctrl+C on
# Windows); `/proc`; the fork and forkserver start methods.
POSIX_ONLY = {
    "AF_UNIX",
    "fork",
    "forkpty",
    "setsid",
    "setpgid",
    "killpg",
    "pidfd_open",
    "SIGCHLD",
    "SIGKILL",
    "SIGPIPE",
    "SIGHUP",
    "WNOHANG",
    "forkserver",
    "set_forkserver_preload",
    "getuid",
}


def _posix_only(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            of = node.value.id if isinstance(node.value, ast.Name) else ""
            name = node.attr if of != "platforms" else None  # the seam's own functions
            if name == "kill" and of == "os":
                found.append((node.lineno, "os.kill"))
        elif isinstance(node, ast.ImportFrom):
            name = next((a.name for a in node.names if a.name in POSIX_ONLY), None)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("/proc/") or node.value in ("fork", "forkserver"):
                found.append((node.lineno, node.value))
        if name in POSIX_ONLY:
            found.append((node.lineno, name))
    return found


def test_nothing_outside_the_seam_names_a_posix_only_call():
    found = []
    for path in sorted((ROOT / "lib" / "reviewkit").rglob("*.py")):
        if path != SEAM:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(ROOT)}:{n}: {what}" for n, what in _posix_only(tree)]
    assert found == [], "POSIX-only calls belong in reviewkit.base.platforms"
    # the check finds them where they are (it is not looking for names nobody writes)
    named = {what for _, what in _posix_only(ast.parse(SEAM.read_text(encoding="utf-8")))}
    assert {"AF_UNIX", "fork", "setsid", "os.kill", "/proc/self/task", "forkserver"} <= named


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_portable_makes_linux_take_the_windows_route(monkeypatch, value):
    monkeypatch.setenv(platforms.PORTABLE_ENV, value)
    assert platforms.portable() and not platforms.can_fork()
    assert platforms.route() == "portable"
    assert platforms.local_transport() == "tcp"
    assert platforms.worker_start_method() == "spawn"
    assert platforms.worker_context(["reviewkit.run.runner"], {}).get_start_method() == "spawn"
    from reviewkit.run import kernels

    monkeypatch.delenv(kernels.MODE_ENV, raising=False)
    assert not kernels.forking_wanted()
    with kernels.kernel_server() as address:
        assert address is None  # no kernel server: ordinary kernels, as on Windows


def test_windows_and_macos_take_the_portable_route(monkeypatch):
    monkeypatch.delenv(platforms.PORTABLE_ENV, raising=False)
    for system in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", system)
        assert platforms.portable() and platforms.route() == "portable"
    monkeypatch.setattr(sys, "platform", "linux")
    assert platforms.portable() is False


def test_process_alive_without_signals():
    assert platforms.process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    # ended but not yet waited for (a zombie on POSIX): not alive
    while platforms.process_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not platforms.process_alive(child.pid)
    child.wait()
    assert not platforms.process_alive(child.pid)
    assert not platforms.process_alive(2**22 + 12345)  # beyond any process id in use


def _echo_once(lis) -> None:
    with lis.accept() as conn:
        conn.send_bytes(conn.recv_bytes().upper())


@pytest.mark.parametrize("portable", [True, False])
def test_a_listener_answers_only_who_knows_its_key(monkeypatch, tmp_path, portable):
    import threading

    if portable:
        monkeypatch.setenv(platforms.PORTABLE_ENV, "1")
    else:
        monkeypatch.delenv(platforms.PORTABLE_ENV, raising=False)
        if not platforms.can_fork():
            pytest.skip("the fork route is Linux's")
    lis, address = platforms.listener(str(tmp_path))
    try:
        assert address.startswith("tcp|" if portable else "unix|")
        if portable:
            assert "|127.0.0.1:" in address  # the loopback interface only
        worker = threading.Thread(target=_echo_once, args=(lis,), daemon=True)
        worker.start()
        with platforms.connect(address) as conn:
            conn.send_bytes(b"hello")
            assert conn.recv_bytes() == b"HELLO"
        worker.join(10)
        kind, key, where = address.split("|")
        wrong = "|".join([kind, "00" * 16, where])
        errors: list[BaseException] = []

        def refuse() -> None:
            try:
                lis.accept()
            except AuthenticationError as exc:
                errors.append(exc)

        worker = threading.Thread(target=refuse, daemon=True)
        worker.start()
        with pytest.raises((AuthenticationError, OSError, EOFError)):
            platforms.connect(wrong).recv_bytes()
        worker.join(10)
        assert errors, "a client without the key was let in"
    finally:
        lis.close()
    for bad in ("", "/tmp/some/socket", "pipe|00|x"):
        with pytest.raises(OSError):
            platforms.connect(bad)


@pytest.mark.parametrize("portable", [True, False])
def test_the_batch_print_service_answers_on_either_route(monkeypatch, tmp_path, portable):
    """A cycle reaches its batch's print service and gets its answer (here, in one line, that
    PDFs are off: no browser is needed to prove the route)."""
    from reviewkit.run.printing import PrintService, RemotePrinter

    monkeypatch.setenv(platforms.PORTABLE_ENV, "1" if portable else "0")
    if not portable and not platforms.can_fork():
        pytest.skip("the fork route is Linux's")
    monkeypatch.setenv("REVIEWKIT_CHROMIUM", "off")
    service = PrintService()
    try:
        html = tmp_path / "r.html"
        html.write_text("<!doctype html><title>r</title>", encoding="utf-8")
        job = RemotePrinter(service.address).submit([(html, tmp_path / "r.pdf")])
        with pytest.raises(RuntimeError, match=r"^PDFs are switched off"):
            job.result(60)
    finally:
        service.close()


class HeldOpen:
    """Windows' rule, on any system: a folder holding a file some program has open cannot be
    renamed (PermissionError, WinError 32)."""

    def __init__(self, held: Path):
        self.held = held.resolve()
        self.tried = 0
        self.real = os.rename

    def __call__(self, source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        if self.held.is_relative_to(Path(source).resolve()):
            self.tried += 1
            raise PermissionError(
                13,
                "The process cannot access the file because it is being used by another process",
                str(source),
            )
        self.real(source, target)


def _folder(path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    return path


def test_a_folder_with_an_open_file_is_not_moved_and_says_why(monkeypatch, tmp_path):
    folder = _folder(tmp_path / "a", {"workbook.xlsx": "old"})
    held = HeldOpen(folder / "workbook.xlsx")
    monkeypatch.setattr(platforms, "rename", held)
    monkeypatch.setattr(platforms, "RETRIES", (0, 0))
    with pytest.raises(platforms.FolderInUse) as err:
        platforms.move_folder(folder, tmp_path / "b")
    assert held.tried == 3 and "open in another program" in str(err.value)
    assert (folder / "workbook.xlsx").read_text() == "old" and not (tmp_path / "b").exists()


def test_replacing_a_cycle_with_a_file_open_loses_nothing(monkeypatch, tmp_path):
    from reviewkit.run.folders import replace_cycle

    final = _folder(tmp_path / "out" / "p" / "2025-26", {"workbook.xlsx": "old", "r.html": "old"})
    new = _folder(tmp_path / "out" / "p" / ".2025-26.run-1", {"workbook.xlsx": "new"})
    waiting = tmp_path / "out" / "p" / "_new" / "2025-26"
    monkeypatch.setattr(platforms, "rename", HeldOpen(final / "workbook.xlsx"))
    monkeypatch.setattr(platforms, "RETRIES", (0,))
    with pytest.raises(ReviewError) as err:
        replace_cycle(new, final, waiting)
    said = str(err.value)
    assert "could not be replaced: a file in it is open in another program" in said
    assert "Nothing was lost" in said and "_new" in said and "--force" in said
    # the old outputs as they were, the new run whole where the message says
    assert (final / "workbook.xlsx").read_text() == "old" and (final / "r.html").exists()
    assert (waiting / "workbook.xlsx").read_text() == "new" and not new.exists()
    # closed: the next replace goes through, and the old outputs go only then
    monkeypatch.setattr(platforms, "rename", os.rename)
    replace_cycle(waiting, final, waiting)
    assert (final / "workbook.xlsx").read_text() == "new" and not (final / "r.html").exists()
    assert not list(final.parent.glob(".2025-26.old-*"))


def test_a_new_folder_that_cannot_be_moved_in_puts_the_old_back(monkeypatch, tmp_path):
    from reviewkit.run.folders import replace_cycle

    final = _folder(tmp_path / "c", {"a.html": "old"})
    new = _folder(tmp_path / ".c.run-1", {"a.html": "new", "open.pdf": "x"})
    monkeypatch.setattr(platforms, "rename", HeldOpen(new / "open.pdf"))
    monkeypatch.setattr(platforms, "RETRIES", ())
    with pytest.raises(OSError):
        replace_cycle(new, final, tmp_path / "_new" / "c")
    assert (final / "a.html").read_text() == "old" and (new / "a.html").read_text() == "new"


def _no_browser_on_path(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("REVIEWKIT_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    for root in ("LOCALAPPDATA", "PROGRAMFILES", "PROGRAMFILES(X86)"):
        monkeypatch.delenv(root, raising=False)
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")


@pytest.mark.parametrize(
    ("system", "where"),
    [
        ("win32", "Programs/Google/Chrome/Application/chrome.exe"),
        ("win32", "Programs/Microsoft/Edge/Application/msedge.exe"),
        ("darwin", "home/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
        ("darwin", "home/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    ],
)
def test_pdfs_find_chrome_or_edge_where_windows_and_macos_install_them(
    monkeypatch, tmp_path, system, where
):
    """Neither browser is on PATH there; they are found where Playwright's channels look."""
    from reviewkit.report import pdf

    _no_browser_on_path(monkeypatch, tmp_path)
    monkeypatch.setattr(sys, "platform", system)
    monkeypatch.setenv("PROGRAMFILES", str(tmp_path / "Programs"))
    assert pdf.find_chromium() is None
    exe = tmp_path / where.replace("/", os.sep)
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    assert pdf.find_chromium() == str(exe)


def test_chrome_comes_before_edge_and_windows_looks_in_every_install_folder(tmp_path):
    from reviewkit.report.pdf import channel_paths

    env = {"LOCALAPPDATA": "L", "PROGRAMFILES": "P", "PROGRAMFILES(X86)": "X"}
    found = channel_paths("win32", env, tmp_path)
    assert [c for c, _ in found] == ["chrome"] * 3 + ["msedge"] * 3
    assert [p.parts[0] for _, p in found] == ["L", "P", "X"] * 2
    assert channel_paths("linux", {}, tmp_path) == [
        ("chrome", Path("/opt/google/chrome/chrome")),
        ("msedge", Path("/opt/microsoft/msedge/msedge")),
    ]


def test_without_any_browser_the_run_says_so_in_one_line(monkeypatch, tmp_path):
    from reviewkit.report import pdf

    pytest.importorskip("playwright.sync_api")
    _no_browser_on_path(monkeypatch, tmp_path)
    for system in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", system)
        said = pdf.unavailable_reason()
        assert said is not None and "\n" not in said
        assert "Chrome or Edge" in said and "REVIEWKIT_CHROMIUM" in said
