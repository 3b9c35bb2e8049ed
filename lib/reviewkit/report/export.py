"""HTML export with nbconvert: no code, no prompts, no stderr, no network requests.

nbconvert's `basic` template gives the cells' outputs with input excluded; they are placed in
the project's own page (lang="en-GB", inline house style, print stylesheet) instead of the
default template, which loads require.js and MathJax from the internet.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path
from string import Template

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Set, Unicode

from reviewkit.report.html import esc

AUDIENCES = ("board", "community", "quality", "planning")


class KeepReportOutputs(Preprocessor):
    """Keep only the code cells tagged for this report's audience, and of those only rich HTML
    outputs (no stderr, warnings, text, figures drawn for the analyst, or empty output).

    A cell reaches a report only when tagged for it, so whatever an analyst adds to a notebook
    (a DataFrame, a figure, a cell tagged `explore`) stays out of the reports.
    """

    audience = Unicode("")
    keep_types = Set({"display_data", "execute_result"})

    def preprocess(self, nb, resources):  # noqa: ANN001 - nbconvert's signature
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


class KeepAnalysisOutputs(Preprocessor):
    """For an analyst's own notebook: its markdown and its outputs (tables, figures, text),
    without code, errors, stderr or cells tagged `remove`."""

    def preprocess(self, nb, resources):  # noqa: ANN001 - nbconvert's signature
        cells = []
        for cell in nb.cells:
            if "remove" in cell.get("metadata", {}).get("tags", []):
                continue
            if cell.cell_type == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if o.get("output_type") in ("display_data", "execute_result")
                    or (o.get("output_type") == "stream" and o.get("name") == "stdout")
                ]
                if not cell.outputs:
                    continue
            cells.append(cell)
        nb.cells = cells
        return nb, resources


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
        raise ValueError(f"audience must be one of {AUDIENCES}")
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
    self-contained HTML file in the house style."""
    nb, _ = KeepAnalysisOutputs(enabled=True)(nbformat.read(notebook, as_version=4), {})
    body, _ = _exporter().from_notebook_node(nb)
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
