"""Numbers and words as reports show them: one place, so tables and narrative agree."""

from __future__ import annotations

import math

DIRECTION_WORDS = {"improved": "Improved", "worsened": "Worsened",
                   "no real change": "No real change", "not assessable": "Not assessable"}


def is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x == ""


def fmt_value(x: object, measure: str) -> str:
    """`1,234`, `16.0` (rates), `8.6%` (proportions), or an en dash when missing."""
    if is_missing(x):
        return "–"
    v = float(x)  # type: ignore[arg-type]
    if measure == "count":
        return f"{v:,.0f}"
    if measure == "proportion":
        return f"{v:.1f}%"
    return f"{v:,.1f}"


def fmt_pct(x: object, signed: bool = True) -> str:
    if is_missing(x):
        return "–"
    v = float(x)  # type: ignore[arg-type]
    return f"{v:+.1f}%" if signed else f"{abs(v):.1f}%"


def fmt_change(x: object, measure: str) -> str:
    if is_missing(x):
        return "–"
    v = float(x)  # type: ignore[arg-type]
    sign = "+" if v > 0 else ("−" if v < 0 else "")
    body = fmt_value(abs(v), measure)
    if measure == "proportion":
        body = body.replace("%", " points")
    return f"{sign}{body}"


def fmt_p(p: object) -> str:
    if is_missing(p):
        return "–"
    v = float(p)  # type: ignore[arg-type]
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def unit_suffix(measure: str) -> str:
    return {"rate_per_1000_residents": " per 1,000 residents a year",
            "rate_per_1000_households": " per 1,000 households a year"}.get(measure, "")
