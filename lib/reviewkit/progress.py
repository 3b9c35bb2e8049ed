"""Progress: run the indicator engine and the initiative assessment over intake's tidy tables,
and write the scorecard, the indicator series and the initiative status for the report step."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewkit.charts import save_figure, xmr_alt
from reviewkit.indicator_chart import indicator_chart_figure
from reviewkit.indicators import Change, IndicatorResult, compute_all, recording_changes
from reviewkit.initiatives import InitiativeResult, assess_all
from reviewkit.layout import CycleLayout
from reviewkit.params import CycleParams
from reviewkit.peers import benchmark_all, load_peers
from reviewkit.register import load_register
from reviewkit.strategy import Strategy, load_strategy
from reviewkit.tables import write_table
from reviewkit.tidy import read_tidy, write_tidy
from reviewkit.vocabulary import check_filters, outcomes_in

SCORECARD_COLUMNS = [
    "id", "priority", "name", "measure", "unit", "period", "better", "dataset", "assessable",
    "reason", "review_value", "review_count", "baseline_value", "baseline_count", "change",
    "change_pct", "direction", "p_value", "significant", "test", "ratio", "ratio_low",
    "ratio_high", "dispersion", "not_comparable", "ci_low", "ci_high",
    "last_year_value", "last_year_change_pct", "rolling_value", "rolling_previous",
    "rolling_change_pct", "rolling_significant", "target_value", "target_by",
    "trajectory_value", "target_status", "variation", "assurance", "spc_provisional", "seasonal",
    "points",
    "latest_period", "latest_value", "plain_name", "notes",
]


@dataclass
class ProgressResult:
    strategy: Strategy
    scorecard: pd.DataFrame
    indicators: dict[str, IndicatorResult]
    series: dict[str, pd.DataFrame]
    initiatives: pd.DataFrame
    initiative_results: list[InitiativeResult]
    benchmarking: pd.DataFrame | None = None
    params: CycleParams | None = None  # what the charts for slides are drawn with
    recording: dict[str, Change] | None = None  # possible recording changes, with decisions


# Tables of where police.uk records are (grid cells, LSOA names), beside each police dataset.
PLACE_TABLES = ("grid_", "lsoa_names_")


def load_intake_outputs(run_dir: Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame,
                                                pd.DataFrame, pd.DataFrame | None]:
    """Tidy police tables by dataset, partner measures, completeness, population."""
    layout = CycleLayout(run_dir)
    tidy = {p.stem: read_tidy(p) for p in sorted(layout.tidy_dir.glob("*.parquet"))
            if p.stem not in ("partner_measures", "population", "indicator_series")
            and not p.stem.startswith(PLACE_TABLES)}
    partner = read_tidy(layout.tidy("partner_measures"))
    completeness = pd.read_csv(layout.table("completeness"), dtype={"received": str},
                               keep_default_na=False)
    pop_path = layout.tidy("population")
    population = read_tidy(pop_path) if pop_path.exists() else None
    return tidy, partner, completeness, population


def police_months(tidy: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Months each police dataset has accepted rows for (a month there counts zero for an
    indicator with no matching rows; a month absent is missing)."""
    return {name: sorted(set(table["month"])) for name, table in tidy.items()}


def run_progress(params: CycleParams, run_dir: Path) -> ProgressResult:
    register = load_register(params.path("data_requests"))
    strategy = load_strategy(params.path("strategy"), register.datasets)
    tidy, partner, completeness, population = load_intake_outputs(run_dir)
    check_filters(strategy, register, str(params.path("strategy")), outcomes_in(tidy), tidy)
    status = dict(zip(completeness["dataset"], completeness["status"], strict=True))
    present = police_months(tidy)
    found_path = CycleLayout(run_dir).table("recording_changes")
    found = pd.read_csv(found_path, dtype=str) if found_path.exists() else None
    changes = recording_changes(found, params)
    scorecard, results, series = compute_all(strategy, params, tidy, partner, present, status,
                                             population, changes)
    force_wide = {r.dataset for r in register.data_requests
                  if r.source.kind == "police_uk_stop_search"}
    for ind in strategy.indicators:  # stop and search has no LSOA: say whose figure it is
        if ind.dataset in force_wide:
            results[ind.id].notes.append("force-wide figures (stop and search records carry no "
                                         "area), not this partnership's alone")
    scorecard = pd.DataFrame([r.row() for r in results.values()])
    initiatives, ini_results = assess_all(strategy.initiatives, params.review_date, results,
                                          params.analysis.reassess_after_months)
    bench = None
    peers_path = params.path("peers")
    if peers_path is not None:
        peers = load_peers(peers_path)
        bench = benchmark_all(peers, params.partnership, [i.id for i in strategy.indicators],
                              str(params.review.end), params.analysis.funnel_adjustment)
    return ProgressResult(strategy, scorecard[SCORECARD_COLUMNS], results, series, initiatives,
                          ini_results, bench, params, changes)


def write_progress(result: ProgressResult, run_dir: Path) -> None:
    layout = CycleLayout(run_dir)
    # drawn again from the new series
    shutil.rmtree(layout.chart_cache_dir, ignore_errors=True)
    shutil.rmtree(layout.charts_dir, ignore_errors=True)
    write_table(result.scorecard, layout.table("scorecard"))
    write_table(result.initiatives, layout.table("initiative_status"))
    if result.benchmarking is not None:
        write_table(result.benchmarking, layout.table("benchmarking"))
    long = []
    for ind_id, s in result.series.items():
        if len(s):
            long.append(s.assign(indicator=ind_id))
    if long:
        frame = pd.concat(long, ignore_index=True)
        cols = ["indicator"] + [c for c in frame.columns if c != "indicator"]
        frame = frame[cols]
        write_table(frame, layout.table("indicator_series"))
        write_tidy(frame, layout.tidy("indicator_series"))
    write_charts(result, layout)
    layout.progress_summary.write_text(json.dumps({
        "indicators": len(result.scorecard),
        "assessable": int(result.scorecard["assessable"].sum()),
        "initiatives": len(result.initiatives),
        "reassess": result.initiatives.loc[result.initiatives["reassess"], "id"].tolist()
        if len(result.initiatives) else [],
    }, indent=2) + "\n", encoding="utf-8")


def write_charts(result: ProgressResult, layout: CycleLayout) -> list[Path]:
    """Each indicator's XmR chart for slides, as the board report shows it:
    `charts/<indicator>.png` (300 dpi) and `.svg`, with `.txt` saying what the chart shows."""
    written: list[Path] = []
    if result.params is None:
        return written
    for _, row in result.scorecard.iterrows():
        series = result.series.get(row["id"])
        if series is None or len(series) < 2 or "point_type" not in series:
            continue
        fig = indicator_chart_figure(result.params, result.strategy.indicator(row["id"]), row,
                                     series, result.recording or {})
        written += save_figure(fig, layout.chart(row["id"], "png"))
        alt = layout.chart(row["id"], "txt")
        words = [xmr_alt(row["name"], series, row["measure"], row["variation"],
                         row["assurance"] or None), *fig.described]
        alt.write_text(" ".join(words) + "\n", encoding="utf-8")
        written.append(alt)
    return written
