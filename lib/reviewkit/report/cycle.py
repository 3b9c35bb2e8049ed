"""One review cycle's results, read from its folder for exploration (`Cycle`, which
`reviewkit.open_cycle` in `reviewkit.report.explore` returns): tables as DataFrames, charts as
matplotlib figures, what changed most and grid cells; nothing here writes."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.verdict import Verdict
from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative
from reviewkit.inputs.params import CycleParams
from reviewkit.methods.grid import CELL_LAT, CELL_LON
from reviewkit.report.charts import (
    Chart,
    ChartFigure,
    indicator_figure,
    png_bytes,
    xmr_alt,
)
from reviewkit.report.period_changes import (
    GROUPS,
    flag_recording_changes,
    missing_months,
    months_as_dates,
    period_changes,
)
from reviewkit.report.verdict_words import chart_conclusion, workbook_words
from reviewkit.store import dictionary
from reviewkit.store.layout import CycleLayout
from reviewkit.store.tables import CycleStore, grid_table, lsoa_names_table


class Cycle:
    """One review cycle's results, read from its folder. Nothing here writes.

    Attributes: `folder` (the cycle's folder), `params` (the params that made the cycle),
    `manifest` (its record; None for a run in progress), `layout` and `store` (its files)."""

    def __init__(self, folder: Path, params: CycleParams, manifest: dict | None):
        self.folder = folder
        self.layout = CycleLayout(folder)
        self.store = CycleStore(folder)
        self.params = params
        self.manifest = manifest

    # What this cycle is ---------------------------------------------------------------------
    @property
    def partnership(self) -> str:
        """The partnership's full name."""
        return self.params.partnership

    @property
    def cycle(self) -> str:
        """The review cycle's id (`cycle` in the params)."""
        return self.params.cycle

    @property
    def finished(self) -> bool:
        """True for a finished cycle (it has a manifest); False for a run in progress."""
        return self.manifest is not None

    def __repr__(self) -> str:
        state = "finished" if self.finished else "in progress"
        return (
            f"<review cycle '{self.cycle}' of {self.partnership}, "
            f"{self.params.review.describe()}, {state}, in {relative(self.folder)}>"
        )

    def _repr_html_(self) -> Markup:
        from reviewkit.report.html import esc, safe

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
        return safe(f"<table>{rows}</table>")

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
        """A table by name (see `tables`): months as dates, LSOA names beside codes."""
        return self._explorable(self._table(name))

    def tidy(self, name: str) -> pd.DataFrame:
        """A tidy table: a police dataset by month and LSOA, partner_measures, population...
        Months as dates, LSOA names beside codes."""
        return self._explorable(self._tidy(name))

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
        """The indicators' ids, in scorecard order."""
        return list(self._table("scorecard")["id"])

    def verdict(self, indicator: str) -> Verdict:
        """The indicator's one verdict (change, SPC signal, target and its assurance,
        comparability, why not assessable), as every report renders it."""
        row = self._table("scorecard").set_index("id").loc[self._known(indicator)]
        return Verdict.from_row({**row.to_dict(), "id": indicator})

    @property
    def verdicts(self) -> pd.DataFrame:
        """Every indicator's verdict in the reports' words, one row each (what the board
        report's scorecard and the workbook say)."""
        rows = []
        for ind in self.indicators:
            v = self.verdict(ind)
            rows.append({"indicator": ind, **workbook_words(v, self._dataset_names)})
        return pd.DataFrame(rows)

    @cached_property
    def _dataset_names(self) -> dict[str, str]:
        done = self._table("completeness")
        return dict(zip(done["dataset"], done["description"], strict=True))

    def series(self, indicator: str) -> pd.DataFrame:
        """One indicator's series by period (period starts as dates)."""
        return self._explorable(self._series(indicator))

    def _series(self, indicator: str) -> pd.DataFrame:
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
        """Every input file's rows: read, accepted, quarantined, out of area; balanced or not."""
        return self.table("reconciliation")

    @property
    def quarantine(self) -> pd.DataFrame:
        """Every row held back at intake, with its dataset, file, row number and reason
        (no rows when none was held back)."""
        frame = self.store.read_quarantine()
        return frame if frame is not None else pd.DataFrame(columns=["dataset", "row", "reason"])

    @property
    def difficulties(self) -> pd.DataFrame:
        """The difficulties log after this cycle's intake."""
        return self.store.read_difficulties()

    @property
    def benchmarking(self) -> pd.DataFrame | None:
        """Each measure against the peer group (funnel limits, rank); None without peer data."""
        return self.table("benchmarking") if "benchmarking" in self.tables else None

    @property
    def data_dictionary(self) -> pd.DataFrame:
        """Label, type, meaning and source of every column of every table."""
        return self.store.read_dictionary()

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
        series = self._series(indicator)
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
                self._series(indicator),
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

    # Where, and what changed ---------------------------------------------------------------
    def changed_most(
        self, by: str = "lsoa", dataset: str | None = None, n: int = 10
    ) -> pd.DataFrame:
        """Where (`by="lsoa"`) or in what (`"crime_type"`, `"outcome"`) a police dataset's
        records changed most between the baseline and the review period: the `n` largest
        changes either way, with both counts, the change and the change in %.

        Counts only, no test: a large change in a small area may be chance (the scorecard
        tests each indicator's change). By crime type, `recording_change` flags a type with a
        possible recording change between the periods: its counts are not comparable.
        Refused when a month of either period has no records at all (a missing month is
        never a zero)."""
        if by not in GROUPS:
            raise ReviewError(f"by must be one of {', '.join(GROUPS)}, not '{by}'.")
        name = self._police_dataset(dataset)
        frame = self._tidy(name)
        column = GROUPS[by]
        if column not in frame.columns:
            raise ReviewError(f"The {name} table has no {column} column to group by.")
        periods = {"review": self.params.review, "baseline": self.params.baseline}
        missing = missing_months(frame, periods)
        if missing:
            raise ReviewError(
                f"{name} has no records for {', '.join(missing)}: a missing month is not a "
                "zero, so the periods' counts cannot be compared."
            )
        out = period_changes(frame, column, periods, n)
        if by == "crime_type" and "recording_changes" in self.tables:
            # a possible recording change between the periods: the counts are not comparable
            first, last = str(self.params.baseline.start), str(self.params.review.end)
            out = flag_recording_changes(out, self._table("recording_changes"), name, first, last)
        return self._explorable(out, dataset=name)

    def grid_cells(self, dataset: str | None = None) -> pd.DataFrame:
        """A police street dataset's counts per month, crime type and grid cell (about 500 m
        square), with each cell's centre as latitude and longitude, for a map of one's own.
        Cells only: police.uk's anonymised points are never kept."""
        name = grid_table(self._police_dataset(dataset))
        if name not in self.tidy_tables:
            raise ReviewError(f"Cycle '{self.cycle}' has no grid cells ({name}).")
        frame = self.tidy(name)
        frame["centre_lat"] = ((frame["cell_row"] + 0.5) * CELL_LAT).round(6)
        frame["centre_lon"] = ((frame["cell_col"] + 0.5) * CELL_LON).round(6)
        return frame

    # Internals ------------------------------------------------------------------------------
    def _police_dataset(self, dataset: str | None) -> str:
        """The police street dataset named, or the cycle's only one."""
        have = [
            t[len("grid_") :]
            for t in self.tidy_tables
            if t.startswith("grid_") and t[len("grid_") :] in self.tidy_tables
        ]
        if dataset is None and len(have) == 1:
            return have[0]
        if dataset in have:
            return dataset
        raise ReviewError(
            f"Give the police street dataset (dataset=...): one of {', '.join(have) or 'none'}."
        )

    def _lsoa_names(self, dataset: str | None) -> pd.DataFrame | None:
        """LSOA code to name: the dataset's own, else every street dataset's."""
        names = [t for t in self.tidy_tables if t.startswith("lsoa_names_")]
        if dataset is not None and lsoa_names_table(dataset) in names:
            names = [lsoa_names_table(dataset)]
        if not names:
            return None
        frames = [self._tidy(t) for t in names]
        return pd.concat(frames).drop_duplicates("lsoa_code", keep="last")

    def _explorable(self, frame: pd.DataFrame, dataset: str | None = None) -> pd.DataFrame:
        """A copy with months as dates (where every value is a month) and LSOA names beside
        the codes (where the table has codes and no names)."""
        out = months_as_dates(frame)
        if "lsoa_code" in out.columns and "lsoa_name" not in out.columns:
            names = self._lsoa_names(dataset)
            if names is not None:
                lookup = names.set_index("lsoa_code")["lsoa_name"]
                at = out.columns.get_loc("lsoa_code") + 1
                out.insert(at, "lsoa_name", out["lsoa_code"].map(lookup))
        return out

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
