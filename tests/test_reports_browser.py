"""The reports as readers get them: opened in headless Chromium (Debian's package), driven by
Playwright, checked with axe-core. Screenshots go to outputs/test-screenshots/ to look at."""

from __future__ import annotations

import re

import pytest

from conftest import HOSTILE, ROOT, chromium_path, need
from reviewkit.report.pdf import CHROMIUM_ARGS

pytestmark = pytest.mark.browser
REPORTS = ("review_report.html", "community_update.html", "data_quality.html", "planning_pack.html")


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    need(path is not None, "Chromium is not installed (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def opened(browser, cycle_run):
    """Each report loaded once: page, the requests it made, dialogs it opened, axe results."""
    from axe_playwright_python.sync_playwright import Axe

    shots = ROOT / "outputs" / "test-screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name in REPORTS:
        url = (cycle_run["cycle"] / name).as_uri()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests, dialogs, console = [], [], []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m, console=console: console.append(m.text))
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / name.replace(".html", ".png")))
        axe = Axe().run(page)
        pages[name] = {
            "page": page,
            "url": url,
            "requests": requests,
            "dialogs": dialogs,
            "axe": axe,
        }
    return pages


@pytest.mark.parametrize("name", REPORTS)
def test_no_network_requests(opened, name):
    o = opened[name]
    others = [u for u in o["requests"] if u != o["url"] and not u.startswith("data:")]
    assert others == []


@pytest.mark.parametrize("name", REPORTS)
def test_no_accessibility_violations(opened, name):
    axe = opened[name]["axe"]
    assert axe.violations_count == 0, axe.generate_report()


@pytest.mark.parametrize("name", REPORTS)
def test_no_code_prompts_or_warnings(opened, name):
    page = opened[name]["page"]
    text = page.inner_text("body")
    html = page.content()
    for marker in (
        "In [",
        "Out[",
        "import ",
        "display(",
        "Traceback",
        "Warning",
        "warnings.warn",
        "DeprecationWarning",
        "FutureWarning",
    ):
        assert marker not in text, marker
    assert page.locator("pre, code, .jp-InputArea, .input_area, script").count() == 0
    # no empty output boxes: every output nbconvert wrote holds something a reader sees
    assert page.locator(".output_area").count() >= 1
    for area in page.locator(".output_area").all():
        assert area.inner_text().strip() or area.locator("img").count(), area.inner_html()
    assert 'lang="en-GB"' in html


@pytest.mark.parametrize("name", REPORTS)
def test_structure_for_readers(opened, name):
    page = opened[name]["page"]
    assert page.locator("h1").count() == 1
    levels = [
        int(t[1])
        for t in page.eval_on_selector_all("h1, h2, h3, h4", "els => els.map(e => e.tagName)")
    ]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    for img in page.locator("img").all():
        alt = img.get_attribute("alt") or ""
        assert len(alt) > 20, alt
    for table in page.locator("table").all():
        assert table.locator("caption").count() == 1
        assert table.locator("thead th[scope=col]").count() >= 1


def test_charts_say_what_they_show(opened):
    page = opened["review_report.html"]["page"]
    alts = [i.get_attribute("alt") for i in page.locator("figure img").all()]
    xmr = [a for a in alts if a.startswith("XmR chart of")]
    funnels = [a for a in alts if a.startswith("Funnel plot of")]
    maps = [a for a in alts if a.startswith("Map of")]
    assert len(xmr) >= 8 and len(funnels) == 2 and len(maps) == 6
    assert len(xmr) + len(funnels) + len(maps) == len(alts)
    assert all("about 500 metres (no individual locations)" in a for a in maps)
    assert all("Conclusion:" in a and "process limits" in a for a in xmr)
    assert all("rank" in a and "group rate" in a for a in funnels)


@pytest.mark.parametrize("name", ["review_report.html", "community_update.html"])
def test_names_from_data_render_as_text(opened, name):
    o = opened[name]
    assert o["dialogs"] == []
    page = o["page"]
    assert HOSTILE in page.inner_text("body")
    assert page.locator("main script, main b, img[src=x]").count() == 0


def test_community_update_suppresses_small_numbers(opened, cycle_run):
    page = opened["community_update.html"]["page"]
    # counts in the crime table: never 1 to 4
    rows = page.locator("#crime-types ~ div table tbody tr").all()
    assert rows
    shown = []
    for row in rows:
        cells = row.locator("td").all_inner_texts()
        for count in cells[:2]:
            shown.append(count)
            if count not in ("fewer than 5", "not shown"):
                assert not 1 <= int(count.replace(",", "")) <= 4, (row.inner_text(), count)
    assert "fewer than 5" in shown
    # counts in the plain-language messages: never 1 to 4
    for item in page.locator("section li").all_inner_texts():
        if "compared with" in item:
            for number in re.findall(r"(?<![\d,.])\d[\d,]*(?![\d,.%])", item):
                assert not 1 <= int(number.replace(",", "")) <= 4, item
    # the board report still shows the exact figures
    board = opened["review_report.html"]["page"].inner_text("main")
    import pandas as pd

    sc = pd.read_csv(cycle_run["cycle"] / "tables" / "scorecard.csv").set_index("id")
    robbery = int(sc.at["robbery", "review_value"])
    assert f"Robbery offences: {robbery:,} in" in board


def test_reports_are_small_and_self_contained(cycle_run):
    for name in REPORTS:
        size = (cycle_run["cycle"] / name).stat().st_size
        assert size < 3_000_000, (name, size)
        html = (cycle_run["cycle"] / name).read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="https?://', html)
        assert "require.js" not in html and "MathJax" not in html
