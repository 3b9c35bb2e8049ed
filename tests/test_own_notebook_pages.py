"""An own notebook's published page: whatever its code prints or displays is sanitised with an
allow-list, so a `<script>`, an `<img onerror>` or any other way to run code never runs when
the page is opened (checked as text, and in a real browser where Chromium is installed)."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import chromium_path, need
from reviewkit.report.export import export_analysis, sanitise

PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d49484452")).decode()
HOSTILE_HTML = [
    "<script>document.title='pwned-script'</script><p>after script</p>",
    "<img src=x onerror=\"document.title='pwned-onerror'\">",
    "<svg onload=\"document.title='pwned-svg'\"><script>document.title='pwned-svg2'</script></svg>",
    "<a href=\"javascript:document.title='pwned-link'\">click</a>",
    "<iframe src=\"javascript:parent.document.title='pwned-frame'\"></iframe>",
    '<body onload="document.title=\'pwned-body\'"><div onmouseover="x()">hover</div>',
    "<style>body{display:none}</style><form action=https://evil.example><input></form>",
    "<img src='https://tracker.example/pixel.png' alt='tracker'>",
    "<object data='x.swf'></object><embed src='x.swf'><meta http-equiv=refresh content=0>",
]


def _notebook(path: Path) -> Path:
    """An executed own notebook whose outputs and markdown hold every hostile form."""
    cells = [new_markdown_cell("# Hotspots\n\n<img src=x onerror=\"document.title='pwned-md'\">")]
    for i, fragment in enumerate(HOSTILE_HTML):
        cell = new_code_cell(f"display(HTML(h[{i}]))")
        cell.outputs = [new_output("display_data", data={"text/html": fragment})]
        cells.append(cell)
    js = new_code_cell("display(Javascript(...))")
    js.outputs = [
        new_output(
            "display_data",
            data={
                "application/javascript": "document.title='pwned-js'",
                "text/plain": "<IPython.core.display.Javascript object>",
            },
        )
    ]
    svg = new_code_cell("display(SVG(...))")
    svg.outputs = [
        new_output(
            "display_data",
            data={
                "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><script>'
                "document.title='pwned-svgimg'</script><circle r='4'/></svg>"
            },
        )
    ]
    printed = new_code_cell("print(h[0])")
    printed.outputs = [new_output("stream", name="stdout", text="<script>x()</script> printed")]
    figure = new_code_cell("plt.plot()")
    figure.outputs = [new_output("display_data", data={"image/png": PNG, "text/plain": "fig"})]
    table = new_code_cell("df")
    table.outputs = [
        new_output(
            "execute_result",
            data={"text/html": "<table><tr><th>Ward</th><td>12</td></tr></table>"},
            execution_count=1,
        )
    ]
    nb = new_notebook(cells=[*cells, js, svg, printed, figure, table])
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("own")
    return export_analysis(
        _notebook(folder / "hotspots.ipynb"), folder / "hotspots.html", "Hotspots", "footer"
    )


def test_nothing_that_runs_reaches_the_page(page):
    text = page.read_text(encoding="utf-8").lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onmouseover",
        "javascript:",
        "<iframe",
        "<svg",
        "<form",
        "<object",
        "<embed",
        "http-equiv",
        "pwned-js",
        "tracker.example",
    ):
        assert bad not in text, bad


def test_what_the_reader_needs_is_kept(page):
    text = page.read_text(encoding="utf-8")
    assert "after script" in text and "hover" in text and "click" in text
    assert "<th>Ward</th>" in text and "<td>12</td>" in text
    assert f"data:image/png;base64,{PNG}" in text
    assert "data:image/svg+xml;base64," in text  # the SVG figure, as an image where no script runs
    assert "&lt;script&gt;x()&lt;/script&gt; printed" in text  # printed text shown as text


@pytest.mark.parametrize(
    ("fragment", "kept"),
    [
        ("<script>alert(1)</script>safe", "safe"),
        ('<img src="x" onerror="alert(1)">', "<img>"),
        (
            f'<img src="data:image/png;base64,{PNG}" alt="a chart">',
            f'src="data:image/png;base64,{PNG}"',
        ),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "<img>"),
        ('<a href="https://www.police.uk/">police.uk</a>', 'href="https://www.police.uk/"'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "x</a>"),
        ('<p style="background:url(javascript:alert(1))">p</p>', "<p>p</p>"),
        ("<math><mi xlink:href='javascript:alert(1)'>m</mi></math>", ""),  # dropped whole
    ],
)
def test_sanitise_is_an_allow_list(fragment, kept):
    out = sanitise(fragment)
    assert kept in out
    for bad in ("<script", "onerror", "javascript:", "data:text", "style=", "<math"):
        assert bad not in out.lower()


@pytest.mark.browser
def test_nothing_runs_in_a_browser(page):
    """The <script> and <img onerror> cases, opened as a reader would: the page's title is
    never changed and no request leaves the page."""
    path = chromium_path()
    need(path is not None, "Chromium is not installed (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from reviewkit.report.pdf import CHROMIUM_ARGS

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        tab.goto(page.as_uri())
        tab.wait_for_load_state("networkidle")
        tab.hover("text=hover")
        title = tab.title()
        browser.close()
    assert "pwned" not in title and title.startswith("Hotspots")
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
