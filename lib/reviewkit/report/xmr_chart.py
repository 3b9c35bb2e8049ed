"""The XmR chart in Making Data Count style: values, mean, process limits and special-cause
points, with the periods compared, the target trajectory and rebase or recording-change
markers drawn around them, and a text alternative that says what it shows and concludes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from reviewkit.base.formatting import fmt_value, series_unit
from reviewkit.report.figures import Chart, ChartFigure, new_figure, plain_text, png_bytes

# Making Data Count colours (blue improvement, orange concern, grey common cause, purple
# neutral); each point type also has its own marker shape so colour is never the only signal.
STYLE = {
    "common_cause": ("#5b6770", "o", "Common cause"),
    "special_cause_improvement": ("#005eb8", "^", "Special cause: improvement"),
    "special_cause_concern": ("#c65d00", "s", "Special cause: concern"),
    "special_cause_neutral": ("#6b2c91", "D", "Special cause: neither"),
}


def _spc_values(series: pd.DataFrame) -> pd.Series:
    """The values the XmR chart was computed on (seasonally adjusted where they were)."""
    if "spc_value" in series and series["spc_value"].notna().all():
        return series["spc_value"].astype(float)
    return series["value"].astype(float)


def xmr_alt(name: str, series: pd.DataFrame, measure: str, conclusion: str) -> str:
    """Text alternative for an XmR chart: what it shows, and what it concludes in the words of
    the indicator's verdict (`report.verdict_words.chart_conclusion`)."""
    if series.empty:
        return f"No chart for {name}: no data."
    first, last = series["period"].iloc[0], series["period"].iloc[-1]
    mean = series["mean"].iloc[-1]
    lpl, upl = series["lpl"].iloc[-1], series["upl"].iloc[-1]
    parts = [
        f"XmR chart of {name}, {len(series)} points from {first} to {last}.",
        f"Mean {fmt_value(mean, measure)}, process limits {fmt_value(max(lpl, 0), measure)} "
        f"to {fmt_value(upl, measure)}.",
        f"Latest value {fmt_value(series['value'].iloc[-1], measure)} in {last}"
        + (
            " (the chart's points are seasonally adjusted)."
            if not _spc_values(series).equals(series["value"].astype(float))
            else "."
        ),
        f"Conclusion: {conclusion}",
    ]
    if bool(series["provisional"].iloc[-1]):
        parts.append("Limits are provisional: fewer points than needed to rely on them.")
    return " ".join(parts)


@dataclass
class ChartContext:
    """What a reader needs around the points: the periods compared, the target trajectory, and
    months where the limits were recalculated or the recording may have changed."""

    baseline: tuple[str, str] | None = None  # (first, last month) YYYY-MM
    review: tuple[str, str] | None = None
    trajectory: list[float] | None = None  # per chart period, NaN where not drawn
    target_words: str = ""  # e.g. "1,963 by 2027-03"
    rebase: list[str] = field(default_factory=list)  # months the limits restart
    markers: list[tuple[str, str]] = field(default_factory=list)  # (month, label)
    y_label: str = ""
    x_label: str = "Month"


def _positions(series: pd.DataFrame, first: str, last: str) -> np.ndarray:
    starts = series["period_start"].astype(str).to_numpy()
    return np.flatnonzero((starts >= first) & (starts <= last))


def _index_of(series: pd.DataFrame, month: str) -> float | None:
    """The x position where `month` falls (between two points when it starts a period)."""
    starts = list(series["period_start"].astype(str))
    for i, s in enumerate(starts):
        if s >= month:
            return i - 0.5
    return None


def _context(ax: Axes, series: pd.DataFrame, ctx: ChartContext) -> list[str]:
    """Shade and label the periods, draw the trajectory and markers; return sentences for the
    text alternative saying what was drawn."""
    return [
        *_shade_periods(ax, series, ctx),
        *_trajectory(ax, series, ctx),
        *_markers(ax, series, ctx),
    ]


def _shade_periods(ax: Axes, series: pd.DataFrame, ctx: ChartContext) -> list[str]:
    """Shade and label the baseline and the review period; what was shaded, in words."""
    said = []
    # the baseline hatched, the review period plain: told apart in greyscale and print too
    for span, label, colour, hatch in (
        (ctx.baseline, "Baseline", "#eef0f1", "////"),
        (ctx.review, "Review period", "#dbe8f6", None),
    ):
        if not span:
            continue
        idx = _positions(series, *span)
        if len(idx):
            ax.axvspan(
                idx[0] - 0.5,
                idx[-1] + 0.5,
                facecolor=colour,
                edgecolor="#b8bfc4" if hatch else colour,
                zorder=0,
                hatch=hatch,
                linewidth=0,
            )
            ax.text(
                (idx[0] + idx[-1]) / 2,
                1.0,
                label,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7,
                color="#212b32",
            )
            said.append(f"{label} ({span[0]} to {span[1]}) shaded.")
    return said


def _trajectory(ax: Axes, series: pd.DataFrame, ctx: ChartContext) -> list[str]:
    """Draw the target trajectory where it has values; a sentence saying so."""
    if ctx.trajectory is None:
        return []
    y = np.asarray(ctx.trajectory, dtype=float)
    if not np.isfinite(y).any():
        return []
    x = np.arange(len(series))
    # solid and thick with a diamond at each point: never read as a dashed process
    # limit, in colour or in greyscale
    ax.plot(
        x,
        y,
        color="#007f3b",
        linestyle="-",
        linewidth=2.2,
        marker="d",
        markersize=3,
        markevery=max(1, len(x) // 12),
        label="Target trajectory",
    )
    return [
        f"Target trajectory drawn (target {ctx.target_words}); target status is "
        "judged against this line."
    ]


def _markers(ax: Axes, series: pd.DataFrame, ctx: ChartContext) -> list[str]:
    """Mark the months where limits restart and the recording may have changed; a sentence
    for each mark drawn."""
    said = []
    for month, label, style in [(m, "Limits recalculated", "-.") for m in ctx.rebase] + [
        (m, t, ":") for m, t in ctx.markers
    ]:
        pos = _index_of(series, month)
        if pos is None or pos <= -0.5:
            continue
        ax.axvline(pos, color="#212b32", linestyle=style, linewidth=1)
        ax.text(
            pos,
            0.98,
            f" {label} ({month})",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            ha="left",
            va="top",
            fontsize=6.5,
            color="#212b32",
        )
        said.append(f"Marked at {month}: {label.lower()}.")
    return said


def xmr_chart(
    name: str,
    series: pd.DataFrame,
    measure: str,
    conclusion: str,
    target: float | None = None,
    context: ChartContext | None = None,
) -> Chart:
    """The XmR chart as a PNG with its text alternative (which says what context was drawn)."""
    fig = xmr_figure(name, series, target, context)
    alt = xmr_alt(name, series, measure, conclusion)
    if fig.described:
        alt += " " + " ".join(fig.described)
    return Chart(png_bytes(fig), alt)


@plain_text
def xmr_figure(
    name: str,
    series: pd.DataFrame,
    target: float | None = None,
    context: ChartContext | None = None,
) -> ChartFigure:
    """The XmR chart: values, mean, process limits and special-cause points; with `context`
    the baseline and review periods shaded and labelled, the target trajectory, and rebase or
    recording-change markers (otherwise a flat per-period target line, if any)."""
    fig = new_figure(7.2, 2.5)  # a board paper's chart: under a third of a page
    ax = fig.subplots()
    x = np.arange(len(series))
    y = _spc_values(series)
    if not y.equals(series["value"]):
        ax.plot(
            x,
            series["value"],
            color="#c8cdd0",
            linewidth=1,
            linestyle=":",
            zorder=0,
            label="As recorded (before seasonal adjustment)",
        )
    ax.plot(x, y, color="#8a939b", linewidth=1.2, zorder=1)
    ax.plot(x, series["mean"], color="#212b32", linewidth=1.2, label="Mean")
    ax.plot(x, series["upl"], color="#425563", linestyle="--", linewidth=1, label="Process limits")
    ax.plot(x, series["lpl"].clip(lower=0), color="#425563", linestyle="--", linewidth=1)
    for kind, (colour, marker, label) in STYLE.items():
        mask = (series["point_type"] == kind).to_numpy()
        if mask.any():
            ax.scatter(x[mask], y[mask], color=colour, marker=marker, s=28, zorder=3, label=label)
    said: list[str] = []
    if context is not None:
        said = _context(ax, series, context)
    elif target is not None and not np.isnan(target):
        ax.axhline(target, color="#007f3b", linestyle=":", linewidth=1.5, label="Target")
    ticks, labels = date_ticks(list(series["period_start"]))
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, rotation=0, fontsize=7.5)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(name, fontsize=10, loc="left", pad=14 if said else 6)
    if context is not None:
        ax.set_xlabel(context.x_label, fontsize=8)
        ax.set_ylabel(context.y_label, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    fig.described = said
    return fig


def date_ticks(starts: list[str]) -> tuple[list[int], list[str]]:
    """(positions, labels) for a chart's date axis: at the start of each quarter or each year
    (never every seventh month), labelled 'Jan 2024' (months) or 'Q1 2024' / '2024' (quarters),
    few enough that labels never overlap."""
    months = [pd.Period(s, "M") for s in starts]
    if not months:
        return [], []
    step = (months[1] - months[0]).n if len(months) > 1 else 1
    span_years = (months[-1] - months[0]).n / 12
    if step >= 12:  # financial years: each labelled 2023-24
        return list(range(len(months))), [f"{m.year}-{(m.year + 1) % 100:02d}" for m in months]
    if step == 3:
        return _quarter_ticks(months)
    wanted = (1,) if span_years > 2 else (1, 7) if span_years > 1 else (1, 4, 7, 10)
    keep = [i for i, m in enumerate(months) if m.month in wanted]
    if not keep:
        keep = [0]
    return keep, [months[i].strftime("%b %Y") for i in keep]


def _quarter_ticks(months: list[pd.Period]) -> tuple[list[int], list[str]]:
    """Ticks for quarters: each labelled 'Q1 2024', or only the first of each year, labelled
    '2024', when there are more than eight."""
    every_year = len(months) > 8
    keep = [i for i, m in enumerate(months) if not every_year or m.month <= 3]
    labels = [
        str(months[i].year) if every_year else f"Q{(months[i].month - 1) // 3 + 1} {months[i].year}"
        for i in keep
    ]
    return keep, labels


def y_label(measure: str, period: str) -> str:
    """The value axis in words, with units and the period each point covers."""
    text = series_unit(measure, period)
    return text[0].upper() + text[1:]
