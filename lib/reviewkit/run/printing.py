"""The reports' PDFs printed off the run's critical path, and by one browser for a batch.

A run starts its printer when the report notebook starts, so the browser is ready when the
reports are; it prints while the runner writes the workbook. A batch starts one print service
(a printer, and a socket its cycles' processes send their reports to), so five partnerships
start one browser, not five. A cycle that cannot reach its batch's service prints with a
printer of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from reviewkit.report.pdf import PRINTER_ENV, Printer, unavailable_reason, write_pdfs
from reviewkit.run.kernels import read_line

Pairs = Sequence[tuple[Path, Path]]


class Prints(Protocol):
    def submit(self, pairs: Pairs) -> Future[list[Path]]: ...
    def close(self) -> None: ...


class RemotePrinter:
    """Sends reports to the batch's print service; prints locally if it cannot be reached."""

    def __init__(self, address: str):
        self.address = address

    def submit(self, pairs: Pairs) -> Future[list[Path]]:
        done: Future[list[Path]] = Future()
        threading.Thread(target=self._ask, args=(list(pairs), done), daemon=True).start()
        return done

    def _ask(self, pairs: list[tuple[Path, Path]], done: Future[list[Path]]) -> None:
        request = json.dumps([[str(h), str(p)] for h, p in pairs]).encode() + b"\n"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.connect(self.address)
                conn.sendall(request)
                reply = json.loads(read_line(conn) or b"{}")
        except (OSError, ValueError):
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
        pass


class LazyPrinter:
    """The run's printer, started when `start()` is first called (at the report step): the
    batch's service when the run is part of one, else a browser of the run's own."""

    def __init__(self) -> None:
        self._printer: Prints | None = None

    def start(self) -> Prints:
        if self._printer is None:
            address = os.environ.get(PRINTER_ENV)
            self._printer = RemotePrinter(address) if address else Printer()
        return self._printer

    def submit(self, pairs: Pairs) -> Future[list[Path]]:
        return self.start().submit(pairs)

    def close(self) -> None:
        if self._printer is not None:
            self._printer.close()
            self._printer = None


class PrintService:
    """One printer for every cycle of a batch, reached through a socket in a private folder."""

    def __init__(self) -> None:
        self.printer = Printer()
        self.folder = tempfile.mkdtemp(prefix="reviewkit-printer-")
        self.address = os.path.join(self.folder, "printer")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.address)
        self.listener.listen(16)
        threading.Thread(target=self._accept, name="reviewkit-print-service", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                pairs = [(Path(h), Path(p)) for h, p in json.loads(read_line(conn))]
                written = self.printer.submit(pairs).result()
                reply: dict[str, object] = {"written": [str(p) for p in written]}
            except RuntimeError as exc:
                reply = {"error": str(exc)}
            except (ValueError, TypeError):
                reply = {"error": "Chromium could not print the reports (unreadable request)"}
            try:
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except OSError:
                pass  # the cycle has gone

    def close(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        except OSError:
            pass
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
