"""The params' blocks saying when and where: the review and baseline periods, the area, and
the input files the analyst keeps (`review_period`, `baseline_period`, `area:`, `inputs:`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
from pydantic import Field, field_validator, model_validator

from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strict import Strict


def params_month(value: Any) -> str:
    """A month as the params and input files write it (`YYYY-MM`; a date gives its month),
    checked to be a real month; ValueError saying how to write it otherwise."""
    if isinstance(value, dt.date):
        value = f"{value.year}-{value.month:02d}"
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise ValueError(f"'{value}' is not a month; write it as YYYY-MM, e.g. 2026-03")
    try:
        pd.Period(text, "M")
    except ValueError:
        raise ValueError(f"'{value}' is not a real month") from None
    if not 1 <= int(text[5:]) <= 12:
        raise ValueError(f"'{value}' is not a real month")
    return text


class Period(Strict):
    """An inclusive run of whole months, written `YYYY-MM`."""

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        return params_month(value)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(
                f"the period ends ({self.end}) before it starts ({self.start}); swap start and end"
            )
        return self

    @property
    def range(self) -> MonthRange:
        """The period as a `MonthRange`, the form the analysis works with."""
        return MonthRange.of(self.start, self.end)


class Area(Strict):
    """The partnership's area: local authority names (the LSOA name prefix) or an LSOA list."""

    local_authorities: list[str] = Field(default_factory=list)
    lsoa_file: str | None = None

    @model_validator(mode="after")
    def _one_given(self) -> Area:
        if not self.local_authorities and not self.lsoa_file:
            raise ValueError(
                "give local_authorities (LSOA name prefixes) or lsoa_file "
                "(a CSV with an lsoa_code column)"
            )
        return self


class Inputs(Strict):
    """Files the analyst keeps for the partnership (paths from the repository root)."""

    strategy: str
    data_requests: str
    difficulties: str
    population: str | None = None
    peers: str | None = None
    narrative: str | None = None
    place_names: str | None = Field(
        None,
        description="optional CSV of friendly neighbourhood names by MSOA (e.g. the House of "
        "Commons Library's MSOA Names), for the community update",
    )
    lsoa_boundaries: str | None = Field(
        None,
        description="optional GeoJSON of LSOA boundaries "
        "for maps by LSOA (else maps use ~500 m grid cells)",
    )
    # The strategy re-assessment's inputs (analysis/reassessment.py; docs/inputs.md)
    priority_scores: str | None = Field(
        None, description="optional YAML of the analyst's priority-setting scores"
    )
    harm_weights: str | None = Field(
        None, description="optional CSV of harm weights by crime type (a crime harm index)"
    )
