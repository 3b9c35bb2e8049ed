"""PDF copies of the reports, printed by a headless Chromium through Playwright.

Boards circulate papers as PDF. The PDF is the HTML report printed with its own print
stylesheet (page margins, running header, page numbers), so the two cannot disagree. Chromium
and Playwright are optional: without them the run writes the HTML only and says why in one line.
Printing makes no network request: the report is loaded as text and every request refused.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

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


def find_chromium() -> str | None:
    """The browser to print with: REVIEWKIT_CHROMIUM (a path, or 'off'), else one on PATH."""
    chosen = os.environ.get("REVIEWKIT_CHROMIUM", "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return chosen if Path(chosen).is_file() else shutil.which(chosen)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable_reason() -> str | None:
    """Why PDFs cannot be written here, or None when they can."""
    if os.environ.get("REVIEWKIT_CHROMIUM", "").strip().lower() == "off":
        return "PDFs are switched off (REVIEWKIT_CHROMIUM=off)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install 'reviewkit[pdf]')"
    if find_chromium() is None:
        return "no Chromium found (install chromium, or set REVIEWKIT_CHROMIUM to its path)"
    return None


def write_pdfs(pairs: Sequence[tuple[Path, Path]]) -> list[Path]:
    """Print each (html, pdf) pair with one browser; return the PDFs written.

    Raises RuntimeError with a one-line reason when printing is not possible or fails.
    """
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    from playwright.sync_api import Error, sync_playwright

    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            try:
                for html, pdf in pairs:
                    page = browser.new_page()
                    page.route("**/*", lambda route: route.abort())  # no request leaves
                    page.set_content(html.read_text(encoding="utf-8"), wait_until="load")
                    page.emulate_media(media="print")
                    tmp = pdf.with_suffix(".pdf.part")
                    page.pdf(
                        path=str(tmp),
                        prefer_css_page_size=True,
                        print_background=True,
                        tagged=True,
                        outline=True,
                    )
                    os.replace(tmp, pdf)
                    page.close()
                    written.append(pdf)
            finally:
                browser.close()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RuntimeError(f"Chromium could not print the reports ({first})") from None
    return written
