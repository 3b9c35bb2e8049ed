"""Possible recording changes in each police street dataset, found at intake (by
`reviewkit.methods.recording`) and noted on the dataset with the decision the params record."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reviewkit.inputs.params import RecordingDecision
from reviewkit.inputs.register import Register
from reviewkit.intake.accounting import DatasetIntake
from reviewkit.methods import recording

DECIDED = {
    "exclude": "the type is set aside in the indicators",
    "rebase": "comparisons start again from that month",
    "real": "it is a real change: compared as usual",
}


def recording_changes(
    register: Register,
    datasets: dict[str, DatasetIntake],
    decisions: Sequence[RecordingDecision] = (),
) -> pd.DataFrame:
    """Possible recording changes in each police street dataset, each also noted on the
    dataset for the data quality page (and `check`): awaiting a decision, or the decision the
    params record for that type and month."""

    def decided(crime_type: str, month: str) -> RecordingDecision | None:
        """The decision on this step: its type, within two months (as the indicators read it)."""
        return next(
            (
                d
                for d in decisions
                if d.crime_type == crime_type
                and abs((pd.Period(d.month, "M") - pd.Period(month, "M")).n) <= 2
            ),
            None,
        )

    frames = []
    for request in register.data_requests:
        d = datasets.get(request.dataset)
        if request.source.kind != "police_uk_street" or d is None or d.tidy is None:
            continue
        rest = d.rest_of_force
        months = sorted(set(d.periods) | (set(rest["month"]) if rest is not None else set()))
        found = recording.detect(d.tidy, rest, months)
        for _, r in found.iterrows():
            decision = decided(str(r["crime_type"]), str(r["month"]))
            d.notes.append(
                recording.describe(r)
                if decision is None
                else f"Recording change in {r['crime_type']} from {r['month']}: decided "
                f"'{decision.decision}' ({DECIDED[decision.decision]})"
                + (f": {decision.reason}" if decision.reason else "")
            )
        frames.append(found.assign(dataset=request.dataset))
    if not frames:
        return pd.DataFrame(columns=["dataset", *recording.COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["dataset", *recording.COLUMNS]]
