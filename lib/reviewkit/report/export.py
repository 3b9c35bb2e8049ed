"""HTML export with nbconvert: no code, no prompts, no stderr, no network requests.

nbconvert's `basic` template gives the cells' outputs with input excluded; they are placed in
the project's own page (lang="en-GB", inline house style, print stylesheet) instead of the
default template, which loads require.js and MathJax from the internet. An analyst's own
notebook's page is sanitised with an allow-list (`sanitise`), since whatever its code prints
reaches the page.
"""

from __future__ import annotations

import base64
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import nbformat
import nh3
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from nbformat import NotebookNode
from traitlets import Set, Unicode

from reviewkit.base.steps import check_step
from reviewkit.inputs.params import CycleParams
from reviewkit.report.html import esc


def _board_status(params: CycleParams) -> str:
    return params.report.status_line()


def _community_status(params: CycleParams) -> str:
    r = params.report
    if r.status == "draft":
        return "Draft: not for publication"
    return f"Published {r.signed_off_on:%d %B %Y}"


def _core_team(params: CycleParams) -> str:
    return "For the core audit team"


@dataclass(frozen=True)
class Audience:
    """One audience's page: the cell tag that selects its cells, the step whose notebook
    carries them, its file and title, whether it is printed to PDF (the papers that are
    circulated), and the right side of its printed pages' running header."""

    name: str  # the cell tag
    step: str  # one of reviewkit.base.steps.STEPS: the notebook the page is exported from
    file: str
    title: str
    status: Callable[[CycleParams], str]
    pdf: bool = False

    def __post_init__(self) -> None:
        """Refuse a step that is not one of the cycle's steps: its page would never be made."""
        check_step(self.step, f"audience '{self.name}': step")

    @property
    def pdf_file(self) -> str:
        """The printed paper's file name."""
        return self.file.replace(".html", ".pdf")

    def running_header(self, params: CycleParams) -> tuple[str, str]:
        """(left, right) of the printed pages' header: who and when; draft or final."""
        return f"{params.partnership} · review period {params.review.describe()}", self.status(
            params
        )


# Every audience, once: a new audience is one entry here (and cells tagged with its name).
AUDIENCES = {
    a.name: a
    for a in (
        Audience("quality", "intake", "data_quality.html", "Data quality", _core_team),
        Audience("board", "report", "review_report.html", "Strategy review", _board_status, True),
        Audience(
            "community",
            "report",
            "community_update.html",
            "Community safety update",
            _community_status,
            True,
        ),
        Audience("planning", "report", "planning_pack.html", "Planning pack", _core_team),
    )
}


def audiences_of(step: str) -> list[Audience]:
    """The audiences whose pages are exported from `step`'s notebook, in order."""
    return [a for a in AUDIENCES.values() if a.step == step]


def running_header(params: CycleParams, audience: str) -> tuple[str, str]:
    """(left, right) of `audience`'s printed pages' header."""
    return AUDIENCES[audience].running_header(params)


class KeepReportOutputs(Preprocessor):
    """Keep only the code cells tagged for this report's audience, and of those only rich HTML
    outputs (no stderr, warnings, text, figures drawn for the analyst, or empty output).

    A cell reaches a report only when tagged for it, so whatever an analyst adds to a notebook
    (a DataFrame, a figure, a cell tagged `explore`) stays out of the reports.
    """

    audience = Unicode("")
    keep_types = Set({"display_data", "execute_result"})

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Keep the cells tagged for `audience`, each with only its HTML outputs."""
        cells = []
        for cell in nb.cells:
            if cell.cell_type != "code" or self.audience not in cell.get("metadata", {}).get(
                "tags", []
            ):
                continue
            outputs = [
                o
                for o in cell.get("outputs", [])
                if o.get("output_type") in self.keep_types
                and str(o.get("data", {}).get("text/html", "")).strip()
            ]
            for o in outputs:
                o["data"] = {"text/html": o["data"]["text/html"]}
            if outputs:
                cell.outputs = outputs
                cells.append(cell)
        nb.cells = cells
        return nb, resources


# What an own notebook's page may show: the kinds of output a reader needs (tables, figures,
# text), never code that runs (JavaScript, widgets) nor an SVG drawn inline (which can hold
# script): an SVG figure is shown as an image, where no script runs.
ANALYSIS_MIME = ("text/html", "text/markdown", "text/plain", "image/png", "image/jpeg")


def _safe_output(output: dict[str, Any]) -> dict[str, Any] | None:
    """An output with only the kinds of data the page may show (None: nothing left)."""
    data = output.get("data", {})
    keep = {k: v for k, v in data.items() if k in ANALYSIS_MIME}
    svg = data.get("image/svg+xml")
    if svg and not keep.keys() & {"image/png", "image/jpeg"}:
        text = "".join(svg) if isinstance(svg, list) else str(svg)
        encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
        keep["text/html"] = f'<img src="data:image/svg+xml;base64,{encoded}" alt="">'
    if not keep:
        return None
    output["data"] = keep
    output.setdefault("metadata", {})
    return output


class KeepAnalysisOutputs(Preprocessor):
    """For an analyst's own notebook: its markdown and its outputs (tables, figures, text),
    without code, errors, stderr, cells tagged `remove`, or outputs that run code (JavaScript,
    widgets); what is left is sanitised by `sanitise` when the page is written."""

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Keep the code cells' outputs an own notebook's page may show (`_safe_output`)."""
        cells = []
        nb.metadata.pop("widgets", None)  # widget state: embedded as a script by the exporter
        for cell in nb.cells:
            if "remove" in cell.get("metadata", {}).get("tags", []):
                continue
            if cell.cell_type == "code":
                outputs = []
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "stream" and o.get("name") == "stdout":
                        outputs.append(o)
                    elif o.get("output_type") in ("display_data", "execute_result"):
                        safe = _safe_output(o)
                        if safe is not None:
                            outputs.append(safe)
                cell.outputs = outputs
                if not cell.outputs:
                    continue
            cell.pop("attachments", None)
            cells.append(cell)
        nb.cells = cells
        return nb, resources


# The allow-list an own notebook's page is sanitised with (nh3, the Ammonia sanitiser): the
# tags of text, tables and figures; no script, style, form, frame or SVG; no event handlers.
SAFE_TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | {"section", "main"}
SAFE_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "time": {"datetime"},
}
IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*")
LINK = re.compile(r"(https?:|mailto:|#)", re.IGNORECASE)


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Images only from the page itself (an embedded picture: the page makes no network
    request); links only to web pages, e-mail or a place on the page."""
    if tag == "img" and attribute == "src":
        return value if IMAGE_DATA.fullmatch(value.strip()) else None
    if tag == "a" and attribute == "href":
        return value if LINK.match(value.strip()) else None
    return value


def sanitise(fragment: str) -> Markup:
    """An HTML fragment with everything that can run removed: `<script>` and `<style>` with
    their content, event handlers (`onerror`, `onload`...), `javascript:` and other URLs,
    SVG, forms and frames; an allow-list, not a list of known attacks. What is left is HTML
    to write as it is."""
    cleaned = nh3.clean(
        fragment,
        tags=SAFE_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "title"},
        attributes=SAFE_ATTRIBUTES,
        attribute_filter=_url_filter,
        url_schemes={"http", "https", "mailto", "data"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)


def _template(name: str) -> str:
    return resources.files("reviewkit").joinpath("templates", name).read_text(encoding="utf-8")


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the style element."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_css(header_left: str, header_right: str, footer_left: str) -> str:
    """The printed page: A4 margins, a running header (who, which period, draft or final) and
    'Page n of N' in the footer, in every browser that prints page margin boxes."""
    box = "font: 8pt Arial, sans-serif; color: #4c6272;"
    return (
        f"@page {{ size: A4; margin: 20mm 15mm 18mm 15mm;\n"
        f"  @top-left {{ content: {css_string(header_left)}; {box} }}\n"
        f"  @top-right {{ content: {css_string(header_right)}; {box} font-weight: bold; }}\n"
        f"  @bottom-left {{ content: {css_string(footer_left)}; {box} }}\n"
        f'  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); {box} }}\n'
        "}"
    )


def export_html(
    notebook: Path,
    target: Path,
    title: str,
    audience: str,
    footer: str,
    header: tuple[str, str] | None = None,
) -> Path:
    """Export the executed `notebook`'s cells for `audience` to one self-contained HTML file.

    Only cells tagged with `audience` (board / community / quality / planning) are kept.
    `header` (left, right) is the running header of the printed pages, e.g. the partnership
    and review period, and whether the paper is a draft or final.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {tuple(AUDIENCES)}")
    nb = nbformat.read(notebook, as_version=4)
    resources: dict = {}
    for keep in (
        TagRemovePreprocessor(remove_cell_tags={"remove"}, enabled=True),
        KeepReportOutputs(audience=audience, enabled=True),
    ):
        nb, resources = keep(nb, resources)
    body, _ = _exporter().from_notebook_node(nb)
    return _write_page(target, title, audience, body, footer, header)


def export_analysis(notebook: Path, target: Path, title: str, footer: str) -> Path:
    """Export an analyst's own executed notebook (markdown, tables, figures; no code) to one
    self-contained HTML file in the house style, sanitised: what its cells print or display
    (HTML, markdown) is the analyst's code's output, so nothing in it runs when the page is
    opened."""
    nb, _ = KeepAnalysisOutputs(enabled=True)(nbformat.read(notebook, as_version=4), {})
    body, _ = _exporter().from_notebook_node(nb)
    body = sanitise(body)
    return _write_page(
        target,
        title,
        "analysis",
        f'<header class="title"><h1>{esc(title)}</h1></header>{body}',
        footer,
        (footer, "Further analysis"),
    )


@functools.cache
def _exporter() -> HTMLExporter:
    """One exporter for every export in the process, so its template is compiled once (each
    export keeps its cells with its own preprocessors, run before the exporter)."""
    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )


def _write_page(
    target: Path,
    title: str,
    kind: str,
    body: str,
    footer: str,
    header: tuple[str, str] | None = None,
) -> Path:
    page = Template(_template("page.html")).substitute(
        title=esc(title),
        css=_template("report.css") + "\n" + page_css(*(header or (title, "")), footer_left=title),
        body=body,
        kind=kind,
        footer=esc(footer),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".html.part")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target
