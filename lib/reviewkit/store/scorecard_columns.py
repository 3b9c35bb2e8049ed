"""The data dictionary of the scorecard: every column of an indicator's row, its figures and
its verdict."""

from __future__ import annotations

from reviewkit.store.columns import (
    SCORE,
    SPC,
    STRATEGY,
    VERDICT,
    B,
    Column,
    F,
    I,
    S,
)

SCORECARD_TABLES: dict[str, dict[str, Column]] = {
    "scorecard": {
        "id": S("Indicator id", "indicator id", STRATEGY),
        "priority": S("Priority", "priority id the indicator belongs to", STRATEGY),
        "name": S("Indicator", "indicator name", STRATEGY),
        "measure": S(
            "Measure", "count, rate per 1,000 residents or households, or proportion", STRATEGY
        ),
        "unit": S("Unit", "unit the values are in", STRATEGY),
        "period": S("Chart period", "month or quarter: the period of the XmR chart", STRATEGY),
        "better": S("Better is", "whether a higher or a lower value is better", STRATEGY),
        "dataset": S("Data request", "the dataset the indicator is computed from", STRATEGY),
        "assessable": B(
            "Assessable", "both the review period and the baseline are complete", SCORE
        ),
        "reason": S(
            "Why not assessable", "what is missing when the indicator is not assessable", SCORE
        ),
        "review_value": F("Review period", "value over the review period", SCORE, 2),
        "review_count": F("Review period count", "count over the review period", SCORE, 0),
        "baseline_value": F(
            "Baseline",
            "value over the baseline period (scaled to the review period's length for counts)",
            SCORE,
            2,
        ),
        "baseline_count": F("Baseline count", "count over the baseline period", SCORE, 0),
        "change": F("Change", "review period minus baseline, in the indicator's unit", SCORE, 2),
        "change_pct": F("Change %", "change as a percentage of the baseline", SCORE, 1),
        "direction": S(
            "Real change?",
            "improved or worsened (a real change by the test), no real "
            "change, or cannot tell (the interval allows both)",
            SCORE,
        ),
        "p_value": F(
            "p-value",
            "p-value of the test comparing review period and baseline",
            "exact test named in column 'test' (docs/method.md)",
            4,
        ),
        "ratio": F(
            "Rate ratio",
            "review period against the baseline as a ratio (the odds "
            "ratio for proportions); 1 = no change",
            "the test named in column 'test' (docs/method.md)",
            3,
        ),
        "ratio_low": F(
            "Rate ratio low",
            "lower end of the ratio's confidence interval",
            "the test named in column 'test' (docs/method.md)",
            3,
        ),
        "ratio_high": F(
            "Rate ratio high",
            "upper end of the ratio's confidence interval",
            "the test named in column 'test' (docs/method.md)",
            3,
        ),
        "dispersion": F(
            "Dispersion",
            "month-to-month over-dispersion the test allowed for (1 = Poisson)",
            "estimated from the monthly counts (docs/method.md)",
            2,
        ),
        "significant": B("Significant", "p-value below analysis.significance_level", SCORE),
        "test": S("Test", "the test used to compare the two periods", SCORE),
        "ci_low": F(
            "Interval low",
            "lower end of the confidence interval of the review period's value",
            "exact interval (docs/method.md)",
            2,
        ),
        "ci_high": F(
            "Interval high",
            "upper end of the confidence interval of the review period's value",
            "exact interval (docs/method.md)",
            2,
        ),
        "last_year_value": F(
            "Same period last year", "value over the same months a year earlier", SCORE, 2
        ),
        "last_year_change_pct": F(
            "Change since last year %",
            "review period against the same period last year, in percent",
            SCORE,
            1,
        ),
        "rolling_value": F(
            "Latest 12 months", "value over the 12 months to the end of the review period", SCORE, 2
        ),
        "rolling_previous": F(
            "Previous 12 months", "value over the 12 months before those", SCORE, 2
        ),
        "rolling_change_pct": F(
            "Rolling change %", "latest 12 months against the previous 12, in percent", SCORE, 1
        ),
        "rolling_significant": B(
            "Rolling change real?", "the rolling change passes the same test", SCORE
        ),
        "target_value": F("Target", "target value for the indicator", STRATEGY, 2),
        "target_by": S("Target by", "month the target is to be met (YYYY-MM)", STRATEGY),
        "trajectory_value": F(
            "Trajectory",
            "where a straight line from baseline to target stands at the end of the review period",
            SCORE,
            2,
        ),
        "target_status": S(
            "Target status", "met, on track, off track, not assessable or no target", SCORE
        ),
        "variation": S(
            "SPC variation", "Making Data Count variation icon for the latest point", SPC
        ),
        "assurance": S("SPC assurance", "Making Data Count assurance icon against the target", SPC),
        "spc_provisional": B(
            "SPC provisional", "the chart's limits are provisional (few points)", SPC
        ),
        "points": I("Chart points", "number of points on the XmR chart", SPC),
        "latest_period": S("Latest period", "last period on the chart", SCORE),
        "latest_value": F("Latest value", "value of the last period on the chart", SCORE, 2),
        "plain_name": S("Plain name", "the name used in the community update", STRATEGY),
        "not_comparable": S(
            "Not comparable",
            "why the periods cannot be compared (a "
            "possible recording change between them); empty when they can",
            "computed at progress from the recording changes found at intake",
        ),
        "seasonal": S(
            "Seasonality",
            "'adjusted' when the XmR chart is on seasonally adjusted "
            "values, 'too short' when the series is too short to tell",
            SPC,
        ),
        "notes": S("Notes", "caveats on this indicator's figures", SCORE),
        "analyst_notes": S(
            "For the analyst",
            "what the analyst may act on (params keys to set); never printed in a paper",
            SCORE,
        ),
        "why_not": S(
            "Why not assessable (code)",
            "not received, unusable, missing periods, baseline missing, baseline outside "
            "the data, no population, no rows, no whole period, periods do not fit or every "
            "type excluded; empty when assessable",
            VERDICT,
        ),
        "why_dataset": S("Data request concerned", "the data request the reason is about", VERDICT),
        "missing_periods": S(
            "Missing periods", "periods missing from the review period or baseline", VERDICT
        ),
        "comparability": S(
            "Comparable?",
            "comparable, awaiting decision (a possible recording change between the periods), "
            "rebased, excluded or confirmed real (the analyst's decision on it)",
            VERDICT,
        ),
        "recording_types": S(
            "Recording change in",
            "crime types of the recording change the comparability is about",
            VERDICT,
        ),
        "recording_from": S(
            "Recording change from", "first month at the new level (YYYY-MM)", VERDICT
        ),
        "change_verdict": S(
            "Change verdict",
            "improved, worsened, about the same, cannot tell, not comparable or not assessable",
            VERDICT,
        ),
        "spc_signal": S(
            "SPC signal",
            "special cause improvement, special cause concern, special cause or common cause "
            "at the latest point; empty when there is no chart",
            VERDICT,
        ),
        "special_improvement": I(
            "Special cause improvement points", "points of the chart flagged improvement", SPC
        ),
        "special_concern": I(
            "Special cause concern points", "points of the chart flagged concern", SPC
        ),
        "target_verdict": S(
            "Target verdict", "met, on track, off track, no target or not assessable", VERDICT
        ),
        "target_assured": S(
            "Target assured?",
            "assured or not assured for a target met or on track (one rule: the change is "
            "beyond chance and the process limits do not straddle the target); empty otherwise",
            VERDICT,
        ),
        "not_assured_because": S(
            "Not assured because",
            "change within noise, target within limits or limits miss target",
            VERDICT,
        ),
    },
}
