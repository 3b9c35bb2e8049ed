"""The data dictionary of the other tables the progress step writes: the indicator series
with its XmR chart columns, the initiative status, the initiatives' output measures and the
benchmarking against peers."""

from __future__ import annotations

from reviewkit.store.columns import (
    BM,
    IM,
    SCORE,
    SPC,
    STRATEGY,
    B,
    Column,
    F,
    I,
    S,
)

PROGRESS_TABLES: dict[str, dict[str, Column]] = {
    "indicator_series": {
        "indicator": S("Indicator", "indicator id", STRATEGY),
        "period_start": S("Period start", "first month of the chart period (YYYY-MM)", SCORE),
        "num": F("Count", "count for the period (numerator of a rate or proportion)", SCORE, 0),
        "den": F(
            "Denominator", "denominator for a proportion (empty for counts and rates)", SCORE, 0
        ),
        "parts": I(
            "Parts",
            "source periods summed into this chart period (e.g. 3 months make a quarter)",
            SCORE,
        ),
        "period": S("Period", "period label", SCORE),
        "value": F("Value", "the indicator's value for the period, in its unit", SCORE, 2),
        "spc_value": F(
            "Value charted",
            "the value the XmR chart uses: the value, or the "
            "seasonally adjusted value when the series has a clear seasonal pattern",
            SPC,
            2,
        ),
        "rebase_group": IM(
            "Limits group",
            "which run of limits the point belongs to (limits are "
            "recalculated at each rebase month)",
            SPC,
        ),
        "mean": F("Mean", "process mean of the point's limits group", SPC, 2),
        "lpl": F("Lower process limit", "mean - 2.66 x mean moving range", SPC, 2),
        "upl": F("Upper process limit", "mean + 2.66 x mean moving range", SPC, 2),
        "nlpl": F(
            "Lower 2-sigma line", "mean - 2/3 of the distance to the lower process limit", SPC, 2
        ),
        "nupl": F(
            "Upper 2-sigma line", "mean + 2/3 of the distance to the upper process limit", SPC, 2
        ),
        "outside_limits": BM("Outside limits", "the point lies outside the process limits", SPC),
        "relative_to_mean": IM("Side of mean", "1 above the mean, -1 below, 0 on it", SPC),
        "close_to_limits": BM(
            "Beyond 2 sigma", "the point lies between the 2-sigma line and the process limit", SPC
        ),
        "special_cause": BM("Special cause", "a special-cause rule flags the point", SPC),
        "rule": S(
            "Rule",
            "the special-cause rule that flags the point (outside limits, trend, "
            "two in three, shift)",
            SPC,
        ),
        "special_direction": IM(
            "Special cause direction",
            "1 when a special-cause rule flags the point as high, -1 as low, 0 when none does",
            SPC,
        ),
        "point_type": S(
            "Point type", "common cause, or special cause improvement, concern or neither", SPC
        ),
        "provisional": BM(
            "Provisional limits",
            "fewer points than analysis.spc.minimum_points: the limits are not yet relied on",
            SPC,
        ),
        "target": F(
            "Target per period",
            "the target expressed per chart period (empty when there is none)",
            STRATEGY,
            2,
        ),
    },
    "initiative_status": {
        "id": S("Initiative id", "initiative id", STRATEGY),
        "name": S("Initiative", "initiative name", STRATEGY),
        "priority": S("Priority", "priority id the initiative serves", STRATEGY),
        "lead_agency": S("Lead agency", "agency leading the initiative", STRATEGY),
        "start": S("Start", "start date", STRATEGY),
        "end": S("End", "planned end date", STRATEGY),
        "status": S(
            "Status",
            "on track, at risk, off track, complete or not started, from milestones and updates",
            "computed at progress from dates and updates",
        ),
        "milestone_status": S(
            "Status from milestones",
            "status the milestone dates alone give",
            "computed at progress from the milestones",
        ),
        "reported_status": S("Reported status", "status in the latest update", STRATEGY),
        "milestones": S("Milestones", "milestones done of all milestones", STRATEGY),
        "overdue_milestones": S(
            "Overdue milestones",
            "milestones past due and not done, as of the review date",
            "computed at progress from the milestones",
        ),
        "next_milestone": S("Next milestone", "the next milestone not yet done", STRATEGY),
        "indicators": S("Indicators", "indicators the initiative is meant to move", STRATEGY),
        "indicator_movement": S(
            "Indicator movement", "how those indicators moved (no causal link is drawn)", SCORE
        ),
        "latest_update": S("Latest update", "date and text of the latest status update", STRATEGY),
        "reassess": B(
            "Re-assess",
            "the initiative is flagged for re-assessment",
            "computed at progress (analysis.reassess_after_months)",
        ),
        "reassess_reasons": S(
            "Why re-assess", "reasons for the re-assessment flag", "computed at progress"
        ),
    },
    "initiative_outputs": {
        "initiative": S("Initiative id", "the initiative that delivers it", STRATEGY),
        "output": S("Output", "what is delivered, in plain words", STRATEGY),
        "dataset": S("Dataset", "the data request carrying the returns", STRATEGY),
        "measure": S("Measure", "the measure in that dataset", STRATEGY),
        "planned": F("Planned", "the figure planned by the date", STRATEGY, 0),
        "by": S("Planned by", "the date the figure is planned by", STRATEGY),
        "counted_from": S("Counted from", "first month counted (YYYY-MM)", STRATEGY),
        "counted_to": S(
            "Counted to",
            "last month counted: the end of the review period, or the month planned by",
            "computed at progress",
        ),
        "delivered": F(
            "Delivered",
            "sum of the returns counted; blank when there are none (never 0 for missing)",
            "partner returns, summed at progress",
            0,
        ),
        "expected_by_now": F(
            "Expected by now",
            "the plan spread evenly over its months, for the months counted",
            "computed at progress",
            1,
        ),
        "status": S(
            "Against plan",
            "delivered, on plan (at least 90% of the figure expected by now), behind plan, "
            "cannot tell (returns missing) or not started",
            "computed at progress",
        ),
        "missing_periods": S(
            "Returns missing", "periods in the span with no return", "computed at progress"
        ),
    },
    "benchmarking": {
        "partnership": S("Partnership", "partnership in the peer group", "peer table"),
        "period": S("Period", "period of the peer figures", "peer table"),
        "measure": S("Measure", "peer measure", "peer table"),
        "count": I("Count", "count for the period", "peer table", 0),
        "population": I("Population", "residents", "peer table", 0),
        "rate": F("Rate per 1,000", "count per 1,000 residents", "computed from the peer table", 2),
        "group_rate": F(
            "Group rate",
            "the peer group's pooled rate per 1,000",
            "computed from the peer table",
            2,
        ),
        "lower_95": F(
            "Lower 95% limit",
            "funnel limit at this population (continuous exact Poisson, or widened)",
            "funnel plot (docs/method.md)",
            2,
        ),
        "upper_95": F(
            "Upper 95% limit",
            "funnel limit at this population (continuous exact Poisson, or widened)",
            "funnel plot (docs/method.md)",
            2,
        ),
        "lower_99.8": F(
            "Lower 99.8% limit",
            "funnel limit at this population (continuous exact Poisson, or widened)",
            "funnel plot (docs/method.md)",
            2,
        ),
        "upper_99.8": F(
            "Upper 99.8% limit",
            "funnel limit at this population (continuous exact Poisson, or widened)",
            "funnel plot (docs/method.md)",
            2,
        ),
        "rank": I("Rank", "rank by rate, 1 = lowest", "computed from the peer table"),
        "of": I("Of", "partnerships ranked", "computed from the peer table"),
        "position": S(
            "Position",
            "within, above or below the funnel limits (outside only where both estimates of "
            "over-dispersion agree)",
            "funnel plot (docs/method.md)",
        ),
        "position_depends": B(
            "Position depends on the estimate",
            "the area's position differs between the Winsorised and un-Winsorised estimates "
            "of over-dispersion (it is then shown as the less extreme of the two)",
            "funnel plot (docs/method.md)",
        ),
        "is_self": B("This partnership", "the row is this partnership", "params (partnership)"),
        "denominator": I("Denominator", "population the rate is per", "peer table", 0),
        "indicator": S("Indicator", "indicator id the peer measure is compared for", STRATEGY),
        "expected": F(
            "Expected count",
            "count at the group rate for this population",
            "computed from the peer table",
            1,
        ),
        "z": F(
            "z-score",
            "standardised difference from the group rate on the square-root "
            "scale, allowing for over-dispersion",
            "funnel plot (docs/method.md)",
            2,
        ),
        "od_phi": F(
            "Over-dispersion phi",
            "the peer group's over-dispersion factor",
            "dispersion test (Spiegelhalter 2005; docs/method.md)",
            2,
        ),
        "od_tau2": F(
            "Over-dispersion tau squared",
            "between-partnership variance added to the limits (additive adjustment)",
            "dispersion test (docs/method.md)",
            4,
        ),
        "od_p": F(
            "Over-dispersion p-value",
            "p-value of the test for over-dispersion",
            "dispersion test (docs/method.md)",
            4,
        ),
        "od_method": S(
            "Limits",
            "how the funnel limits allow for over-dispersion (none, additive or multiplicative)",
            "dispersion test (docs/method.md)",
        ),
        "od_winsorise": F(
            "Winsorised",
            "share of z-scores Winsorised at each end for phi (0 with fewer than 30 areas)",
            "dispersion test (docs/method.md)",
            2,
        ),
        "od_phi_other": F(
            "Other phi",
            "phi by the other estimate (Winsorised when phi is not, and the reverse)",
            "dispersion test (docs/method.md)",
            2,
        ),
        "od_tau2_other": F(
            "Other tau squared",
            "tau squared by the other estimate, for the sensitivity of each position",
            "dispersion test (docs/method.md)",
            4,
        ),
    },
}
