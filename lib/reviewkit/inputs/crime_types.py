"""data.police.uk crime types, and how older names map onto today's so long series compare.

Current categories (since May 2013) are the 14 in `CRIME_TYPES`. Older files use names that
were later renamed or split; `HISTORY` maps each to the category used in tidy tables:

- "Violent crime" was renamed "Violence and sexual offences" (the same offences plus sexual
  offences, which were inside "Other crime" before May 2013): mapped to the new name.
- "Public disorder and weapons" was split into "Public order" and "Possession of weapons" in
  May 2013. A row cannot be split after the fact, so it is kept under the legacy name
  `Public disorder and weapons`; an indicator that needs a series across 2013 filters on
  all three names (see docs/method.md).

Any other name is not silently dropped: intake quarantines the row with the reason
"unknown crime type" and logs a quality difficulty.
"""

from __future__ import annotations

CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

LEGACY_TYPES: tuple[str, ...] = ("Public disorder and weapons",)
# Every name a tidy table can hold: today's types and the legacy one kept as it was.
ALL_NAMES: tuple[str, ...] = (*CRIME_TYPES, *LEGACY_TYPES)

HISTORY: dict[str, str] = {
    "Violent crime": "Violence and sexual offences",
    **{name: name for name in CRIME_TYPES},
    **{name: name for name in LEGACY_TYPES},
}


def standard_crime_type(name: str | None) -> str | None:
    """Today's category for a police.uk crime type name, or None if it is unknown."""
    if name is None:
        return None
    return HISTORY.get(name.strip())
