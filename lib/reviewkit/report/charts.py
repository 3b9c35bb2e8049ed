"""Charts for the reports: the XmR chart in Making Data Count style and a compact trend.

Each chart comes back as a `Chart` holding a PNG and a text alternative that says what the
chart shows and what it concludes, so no chart reaches a reader without one.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from reviewkit.base.formatting import fmt_value, series_unit

P = ParamSpec("P")
R = TypeVar("R")

# Making Data Count colours (blue improvement, orange concern, grey common cause, purple
# neutral); each point type also has its own marker shape so colour is never the only signal.
STYLE = {
    "common_cause": ("#5b6770", "o", "Common cause"),
    "special_cause_improvement": ("#005eb8", "^", "Special cause: improvement"),
    "special_cause_concern": ("#c65d00", "s", "Special cause: concern"),
    "special_cause_neutral": ("#6b2c91", "D", "Special cause: neither"),
}


# zlib level 3: a third of the time of Pillow's default (6) for files within a few percent
PNG_OPTIONS = {"compress_level": 3}
SLIDE_DPI = 300  # charts/<indicator>.png, for slides
REPORT_DPI = 110  # the reports' images


@dataclass
class Chart:
    """A chart as drawn: its PNG and the text alternative that says what it shows. Shown
    inline in a notebook as the image, with the text as its plain-text form."""

    png: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, object]:
        return (
            {"image/png": self.png, "text/plain": self.alt}
            if self.png
            else {"text/plain": self.alt}
        )

    def save(self, base: Path) -> list[Path]:
        """Write `<base>.png` and `<base>.txt` (the text alternative)."""
        base.parent.mkdir(parents=True, exist_ok=True)
        png, alt = base.parent / f"{base.name}.png", base.parent / f"{base.name}.txt"
        png.write_bytes(self.png)
        alt.write_text(self.alt, encoding="utf-8")
        return [png, alt]

    @classmethod
    def load(cls, base: Path) -> Chart | None:
        """The chart saved at `base` (`.png` and `.txt`), or None when it is not there."""
        png, alt = base.parent / f"{base.name}.png", base.parent / f"{base.name}.txt"
        if not (png.is_file() and alt.is_file()):
            return None
        return cls(png.read_bytes(), alt.read_text(encoding="utf-8"))


def plain_text(draw: Callable[P, R]) -> Callable[P, R]:
    """Draw with text as plain text: chart text comes from the strategy and partner files, and
    '$' there is a pound sign or a dollar, never the start of mathematical notation (which
    fails on text such as '$\\pounds$'). Set for these charts only, never globally, so the
    analyst's own figures are as matplotlib makes them."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


class ChartFigure(Figure):
    """A matplotlib Figure that shows itself inline in Jupyter whatever the backend.

    Charts are drawn without pyplot, so importing the library never switches the analyst's
    backend and a figure never lingers in pyplot's state.
    """

    #: sentences saying what context was drawn (shaded periods, trajectory, markers), for the
    #: chart's text alternative
    described: list[str] = []

    def _repr_png_(self) -> bytes:
        return _png(self, dpi=100)


def new_figure(width: float, height: float) -> ChartFigure:
    """An empty figure (no pyplot, no backend switch)."""
    return ChartFigure(figsize=(width, height))


def png_bytes(fig: Figure, dpi: int = 110, bbox: Bbox | None = None) -> bytes:
    """The figure as PNG bytes (the size the reports embed by default), cropped to `bbox`
    (inches; default `tight_bbox(fig)`, what it draws)."""
    return _png(fig, dpi, bbox)


def tight_bbox(fig: Figure) -> Bbox:
    """The part of a laid-out figure that `savefig(bbox_inches="tight")` keeps, with its
    padding, worked out once: a figure saved in several formats and sizes then lays its text
    out once, not once per file (text layout is most of a chart's drawing time). The layout
    is final from here (saving does not lay the figure out again)."""
    box = fig.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])
    fig.set_layout_engine(None)
    return box


def _png(fig: Figure, dpi: int = 110, bbox: Bbox | None = None) -> bytes:
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=dpi,
        bbox_inches=tight_bbox(fig) if bbox is None else bbox,
        metadata={"Software": None},
        pil_kwargs=PNG_OPTIONS,
    )
    return buf.getvalue()


@dataclass(frozen=True)
class Raster:
    """A figure drawn once by Agg: its pixels (height x width x RGBA, or RGB when opaque; top
    row first), the resolution they were drawn at and the size in inches they cover.

    One drawing gives every resolution a chart is saved at: drawing (laying out and rendering
    text, ticks, legend) costs far more than resampling the pixels it made."""

    pixels: np.ndarray
    dpi: float
    inches: tuple[float, float]

    def png(self) -> bytes:
        """The pixels as PNG bytes, written as matplotlib writes a figure it draws (through
        Pillow, its dpi recorded, no software or time stamp), so the same pixels give the same
        bytes."""
        buf = io.BytesIO()
        Image.fromarray(self.pixels).save(
            buf, format="png", dpi=(self.dpi, self.dpi), pnginfo=PngInfo(), **PNG_OPTIONS
        )
        return buf.getvalue()

    def at(self, dpi: float) -> Raster:
        """The same picture at a lower `dpi`, at the size matplotlib would draw it there, each
        pixel the area average of the pixels it covers (Pillow's box filter); opaque pixels
        come back as RGB (three channels resample and compress faster than four)."""
        if dpi >= self.dpi:
            raise ValueError(f"Only to a lower resolution than {self.dpi} dpi, not {dpi}.")
        # whole pixels as matplotlib counts them (a hair under a whole number is that number)
        width, height = (max(1, int(side * dpi + 1e-8)) for side in self.inches)
        image = Image.fromarray(self.pixels)
        if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
            image = image.convert("RGB")
        small = image.resize((width, height), Image.Resampling.BOX)
        return Raster(np.asarray(small), dpi, self.inches)


def raster(fig: Figure, dpi: float, bbox: Bbox) -> Raster:
    """`fig` drawn by Agg at `dpi`, cropped to `bbox` (inches) as `savefig(bbox_inches=bbox)`
    crops it: the pixels `savefig` would write to a PNG."""
    before = fig.canvas
    canvas = FigureCanvasAgg(fig)
    try:
        canvas.print_figure(io.BytesIO(), format="raw", dpi=dpi, bbox_inches=bbox)
        rgba = np.array(canvas.buffer_rgba(), copy=True)
    finally:
        fig.set_canvas(before)
    return Raster(rgba, dpi, (bbox.width, bbox.height))


def _spc_values(series: pd.DataFrame) -> pd.Series:
    """The values the XmR chart was computed on (seasonally adjusted where they were)."""
    if "spc_value" in series and series["spc_value"].notna().all():
        return series["spc_value"].astype(float)
    return series["value"].astype(float)


def save_figure(
    fig: Figure, base: Path, dpi: int = SLIDE_DPI, bbox: Bbox | None = None
) -> tuple[list[Path], Raster]:
    """Write `fig` as `<base>.png` (at `dpi`) and `<base>.svg`, the same bytes on every rerun,
    both cropped to `bbox` (default: `tight_bbox(fig)`). Returns the files and the PNG's
    pixels, from which a smaller image of the same figure is made without drawing it again."""
    base.parent.mkdir(parents=True, exist_ok=True)
    box = tight_bbox(fig) if bbox is None else bbox
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    drawn = raster(fig, dpi, box)
    png.write_bytes(drawn.png())
    with matplotlib.rc_context({"svg.hashsalt": "reviewkit", "svg.fonttype": "none"}):
        fig.savefig(svg, format="svg", bbox_inches=box, metadata={"Date": None})
    return [png, svg], drawn


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
    if ctx.trajectory is not None:
        y = np.asarray(ctx.trajectory, dtype=float)
        if np.isfinite(y).any():
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
            said.append(
                f"Target trajectory drawn (target {ctx.target_words}); target status is "
                "judged against this line."
            )
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
    return Chart(_png(fig), alt)


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
    fig = new_figure(7.2, 2.8)  # a board paper's chart: a third of a page at most
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
        every_year = len(months) > 8
        keep = [i for i, m in enumerate(months) if not every_year or m.month <= 3]
        labels = [
            str(months[i].year)
            if every_year
            else f"Q{(months[i].month - 1) // 3 + 1} {months[i].year}"
            for i in keep
        ]
        return keep, labels
    wanted = (1,) if span_years > 2 else (1, 7) if span_years > 1 else (1, 4, 7, 10)
    keep = [i for i, m in enumerate(months) if m.month in wanted]
    if not keep:
        keep = [0]
    return keep, [months[i].strftime("%b %Y") for i in keep]


def y_label(measure: str, period: str) -> str:
    """The value axis in words, with units and the period each point covers."""
    text = series_unit(measure, period)
    return text[0].upper() + text[1:]


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
        return Chart(_png(fig, bbox=box), alt)


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
    return Chart(_png(fig), alt)


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
