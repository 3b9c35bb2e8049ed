"""The reports' PDFs printed off the run's critical path, and by one browser for a batch.

A run starts its printer when the report notebook starts, so the browser is ready when the
reports are; it prints while the runner writes the workbook. A batch starts one print service
(a printer, and a listener its cycles' processes send their reports to, through the platform
seam's `multiprocessing.connection`: a private local socket on Linux, the loopback interface
with a key on Windows and macOS), so five partnerships start one browser, not five. A cycle
that cannot reach its batch's service prints with a printer of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from reviewkit.base import platforms
from reviewkit.report.pdf import PRINTER_ENV, Printer, unavailable_reason, write_pdfs

Pairs = Sequence[tuple[Path, Path]]


class Prints(Protocol):
    """What prints the reports: a browser of this process's own, or the batch's service."""

    def submit(self, pairs: Pairs) -> Future[list[Path]]:
        """Print each (html, pdf) pair; the PDFs written, when done."""
        ...

    def close(self) -> None:
        """Stop printing once what was submitted is done."""
        ...


class RemotePrinter:
    """Sends reports to the batch's print service; prints locally if it cannot be reached."""

    def __init__(self, address: str):
        self.address = address

    def submit(self, pairs: Pairs) -> Future[list[Path]]:
        """Print each (html, pdf) pair; the PDFs written, when done."""
        done: Future[list[Path]] = Future()
        threading.Thread(target=self._ask, args=(list(pairs), done), daemon=True).start()
        return done

    def _ask(self, pairs: list[tuple[Path, Path]], done: Future[list[Path]]) -> None:
        request = json.dumps([[str(h), str(p)] for h, p in pairs]).encode()
        try:
            with platforms.connect(self.address) as conn:
                conn.send_bytes(request)
                reply = json.loads(conn.recv_bytes() or b"{}")
        except (OSError, EOFError, ValueError):
            try:
                done.set_result(write_pdfs(pairs))  # no service: a browser of this cycle's own
            except RuntimeError as exc:
                done.set_exception(exc)
            return
        if "error" in reply:
            done.set_exception(RuntimeError(reply["error"]))
        else:
            done.set_result([Path(p) for p in reply.get("written", [])])

    def close(self) -> None:
        """Nothing to stop here: the batch's service closes its browser."""


class LazyPrinter:
    """The run's printer, started when `start()` is first called (at the report step): the
    batch's service when the run is part of one, else a browser of the run's own."""

    def __init__(self) -> None:
        self._printer: Prints | None = None

    def start(self) -> Prints:
        """Start the printer now (its browser starts while the report notebook runs)."""
        if self._printer is None:
            address = os.environ.get(PRINTER_ENV)
            self._printer = RemotePrinter(address) if address else Printer()
        return self._printer

    def submit(self, pairs: Pairs) -> Future[list[Path]]:
        """Print each (html, pdf) pair with the printer (started now if it was not)."""
        return self.start().submit(pairs)

    def close(self) -> None:
        """Close the printer, if it was started."""
        if self._printer is not None:
            self._printer.close()
            self._printer = None


class PrintService:
    """One printer for every cycle of a batch, reached through the platform seam's listener
    (its address, with the key a cycle needs, in PRINTER_ENV)."""

    def __init__(self) -> None:
        self.printer = Printer()
        self.folder = tempfile.mkdtemp(prefix="reviewkit-printer-")
        self.listener, self.address = platforms.listener(self.folder)
        self._closing = threading.Event()
        self._thread = threading.Thread(
            target=self._accept, name="reviewkit-print-service", daemon=True
        )
        self._thread.start()

    def _accept(self) -> None:
        from multiprocessing import AuthenticationError

        while not self._closing.is_set():
            try:
                conn = self.listener.accept()
            except (AuthenticationError, EOFError, ConnectionError):
                continue  # a process without the key, or one that went away: not a cycle
            except OSError:
                return  # closed
            if self._closing.is_set():
                conn.close()
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _wake(self) -> None:
        try:
            platforms.connect(self.address).close()
        except (OSError, EOFError):
            pass

    def _answer(self, conn: Any) -> None:
        with conn:
            try:
                pairs = [(Path(h), Path(p)) for h, p in json.loads(conn.recv_bytes())]
                written = self.printer.submit(pairs).result()
                reply: dict[str, object] = {"written": [str(p) for p in written]}
            except RuntimeError as exc:
                reply = {"error": str(exc)}
            except (ValueError, TypeError):
                reply = {"error": "Chromium could not print the reports (unreadable request)"}
            except (OSError, EOFError):
                return  # the cycle has gone
            try:
                conn.send_bytes(json.dumps(reply).encode())
            except OSError:
                pass  # the cycle has gone

    def close(self) -> None:
        """Stop the service and its browser."""
        self._closing.set()
        if self._thread.is_alive():
            # a connection wakes the thread waiting in accept(), on every system; made from a
            # thread of its own, so closing never waits on it whatever happens
            threading.Thread(target=self._wake, daemon=True).start()
            self._thread.join(timeout=10)
        self.listener.close()
        self.printer.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def print_service() -> Iterator[str | None]:
    """A print service for the batch inside the block, its address in PRINTER_ENV for the
    cycles (None, and nothing started, where PDFs cannot be printed: each cycle says why)."""
    if unavailable_reason() is not None:
        yield None
        return
    service = PrintService()
    old = os.environ.get(PRINTER_ENV)
    os.environ[PRINTER_ENV] = service.address
    try:
        yield service.address
    finally:
        if old is None:
            os.environ.pop(PRINTER_ENV, None)
        else:
            os.environ[PRINTER_ENV] = old
        service.close()
