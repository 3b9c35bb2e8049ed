"""A review cycle opened for exploration: `reviewkit.open_cycle(...)`.

Gives a cycle's tables as DataFrames and its charts as matplotlib figures, read-only: nothing
here writes, and each table comes back as a fresh copy the analyst may change freely.

    import reviewkit as rk
    cycle = rk.open_cycle("params/example.yaml")      # or a cycle's folder
    cycle.scorecard                                   # one row per indicator
    cycle.series("asb_police")                        # an indicator's series, by period
    cycle.chart("asb_police")                         # its XmR chart as a figure
    cycle.chart_images()                              # every XmR chart as the report shows it
"""

from __future__ import annotations

import json
import os
from functools import cached_property
from pathlib import Path

import pandas as pd

from reviewkit.analysis.verdict import Verdict
from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.inputs.yaml_files import validate
from reviewkit.report.charts import (
    Chart,
    ChartFigure,
    indicator_figure,
    png_bytes,
    xmr_alt,
)
from reviewkit.report.verdict_words import chart_conclusion
from reviewkit.store import dictionary
from reviewkit.store.layout import MANIFEST, CycleLayout, cycle_dir
from reviewkit.store.tables import CycleStore


class Cycle:
    """One review cycle's results, read from its folder. Nothing here writes."""

    def __init__(self, folder: Path, params: CycleParams, manifest: dict | None):
        self.folder = folder
        self.layout = CycleLayout(folder)
        self.store = CycleStore(folder)
        self.params = params
        self.manifest = manifest

    # What this cycle is ---------------------------------------------------------------------
    @property
    def partnership(self) -> str:
        return self.params.partnership

    @property
    def cycle(self) -> str:
        return self.params.cycle

    @property
    def finished(self) -> bool:
        return self.manifest is not None

    def __repr__(self) -> str:
        state = "finished" if self.finished else "in progress"
        return (
            f"<review cycle '{self.cycle}' of {self.partnership}, "
            f"{self.params.review.describe()}, {state}, in {relative(self.folder)}>"
        )

    def _repr_html_(self) -> str:
        from reviewkit.report.html import esc

        rows = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
            for k, v in (
                ("Partnership", self.partnership),
                ("Review cycle", self.cycle),
                ("Review period", self.params.review.describe()),
                ("Baseline", self.params.baseline.describe()),
                ("Folder", relative(self.folder)),
                ("Tables", ", ".join(self.tables)),
                ("Tidy tables", ", ".join(self.tidy_tables)),
                ("Indicators", ", ".join(self.indicators)),
            )
        )
        return f"<table>{rows}</table>"

    # Tables ---------------------------------------------------------------------------------
    @property
    def tables(self) -> list[str]:
        """Names of the tables (CSV) this cycle holds."""
        return self.store.table_names()

    @property
    def tidy_tables(self) -> list[str]:
        """Names of the tidy tables (parquet) this cycle holds."""
        return self.store.tidy_names()

    def table(self, name: str) -> pd.DataFrame:
        return self._table(name).copy()

    def tidy(self, name: str) -> pd.DataFrame:
        """A tidy table: a police dataset by month and LSOA, partner_measures, population..."""
        return self._tidy(name).copy()

    @property
    def scorecard(self) -> pd.DataFrame:
        """One row per indicator: review period against baseline, test, target, SPC."""
        return self.table("scorecard")

    @property
    def indicator_series(self) -> pd.DataFrame:
        """Every indicator's series by period, with the XmR chart's columns."""
        return self.tidy("indicator_series")

    @property
    def indicators(self) -> list[str]:
        return list(self._table("scorecard")["id"])

    def series(self, indicator: str) -> pd.DataFrame:
        """One indicator's series by period."""
        self._known(indicator)
        long = self._tidy("indicator_series")
        return long[long["indicator"] == indicator].reset_index(drop=True)

    @property
    def initiatives(self) -> pd.DataFrame:
        """Every initiative's status, milestones and re-assessment flag."""
        return self.table("initiative_status")

    @property
    def completeness(self) -> pd.DataFrame:
        """Every data request: received, late or missing; rows accounted for."""
        return self.table("completeness")

    @property
    def reconciliation(self) -> pd.DataFrame:
        return self.table("reconciliation")

    @property
    def difficulties(self) -> pd.DataFrame:
        """The difficulties log after this cycle's intake."""
        return self.store.read_difficulties()

    @property
    def benchmarking(self) -> pd.DataFrame | None:
        return self.table("benchmarking") if "benchmarking" in self.tables else None

    @property
    def data_dictionary(self) -> pd.DataFrame:
        """Label, type, meaning and source of every column of every table."""
        path = self.layout.data_dictionary
        if path.is_file():
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        frames = [dictionary.describe(n, self._table(n)) for n in self.tables]
        frames += [dictionary.describe(n, self._tidy(n)) for n in self.tidy_tables]
        return pd.concat(frames, ignore_index=True)

    def for_people(self, name: str) -> pd.DataFrame:
        """A table with plain column labels and rounded numbers, as in the Excel workbook."""
        frame = (
            self._tidy(name)
            if name in self.tidy_tables and name not in self.tables
            else (self._table(name))
        )
        return dictionary.for_people(name, frame)

    def styled(self, name: str, columns: list[str] | None = None) -> pd.io.formats.style.Styler:
        """A table styled for reading in a notebook (plain labels, rounded numbers)."""
        frame = (
            self._tidy(name)
            if name in self.tidy_tables and name not in self.tables
            else (self._table(name))
        )
        return dictionary.styled(name, frame[columns] if columns else frame)

    # Charts ---------------------------------------------------------------------------------
    def chart(self, indicator: str) -> ChartFigure:
        """The indicator's XmR chart as a matplotlib figure (shown inline in a notebook)."""
        row = self._table("scorecard").set_index("id").loc[self._known(indicator)]
        series = self.series(indicator)
        if len(series) < 2 or "point_type" not in series:
            raise ReviewError(f"Indicator '{indicator}' has fewer than two points: no chart.")
        return indicator_figure(row.rename({"id": indicator}), series)

    def charts(self) -> list[ChartFigure]:
        """Every indicator's XmR chart, in scorecard order (indicators with a chart)."""
        return [self.chart(i) for i in self._charted()]

    def _charted(self) -> list[str]:
        """Indicators with a chart (two points or more), in scorecard order."""
        long = self._tidy("indicator_series")
        have = set(
            long.loc[long.groupby("indicator")["indicator"].transform("size") >= 2, "indicator"]
        )
        return [i for i in self.indicators if i in have]

    def chart_image(self, indicator: str) -> Chart:
        """The indicator's XmR chart as the progress step drew it for the board report (periods
        shaded, target trajectory, markers), with its text alternative: shown inline in a
        notebook without drawing it again. A cycle without the image gets the chart drawn."""
        saved = Chart.load(self.layout.report_chart(f"{self._known(indicator)}-xmr"))
        if saved is not None:
            return saved
        row = self._table("scorecard").set_index("id").loc[indicator].fillna("")
        return Chart(
            png_bytes(self.chart(indicator)),
            xmr_alt(
                row["name"],
                self.series(indicator),
                row["measure"],
                chart_conclusion(Verdict.from_row(row)),
            ),
        )

    def chart_images(self) -> list[Chart]:
        """Every indicator's XmR chart as the board report shows it, in scorecard order
        (indicators with a chart)."""
        return [self.chart_image(i) for i in self._charted()]

    @property
    def chart_files(self) -> dict[str, Path]:
        """The charts folder's PNG files by indicator (SVG beside each)."""
        return {p.stem: p for p in sorted(self.layout.charts_dir.glob("*.png"))}

    # Internals ------------------------------------------------------------------------------
    def _known(self, indicator: str) -> str:
        ids = self.indicators
        if indicator not in ids:
            raise ReviewError(
                f"No indicator '{indicator}' in cycle '{self.cycle}'; the "
                f"indicators are: {', '.join(ids)}."
            )
        return indicator

    @cached_property
    def _cache(self) -> dict[str, pd.DataFrame]:
        return {}

    def _table(self, name: str) -> pd.DataFrame:
        key = f"table:{name}"
        if key not in self._cache:
            self._cache[key] = self.store.read_table(name)
        return self._cache[key]

    def _tidy(self, name: str) -> pd.DataFrame:
        key = f"tidy:{name}"
        if key not in self._cache:
            self._cache[key] = self.store.read_tidy(name)
        return self._cache[key]


def _manifest(folder: Path) -> dict | None:
    path = CycleLayout(folder).manifest
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def open_cycle(
    params_or_folder: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None
) -> Cycle:
    """Open a review cycle's results for exploration, read-only.

    Give a params file (`params/<cycle>.yaml`: the finished cycle `reviewkit run` wrote for
    it) or a cycle's folder (`outputs/<cycle>`: its params come from its manifest). `folder`
    reads another folder with the params given (an own notebook run by `reviewkit run` gets
    the run in progress this way)."""
    source = resolve(params_or_folder)
    if source.suffix.lower() in (".yaml", ".yml"):
        params = load_params(source)
        where = resolve(folder) if folder else cycle_dir(params)
        manifest = _manifest(where)
        if not CycleLayout(where).has_intake:
            raise ReviewError(
                f"No results for cycle '{params.cycle}' in {relative(where)} yet: run "
                f"`reviewkit run {relative(source)}` first."
            )
        return Cycle(where, params, manifest)
    if not source.is_dir():
        raise ReviewError(
            f"{relative(source)} is neither a params file (.yaml) nor a cycle's folder."
        )
    manifest = _manifest(source)
    if manifest is None:
        raise ReviewError(
            f"{relative(source)} has no {MANIFEST}: it is not a finished "
            "review cycle. Give the cycle's params file instead."
        )
    params = validate(CycleParams, manifest["params"], CycleLayout(source).manifest)
    return Cycle(source, params, manifest)
