"""The fictional force of the demo data: its authorities, months, crime mix, trends,
recording changes and outcomes, and the expected monthly counts they give."""

from __future__ import annotations

import numpy as np
import pandas as pd

FORCE = "northshire"
FORCE_NAME = "Northshire Police"
AUTHORITIES = [
    "Brackwell",
    "Ashbourne",
    "Cranmoor",
    "Eastmere",
    "Fenwick",
    "Galloway Vale",
    "Highcombe",
    "Ironbridge",
    "Juniper Dales",
    "Kingsholme",
]
NEIGHBOUR = "Dunmere"  # LSOAs in the force's files that belong to no partnership
FIRST_MONTH = pd.Period("2023-01", "M")
LAST_MONTH = pd.Period("2026-09", "M")
STRATEGY_START = pd.Period("2024-10", "M")
# Share of police.uk records by type, roughly as in an English force.
MIX = {
    "Anti-social behaviour": 0.20,
    "Bicycle theft": 0.010,
    "Burglary": 0.045,
    "Criminal damage and arson": 0.080,
    "Drugs": 0.025,
    "Other crime": 0.025,
    "Other theft": 0.065,
    "Possession of weapons": 0.010,
    "Public order": 0.080,
    "Robbery": 0.010,
    "Shoplifting": 0.075,
    "Theft from the person": 0.012,
    "Vehicle crime": 0.050,
    "Violence and sexual offences": 0.313,
}
# Yearly change after the strategy started, by crime type (the demo's "story").
# Changes in recording, force-wide from one month (as police.uk data show when a force
# changes how it records or publishes a type): the demo's data quality page flags them. Each
# crime type's level is multiplied by the factor of the latest of its months reached: a
# tripling, a dip that returns (a recording audit, then a correction) and two steps.
RECORDING_CHANGES: dict[str, list[tuple[pd.Period, float]]] = {
    "Criminal damage and arson": [(pd.Period("2025-04", "M"), 3.0)],
    "Other theft": [(pd.Period("2024-04", "M"), 0.4), (pd.Period("2024-10", "M"), 1.0)],
    "Public order": [(pd.Period("2023-10", "M"), 2.2), (pd.Period("2025-07", "M"), 5.0)],
}
# Possession of weapons rises and no indicator of the demo strategy follows it, so the board
# report's "what the strategy does not cover" has something to show.
TREND = {
    "Anti-social behaviour": -0.14,
    "Shoplifting": 0.12,
    "Burglary": -0.05,
    "Possession of weapons": 0.35,
}
FORCE_CENTRE = (52.6, -1.2)  # latitude, longitude of the fictional force
SNAP_POINTS = 6  # police.uk places each record at one of a few anonymised points per area
OUTCOMES = [
    ("Investigation complete; no suspect identified", 0.44),
    ("Unable to prosecute suspect", 0.24),
    ("Under investigation", 0.08),
    ("Awaiting court outcome", 0.06),
    ("Local resolution", 0.05),
    ("Offender given a caution", 0.03),
    ("Court result unavailable", 0.03),
    ("Further investigation is not in the public interest", 0.03),
    ("Status update unavailable", 0.04),
]
CHARGE_OUTCOMES = ["Awaiting court outcome", "Court result unavailable"]


def slug(name: str) -> str:
    """A name as a folder or file name: lower case, spaces as underscores."""
    return name.lower().replace(" ", "_")


def monthly_expected(months: pd.PeriodIndex, per_month: float, trend: float) -> np.ndarray:
    """The expected count of each month: `per_month` with the season, and after the strategy
    started the yearly `trend`."""
    seasonal = 1 + 0.12 * np.sin(2 * np.pi * (months.month.to_numpy() - 4) / 12)
    after = np.array([max((m - STRATEGY_START).n, 0) for m in months]) / 12
    return per_month * seasonal * (1 + trend) ** after


def recording_factor(crime_type: str, month: pd.Period) -> float:
    """The factor a change in recording puts on a crime type's level in a month."""
    factor = 1.0
    for start, f in RECORDING_CHANGES.get(crime_type, []):
        if month >= start:
            factor = f
    return factor
