"""Charts drawn once: the slides' PNG and the report's image from one Agg drawing, and the
scorecard's trend lines on one reused figure, each the same as drawing it afresh."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image

from reviewkit.report.charts import (
    PNG_OPTIONS,
    REPORT_DPI,
    SLIDE_DPI,
    ChartContext,
    Raster,
    TrendLines,
    new_figure,
    raster,
    save_figure,
    tight_bbox,
    xmr_figure,
)
from reviewkit.store.layout import CycleLayout


def _series(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.period_range("2023-01", periods=n, freq="M")
    value = rng.poisson(300, n).astype(float)
    kinds = ["common_cause", "special_cause_improvement", "special_cause_concern"]
    return pd.DataFrame(
        {
            "period": months.astype(str),
            "period_start": months.astype(str),
            "value": value,
            "mean": value.mean(),
            "upl": value.mean() + 50,
            "lpl": value.mean() - 50,
            "point_type": [kinds[i % 3] for i in range(n)],
        }
    )


def _context() -> ChartContext:
    return ChartContext(
        baseline=("2023-01", "2023-12"),
        review=("2024-07", "2025-06"),
        markers=[("2024-03", "Possible recording change in Robbery")],
        y_label="Count in each month",
    )


def _savefig_png(fig: Figure, dpi: float, box: Bbox) -> bytes:
    """The PNG matplotlib itself writes for the figure (the reference)."""
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=dpi,
        bbox_inches=box,
        metadata={"Software": None},
        pil_kwargs=dict(PNG_OPTIONS),
    )
    return buf.getvalue()


def test_the_slides_png_is_the_png_matplotlib_writes_for_the_figure():
    fig = xmr_figure("Robbery", _series(30), context=_context())
    box = tight_bbox(fig)
    canvas = fig.canvas
    drawn = raster(fig, SLIDE_DPI, box)
    assert fig.canvas is canvas  # the figure is left as it was
    assert drawn.png() == _savefig_png(fig, SLIDE_DPI, box)
    assert Image.open(io.BytesIO(drawn.png())).info["dpi"] == pytest.approx((300, 300), abs=0.01)


@pytest.mark.parametrize("n", [2, 13, 45])
def test_the_report_image_is_the_slides_raster_made_smaller_at_the_size_matplotlib_draws(n):
    fig = xmr_figure(f"Indicator with {n} points", _series(n, seed=n), context=_context())
    box = tight_bbox(fig)
    slide = raster(fig, SLIDE_DPI, box)
    report = Image.open(io.BytesIO(slide.at(REPORT_DPI).png()))
    # the size matplotlib gives the figure drawn at 110 dpi, pixel for pixel
    assert report.size == Image.open(io.BytesIO(_savefig_png(fig, REPORT_DPI, box))).size
    # and its pixels are the slides' PNG averaged down (worked out here with Pillow alone)
    big = Image.open(io.BytesIO(slide.png())).convert("RGB")
    expected = big.resize(report.size, Image.Resampling.BOX)
    assert np.array_equal(np.asarray(report.convert("RGB")), np.asarray(expected))
    assert report.info["dpi"] == pytest.approx((110, 110), abs=0.01)


def test_a_smaller_image_counts_whole_pixels_as_matplotlib_does():
    # 781 / 110 inches is a hair under 781 pixels once multiplied back: still 781
    pixels = np.full((100, 100, 4), 255, dtype=np.uint8)
    drawn = Raster(pixels, 300, (781 / 110, 341 / 110))
    assert drawn.at(110).pixels.shape[:2] == (341, 781)
    assert drawn.at(110).pixels.shape[2] == 3  # opaque: RGB
    see_through = pixels.copy()
    see_through[0, 0, 3] = 0
    assert Raster(see_through, 300, (1.0, 1.0)).at(50).pixels.shape == (50, 50, 4)
    with pytest.raises(ValueError, match="lower resolution"):
        drawn.at(300)


def test_save_figure_writes_png_and_svg_and_returns_the_pixels(tmp_path):
    fig = xmr_figure("Robbery", _series(20), context=_context())
    box = tight_bbox(fig)
    files, drawn = save_figure(fig, tmp_path / "robbery", bbox=box)
    assert [p.name for p in files] == ["robbery.png", "robbery.svg"]
    assert files[0].read_bytes() == drawn.png() == _savefig_png(fig, SLIDE_DPI, box)
    assert "<svg" in files[1].read_text(encoding="utf-8")


def _fresh_trend_png(series: pd.DataFrame, review_start: str) -> bytes:
    """A trend line drawn on a figure of its own, as it was before figures were reused."""
    fig = new_figure(2.4, 0.7)
    ax = fig.subplots()
    if len(series):
        x = np.arange(len(series))
        ax.plot(x, series["value"], color="#005eb8", linewidth=1.2)
        in_review = (series["period_start"] >= review_start).to_numpy()
        if in_review.any():
            ax.axvspan(x[in_review][0] - 0.5, x[-1] + 0.5, color="#e8edee", zorder=0)
    ax.axis("off")
    fig.tight_layout(pad=0.1)
    return _savefig_png(fig, REPORT_DPI, tight_bbox(fig))


def test_trend_lines_on_one_figure_are_the_same_bytes_as_each_drawn_afresh():
    big = _series(40, seed=1)
    big.loc[5, "value"] = np.nan  # a gap in the line
    cases = [
        _series(24, seed=2),
        pd.DataFrame(columns=["period", "period_start", "value"]),  # no data
        _series(1, seed=3),
        big,
        _series(6, seed=4).assign(value=lambda f: f["value"] * 1000),  # other scale
        _series(12, seed=5),  # nothing in the review period
        _series(3, seed=6).assign(value=0.0),  # flat
        _series(30, seed=7),
    ]
    review_start = "2024-07"
    lines = TrendLines()
    for i, series in enumerate(cases):
        chart = lines.chart(f"Indicator {i}", series, "count", review_start)
        assert chart.png == _fresh_trend_png(series, review_start), f"case {i} differs"
    assert "no data" in lines.chart("Empty", cases[1], "count", review_start).alt


@pytest.mark.e2e
def test_the_cycle_writes_every_chart_and_the_report_images_are_the_slides_made_smaller(
    cycle_run,
):
    import reviewkit as rk

    cycle = rk.open_cycle(cycle_run["cycle"])
    layout = CycleLayout(cycle_run["cycle"])
    charted = [i for i in cycle.indicators if len(cycle.series(i)) >= 2]
    for ind in cycle.indicators:
        for suffix in ("png", "txt"):
            assert layout.report_chart(f"{ind}-trend").with_suffix(f".{suffix}").is_file()
    for ind in charted:
        for suffix in ("png", "svg", "txt"):
            assert layout.chart(ind, suffix).is_file()
        slide = Image.open(layout.chart(ind, "png"))
        report = Image.open(layout.report_chart(f"{ind}-xmr").with_suffix(".png"))
        assert slide.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert report.info["dpi"] == pytest.approx((110, 110), abs=0.01)
        for big, small in zip(slide.size, report.size, strict=True):
            assert abs(big * 110 / 300 - small) <= 1
        expected = slide.convert("RGB").resize(report.size, Image.Resampling.BOX)
        assert np.array_equal(np.asarray(report.convert("RGB")), np.asarray(expected))


# Read on paper: date ticks that never overlap, and lines told apart in greyscale ---------------
def _periodic(n: int, months_apart: int) -> pd.DataFrame:
    s = _series(n)
    starts = pd.period_range("2022-04", periods=n, freq=f"{months_apart}M")
    s["period_start"] = starts.astype(str)
    s["period"] = [str(p) for p in starts]
    if months_apart == 3:  # quarterly series are labelled as reports label them
        s["period"] = [f"{p.strftime('%b')}-{(p + 2).strftime('%b %Y')}" for p in starts]
    return s


@pytest.mark.parametrize(
    ("n", "months_apart"), [(7, 1), (15, 1), (30, 1), (45, 1), (120, 1), (6, 3), (16, 3), (5, 12)]
)
def test_date_ticks_never_overlap_and_fall_on_quarters_or_years(n, months_apart):
    from reviewkit.report.charts import date_ticks

    s = _periodic(n, months_apart)
    ticks, labels = date_ticks(list(s["period_start"]))
    assert ticks and len(ticks) == len(labels)
    for i in ticks:  # at the start of a quarter (months, quarters) or a financial year
        month = pd.Period(s["period_start"].iloc[i], "M").month
        assert month in ((1, 4, 7, 10) if months_apart < 12 else (4,)), (i, month)
    fig = xmr_figure("A chart", s, None, _context() if months_apart == 1 else None)
    fig.canvas.draw()
    boxes = [
        t.get_window_extent()
        for t in fig.axes[0].get_xticklabels()
        if t.get_visible() and t.get_text()
    ]
    assert len(boxes) == len(ticks)
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a.x1 < b.x0, (a, b)  # drawn labels do not touch


def test_baseline_review_trajectory_and_limits_differ_without_colour():
    s = _series(30)
    ctx = _context()
    ctx.trajectory = list(np.linspace(320, 280, len(s)))
    fig = xmr_figure("A chart", s, None, ctx)
    ax = fig.axes[0]
    hatches = sorted(str(p.get_hatch()) for p in ax.patches)
    assert hatches == ["////", "None"]  # the baseline hatched, the review period plain
    lines = {ln.get_label(): ln for ln in ax.lines}
    limits, trajectory = lines["Process limits"], lines["Target trajectory"]
    assert limits.get_linestyle() == "--"
    assert trajectory.get_linestyle() == "-" and trajectory.get_marker() not in ("", "None")
    assert trajectory.get_linewidth() > lines["Mean"].get_linewidth()


def test_a_map_names_its_places_without_writing_one_name_over_another():
    from reviewkit.report.maps import density_map

    cells = pd.DataFrame(
        {"cell_row": [10, 10, 11, 14], "cell_col": [20, 21, 20, 26], "n": [40, 12, 7, 30]}
    )
    places = [(10, 20, "Brackwell 008C"), (10, 20, "Brackwell 009B"), (10, 20, "Brackwell 001D")]
    places.append((14, 26, "Brackwell 014D"))
    places.append((99, 99, "Elsewhere 001A"))  # outside the map: never written
    chart = density_map(cells, "Map", "records", "a year", 5, places=places)
    said = chart.alt.split("Named on the map: ")[1].rstrip(".").split(", ")
    # the busiest place first; one name at most on each side of a dot, so three names at one
    # cell are never all written; a place off the map never
    assert said[0] == "Brackwell 008C" and "Brackwell 014D" in said
    assert len({"Brackwell 008C", "Brackwell 009B", "Brackwell 001D"} & set(said)) < 3
    assert "Elsewhere 001A" not in said
    plain = density_map(cells, "Map", "records", "a year", 5)
    assert "Named on the map" not in plain.alt and plain.png != chart.png
