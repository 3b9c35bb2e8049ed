"""An indicator's XmR chart as the board report shows it: the baseline and review periods
shaded, the target trajectory its status is judged on, and rebase and recording-change markers.

One source for the chart in the board report and the chart written for slides
(`charts/<indicator>.png` and `.svg`), so the two never differ.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reviewkit.charts import ChartContext, ChartFigure, xmr_figure, y_label
from reviewkit.formatting import fmt_value
from reviewkit.indicators import Change, trajectory_by_period
from reviewkit.params import CycleParams
from reviewkit.strategy import Indicator

PERIOD_AXIS = {"month": "Month", "quarter": "Quarter", "financial_year": "Financial year"}


def recording_markers(recording: dict[str, Change], ind: Indicator) -> list[tuple[str, str]]:
    """(month, label) of the possible recording changes in the crime types an indicator
    counts (those the analyst judged real are not marked)."""
    if ind.dataset != "police_street":
        return []
    types = ind.filter.crime_type_set()
    return [(c.month, f"Possible recording change in {c.crime_type}")
            for c in recording.values()
            if c.decision != "real" and (types is None or c.crime_type in types)]


def chart_context(params: CycleParams, ind: Indicator, r: pd.Series, s: pd.DataFrame,
                  recording: dict[str, Change],
                  extra_markers: Sequence[tuple[str, str]] = ()) -> ChartContext:
    """The periods, target trajectory and markers around an indicator's XmR chart, from its
    scorecard row `r` and series `s`."""
    base = ind.baseline.range if ind.baseline else params.baseline
    trajectory = None
    words = ""
    target_by = r["target_by"]
    if (isinstance(target_by, str) and target_by and not pd.isna(r["target_value"])
            and not pd.isna(r["baseline_value"])):
        trajectory = trajectory_by_period(
            float(r["baseline_value"]), float(r["target_value"]), str(base.end), target_by,
            list(s["period_start"].astype(str)), r["period"], r["measure"])
        words = f"{fmt_value(r['target_value'], r['measure'])} by {target_by}"
    return ChartContext(
        baseline=(str(base.start), str(base.end)),
        review=(str(params.review.start), str(params.review.end)),
        trajectory=trajectory, target_words=words,
        rebase=list(params.analysis.spc.rebase),
        markers=recording_markers(recording, ind) + list(extra_markers),
        y_label=y_label(r["measure"], r["period"]),
        x_label=PERIOD_AXIS.get(r["period"], "Period"))


def indicator_chart_figure(params: CycleParams, ind: Indicator, r: pd.Series, s: pd.DataFrame,
                           recording: dict[str, Change],
                           extra_markers: Sequence[tuple[str, str]] = ()) -> ChartFigure:
    """The chart itself (its `described` sentences belong in the text alternative)."""
    return xmr_figure(r["name"], s, context=chart_context(params, ind, r, s, recording,
                                                           extra_markers))
