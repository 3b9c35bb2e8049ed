"""HTML export with nbconvert: no code, no prompts, no stderr, no network requests.

nbconvert's `basic` template gives the cells' outputs with input excluded; they are placed in
the project's own page (lang="en-GB", inline house style, print stylesheet) instead of the
default template, which loads require.js and MathJax from the internet.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from string import Template

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Set

from reviewkit.report.html import esc

AUDIENCES = ("board", "community", "quality", "planning")


class KeepReportOutputs(Preprocessor):
    """Drop markdown cells and every output that is not rich HTML (stderr, warnings, text)."""

    keep_types = Set({"display_data", "execute_result"})

    def preprocess(self, nb, resources):  # noqa: ANN001 - nbconvert's signature
        cells = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            outputs = [o for o in cell.get("outputs", [])
                       if o.get("output_type") in self.keep_types and "text/html" in o.get(
                           "data", {})]
            for o in outputs:
                o["data"] = {"text/html": o["data"]["text/html"]}
            if outputs:
                cell.outputs = outputs
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
    return (f"@page {{ size: A4; margin: 20mm 15mm 18mm 15mm;\n"
            f"  @top-left {{ content: {css_string(header_left)}; {box} }}\n"
            f"  @top-right {{ content: {css_string(header_right)}; {box} font-weight: bold; }}\n"
            f"  @bottom-left {{ content: {css_string(footer_left)}; {box} }}\n"
            f'  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); {box} }}\n'
            "}")


def export_html(notebook: Path, target: Path, title: str, audience: str, footer: str,
                header: tuple[str, str] | None = None) -> Path:
    """Export the executed `notebook`'s cells for `audience` to one self-contained HTML file.

    Cells tagged with another audience (board / community / quality / planning) are left out.
    `header` (left, right) is the running header of the printed pages, e.g. the partnership
    and review period, and whether the paper is a draft or final.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}")
    nb = nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            anchor_link_text="")
    others = {a for a in AUDIENCES if a != audience} | {"remove"}
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=others), enabled=True)
    exporter.register_preprocessor(KeepReportOutputs(), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    page = Template(_template("page.html")).substitute(
        title=esc(title), css=_template("report.css") + "\n" + page_css(
            *(header or (title, "")), footer_left=title), body=body, kind=audience,
        footer=esc(footer))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".html.part")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target
