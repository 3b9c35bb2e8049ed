"""The report context: every table, chart and note the report step reads for one run
folder, loaded once and handed to each section."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis import horizon
from reviewkit.analysis.indicators import Change, recording_changes
from reviewkit.analysis.outputs import OutputResult
from reviewkit.analysis.recording import straddles
from reviewkit.analysis.verdict import Verdict
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.inputs.register import load_register, street_dataset
from reviewkit.inputs.strategy import Strategy, load_strategy
from reviewkit.report import html
from reviewkit.report.charts import Chart
from reviewkit.report.narrative import load_narrative, render_narrative
from reviewkit.store.identity import review_cycles
from reviewkit.store.layout import CycleLayout
from reviewkit.store.summaries import IntakeSummary
from reviewkit.store.tables import CycleStore, grid_table, lsoa_names_table, police_schema


@dataclass
class ReportContext:
    """Everything the report step reads, loaded once."""

    params: CycleParams
    run_dir: Path
    strategy: Strategy
    scorecard: pd.DataFrame
    initiatives: pd.DataFrame
    completeness: pd.DataFrame
    reconciliation: pd.DataFrame
    difficulties: pd.DataFrame
    series: dict[str, pd.DataFrame]
    intake: IntakeSummary  # what the intake step found (`intake.json`)
    narrative: dict[str, str]
    police: pd.DataFrame | None
    previous: dict[str, pd.DataFrame] = field(default_factory=dict)
    benchmarking: pd.DataFrame | None = None
    recording: dict[str, Change] = field(default_factory=dict)
    recording_found: pd.DataFrame | None = None  # the changes intake found, with their sizes
    street_dataset: str | None = None  # the register's police.uk street data request
    partner: pd.DataFrame | None = None
    grid: pd.DataFrame | None = None  # police.uk counts per month, crime type and grid cell
    lsoa_names: dict[str, str] = field(default_factory=dict)
    # (cell row, cell column) in the middle of each LSOA's records: where a map names it
    lsoa_cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (month, label) marked on an indicator's XmR chart, e.g. a suspected change in recording
    # practice, by indicator id ("*": every chart)
    markers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # each data request's description, the name every reader sees (never its id)
    dataset_names: dict[str, str] = field(default_factory=dict)
    # initiatives' output measures against their plan (none for a cycle written before them)
    outputs: list[OutputResult] = field(default_factory=list)
    # this partnership's review cycles up to this one, oldest first (`review_cycles`)
    cycles: list[str] = field(default_factory=list)
    # what the report's modules derive from this context once and read several times (the
    # strategy re-assessment: the section, its annex, page 1, the summary, the planning pack)
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    # the charts drawn for this context (`drawn`), by key
    charts: dict[str, Chart] = field(default_factory=dict, repr=False, compare=False)

    def verdict(self, indicator: str) -> Verdict:
        """The indicator's one verdict, as the progress step computed it."""
        return self.verdicts[indicator]

    @cached_property
    def verdicts(self) -> dict[str, Verdict]:
        """Every indicator's verdict by id, read once from the scorecard's typed columns."""
        return {str(r["id"]): Verdict.from_row(r) for _, r in self.scorecard.iterrows()}

    @cached_property
    def police_months(self) -> set[str]:
        """The months the police street data arrived for: those the intake read files for
        (a month with no record in the area is a zero), else those with records."""
        have = set(self.police["month"].astype(str)) if self.police is not None else set()
        arrived = self.intake.get("months", {}).get(self.street_dataset or "", [])
        return have | {str(m) for m in arrived}

    @cached_property
    def police_counted(self) -> pd.DataFrame | None:
        """The police street table with a zero row for each month that arrived with no record
        in the area, so that a month is missing only when it never arrived."""
        if self.police is None:
            return None
        empty = sorted(self.police_months - set(self.police["month"].astype(str)))
        if not empty or self.police.empty:
            return self.police
        first = self.police.iloc[[0] * len(empty)].reset_index(drop=True)
        zero = first.assign(month=empty, n=0)
        return pd.concat([self.police, zero], ignore_index=True)

    @cached_property
    def uncovered(self) -> pd.DataFrame:
        """Every crime type and partner measure no indicator covers, tested once for the
        board's 'what the strategy does not cover' and its decisions (`analysis.horizon`)."""
        counted = self.police_counted  # None exactly when no street table was read
        police = (
            {self.street_dataset: counted} if self.street_dataset and counted is not None else {}
        )
        # a type is left untested when any of its steps falls between the periods
        start, end = self.params.baseline.start, self.params.review.end
        between = [
            c for c in self.recording.values() if not c.confirmed_real and straddles(start, end, c)
        ]
        changes = {c.crime_type: c.month for c in between}
        return horizon.scan(
            self.strategy,
            self.params.baseline,
            self.params.review,
            police,
            self.partner if self.partner is not None else pd.DataFrame(),
            self.params.analysis.significance_level,
            self.params.analysis.scan_min_rise_pct,
            changes,
        )

    @property
    def review_desc(self) -> str:
        """The review period in words ('October 2025 to September 2026')."""
        return self.params.review.describe()

    @property
    def baseline_desc(self) -> str:
        """The baseline in words."""
        return self.params.baseline.describe()

    def chart(self, key: str, make: Callable[[], Chart]) -> Chart:
        """An image the progress step drew for the report (an XmR chart, trend line or funnel
        plot: `CycleLayout.report_chart`), as it saved it; drawn here by `make` only when the
        cycle has none (finished before the images were saved). The report never writes
        the progress step's images: that step is their one owner."""
        saved = Chart.load(CycleLayout(self.run_dir).report_chart(key))
        return saved if saved is not None else self.drawn(key, make)

    def drawn(self, key: str, make: Callable[[], Chart]) -> Chart:
        """A chart the report draws itself (the maps, from the records it reads; an XmR chart
        with the analyst's own markers), drawn by `make` once per context and kept in memory,
        never saved in the cycle's folder."""
        if key not in self.charts:
            self.charts[key] = make()
        return self.charts[key]

    def narrative_html(self, key: str) -> Markup:
        """The analyst's narrative for a section as HTML, its placeholders filled from the
        scorecard, or '' when the analyst wrote none."""
        text = self.narrative.get(key)
        if not text:
            return html.EMPTY
        path = self.params.path("narrative")
        source = relative(path) if path else ""
        return html.block("div", render_narrative(text, self.scorecard, source), "analyst-note")


def _outputs(store: CycleStore) -> list[OutputResult]:
    """The initiatives' output measures as progress wrote them (none for an older cycle)."""
    if not store.has_table("initiative_outputs"):
        return []
    return [OutputResult.from_row(r) for _, r in store.read_table("initiative_outputs").iterrows()]


def _cells_of(names: pd.DataFrame | None) -> dict[str, tuple[int, int]]:
    """Each LSOA's map cell, from the LSOA names table (a cycle written before the cells were
    kept has none)."""
    if names is None or "cell_row" not in names.columns:
        return {}
    placed = names[names["cell_row"].notna() & names["cell_col"].notna()]
    return {
        str(c): (int(r), int(k))
        for c, r, k in zip(placed["lsoa_code"], placed["cell_row"], placed["cell_col"], strict=True)
    }


def load_context(params_file: str | Path, run_dir: str | Path) -> ReportContext:
    """The tables the earlier steps wrote, through the store: typed as written, never
    re-typed here."""
    params = load_params(params_file)
    run = resolve(run_dir)
    store = CycleStore(run)
    long = (
        store.read_tidy("indicator_series")
        if store.has_tidy("indicator_series")
        else (pd.DataFrame(columns=["indicator"]))
    )
    series = {k: g.reset_index(drop=True) for k, g in long.groupby("indicator")}
    intake = store.read_intake_summary()
    strategy = load_strategy(params.path("strategy"))
    register = load_register(params.path("data_requests"))
    street = street_dataset(register)

    def tidy(name: str | None, schema: str | None = None) -> pd.DataFrame | None:
        return store.read_tidy(name, schema) if name and store.has_tidy(name) else None

    previous: dict[str, pd.DataFrame] = {}
    if params.previous_cycle:  # read as text: an earlier cycle may be of an earlier version
        prev = CycleStore(resolve(params.previous_cycle))
        for name in ("scorecard", "completeness"):
            if prev.has_table(name):
                previous[name] = prev.read_published(name)
        if prev.has_difficulties():
            previous["difficulties"] = prev.read_difficulties()
        if prev.has_tidy("indicator_series"):
            previous["series"] = prev.read_tidy("indicator_series")
    bench = store.read_table("benchmarking") if store.has_table("benchmarking") else None
    found = store.read_table("recording_changes") if store.has_table("recording_changes") else None
    names = tidy(lsoa_names_table(street)) if street else None
    return ReportContext(
        params,
        run,
        strategy,
        store.read_table("scorecard"),
        store.read_table("initiative_status"),
        store.read_table("completeness"),
        store.read_table("reconciliation"),
        store.read_difficulties(),
        series,
        intake,
        load_narrative(params.path("narrative")),
        tidy(street, police_schema("police_uk_street")),
        previous,
        bench,
        recording_changes(found, params),
        recording_found=found,
        street_dataset=street,
        partner=tidy("partner_measures"),
        grid=tidy(grid_table(street)) if street else None,
        lsoa_names=dict(zip(names["lsoa_code"], names["lsoa_name"], strict=True))
        if names is not None
        else {},
        lsoa_cells=_cells_of(names),
        dataset_names={r.dataset: r.description for r in register.data_requests},
        outputs=[
            OutputResult.from_row(r) for _, r in store.read_table("initiative_outputs").iterrows()
        ]
        if store.has_table("initiative_outputs")
        else [],
        cycles=review_cycles(params),
    )
