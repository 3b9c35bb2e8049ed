"""Small builders the property tests share (kept apart from conftest's fixtures)."""

from __future__ import annotations

from conftest import cycle_params
from reviewkit.inputs.params import CycleParams


def cycle_params_with(decisions: list[dict]) -> CycleParams:
    """The demo params with the analyst's recording-change decisions."""
    return cycle_params(analysis={"recording_changes": decisions}) if decisions else cycle_params()
