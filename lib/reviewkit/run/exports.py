"""What follows each notebook of a run: its audiences' pages (the audiences are registered in
`reviewkit.report.export`), an own notebook's page, and the circulated papers' PDFs."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from reviewkit.inputs.own import own_title
from reviewkit.inputs.params import CycleParams
from reviewkit.report.export import AUDIENCES, audiences_of, export_analysis, export_html
from reviewkit.run.steps import Step, sequence
from reviewkit.store.layout import CycleLayout


def footer_of(params: CycleParams) -> str:
    """The pages' footer: which partnership, cycle and review period."""
    return f"{params.partnership} · review cycle {params.cycle} · {params.review.describe()}"


def report_pdf_pairs(run_dir: Path) -> list[tuple[Path, Path]]:
    """(html, pdf) of each circulated report."""
    layout = CycleLayout(run_dir)
    return [(layout.report(a.file), layout.report(a.pdf_file)) for a in AUDIENCES.values() if a.pdf]


def remade_by(layout: CycleLayout, params: CycleParams, start: str) -> list[Path]:
    """The files a run from `start` makes again in a copy of the finished cycle: the pages,
    PDFs and executed notebooks of the steps it runs, the workbook, and the folders each of
    those steps makes anew (`CycleLayout.made_anew`: the progress step's chart images; a run
    from the report keeps them, made from the data the report reads)."""
    paths = [layout.workbook]
    for step in sequence(params, start):
        if step.own is None:
            paths += layout.made_anew(step.name)
        paths.append(layout.executed(step.notebook))
        if step.own is not None:
            paths.append(layout.analysis_html(step.notebook))
        for a in audiences_of(step.name):
            paths.append(layout.report(a.file))
            if a.pdf:
                paths.append(layout.report(a.pdf_file))
    return paths


def pdf_record(printed: Future[list[Path]], echo: Callable[[str], None]) -> dict[str, object]:
    """What the manifest says of the PDFs, once printed; one line said if they were not."""
    try:
        written = printed.result()
    except RuntimeError as exc:
        note = f"PDFs not written: {exc}. The HTML reports are complete."
        echo(note)
        return {"written": [], "note": note}
    return {"written": [p.name for p in written], "note": ""}


def export_step(step: Step, params: CycleParams, nb: Path, run_dir: Path) -> dict[str, float]:
    """The HTML pages made from an executed notebook; {'<step>_export': seconds}."""
    t0 = time.perf_counter()
    layout, footer = CycleLayout(run_dir), footer_of(params)
    for a in audiences_of(step.name):
        export_html(
            nb,
            layout.report(a.file),
            f"{a.title}: {params.partnership}",
            a.name,
            footer=footer,
            header=a.running_header(params),
        )
    if step.own is not None:
        export_analysis(nb, layout.analysis_html(step.notebook), own_title(step.own), footer=footer)
    return {f"{step.name}_export": time.perf_counter() - t0}
