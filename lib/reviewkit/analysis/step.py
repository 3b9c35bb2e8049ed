"""Progress: run the indicator engine and the initiative assessment over intake's tidy tables,
and write the scorecard, the indicator series and the initiative status for the report step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reviewkit.analysis.indicator_inputs import IndicatorInputs
from reviewkit.analysis.indicator_result import IndicatorResult
from reviewkit.analysis.indicators import compute_all
from reviewkit.analysis.initiatives import InitiativeResult, assess_all
from reviewkit.analysis.outputs import OutputResult, assess_outputs, outputs_table
from reviewkit.analysis.peers import benchmark_all, load_peers
from reviewkit.analysis.recording import Change, recording_changes
from reviewkit.analysis.series import police_counts
from reviewkit.analysis.vocabulary import check_filters, outcomes_in
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.register import Register, load_register, street_dataset
from reviewkit.inputs.strategy import Strategy, load_strategy
from reviewkit.store import dictionary
from reviewkit.store.tables import CycleStore

SCORECARD_COLUMNS = [
    "id",
    "priority",
    "name",
    "measure",
    "unit",
    "period",
    "better",
    "dataset",
    "assessable",
    "reason",
    "review_value",
    "review_count",
    "baseline_value",
    "baseline_count",
    "change",
    "change_pct",
    "direction",
    "p_value",
    "significant",
    "test",
    "ratio",
    "ratio_low",
    "ratio_high",
    "dispersion",
    "not_comparable",
    "ci_low",
    "ci_high",
    "last_year_value",
    "last_year_change_pct",
    "rolling_value",
    "rolling_previous",
    "rolling_change_pct",
    "rolling_significant",
    "target_value",
    "target_by",
    "trajectory_value",
    "target_status",
    "variation",
    "assurance",
    "spc_provisional",
    "seasonal",
    "points",
    "latest_period",
    "latest_value",
    "plain_name",
    "notes",
    "analyst_notes",
    # the verdict (`analysis.verdict`): typed codes every surface renders from
    "why_not",
    "why_dataset",
    "missing_periods",
    "comparability",
    "recording_types",
    "recording_from",
    "change_verdict",
    "spc_signal",
    "special_improvement",
    "special_concern",
    "target_verdict",
    "target_assured",
    "not_assured_because",
]


@dataclass
class ProgressResult:
    """What the progress step computed, for writing and for the notebook to show."""

    strategy: Strategy
    scorecard: pd.DataFrame
    indicators: dict[str, IndicatorResult]
    series: dict[str, pd.DataFrame]
    initiatives: pd.DataFrame
    initiative_results: list[InitiativeResult]
    benchmarking: pd.DataFrame | None = None
    params: CycleParams | None = None  # what the charts for slides are drawn with
    recording: dict[str, Change] | None = None  # possible recording changes, with decisions
    street_dataset: str | None = None  # the register's police.uk street data request
    outputs: list[OutputResult] | None = None  # initiatives' output measures against plan


def load_intake_outputs(
    run_dir: Path, register: Register
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Tidy police tables by dataset, partner measures, completeness, population."""
    store = CycleStore(run_dir)
    population = store.read_tidy("population") if store.has_tidy("population") else None
    return (
        store.police_tables(register),
        store.read_tidy("partner_measures"),
        store.read_table("completeness"),
        population,
    )


def police_months(
    tidy: dict[str, pd.DataFrame], run_dir: Path | None = None
) -> dict[str, list[str]]:
    """Months each police dataset arrived for (a month there counts zero for an indicator
    with no matching rows; a month absent is missing): the months the intake step read files
    for, or, for a cycle written before it recorded them, the months with accepted rows."""
    arrived = arrived_months(run_dir) if run_dir is not None else {}
    return {
        name: sorted(set(arrived.get(name, [])) | set(table["month"]))
        for name, table in tidy.items()
    }


def arrived_months(run_dir: Path) -> dict[str, list[str]]:
    """The months each police dataset's files brought, as the intake step recorded them."""
    store = CycleStore(run_dir)
    if not store.has_intake_summary():
        return {}
    months = store.read_intake_summary().get("months", {})
    return {str(k): [str(m) for m in v] for k, v in months.items()}


def run_progress(params: CycleParams, run_dir: Path) -> ProgressResult:
    """Run the indicator engine, the initiative assessment and the benchmarking over the
    tidy tables intake wrote to `run_dir`."""
    register = load_register(params.path("data_requests"))
    strategy = load_strategy(params.path("strategy"), register.datasets)
    tables, partner, completeness, population = load_intake_outputs(run_dir, register)
    tidy = {name: police_counts(table) for name, table in tables.items()}
    check_filters(strategy, register, str(params.path("strategy")), outcomes_in(tidy), tidy)
    status = dict(zip(completeness["dataset"], completeness["status"], strict=True))
    present = police_months(tidy, run_dir)
    store = CycleStore(run_dir)
    found = store.read_table("recording_changes") if store.has_table("recording_changes") else None
    changes = recording_changes(found, params)
    inputs = IndicatorInputs(params, tidy, partner, present, status, population, changes)
    scorecard, results, series = compute_all(strategy, inputs)
    force_wide = {
        r.dataset for r in register.data_requests if r.source.kind == "police_uk_stop_search"
    }
    for ind in strategy.indicators:  # stop and search has no LSOA: say whose figure it is
        if ind.dataset in force_wide:
            results[ind.id].notes.append(
                "force-wide figures (stop and search records carry no "
                "area), not this partnership's alone"
            )
    scorecard = pd.DataFrame([r.row() for r in results.values()])
    outputs = assess_outputs(strategy.initiatives, partner, params.review.end)
    initiatives, ini_results = assess_all(
        strategy.initiatives,
        params.review_date,
        results,
        params.analysis.reassess_after_months,
        outputs,
    )
    bench = None
    peers_path = params.path("peers")
    if peers_path is not None:
        peers = load_peers(peers_path)
        bench = benchmark_all(
            peers,
            params.partnership,
            [i.id for i in strategy.indicators],
            str(params.review.end),
            params.analysis.funnel_adjustment,
        )
    return ProgressResult(
        strategy,
        scorecard[SCORECARD_COLUMNS],
        results,
        series,
        initiatives,
        ini_results,
        bench,
        params,
        changes,
        street_dataset(register),
        outputs,
    )


def write_progress(result: ProgressResult, run_dir: Path) -> None:
    """Write the progress step's tables (scorecard, initiative status, benchmarking, the
    indicator series) and its summary into `run_dir`, through the store. The chart images
    are `write_indicator_charts`' (reviewkit.report.indicator_chart), which empties their
    folders itself."""
    store = CycleStore(run_dir)
    store.write_table("scorecard", result.scorecard)
    store.write_table("initiative_status", result.initiatives)
    store.write_table("initiative_outputs", outputs_table(result.outputs or []))
    if result.benchmarking is not None:
        store.write_table("benchmarking", result.benchmarking)
    long = []
    for ind_id, s in result.series.items():
        if len(s):
            long.append(s.assign(indicator=ind_id))
    if long:
        frame = pd.concat(long, ignore_index=True)
        # every column the table has, even when no series could be charted (its SPC columns
        # then empty: a small area, or a month missing from every series)
        described = [c for c in dictionary.TABLES["indicator_series"] if c not in frame.columns]
        frame = frame.assign(**dict.fromkeys(described, np.nan))
        cols = ["indicator"] + [c for c in frame.columns if c != "indicator"]
        frame = frame[cols]
        store.write_table("indicator_series", frame, also_tidy=True)
    store.write_progress_summary(
        {
            "indicators": len(result.scorecard),
            "assessable": int(result.scorecard["assessable"].sum()),
            "initiatives": len(result.initiatives),
            "reassess": result.initiatives.loc[result.initiatives["reassess"], "id"].tolist()
            if len(result.initiatives)
            else [],
        }
    )
