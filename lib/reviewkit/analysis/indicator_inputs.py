"""What the indicator engine reads for one review cycle, as one object: the params, intake's
tidy tables and what arrived, so every piece of the engine takes the same inputs whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.analysis.recording import Change
from reviewkit.inputs.params import CycleParams


@dataclass(frozen=True)
class IndicatorInputs:
    """The inputs every indicator of a cycle is computed from.

    `tidy`: police counts by dataset (month, crime type, outcome category, n);
    `partner`: tidy partner measures; `present`: the months each police dataset arrived for
    (a month there with no matching rows counts zero, a month absent is missing);
    `status`: each dataset's completeness status; `population`: population figures, None when
    none were given (a rate then cannot be worked out); `changes`: possible recording changes
    with the analyst's decisions (`recording_changes`).
    """

    params: CycleParams
    tidy: Mapping[str, pd.DataFrame]
    partner: pd.DataFrame
    present: Mapping[str, list[str]]
    status: Mapping[str, str]
    population: pd.DataFrame | None = None
    changes: Mapping[str, Change] = field(default_factory=dict)
