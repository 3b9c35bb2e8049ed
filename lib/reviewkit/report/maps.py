"""Maps of where crime happens, drawn from grid cells (never points) or, when the analyst
supplies them, LSOA boundaries.

Counts are shown in a few classes, not as exact numbers; the lowest class starts at 1 and ends
below the suppression threshold, so a map in the community update says "fewer than 5" exactly
where its tables would. No background map is fetched: the reports make no network request.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from reviewkit.base.errors import ReviewError
from reviewkit.methods.grid import CELL_LAT
from reviewkit.report.charts import Chart, new_figure, plain_text, png_bytes
from reviewkit.report.suppression import label

# light to dark: each class is also lighter or darker, so it reads in greyscale
COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"]


def _png(fig: object) -> bytes:
    return png_bytes(fig)  # type: ignore[arg-type]


def classes(counts: np.ndarray, threshold: int) -> list[int]:
    """Class edges: 1, the suppression threshold, then rounded quantiles of the larger counts;
    a count c is in class k when edges[k] <= c < edges[k + 1]."""
    big = counts[counts >= threshold]
    edges = [1, threshold]
    if len(big):
        for q in (0.5, 0.8, 0.95):
            v = float(np.quantile(big, q))
            step = 10 ** max(0, int(math.log10(max(v, 1))) - 1)
            edges.append(int(max(threshold + 1, round(v / step) * step)))
        edges.append(int(big.max()) + 1)
    edges = sorted(set(edges))
    return edges[: len(COLOURS) + 1]


def class_labels(edges: list[int], threshold: int, community: bool) -> list[str]:
    """The legend's words for each class of a map's counts ('1 to 9', or 'fewer than
    10' for residents), from the class edges."""
    out = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        if lo == 1 and hi == threshold:
            out.append(label(threshold) if community else f"1 to {threshold - 1}")
        elif hi - 1 == lo:
            out.append(f"{lo:,}")
        else:
            out.append(f"{lo:,} to {hi - 1:,}")
    return out


def _legend(ax: Axes, edges: list[int], threshold: int, community: bool, what: str) -> None:
    labels = class_labels(edges, threshold, community)
    handles = [
        Patch(facecolor=COLOURS[i], edgecolor="#425563", label=lab) for i, lab in enumerate(labels)
    ]
    ax.legend(
        handles=handles,
        title=what,
        fontsize=7,
        title_fontsize=7,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )


@plain_text
def density_map(
    cells: pd.DataFrame,
    title: str,
    what: str,
    period: str,
    threshold: int,
    community: bool = False,
    places: list[tuple[int, int, str]] | None = None,
) -> Chart:
    """A map of counts per grid cell (about 500 m): `cells` has cell_row, cell_col, n.
    `places` (cell row, cell column, name) are written on the map where they fall in it, so a
    reader can tell where it is."""
    fig = new_figure(5.6, 4.2)
    ax = fig.subplots()
    cells = cells[cells["n"] > 0]
    if cells.empty:
        return Chart(b"", f"No map of {what}: no records with a location in {period}.")
    r0, c0 = int(cells["cell_row"].min()), int(cells["cell_col"].min())
    h = int(cells["cell_row"].max()) - r0 + 1
    w = int(cells["cell_col"].max()) - c0 + 1
    grid = np.full((h, w), np.nan)
    grid[cells["cell_row"].to_numpy() - r0, cells["cell_col"].to_numpy() - c0] = cells["n"]
    edges = classes(cells["n"].to_numpy(), threshold)
    cmap = ListedColormap(COLOURS[: len(edges) - 1])
    norm = BoundaryNorm(edges, cmap.N)
    # cells are about square on the ground: equal aspect in cell units
    ax.pcolormesh(
        np.arange(w + 1),
        np.arange(h + 1),
        np.ma.masked_invalid(grid),
        cmap=cmap,
        norm=norm,
        edgecolors="none",
    )
    ax.set_aspect("equal")
    ax.set_facecolor("#f7f7f7")
    ax.set_xticks([])
    ax.set_yticks([])
    km = 1000 / (CELL_LAT * 111_320)  # cells per kilometre north-south
    ax.plot([0.5, 0.5 + 2 * km], [-1.2, -1.2], color="#212b32", linewidth=2, clip_on=False)
    ax.text(0.5 + km, -2.0, "2 km", ha="center", va="top", fontsize=7)
    ax.set_title(title, fontsize=9, loc="left")
    _legend(ax, edges, threshold, community, f"{what} per cell")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_color("#d8dde0")
    fig.tight_layout()
    named = _name_places(ax, places or [], r0, c0, h, w)  # on the final layout: no overlap
    n = cells["n"].sort_values(ascending=False).to_numpy()
    half = int(np.searchsorted(np.cumsum(n), n.sum() / 2) + 1)
    alt = (
        f"Map of {what} in {period}, counted in grid cells of about 500 metres (no "
        f"individual locations). {len(cells):,} cells have at least one; half of all "
        f"records fall in the busiest {half:,} cells ({half / len(cells):.0%} of them). "
        "Darker cells have more: classes "
        f"{', '.join(class_labels(edges, threshold, community))}."
    )
    if named:
        alt += f" Named on the map: {', '.join(named)}."
    return Chart(_png(fig), alt)


def _name_places(
    ax: Axes, places: list[tuple[int, int, str]], r0: int, c0: int, h: int, w: int
) -> list[str]:
    """Write each place's name at its cell (outlined in white, readable on any shade and in
    greyscale), to the right of its dot or, where that would cover a name already written,
    to the left; a name that fits neither way is left off. The names written, in order."""
    from matplotlib import patheffects

    taken: list = []
    named = []
    for row, col, name in places:
        y, x = row - r0 + 0.5, col - c0 + 0.5
        if not (0 <= y <= h and 0 <= x <= w):
            continue
        for side, words in (("left", f" {name}"), ("right", f"{name} ")):
            text = ax.text(
                x,
                y,
                words,
                fontsize=6.5,
                ha=side,
                va="center",
                color="#212b32",
                zorder=5,
                path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
            )
            box = text.get_window_extent()  # matplotlib finds the figure's renderer
            if not any(box.overlaps(other) for other in taken):
                taken.append(box)
                ax.plot([x], [y], marker="o", markersize=2.5, color="#212b32", zorder=4)
                named.append(name)
                break
            text.remove()
    return named


# LSOA boundaries (optional) ---------------------------------------------------------------------
CODE_KEYS = ("LSOA21CD", "LSOA11CD", "lsoa21cd", "lsoa11cd", "lsoa_code", "LSOA_CODE", "code")


def load_boundaries(path: Path) -> dict[str, list[np.ndarray]]:
    """LSOA code -> outer rings of its polygons, from a GeoJSON FeatureCollection (e.g. the
    ONS Open Geography Portal's LSOA boundaries). Raises ReviewError naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ReviewError(f"{path}: not a readable GeoJSON file ({exc}).") from None
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list) or not feats:
        raise ReviewError(
            f"{path}: no features; expected a GeoJSON FeatureCollection of LSOA boundaries."
        )
    props = feats[0].get("properties") or {}
    key = next((k for k in CODE_KEYS if k in props), None)
    if key is None:
        raise ReviewError(
            f"{path}: no LSOA code property (looked for {', '.join(CODE_KEYS)}; "
            f"found {', '.join(list(props)[:8]) or 'none'})."
        )
    out: dict[str, list[np.ndarray]] = {}
    for f in feats:
        geom = f.get("geometry") or {}
        code = str((f.get("properties") or {}).get(key, ""))
        if geom.get("type") == "Polygon":
            polys = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["coordinates"]
        else:
            continue
        out[code] = [np.asarray(p[0], dtype=float)[:, :2] for p in polys if p]
    return out


@plain_text
def choropleth(
    counts: pd.Series,
    boundaries: dict[str, list[np.ndarray]],
    title: str,
    what: str,
    period: str,
    threshold: int,
    community: bool = False,
) -> Chart:
    """A map of counts per LSOA (`counts` indexed by LSOA code), in classes."""
    codes = [c for c in counts.index if c in boundaries]
    if not codes:
        return Chart(
            b"", f"No LSOA map of {what}: none of the area's LSOAs is in the boundaries file."
        )
    fig = new_figure(5.6, 4.2)
    ax = fig.subplots()
    vals = counts.loc[codes].to_numpy(float)
    edges = classes(vals[vals > 0], threshold) if (vals > 0).any() else [1, threshold]
    polys, colours = [], []
    for code, v in zip(codes, vals, strict=True):
        k = int(np.searchsorted(edges, v, side="right") - 1) if v >= 1 else -1
        for ring in boundaries[code]:
            polys.append(ring)
            colours.append("#ffffff" if k < 0 else COLOURS[min(k, len(COLOURS) - 1)])
    ax.add_collection(
        PolyCollection(polys, facecolors=colours, edgecolors="#8a939b", linewidths=0.3)
    )
    ax.autoscale()
    ax.set_aspect(
        1 / math.cos(math.radians(float(np.mean([p[:, 1].mean() for p in polys]))))
        if abs(polys[0][0, 1]) <= 90
        else "equal"
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9, loc="left")
    _legend(ax, edges, threshold, community, f"{what} per LSOA")
    fig.tight_layout()
    missing = len(counts) - len(codes)
    alt = (
        f"Map of {what} in {period} by LSOA ({len(codes)} LSOAs"
        + (f"; {missing} not in the boundaries file" if missing else "")
        + f"). Darker areas have more: classes "
        f"{', '.join(class_labels(edges, threshold, community))}."
    )
    return Chart(_png(fig), alt)
