"""Figures as the reports and slides get them: a `Chart` (PNG and text alternative), figures
drawn without pyplot, plain text for chart words, and the PNG and SVG files written the same,
byte for byte, on every rerun.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image
from PIL.PngImagePlugin import PngInfo

P = ParamSpec("P")
R = TypeVar("R")

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
        """The PNG as a data URI, for an `<img>` in a self-contained HTML page."""
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
        return png_bytes(self, dpi=100)


def new_figure(width: float, height: float) -> ChartFigure:
    """An empty figure (no pyplot, no backend switch)."""
    return ChartFigure(figsize=(width, height))


def png_bytes(fig: Figure, dpi: int = 110, bbox: Bbox | None = None) -> bytes:
    """The figure as PNG bytes (the size the reports embed by default), cropped to `bbox`
    (inches; default `tight_bbox(fig)`, what it draws), with no software or time stamp."""
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


def tight_bbox(fig: Figure) -> Bbox:
    """The part of a laid-out figure that `savefig(bbox_inches="tight")` keeps, with its
    padding, worked out once: a figure saved in several formats and sizes then lays its text
    out once, not once per file (text layout is most of a chart's drawing time). The layout
    is final from here (saving does not lay the figure out again)."""
    box = fig.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])
    fig.set_layout_engine(None)
    return box


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
