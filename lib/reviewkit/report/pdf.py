"""PDF copies of the reports, printed by a headless Chromium through Playwright.

Boards circulate papers as PDF. The PDF is the HTML report printed with its own print
stylesheet (page margins, running header, page numbers), so the two cannot disagree. Chromium
and Playwright are optional: without them the run writes the HTML only and says why in one line.
Printing makes no network request: the report is loaded as text and every request refused.
"""

from __future__ import annotations

import os
import queue
import shutil
import sys
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Where Playwright's channels find Chrome and Edge as their installers put them (Windows: under
# each of these folders; macOS: in these applications folders; Linux: these paths). Neither is
# on PATH on Windows or macOS.
CHANNELS = {
    "chrome": {
        "win32": "Google/Chrome/Application/chrome.exe",
        "darwin": "Google Chrome.app/Contents/MacOS/Google Chrome",
        "linux": "/opt/google/chrome/chrome",
    },
    "msedge": {
        "win32": "Microsoft/Edge/Application/msedge.exe",
        "darwin": "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        "linux": "/opt/microsoft/msedge/msedge",
    },
}
WINDOWS_ROOTS = ("LOCALAPPDATA", "PROGRAMFILES", "PROGRAMFILES(X86)")
NONE_FOUND = (
    "no Chromium, Chrome or Edge found (install one, or set REVIEWKIT_CHROMIUM to its path)"
)


def channel_paths(system: str, environ: Mapping[str, str], home: Path) -> list[tuple[str, Path]]:
    """(channel, executable) where Playwright's channels would look on `system` (sys.platform's
    name), in order: Chrome, then Edge."""
    out: list[tuple[str, Path]] = []
    for channel, where in CHANNELS.items():
        if system.startswith("win"):
            roots = [environ[r] for r in WINDOWS_ROOTS if environ.get(r)]
            out += [(channel, Path(root, *where["win32"].split("/"))) for root in roots]
        elif system == "darwin":
            for apps in (Path("/Applications"), home / "Applications"):
                out.append((channel, apps / where["darwin"]))
        else:
            out.append((channel, Path(where["linux"])))
    return out


def find_chromium() -> str | None:
    """The browser to print with, by path: REVIEWKIT_CHROMIUM (a path or a name on PATH, or
    'off'), else a Chromium, Chrome or Edge on PATH, else Chrome or Edge where Playwright's
    channels find them (how Windows and macOS have them). The same order on every system."""
    chosen = os.environ.get("REVIEWKIT_CHROMIUM", "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return chosen if Path(chosen).is_file() else shutil.which(chosen)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    for _channel, path in channel_paths(sys.platform, os.environ, Path.home()):
        if path.is_file():
            return str(path)
    return None


def unavailable_reason() -> str | None:
    """Why PDFs cannot be written here (one line), or None when they can."""
    if os.environ.get("REVIEWKIT_CHROMIUM", "").strip().lower() == "off":
        return "PDFs are switched off (REVIEWKIT_CHROMIUM=off)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install 'reviewkit[pdf]')"
    if find_chromium() is None:
        return NONE_FOUND
    return None


PRINTER_ENV = "REVIEWKIT_PRINTER"  # a batch's print service, shared by its cycles


class Printer:
    """A headless Chromium made ready in a thread of its own while other work goes on
    (Playwright's driver, the browser and a first page take about two seconds), then printing
    what it is given, one report after another, on the one page.

    `submit(pairs)` returns at once with a Future of the PDFs written; it fails with a
    RuntimeError giving a one-line reason when printing is not possible here or fails.
    `close()` stops the browser."""

    def __init__(self) -> None:
        self.printed = 0  # PDFs written by this printer's browser
        self._jobs: queue.Queue[tuple[list[tuple[Path, Path]], Future[list[Path]]] | None] = (
            queue.Queue()
        )
        self._thread = threading.Thread(target=self._serve, name="reviewkit-printer", daemon=True)
        self._thread.start()

    def submit(self, pairs: Sequence[tuple[Path, Path]]) -> Future[list[Path]]:
        """Print each (html, pdf) pair; the PDFs written, when done."""
        done: Future[list[Path]] = Future()
        self._jobs.put((list(pairs), done))
        return done

    def close(self) -> None:
        """Close the browser once what was submitted has printed."""
        self._jobs.put(None)
        self._thread.join()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        failure = unavailable_reason()
        if failure is None:
            try:
                self._print_jobs()
                return
            except Exception as exc:  # noqa: BLE001 - said in one line to every waiting job
                failure = _failed(exc)
        while (job := self._jobs.get()) is not None:
            job[1].set_exception(RuntimeError(failure))

    def _print_jobs(self) -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())  # no request leaves
                page.emulate_media(media="print")
                page.set_content("<!doctype html><title>ready</title>", wait_until="load")
                while (job := self._jobs.get()) is not None:
                    pairs, done = job
                    try:
                        done.set_result([_print(page, html, pdf) for html, pdf in pairs])
                        self.printed += len(pairs)
                    except Exception as exc:
                        done.set_exception(RuntimeError(_failed(exc)))
                        raise  # the browser may be unusable: later jobs are told why
            finally:
                browser.close()


def _failed(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return f"Chromium could not print the reports ({first})"


def _print(page: Any, html: Path, pdf: Path) -> Path:
    page.set_content(html.read_text(encoding="utf-8"), wait_until="load")
    tmp = pdf.with_suffix(".pdf.part")
    page.pdf(
        path=str(tmp),
        prefer_css_page_size=True,
        print_background=True,
        tagged=True,
        outline=True,
    )
    os.replace(tmp, pdf)
    return pdf


def write_pdfs(pairs: Sequence[tuple[Path, Path]]) -> list[Path]:
    """Print each (html, pdf) pair with a browser of its own; return the PDFs written.

    Raises RuntimeError with a one-line reason when printing is not possible or fails.
    """
    with Printer() as printer:
        return printer.submit(pairs).result()
