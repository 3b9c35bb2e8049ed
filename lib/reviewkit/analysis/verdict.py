"""One verdict per indicator, computed once and typed.

Every surface that says anything about an indicator (the board's executive summary, scorecard
badges and icons, captions, chart texts and alt text, the community update, the workbook, an
analyst's `open_cycle`) renders from this verdict and re-derives nothing. It holds:

- whether the indicator can be assessed, and why not (a code, the data request and the periods
  missing: the words for each reader are chosen by the report, never parsed back from text);
- whether the periods are comparable: a recording change between them and the analyst's
  decision on it (none yet, `exclude`, `rebase` or `real`);
- the change against the baseline: improved, worsened, about the same, cannot tell yet (with
  its interval in the scorecard), not comparable or not assessable;
- the SPC signal in SPC's own words (special cause or common cause at the latest point, and
  how many points of the chart show special cause): never "significant", which is a test's
  word;
- the target status reconciled with assurance by one rule (`target_assurance`): met or on
  track is "assured" only when the change is beyond chance in the better direction and the
  process limits do not straddle or miss the target; otherwise it is "not assured", with the
  reasons.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast, get_args

ChangeCall = Literal[
    "improved", "worsened", "about the same", "cannot tell", "not comparable", "not assessable"
]
SpcCall = Literal[
    "special cause improvement", "special cause concern", "special cause", "common cause", ""
]
TargetCall = Literal["met", "on track", "off track", "no target", "not assessable"]
Assured = Literal["assured", "not assured", ""]
Comparability = Literal["comparable", "awaiting decision", "rebased", "confirmed real", "excluded"]
# Why an indicator cannot be assessed, as a code: the report chooses the words for each reader.
WhyNot = Literal[
    "",
    "not received",
    "unusable",
    "missing periods",
    "baseline missing",
    "baseline outside the data",
    "no population",
    "no rows",
    "no whole period",
    "periods do not fit",
    "every type excluded",
    "nothing to compare",
]
# Why a met or on-track target is not assured.
NotAssuredBecause = Literal["change within noise", "target within limits", "limits miss target"]

CHANGE_CALLS: tuple[str, ...] = get_args(ChangeCall)
SPC_CALLS: tuple[str, ...] = get_args(SpcCall)
TARGET_CALLS: tuple[str, ...] = get_args(TargetCall)
COMPARABILITY: tuple[str, ...] = get_args(Comparability)
WHY_NOT: tuple[str, ...] = get_args(WhyNot)
NOT_ASSURED: tuple[str, ...] = get_args(NotAssuredBecause)

# The change test's codes (`methods.exact_tests.verdict`) as the verdict's words.
_CHANGE = {"no real change": "about the same"}
_SPC = {
    "common_cause": "common cause",
    "improvement_high": "special cause improvement",
    "improvement_low": "special cause improvement",
    "concern_high": "special cause concern",
    "concern_low": "special cause concern",
    "neutral_high": "special cause",
    "neutral_low": "special cause",
}


def change_call(direction: str) -> ChangeCall:
    """The change verdict from the indicator engine's direction code."""
    call = _CHANGE.get(direction, direction) or "not assessable"
    if call not in CHANGE_CALLS:
        raise ValueError(f"unknown change direction {direction!r}")
    return cast(ChangeCall, call)


def spc_call(variation: str) -> SpcCall:
    """The SPC signal at the latest point from a Making Data Count variation code."""
    return cast(SpcCall, _SPC.get(variation or "", ""))


def target_call(status: str, has_target: bool) -> TargetCall:
    """The target verdict: 'no target' when the strategy sets none."""
    if not has_target:
        return "no target"
    if status not in TARGET_CALLS:
        raise ValueError(f"unknown target status {status!r}")
    return cast(TargetCall, status)


def target_assurance(
    target: TargetCall, change: ChangeCall, assurance: str
) -> tuple[Assured, tuple[NotAssuredBecause, ...]]:
    """One rule for met and on track alike: assured only when the change against the baseline
    is beyond chance in the better direction and the SPC assurance (where there is a chart)
    does not put the target inside the process limits or beyond them.

    `assurance` is the Making Data Count assurance code (consistent_pass, consistent_fail,
    inconsistent, or '' where no chart could be drawn). Off track, no target and not
    assessable carry no assurance.
    """
    if target not in ("met", "on track"):
        return "", ()
    why: list[NotAssuredBecause] = []
    if change != "improved":
        why.append("change within noise")
    if assurance == "inconsistent":
        why.append("target within limits")
    elif assurance == "consistent_fail":
        why.append("limits miss target")
    return ("not assured" if why else "assured"), tuple(why)


@dataclass(frozen=True)
class Verdict:
    """What the review concludes about one indicator; every surface renders from it."""

    indicator: str
    assessable: bool
    why_not: WhyNot
    why_dataset: str  # the data request the reason is about ('' when none)
    missing: tuple[str, ...]  # period labels missing from the review period or baseline
    comparability: Comparability
    recording_types: tuple[str, ...]  # crime types of the recording change ('' when none)
    recording_from: str  # YYYY-MM: the first month at the new level
    change: ChangeCall
    spc: SpcCall  # the signal at the latest point ('' when no chart)
    special_improvement: int  # points of the chart showing special cause improvement
    special_concern: int
    target: TargetCall
    assured: Assured
    not_assured: tuple[NotAssuredBecause, ...]

    @property
    def judged(self) -> bool:
        """Assessable and comparable: a change and a target status can be stated."""
        return self.assessable and self.change not in ("not comparable", "not assessable")

    @property
    def data_missing(self) -> bool:
        """Not assessable because data did not arrive, arrived unusable, or lacks periods:
        something to ask the provider for (not a matter of definition)."""
        return self.why_not in ("not received", "missing periods", "baseline missing", "unusable")

    @property
    def decision_pending(self) -> bool:
        """A possible recording change between the periods still awaits the analyst."""
        return self.comparability == "awaiting decision"

    def columns(self) -> dict[str, object]:
        """The verdict as the scorecard's typed columns (codes, never sentences)."""
        return {
            "why_not": self.why_not,
            "why_dataset": self.why_dataset,
            "missing_periods": "; ".join(self.missing),
            "comparability": self.comparability,
            "recording_types": "; ".join(self.recording_types),
            "recording_from": self.recording_from,
            "change_verdict": self.change,
            "spc_signal": self.spc,
            "special_improvement": self.special_improvement,
            "special_concern": self.special_concern,
            "target_verdict": self.target,
            "target_assured": self.assured,
            "not_assured_because": "; ".join(self.not_assured),
        }

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Verdict:
        """The verdict a scorecard row carries (its typed columns; validated)."""

        def text(key: str) -> str:
            v = row.get(key, "")
            return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)

        def codes(key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
            out = tuple(x for x in text(key).split("; ") if x)
            bad = [x for x in out if x not in allowed]
            if bad:
                raise ValueError(f"scorecard column {key!r}: unknown code(s) {bad}")
            return out

        def one(key: str, allowed: tuple[str, ...]) -> str:
            v = text(key)
            if v not in allowed:
                raise ValueError(f"scorecard column {key!r}: unknown code {v!r}")
            return v

        return cls(
            indicator=text("id"),
            assessable=bool(row.get("assessable")),
            why_not=cast(WhyNot, one("why_not", WHY_NOT)),
            why_dataset=text("why_dataset"),
            missing=tuple(x for x in text("missing_periods").split("; ") if x),
            comparability=cast(Comparability, one("comparability", COMPARABILITY)),
            recording_types=tuple(x for x in text("recording_types").split("; ") if x),
            recording_from=text("recording_from"),
            change=cast(ChangeCall, one("change_verdict", CHANGE_CALLS)),
            spc=cast(SpcCall, one("spc_signal", SPC_CALLS)),
            special_improvement=int(float(text("special_improvement") or 0)),
            special_concern=int(float(text("special_concern") or 0)),
            target=cast(TargetCall, one("target_verdict", TARGET_CALLS)),
            assured=cast(Assured, one("target_assured", ("assured", "not assured", ""))),
            not_assured=cast(
                tuple[NotAssuredBecause, ...], codes("not_assured_because", NOT_ASSURED)
            ),
        )
