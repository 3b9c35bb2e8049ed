"""The params' `analysis:` and `report:` blocks: how changes are tested, charted and flagged,
and how the reports suppress small numbers and are signed off."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from reviewkit.inputs.blocks import params_month
from reviewkit.inputs.strict import Strict

# how funnel limits allow for over-dispersion between peers (analysis.peers applies it)
FunnelAdjustment = Literal["additive", "multiplicative", "none"]


class SpcOptions(Strict):
    """XmR chart options; defaults follow NHS England's Making Data Count guidance."""

    shift_length: int = Field(7, ge=2, description="run of points on one side of the mean")
    trend_length: int = Field(7, ge=2, description="run of points all rising or all falling")
    screen_outliers: bool = Field(True, description="drop moving ranges above 3.267 x mean")
    minimum_points: int = Field(15, ge=2, description="points needed before limits are relied on")
    fix_after_n_points: int | None = Field(None, ge=2)
    rebase: list[str] = Field(
        default_factory=list,
        description="months (YYYY-MM) where the "
        "limits are recalculated, e.g. when the strategy started",
    )

    @field_validator("rebase", mode="before")
    @classmethod
    def _months(cls, value: Any) -> Any:
        return [params_month(m) for m in value] if isinstance(value, list) else value


class RecordingDecision(Strict):
    """The analyst's decision on a possible recording change the data quality page flagged."""

    crime_type: str = Field(description="police.uk crime type, as the data quality page names it")
    month: str = Field(description="first month at the new level (YYYY-MM)")
    decision: Literal["exclude", "rebase", "real"] = Field(
        description="exclude the type from indicators; rebase (compare only from that month); "
        "or real (a real change: compare as usual)"
    )
    reason: str = Field("", description="why, in a sentence, for the method annex")

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        return params_month(value)


class Analysis(Strict):
    """The `analysis:` block of the params: how changes are tested, charted and flagged
    (docs/params.md)."""

    significance_level: float = Field(0.05, gt=0, lt=0.5)
    spc: SpcOptions = SpcOptions()
    reassess_after_months: int = Field(
        12,
        ge=1,
        description="months an initiative runs before no improvement flags it for re-assessment",
    )
    quarantine_difficulty_share: float = Field(
        0.01, ge=0, le=1, description="share of a dataset's rows quarantined that logs a difficulty"
    )
    meaningful_change_pct: float = Field(
        10.0,
        gt=0,
        lt=100,
        description="a change this large "
        "(%) matters: a non-significant change whose interval "
        "still allows it is 'cannot tell yet'",
    )
    recording_changes: list[RecordingDecision] = Field(
        default_factory=list,
        description=("decisions on possible recording changes (crime_type, month, decision)"),
    )
    funnel_adjustment: FunnelAdjustment = Field(
        "additive", description="how funnel limits allow for over-dispersion between peers"
    )
    scan_min_rise_pct: float = Field(
        10.0,
        ge=0,
        description="smallest rise (%) in a crime "
        "type or measure no indicator covers that is listed for "
        "the next strategic assessment",
    )


class Report(Strict):
    """The `report:` block of the params: small-number suppression and how to report crime
    in the community update, and whether the board paper is a draft or signed off."""

    suppression_threshold: int = Field(
        5,
        ge=1,
        description="counts from 1 to threshold - 1 are "
        "shown as 'fewer than <threshold>' in the community update",
    )
    contact: str | None = Field(None, description="moved to community.contact (still read)")
    report_crime: str = (
        "Report a crime online or call 101. In an emergency always call 999. "
        "To report anonymously call Crimestoppers on 0800 555 111."
    )
    status: Literal["draft", "final"] = Field(
        "draft", description="draft while the board paper is reviewed; final once it is signed off"
    )
    signed_off_by: str | None = Field(None, description="final: who signed the paper off")
    signed_off_on: dt.date | None = Field(None, description="final: the date it was signed off")

    @model_validator(mode="after")
    def _sign_off(self) -> Report:
        if self.status == "final":
            missing = [
                k
                for k in ("signed_off_by", "signed_off_on")
                if not str(getattr(self, k) or "").strip()
            ]
            if missing:
                raise ValueError(
                    f"status is final but {' and '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} not given: say who "
                    "signed the paper off and when, or set status: draft"
                )
        on = self.signed_off_on
        if on is not None and on > dt.date.today():
            raise ValueError(
                f"signed_off_on {on} is in the future: a paper is marked final once it has "
                "been signed off; keep status: draft until then"
            )
        return self

    def status_line(self) -> str:
        """What the paper is, in the words printed on it."""
        if self.status == "final":
            return f"Final: signed off by {self.signed_off_by} on {self.signed_off_on:%d %B %Y}"
        return "Draft for the partnership board"
