"""The layout of a review cycle's folder: the one place that knows every file a cycle holds.

Every step, the runner, `open_cycle` and the tests ask a `CycleLayout` for a path instead of
joining folder names themselves, so the folder can change in one place. Where a cycle's folder
is (from its params) is decided here too: `cycle_dir` for the finished cycle that `reviewkit run`
writes, `scratch_dir` for a notebook run by hand (both as reviewkit.store.identity derives them from
the partnership and the cycle).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewkit.inputs.params import CycleParams

__all__ = ["MANIFEST", "CycleLayout", "cycle_dir", "scratch_dir"]

MANIFEST = "manifest.json"  # a finished cycle's record; its presence makes a cycle finished


def cycle_dir(params: CycleParams) -> Path:
    """The finished cycle's folder `reviewkit run` writes (from reviewkit.store.identity)."""
    from reviewkit.store.identity import cycle_dir as finished_dir

    return finished_dir(params)


def scratch_dir(params: CycleParams) -> Path:
    """Where a notebook run by hand writes: beside the finished cycles, never inside one
    (`outputs/interactive/<partnership>/<cycle>/`, from reviewkit.store.identity)."""
    from reviewkit.store.identity import interactive_dir

    return interactive_dir(params)


@dataclass(frozen=True)
class CycleLayout:
    """The files of one cycle's folder (finished, being run, or a scratch folder)."""

    root: Path

    # Folders --------------------------------------------------------------------------------
    @property
    def tidy_dir(self) -> Path:
        """Tidy tables as parquet (one per police dataset, partner measures, population,
        indicator series)."""
        return self.root / "tidy"

    @property
    def tables_dir(self) -> Path:
        """Tables as CSV for partners (the published copy; steps read `typed_tables_dir`)."""
        return self.root / "tables"

    @property
    def typed_tables_dir(self) -> Path:
        """The tables again as parquet, with their exact types: what the next step reads
        (reviewkit.store.tables)."""
        return self.root / ".tables"

    @property
    def charts_dir(self) -> Path:
        """Charts for slides: `<indicator>.png` (300 dpi), `.svg` and `.txt` (what it shows)."""
        return self.root / "charts"

    @property
    def chart_cache_dir(self) -> Path:
        """The report's chart images (PNG, with `.txt` saying what each shows), drawn once per
        run by the step that computes them and read by the report and the notebooks."""
        return self.root / ".report-charts"

    @property
    def quarantine_dir(self) -> Path:
        """Rows held back at intake, with their reasons (no raw row text)."""
        return self.root / "quarantine"

    @property
    def notebooks_dir(self) -> Path:
        """The executed notebooks: the audit copy of what ran."""
        return self.root / "notebooks"

    @property
    def analysis_dir(self) -> Path:
        """The analyst's own notebooks, exported as HTML."""
        return self.root / "analysis"

    # Files ----------------------------------------------------------------------------------
    def tidy(self, name: str) -> Path:
        return self.tidy_dir / f"{name}.parquet"

    def table(self, name: str) -> Path:
        return self.tables_dir / f"{name}.csv"

    def typed_table(self, name: str) -> Path:
        return self.typed_tables_dir / f"{name}.parquet"

    def quarantine(self, dataset: str) -> Path:
        return self.quarantine_dir / f"{dataset}.csv"

    def chart(self, indicator: str, suffix: str) -> Path:
        return self.charts_dir / f"{indicator}.{suffix}"

    def report_chart(self, key: str) -> Path:
        """A report image without its suffix (`.png`, `.txt`): `<indicator>-xmr`, `-trend`,
        `-funnel`, `-map`, `community-map`."""
        return self.chart_cache_dir / key

    def executed(self, notebook: str) -> Path:
        return self.notebooks_dir / notebook

    def analysis_html(self, notebook: str) -> Path:
        return self.analysis_dir / f"{Path(notebook).stem}.html"

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def identity(self) -> Path:
        """Which partnership, cycle and params made the folder (reviewkit.store.identity)."""
        return self.root / "cycle.json"

    @property
    def intake_summary(self) -> Path:
        return self.root / "intake.json"

    @property
    def progress_summary(self) -> Path:
        return self.root / "progress.json"

    @property
    def difficulties_log(self) -> Path:
        return self.root / "difficulties_log.csv"

    @property
    def data_dictionary(self) -> Path:
        """Every column of every table written: label, type, meaning and source."""
        return self.tidy_dir / "data_dictionary.csv"

    @property
    def workbook(self) -> Path:
        """One formatted Excel workbook of the cycle's tables, for partners."""
        return self.root / "review_tables.xlsx"

    def report(self, file: str) -> Path:
        return self.root / file

    # What has been done ---------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """A finished cycle has its manifest; nothing run by hand writes into it."""
        return self.manifest.is_file()

    @property
    def has_intake(self) -> bool:
        return self.intake_summary.is_file() and self.table("completeness").is_file()

    @property
    def has_progress(self) -> bool:
        return self.progress_summary.is_file() and self.table("scorecard").is_file()

    # Copies ---------------------------------------------------------------------------------
    def copy_unfinished(self, dest: Path) -> CycleLayout:
        """A copy of this cycle's folder at `dest` without its manifest: a copy to rerun later
        steps in, or to work on by hand, is never mistaken for a finished cycle."""
        shutil.copytree(self.root, dest, ignore=shutil.ignore_patterns(MANIFEST))
        return CycleLayout(dest)

    def is_report(self, path: Path) -> bool:
        """Whether `path` in this folder is made for people by `reviewkit run` from the
        results (a page, a PDF, the workbook, the executed notebooks, an own notebook's
        page), not a result the steps read."""
        if path.parent != self.root:
            return False
        return path.suffix in (".html", ".pdf") or path in (
            self.workbook,
            self.notebooks_dir,
            self.analysis_dir,
        )

    def copy_results(self, dest: Path) -> CycleLayout:
        """A copy of this cycle's results at `dest` to work on by hand (a scratch folder):
        without its manifest, and without its reports, which a notebook run by hand does not
        make again, so a scratch folder never shows a finished cycle's old reports beside
        its own new tables."""

        def leave_out(folder: str, names: list[str]) -> list[str]:
            here = Path(folder)
            return [
                n for n in names if n == MANIFEST and here == self.root or self.is_report(here / n)
            ]

        shutil.copytree(self.root, dest, ignore=leave_out)
        return CycleLayout(dest)
