"""Small builders the property tests share (kept apart from conftest's fixtures)."""

from __future__ import annotations

import math  # noqa: F401 - re-exported for the tests that build on these

from conftest import cycle_params
from reviewkit.inputs.params import CycleParams


def cycle_params_with(decisions: list[dict]) -> CycleParams:
    """The demo params with the analyst's recording-change decisions."""
    analysis = {"recording_changes": decisions} if decisions else {}
    return cycle_params(analysis=analysis) if analysis else cycle_params()
