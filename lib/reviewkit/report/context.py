"""The report context: every table, chart and note the report step reads for one run
folder, loaded once and handed to each section."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewkit.analysis.indicators import Change, recording_changes
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.inputs.register import load_register, street_dataset
from reviewkit.inputs.strategy import Strategy, load_strategy
from reviewkit.report.charts import Chart
from reviewkit.report.narrative import load_narrative, render_narrative
from reviewkit.store.layout import CycleLayout
from reviewkit.store.spreadsheet import read_csv
from reviewkit.store.tidy import read_tidy


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
    intake: dict
    narrative: dict[str, str]
    police: pd.DataFrame | None
    previous: dict[str, pd.DataFrame] = field(default_factory=dict)
    benchmarking: pd.DataFrame | None = None
    recording: dict[str, Change] = field(default_factory=dict)
    street_dataset: str | None = None  # the register's police.uk street data request
    partner: pd.DataFrame | None = None
    grid: pd.DataFrame | None = None  # police.uk counts per month, crime type and grid cell
    lsoa_names: dict[str, str] = field(default_factory=dict)
    # (month, label) marked on an indicator's XmR chart, e.g. a suspected change in recording
    # practice, by indicator id ("*": every chart)
    markers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def review_desc(self) -> str:
        return self.params.review.describe()

    @property
    def baseline_desc(self) -> str:
        return self.params.baseline.describe()

    def chart(self, key: str, make: Callable[[], Chart]) -> Chart:
        """A chart drawn once per run: the image the step that computes it saved (the
        progress step draws the XmR charts, trends and funnel plots), or drawn by `make`
        and saved when it is not there (the maps; a rerun `--from report`)."""
        base = CycleLayout(self.run_dir).report_chart(key)
        saved = Chart.load(base)
        if saved is not None:
            return saved
        chart = make()
        chart.save(base)
        return chart

    def narrative_html(self, key: str) -> str:
        text = self.narrative.get(key)
        if not text:
            return ""
        source = relative(self.params.path("narrative")) if self.params.path("narrative") else ""
        return ('<div class="analyst-note">' + render_narrative(text, self.scorecard, source)
                + "</div>")


def _read_csv(path: Path) -> pd.DataFrame:
    return read_csv(path, keep_default_na=False, na_values=[""], dtype={"received": str})


def load_context(params_file: str | Path, run_dir: str | Path) -> ReportContext:
    params = load_params(params_file)
    run = resolve(run_dir)
    layout = CycleLayout(run)
    scorecard = _read_csv(layout.table("scorecard"))
    scorecard["assessable"] = scorecard["assessable"].astype(bool)
    scorecard["reason"] = scorecard["reason"].fillna("")
    for col in ("variation", "assurance", "direction", "target_status", "notes", "target_by",
                "not_comparable", "seasonal"):
        if col not in scorecard:
            scorecard[col] = ""
        scorecard[col] = scorecard[col].fillna("")
    initiatives = _read_csv(layout.table("initiative_status")).fillna("")
    if len(initiatives):
        initiatives["reassess"] = initiatives["reassess"].astype(str) == "True"
    completeness = _read_csv(layout.table("completeness")).fillna("")
    reconciliation = _read_csv(layout.table("reconciliation")).fillna("")
    difficulties = read_csv(layout.difficulties_log, dtype=str, keep_default_na=False)
    series_path = layout.tidy("indicator_series")
    long = read_tidy(series_path) if series_path.exists() else pd.DataFrame(columns=["indicator"])
    series = {k: g.reset_index(drop=True) for k, g in long.groupby("indicator")}
    intake = json.loads(layout.intake_summary.read_text(encoding="utf-8"))
    strategy = load_strategy(params.path("strategy"))
    street = street_dataset(load_register(params.path("data_requests")))
    police_path = layout.tidy(street) if street else None
    police = read_tidy(police_path) if police_path and police_path.exists() else None
    previous: dict[str, pd.DataFrame] = {}
    if params.previous_cycle:
        prev = CycleLayout(resolve(params.previous_cycle))
        for name, path in (("scorecard", prev.table("scorecard")),
                           ("completeness", prev.table("completeness")),
                           ("difficulties", prev.difficulties_log)):
            if path.exists():
                previous[name] = read_csv(path, dtype=str, keep_default_na=False)
        prev_series = prev.tidy("indicator_series")
        if prev_series.exists():
            previous["series"] = read_tidy(prev_series)
    bench_path = layout.table("benchmarking")
    bench = None
    if bench_path.exists():
        bench = read_csv(bench_path)
        bench["is_self"] = bench["is_self"].astype(str) == "True"
    found_path = layout.table("recording_changes")
    found = pd.read_csv(found_path, dtype=str) if found_path.exists() else None
    partner_path = layout.tidy("partner_measures")
    grid_path = layout.tidy(f"grid_{street}")
    names_path = layout.tidy(f"lsoa_names_{street}")
    names = read_tidy(names_path) if names_path.exists() else None
    return ReportContext(params, run, strategy, scorecard, initiatives, completeness,
                         reconciliation, difficulties, series, intake,
                         load_narrative(params.path("narrative")), police, previous, bench,
                         recording_changes(found, params), street_dataset=street,
                         partner=read_tidy(partner_path) if partner_path.exists() else None,
                         grid=read_tidy(grid_path) if grid_path.exists() else None,
                         lsoa_names=dict(zip(names["lsoa_code"], names["lsoa_name"],
                                             strict=True)) if names is not None else {})
