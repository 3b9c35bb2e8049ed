"""An indicator's XmR chart as the board report shows it: the baseline and review periods
shaded, the target trajectory its status is judged on, and rebase and recording-change markers.

The progress step, which computes the series, draws each chart once (`write_indicator_charts`):
the same figure is saved for slides (`charts/<indicator>.png` and `.svg`), and the board
report's image is the slides' PNG made smaller (not drawn again), so the two never differ,
and neither the notebook's display nor the report draws it again.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from reviewkit.analysis.recording import Change
from reviewkit.analysis.step import ProgressResult
from reviewkit.analysis.targets import trajectory_by_period
from reviewkit.analysis.verdict import Verdict
from reviewkit.base.formatting import fmt_value
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.strategy import Indicator
from reviewkit.report.charts import (
    REPORT_DPI,
    Chart,
    ChartContext,
    ChartFigure,
    TrendLines,
    funnel_chart,
    funnel_label,
    save_figure,
    tight_bbox,
    xmr_alt,
    xmr_figure,
    y_label,
)
from reviewkit.report.verdict_words import chart_conclusion
from reviewkit.store.layout import CycleLayout

PERIOD_AXIS = {"month": "Month", "quarter": "Quarter", "financial_year": "Financial year"}


def recording_markers(
    recording: dict[str, Change], ind: Indicator, street_dataset: str | None
) -> list[tuple[str, str]]:
    """(month, label) of the possible recording changes in the crime types an indicator over
    the police.uk street data counts (those the analyst judged real are not marked)."""
    if street_dataset is None or ind.dataset != street_dataset:
        return []
    types = ind.filter.crime_type_set()
    return [
        (c.month, f"Possible recording change in {c.crime_type}")
        for c in recording.values()
        if not c.confirmed_real and (types is None or c.crime_type in types)
    ]


def chart_context(
    params: CycleParams,
    ind: Indicator,
    r: pd.Series,
    s: pd.DataFrame,
    recording: dict[str, Change],
    street_dataset: str | None,
    extra_markers: Sequence[tuple[str, str]] = (),
) -> ChartContext:
    """The periods, target trajectory and markers around an indicator's XmR chart, from its
    scorecard row `r` and series `s`."""
    base = ind.baseline.range if ind.baseline else params.baseline
    trajectory = None
    words = ""
    target_by = r["target_by"]
    if (
        isinstance(target_by, str)
        and target_by
        and not pd.isna(r["target_value"])
        and not pd.isna(r["baseline_value"])
    ):
        trajectory = trajectory_by_period(
            float(r["baseline_value"]),
            float(r["target_value"]),
            str(base.end),
            target_by,
            list(s["period_start"].astype(str)),
            r["period"],
            r["measure"],
        )
        words = f"{fmt_value(r['target_value'], r['measure'])} by {target_by}"
    return ChartContext(
        baseline=(str(base.start), str(base.end)),
        review=(str(params.review.start), str(params.review.end)),
        trajectory=trajectory,
        target_words=words,
        rebase=list(params.analysis.spc.rebase),
        markers=recording_markers(recording, ind, street_dataset) + list(extra_markers),
        y_label=y_label(r["measure"], r["period"]),
        x_label=PERIOD_AXIS.get(r["period"], "Period"),
    )


def indicator_chart_figure(
    params: CycleParams,
    ind: Indicator,
    r: pd.Series,
    s: pd.DataFrame,
    recording: dict[str, Change],
    street_dataset: str | None,
    extra_markers: Sequence[tuple[str, str]] = (),
) -> ChartFigure:
    """The chart itself (its `described` sentences belong in the text alternative)."""
    return xmr_figure(
        r["name"],
        s,
        context=chart_context(params, ind, r, s, recording, street_dataset, extra_markers),
    )


def write_indicator_charts(result: ProgressResult, run_dir: Path) -> list[Path]:
    """Draw each chart the progress step computes, once, and save it where it is used.

    Each indicator's XmR chart as the board report shows it: for slides as
    `charts/<indicator>.png` (300 dpi) and `.svg`, with `.txt` saying what the chart shows,
    and the board report's image (110 dpi) made from the slides' pixels; the scorecard's
    trend lines (on one reused figure) and the benchmarking funnel plots. The report and the
    notebook's display read the images (`CycleLayout.report_chart`) instead of drawing them
    again. The progress step calls it after `write_progress`. It is the images' one writer:
    it empties their folders first (`CycleLayout.made_anew`), so no image of an indicator
    since dropped, or of an earlier run, stays beside the new ones."""
    layout = CycleLayout(run_dir)
    for folder in layout.made_anew("progress"):
        shutil.rmtree(folder, ignore_errors=True)
    written: list[Path] = []
    if result.params is None:
        return written
    review_start = str(result.params.review.start)
    trends = TrendLines()
    for _, row in result.scorecard.iterrows():
        series = result.series.get(row["id"])
        written += trends.chart(
            row["name"],
            series if series is not None else pd.DataFrame(),
            row["measure"],
            review_start,
        ).save(layout.report_chart(f"{row['id']}-trend"))
        if series is None or len(series) < 2 or "point_type" not in series:
            continue
        fig = indicator_chart_figure(
            result.params,
            result.strategy.indicator(row["id"]),
            row,
            series,
            result.recording or {},
            result.street_dataset,
        )
        box = tight_bbox(fig)
        slides, drawn = save_figure(fig, layout.chart(row["id"], "png"), bbox=box)
        written += slides
        words = " ".join(
            [
                xmr_alt(
                    row["name"],
                    series,
                    row["measure"],
                    chart_conclusion(Verdict.from_row(row)),
                ),
                *fig.described,
            ]
        )
        alt = layout.chart(row["id"], "txt")
        alt.write_text(words + "\n", encoding="utf-8")
        written.append(alt)
        # the report's image: the slides' pixels made smaller, not the figure drawn again
        written += Chart(drawn.at(REPORT_DPI).png(), words).save(
            layout.report_chart(f"{row['id']}-xmr")
        )
    if result.benchmarking is not None and len(result.benchmarking):
        measures = dict(zip(result.scorecard["id"], result.scorecard["measure"], strict=True))
        for ind_id, peers in result.benchmarking.groupby("indicator", sort=False):
            written += funnel_chart(
                peers, result.params.partnership, funnel_label(measures.get(str(ind_id)))
            ).save(layout.report_chart(f"{ind_id}-funnel"))
    return written
