"""The PDFs as a board member gets them: printed by the run, rendered page by page to PNG
(poppler's pdftoppm) and read back as text (pdftotext). Page images are kept under
outputs/test-screenshots/pdf/ to look at."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, chromium_path, need
from reviewkit.report.export import css_string, page_css

pytestmark = pytest.mark.browser
PAPERS = ("review_report.pdf", "community_update.pdf")
HEADER = "Brackwell Community Safety Partnership · review period October 2025 to September 2026"


def _tool(name: str) -> str:
    path = shutil.which(name)
    need(path is not None, f"{name} is not installed (Debian: apt-get install poppler-utils)")
    return path


def _pages_text(pdf) -> list[str]:
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="module")
def papers(cycle_run):
    need(
        chromium_path() is not None, "Chromium is not installed (Debian: apt-get install chromium)"
    )
    pytest.importorskip("playwright.sync_api")
    shots = ROOT / "outputs" / "test-screenshots" / "pdf"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    out = {}
    for name in PAPERS:
        pdf = cycle_run["cycle"] / name
        assert pdf.is_file(), f"{name} was not written by the run"
        stem = shots / name.removesuffix(".pdf")
        subprocess.run([_tool("pdftoppm"), "-r", "60", "-png", str(pdf), str(stem)], check=True)
        images = sorted(shots.glob(f"{stem.name}-*.png"))
        out[name] = {"pdf": pdf, "text": _pages_text(pdf), "images": images}
    return out


def _ink(png) -> float:
    """Share of a page image that is not white: a blank page is close to 0."""
    from PIL import Image

    im = Image.open(png).convert("L")
    hist = im.histogram()
    return 1 - sum(hist[245:]) / (im.width * im.height)


@pytest.mark.parametrize("name", PAPERS)
def test_every_page_has_the_running_header_and_page_numbers(papers, name):
    pages = papers[name]["text"]
    assert len(pages) == len(papers[name]["images"]) >= 2
    right = (
        "Draft for the partnership board"
        if name.startswith("review")
        else "Draft: not for publication"
    )
    for k, page in enumerate(pages, start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert HEADER in lines[0] and right in lines[0], (k, lines[0])
        assert re.search(rf"Page {k} of {len(pages)}$", lines[-1]), (k, lines[-1])


def test_the_board_paper_starts_with_its_decisions_and_is_of_board_length(papers):
    pages = papers["review_report.pdf"]["text"]
    first = " ".join(pages[0].split())  # lines may wrap
    for text in (
        "Brackwell Community Safety Partnership: strategy review",
        "Draft for the partnership board",
        "Decisions for the board",
        "Re-assess",
        "Executive summary",
    ):
        assert text in first, text
    assert first.index("Decisions for the board") < first.index("Executive summary")
    # page 1 is a full page
    images = papers["review_report.pdf"]["images"]
    assert _ink(images[0]) > 0.08, _ink(images[0])
    # the main paper ends where the first annex starts, by page 12; the annexes follow in order
    starts = {
        k: next(n for n, page in enumerate(pages, 1) if f"Annex {k}:" in " ".join(page.split()))
        for k in "ABCDE"
    }
    assert starts["A"] <= 12, starts
    assert list(starts.values()) == sorted(starts.values()), starts
    # what only the analyst acts on comes after everything the board reads
    last = " ".join(pages[-1].split()) + " ".join(pages[-2].split())
    assert "For the analyst" in last


@pytest.mark.parametrize("name", PAPERS)
def test_no_blank_pages_and_no_heading_or_table_header_left_at_a_page_foot(papers, name, cycle_run):
    import html as htmllib

    source = (cycle_run["cycle"] / name.replace(".pdf", ".html")).read_text(encoding="utf-8")
    endings = {
        htmllib.unescape(re.sub(r"<[^>]+>", "", t)).strip()
        for t in re.findall(r"<(?:h2|h3|caption)[^>]*>(.*?)</(?:h2|h3|caption)>", source)
    }
    header_rows = (
        "Indicator Review period Baseline Change",
        "Initiative and lead agency",
        "LSOA Name Records",
        "LSOA Name Baseline",
    )
    for k, (page, png) in enumerate(
        zip(papers[name]["text"], papers[name]["images"], strict=True), start=1
    ):
        assert _ink(png) > 0.01, f"page {k} is blank"
        lines = [" ".join(ln.split()) for ln in page.splitlines() if ln.strip()]
        last = lines[-2]  # the line above the footer
        # a heading or caption (or the end of one that wraps) is not the last line of a page
        assert not any(
            e and (last == e or (len(last) >= 12 and e.endswith(last))) for e in endings
        ), (k, last)
        assert not last.startswith(header_rows), (k, last)


def test_the_manifest_lists_the_pdfs(papers, cycle_run):
    manifest = json.loads((cycle_run["cycle"] / "manifest.json").read_text())
    assert manifest["pdf"] == {"written": list(PAPERS), "note": ""}
    assert manifest["sign_off"] == {"status": "draft", "signed_off_by": None, "signed_off_on": None}


def test_the_header_text_cannot_break_out_of_the_stylesheet():
    hostile = 'Ash "CSP" </style><script>alert(1)</script> \\ & more'
    css = page_css(hostile, "Draft", "t")
    assert "</style>" not in css and "<script>" not in css
    assert css_string('a"b') == '"a\\22 b"'
    assert css_string("a\\b") == '"a\\5c b"'


def test_without_chromium_the_run_says_so_in_one_line(tmp_path, monkeypatch):
    from reviewkit.run.exports import pdf_record, report_pdf_pairs
    from reviewkit.run.printing import LazyPrinter

    monkeypatch.setenv("REVIEWKIT_CHROMIUM", "off")
    said: list[str] = []
    printer = LazyPrinter()  # as a run starts it at the report step
    try:
        record = pdf_record(printer.submit(report_pdf_pairs(tmp_path)), said.append)
    finally:
        printer.close()
    assert said == [record["note"]] and record["written"] == []
    assert said[0].startswith("PDFs not written: ") and "\n" not in said[0]
    assert "HTML reports are complete" in said[0]
    assert not list(tmp_path.glob("*.pdf"))


def _reports(folder, n: int) -> list[tuple]:
    pairs = []
    for k in range(n):
        html = folder / f"r{k}.html"
        html.write_text(f"<!doctype html><title>r{k}</title><h1>Report {k}</h1>", encoding="utf-8")
        pairs.append((html, folder / f"r{k}.pdf"))
    return pairs


def _printable() -> None:
    need(
        chromium_path() is not None, "Chromium is not installed (Debian: apt-get install chromium)"
    )
    pytest.importorskip("playwright.sync_api")


def test_a_batch_prints_every_cycles_reports_with_one_browser(tmp_path):
    """Two cycles of a batch send their reports at once; the batch's one browser prints all."""
    from concurrent.futures import wait

    from reviewkit.run.printing import PrintService, RemotePrinter

    _printable()
    service = PrintService()
    try:
        one, two = _reports(tmp_path, 4)[:2], _reports(tmp_path, 4)[2:]
        jobs = [RemotePrinter(service.address).submit(pairs) for pairs in (one, two)]
        wait(jobs, timeout=120)
        assert [j.result() for j in jobs] == [[p for _, p in one], [p for _, p in two]]
        assert service.printer.printed == 4
    finally:
        service.close()
    for _, pdf in one + two:
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert not pdf.with_suffix(".pdf.part").exists()


def test_a_cycle_that_cannot_reach_its_batch_printer_prints_with_its_own(tmp_path):
    from reviewkit.run.printing import RemotePrinter

    _printable()
    pairs = _reports(tmp_path, 2)
    assert RemotePrinter(str(tmp_path / "gone" / "printer")).submit(pairs).result(120) == [
        p for _, p in pairs
    ]
    assert all(p.read_bytes().startswith(b"%PDF-") for _, p in pairs)


def test_a_printing_failure_is_one_line_for_this_and_every_later_job(tmp_path):
    from reviewkit.report.pdf import Printer

    _printable()
    with Printer() as printer:
        bad = printer.submit([(tmp_path / "missing.html", tmp_path / "missing.pdf")])
        later = printer.submit(_reports(tmp_path, 1))
        for job in (bad, later):
            with pytest.raises(RuntimeError) as err:
                job.result(120)
            said = str(err.value)
            assert said.startswith("Chromium could not print the reports (") and "\n" not in said
    assert not list(tmp_path.glob("*.pdf"))
