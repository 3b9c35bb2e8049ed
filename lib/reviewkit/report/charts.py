"""Charts for the reports: the XmR chart in Making Data Count style (`xmr_chart`), a compact
trend, the peers' funnel plot, and an indicator's chart from its scorecard row.

Each chart comes back as a `Chart` holding a PNG and a text alternative that says what the
chart shows and what it concludes, so no chart reaches a reader without one. Drawing and
saving figures is `figures`; the XmR chart is `xmr_chart`; their names are importable here too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from reviewkit.base.formatting import fmt_value
from reviewkit.report.figures import (
    PNG_OPTIONS,
    REPORT_DPI,
    SLIDE_DPI,
    Chart,
    ChartFigure,
    Raster,
    new_figure,
    plain_text,
    png_bytes,
    raster,
    save_figure,
    tight_bbox,
)
from reviewkit.report.xmr_chart import (
    STYLE,
    ChartContext,
    date_ticks,
    xmr_alt,
    xmr_chart,
    xmr_figure,
    y_label,
)

__all__ = [
    "PNG_OPTIONS",
    "REPORT_DPI",
    "SLIDE_DPI",
    "STYLE",
    "Chart",
    "ChartContext",
    "ChartFigure",
    "Raster",
    "TrendLines",
    "date_ticks",
    "funnel_chart",
    "funnel_label",
    "indicator_figure",
    "new_figure",
    "plain_text",
    "png_bytes",
    "raster",
    "save_figure",
    "tight_bbox",
    "trend_chart",
    "xmr_alt",
    "xmr_chart",
    "xmr_figure",
    "y_label",
]


class TrendLines:
    """Draws the scorecard's compact trend lines, one after another on one reused figure.

    A trend line has no axes, ticks or text, so its figure's layout and crop do not depend on
    the series: setting up a figure and its axes costs more than drawing a line, and is done
    once. Each image is the same, byte for byte, as drawing it on a figure of its own."""

    def __init__(self) -> None:
        self._fig: ChartFigure | None = None
        self._ax: Axes | None = None
        self._box: Bbox | None = None

    def _axes(self) -> tuple[ChartFigure, Axes, Bbox]:
        if self._fig is None or self._ax is None or self._box is None:
            self._fig = new_figure(2.4, 0.7)
            self._ax = self._fig.subplots()
            self._ax.axis("off")
            self._fig.tight_layout(pad=0.1)
            self._box = tight_bbox(self._fig)
            return self._fig, self._ax, self._box
        ax = self._ax
        for artist in [*ax.lines, *ax.patches]:
            artist.remove()
        ax.relim()  # no artists left: the next line's limits start afresh
        ax.ignore_existing_data_limits = True
        ax.set_xlim(0, 1)  # what a new axes has before any data
        ax.set_ylim(0, 1)
        ax.set_autoscale_on(True)
        return self._fig, ax, self._box

    @plain_text
    def chart(self, name: str, series: pd.DataFrame, measure: str, review_start: str) -> Chart:
        """A compact trend line for the scorecard, with the review period shaded."""
        fig, ax, box = self._axes()
        if len(series):
            x = np.arange(len(series))
            ax.plot(x, series["value"], color="#005eb8", linewidth=1.2)
            in_review = (series["period_start"] >= review_start).to_numpy()
            if in_review.any():
                ax.axvspan(x[in_review][0] - 0.5, x[-1] + 0.5, color="#e8edee", zorder=0)
        if series.empty:
            alt = f"No trend for {name}: no data."
        else:
            alt = (
                f"Trend of {name} from {series['period'].iloc[0]} to "
                f"{series['period'].iloc[-1]}: from {fmt_value(series['value'].iloc[0], measure)}"
                f" to {fmt_value(series['value'].iloc[-1], measure)}; review period shaded."
            )
        return Chart(png_bytes(fig, bbox=box), alt)


def trend_chart(name: str, series: pd.DataFrame, measure: str, review_start: str) -> Chart:
    """A compact trend line for the scorecard, with the review period shaded (several: one
    `TrendLines` draws them all on one figure)."""
    return TrendLines().chart(name, series, measure, review_start)


@plain_text
def funnel_chart(peers: pd.DataFrame, name: str, measure_label: str) -> Chart:
    """Funnel plot of peer rates against population, with the group rate and 95% and 99.8%
    limits (exact Poisson, or widened for over-dispersion as the benchmark table says)."""
    from reviewkit.analysis.peers import dispersion_of, funnel_limits

    fig = new_figure(6.5, 3.2)
    ax = fig.subplots()
    others = peers[~peers["is_self"]]
    me = peers[peers["is_self"]]
    ax.scatter(others["denominator"], others["rate"], color="#5b6770", s=18, label="Peers")
    ax.scatter(
        me["denominator"], me["rate"], color="#005eb8", marker="D", s=44, zorder=3, label=name
    )
    group = float(peers["group_rate"].iloc[0])
    od = dispersion_of(peers) if "od_method" in peers else None
    widened = od is not None and od.overdispersed
    xs = np.linspace(peers["denominator"].min() * 0.8, peers["denominator"].max() * 1.15, 200)
    for level, style in ((0.95, "--"), (0.998, ":")):
        lo, hi = funnel_limits(group, xs, level, dispersion=od)
        ax.plot(
            xs,
            hi,
            color="#425563",
            linestyle=style,
            linewidth=1,
            label=f"{level:.1%} limits".replace(".0%", "%")
            + (" (over-dispersion)" if widened else ""),
        )
        ax.plot(xs, lo, color="#425563", linestyle=style, linewidth=1)
    ax.axhline(group, color="#212b32", linewidth=1, label="Group rate")
    ax.set_xlabel("Population (denominator)", fontsize=8)
    ax.set_ylabel(measure_label, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    if len(me):
        row = me.iloc[0]
        where = (
            f"{name} has {row['rate']:.1f}, rank {int(row['rank'])} of {int(row['of'])} "
            f"(1 = lowest), {row['position']}."
        )
    else:
        where = f"{name} is not in the peer table."
    how = (
        f" The limits are widened for over-dispersion (dispersion factor {od.phi:.1f}, "
        f"{od.method} random effects)."
        if widened and od is not None
        else ""
    )
    alt = (
        f"Funnel plot of {measure_label} for {len(peers)} similar partnerships against "
        f"their population. The group rate is {group:.1f}.{how} {where}"
    )
    return Chart(png_bytes(fig), alt)


def funnel_label(measure: str | None) -> str:
    """The funnel plot's value axis for an indicator's measure (None: not in the scorecard)."""
    if measure is None:
        return "Rate per 1,000 in 12 months"
    return (
        "Rate per 1,000 households in 12 months"
        if measure == "rate_per_1000_households"
        else "Rate per 1,000 residents in 12 months"
    )


def indicator_figure(row: pd.Series, series: pd.DataFrame) -> ChartFigure:
    """An indicator's XmR chart from its scorecard row and series: the board report's chart
    without its shaded periods, trajectory and markers (those need the cycle's params)."""
    target = series["target"].iloc[-1] if "target" in series else None
    return xmr_figure(
        row["name"], series, None if target is None or pd.isna(target) else float(target)
    )
