"""Numbers and words as reports show them: one place, so tables and narrative agree."""

from __future__ import annotations

import math

DIRECTION_WORDS = {
    "improved": "Improved",
    "worsened": "Worsened",
    "no real change": "About the same",
    "cannot tell": "Cannot tell yet",
    "not comparable": "Not comparable",
    "not assessable": "Not assessable",
}


def is_missing(x: object) -> bool:
    """Whether a value is missing (None, NaN or empty text): missing is never shown as zero."""
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
    """A percentage to one decimal ('+12.5%', or unsigned), '–' when missing."""
    if is_missing(x):
        return "–"
    v = float(x)  # type: ignore[arg-type]
    return f"{v:+.1f}%" if signed else f"{abs(v):.1f}%"


def fmt_change(x: object, measure: str) -> str:
    """A change in the measure's units with its sign ('−3.2 points' for a proportion),
    '–' when missing."""
    if is_missing(x):
        return "–"
    v = float(x)  # type: ignore[arg-type]
    sign = "+" if v > 0 else ("−" if v < 0 else "")
    body = fmt_value(abs(v), measure)
    if measure == "proportion":
        body = body.replace("%", " points")
    return f"{sign}{body}"


def fmt_p(p: object) -> str:
    """A p-value to three decimals ('< 0.001' below that), '–' when missing."""
    if is_missing(p):
        return "–"
    v = float(p)  # type: ignore[arg-type]
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def unit_suffix(measure: str) -> str:
    """The words after a rate's value (' per 1,000 residents a year'); '' for other measures."""
    return {
        "rate_per_1000_residents": " per 1,000 residents a year",
        "rate_per_1000_households": " per 1,000 households a year",
    }.get(measure, "")


def fmt_change_for(x_change: object, x_pct: object, measure: str) -> str:
    """A change as a table shows it: % for counts and rates, percentage points for
    proportions (a fall from 9.0% to 8.7% is -0.3 points, not -3.3%)."""
    if measure == "proportion":
        return fmt_change(x_change, measure)
    return fmt_pct(x_pct)


def series_unit(measure: str, period: str) -> str:
    """What one point of an indicator's chart is: rates per chart period, not per year."""
    per = {"month": "month", "quarter": "quarter", "financial_year": "financial year"}.get(
        period, period.replace("_", " ")
    )
    return {
        "rate_per_1000_residents": f"rate per 1,000 residents in each {per}",
        "rate_per_1000_households": f"rate per 1,000 households in each {per}",
        "proportion": f"% in each {per}",
        "count": f"count in each {per}",
    }.get(measure, f"value in each {per}")
