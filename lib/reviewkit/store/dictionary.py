"""The data dictionary: for every column of every table a cycle writes, a plain label, its
meaning, where it comes from and how many decimals people are shown.

One source for the data dictionary file, the Excel workbook's headers and rounding, and the
DataFrames the notebooks show, so a column is described once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REGISTER = "data request register"
STRATEGY = "strategy file"
SCORE = "computed at progress from the tidy tables"
SPC = "XmR chart (Making Data Count rules, docs/method.md)"
VERDICT = 'the indicator\'s one verdict, computed at progress (docs/method.md, "One verdict")'
INTAKE = "computed at intake"


# The type each column has in memory and in the tidy parquet (pandas dtype names); the
# store's schemas (reviewkit.store.schemas) are built from these, so a column's type is stated
# here once, beside its label. Two are not one dtype: an XmR chart's whole numbers and flags
# are missing on the rows of an indicator too short for a chart, so they are held as int64 and
# bool when every row has them, as float64 and object (NaN where missing) when not.
TEXT, WHOLE, WHOLE32, NUMBER, FLAG = "str", "int64", "int32", "float64", "bool"
WHOLE_OR_MISSING, FLAG_OR_MISSING = "whole or missing", "flag or missing"


@dataclass(frozen=True)
class Column:
    label: str
    meaning: str
    source: str
    decimals: int | None = None  # None: shown as it is (text, whole numbers)
    dtype: str = TEXT


def S(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A text column."""
    return Column(label, meaning, source, decimals, TEXT)


def I(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:  # noqa: E743
    """A whole-number column (never missing: a count that can be missing is a number)."""
    return Column(label, meaning, source, decimals, WHOLE)


def I32(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A whole-number column held in 32 bits (grid cells)."""
    return Column(label, meaning, source, decimals, WHOLE32)


def IM(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A whole-number column that is missing on some rows (an XmR chart's columns)."""
    return Column(label, meaning, source, decimals, WHOLE_OR_MISSING)


def BM(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A yes/no flag that is missing on some rows (an XmR chart's columns)."""
    return Column(label, meaning, source, decimals, FLAG_OR_MISSING)


def F(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A number column (missing allowed: NaN)."""
    return Column(label, meaning, source, decimals, NUMBER)


def B(label: str, meaning: str, source: str, decimals: int | None = None) -> Column:
    """A yes/no flag."""
    return Column(label, meaning, source, decimals, FLAG)


_POLICE = "data.police.uk"

TABLES: dict[str, dict[str, Column]] = {
    "police_street": {
        "month": S(
            "Month", "month the crime or incident was recorded (YYYY-MM)", f"{_POLICE} street"
        ),
        "lsoa_code": S("LSOA code", "Lower layer Super Output Area code", f"{_POLICE} street"),
        "local_authority": S(
            "Local authority", "local authority, from the LSOA name", f"{_POLICE} street"
        ),
        "crime_type": S(
            "Crime type",
            "police.uk crime type, older names mapped (docs/method.md)",
            f"{_POLICE} street",
        ),
        "outcome_category": S(
            "Last outcome",
            "last outcome category (empty for anti-social behaviour)",
            f"{_POLICE} street",
        ),
        "n": I("Count", "number of crimes or incidents", "count of accepted rows"),
    },
    "police_outcomes": {
        "month": S("Month", "month of the outcome (YYYY-MM)", f"{_POLICE} outcomes"),
        "lsoa_code": S("LSOA code", "Lower layer Super Output Area code", f"{_POLICE} outcomes"),
        "local_authority": S(
            "Local authority", "local authority, from the LSOA name", f"{_POLICE} outcomes"
        ),
        "outcome_type": S("Outcome", "outcome type", f"{_POLICE} outcomes"),
        "n": I("Count", "number of outcomes", "count of accepted rows"),
    },
    "police_stop_search": {
        "month": S("Month", "month of the search (YYYY-MM)", f"{_POLICE} stop and search"),
        "search_type": S("Search type", "person, vehicle or both", f"{_POLICE} stop and search"),
        "object_of_search": S(
            "Object of search", "what was searched for", f"{_POLICE} stop and search"
        ),
        "outcome": S("Outcome", "outcome of the search", f"{_POLICE} stop and search"),
        "n": I("Count", "number of searches", "count of accepted rows"),
    },
    "partner_measures": {
        "dataset": S("Data request", "data request id", REGISTER),
        "measure": S("Measure", "tidy measure name", "data request register mapping"),
        "period_type": S("Period type", "month, quarter or financial_year", REGISTER),
        "period_start": S("Period start", "first month of the period (YYYY-MM)", "partner extract"),
        "period": S("Period", "period label (2026-01, Jan-Mar 2026, 2025/26)", "partner extract"),
        "area": S("Area", "area as named in the extract", "partner extract"),
        "value": F("Value", "count reported for the period", "partner extract", 0),
    },
    "grid": {
        "month": S(
            "Month", "month the crime or incident was recorded (YYYY-MM)", f"{_POLICE} street"
        ),
        "crime_type": S(
            "Crime type", "police.uk crime type, older names mapped", f"{_POLICE} street"
        ),
        "cell_row": I32(
            "Grid row",
            "grid cell row: floor(latitude / 0.0045), about 500 m",
            f"{_POLICE} street anonymised location, never kept",
        ),
        "cell_col": I32(
            "Grid column",
            "grid cell column: floor(longitude / 0.0075), about 500 m",
            f"{_POLICE} street anonymised location, never kept",
        ),
        "n": I("Count", "number of crimes or incidents in the cell", "count of accepted rows"),
    },
    "lsoa_names": {
        "lsoa_code": S("LSOA code", "Lower layer Super Output Area code", f"{_POLICE} street"),
        "lsoa_name": S(
            "LSOA name", "LSOA name (the one on most rows when it changed)", f"{_POLICE} street"
        ),
        "cell_row": IM(
            "Map cell row",
            "grid row (about 500 m) in the middle of the LSOA's records: where a map names it; "
            "empty when its records have no location",
            f"{_POLICE} street anonymised locations, as grid cells",
        ),
        "cell_col": IM(
            "Map cell column",
            "grid column in the middle of the LSOA's records (as the row)",
            f"{_POLICE} street anonymised locations, as grid cells",
        ),
    },
    "population": {
        "year": I("Year", "mid-year estimate year", "population file"),
        "population": I("Residents", "residents", "population file", 0),
        "households": I("Households", "households", "population file", 0),
    },
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
    "completeness": {
        "dataset": S("Data request", "data request id", REGISTER),
        "description": S("What", "what the dataset is", REGISTER),
        "provider": S("Provider", "agency that provides it", REGISTER),
        "gatherer": S("Gathered by", "who gathers it", REGISTER),
        "analyst": S("Analysed by", "who analyses it", REGISTER),
        "frequency": S("Frequency", "how often it is requested", REGISTER),
        "due": S("Due", "date it was due", REGISTER),
        "received": S("Received", "date it arrived", INTAKE),
        "received_from": S(
            "Received date from",
            "where the received date comes from (the receipt record, or the files on disk)",
            INTAKE,
        ),
        "received_after_review_date": B(
            "Received after review date", "the data arrived after the review date", INTAKE
        ),
        "status": S("Status", "received, partial or missing", INTAKE),
        "timeliness": S("Timeliness", "on time or late, against the due date", INTAKE),
        "files": I("Files", "number of files read", INTAKE),
        "periods_expected": I("Periods expected", "periods the review needs", INTAKE),
        "periods_present": I("Periods present", "periods found in the files", INTAKE),
        "missing_periods": S(
            "Missing periods", "periods the review needs that did not arrive", INTAKE
        ),
        "rows_read": I("Rows read", "rows read from the files", INTAKE),
        "accepted": I("Accepted", "rows accepted into the tidy tables", INTAKE),
        "quarantined": I("Quarantined", "rows held back with a reason", INTAKE),
        "out_of_area": I("Out of area", "rows outside the partnership's area", INTAKE),
        "unassigned": I("Unassigned", "rows with no area (e.g. police.uk 'No Location')", INTAKE),
        "after_review_period": I(
            "After review period",
            "rows dated after the review period (never counted as data of the review)",
            INTAKE,
        ),
    },
    "reconciliation": {
        "dataset": S("Data request", "data request id", REGISTER),
        "file": S("File", "file read (relative to the repository root; sheet after '!')", INTAKE),
        "rows_read": I("Rows read", "rows read from the file", INTAKE),
        "accepted": I("Accepted", "rows accepted", INTAKE),
        "quarantined": I("Quarantined", "rows held back with a reason", INTAKE),
        "out_of_area": I("Out of area", "rows outside the partnership's area", INTAKE),
        "unassigned": I("Unassigned", "rows with no area", INTAKE),
        "after_review_period": I(
            "After review period", "rows dated after the review period", INTAKE
        ),
        "note": S("Note", "what intake noticed about the file", INTAKE),
        "balanced": B(
            "Balanced", "rows read = accepted + quarantined + out of area + unassigned", INTAKE
        ),
    },
    "difficulties_log": {
        "id": S("Id", "difficulty id", "difficulties log"),
        "raised_cycle": S(
            "Raised in cycle", "review cycle the difficulty was raised in", "difficulties log"
        ),
        "agency": S("Agency", "agency concerned", "difficulties log"),
        "dataset": S("Data request", "data request concerned", "difficulties log"),
        "category": S(
            "Category",
            "unwilling to share, incompatible format, IT problem, late or quality",
            "difficulties log",
        ),
        "description": S("Description", "what the difficulty is", "difficulties log"),
        "action": S("Action", "what is being done about it", "difficulties log"),
        "owner": S("Owner", "who owns the action", "difficulties log"),
        "status": S("Status", "open or resolved", "difficulties log, updated at intake"),
        "resolved_cycle": S(
            "Resolved in cycle",
            "review cycle it was resolved in",
            "difficulties log, updated at intake",
        ),
        "board_note": S("Board note", "note for the partnership board", "difficulties log"),
        "due": S("Due", "date the action is due (YYYY-MM-DD)", "difficulties log"),
    },
    "recording_changes": {
        "dataset": S("Data request", "police dataset the change was found in", REGISTER),
        "crime_type": S("Crime type", "crime type whose monthly level stepped", INTAKE),
        "month": S("From month", "first month at the new level (YYYY-MM)", INTAKE),
        "until": S(
            "Until month",
            "last month at the new level, before the next step or the end (YYYY-MM)",
            INTAKE,
        ),
        "before": F(
            "Before",
            "monthly level in the partnership before the step (seasonally adjusted)",
            INTAKE,
            1,
        ),
        "after": F(
            "After",
            "monthly level in the partnership from the step (seasonally adjusted)",
            INTAKE,
            1,
        ),
        "ratio": F("Ratio", "after / before", INTAKE, 2),
        "p_value": F(
            "p-value", "quasi-likelihood ratio test of the two levels (over-dispersion)", INTAKE, 4
        ),
        "rest_before": F(
            "Rest of force before",
            "mean monthly count in the rest of the force before its step",
            INTAKE,
            1,
        ),
        "rest_after": F(
            "Rest of force after",
            "mean monthly count in the rest of the force from its step",
            INTAKE,
            1,
        ),
        "confirmed_by": S(
            "Seen in",
            "where else the step was seen (a change in recording shows force-wide)",
            INTAKE,
        ),
    },
    "quarantine": {
        "dataset": S("Data request", "data request id", REGISTER),
        "file": S("File", "file the row came from", INTAKE),
        "row": I("Row", "row number in the file (the row's text is never copied)", INTAKE),
        "reason": S("Reason", "why the row was held back", INTAKE),
        "period": S("Period", "period of the row, when it could be read", INTAKE),
        "area": S("Area", "area of the row, when it could be read", INTAKE),
    },
}

# What each table is, for the workbook's first sheet and the guide.
DESCRIPTIONS: dict[str, str] = {
    "scorecard": "Every indicator: review period against baseline, change, test, target, SPC.",
    "initiative_status": "Every initiative: status, milestones, re-assessment flag.",
    "initiative_outputs": "Every initiative's output measures: delivered against plan.",
    "indicator_series": "Every indicator's series by period with its XmR chart columns.",
    "benchmarking": "Peer comparison: rates, funnel limits and rank.",
    "completeness": "Every data request: received, late or missing; rows accounted for.",
    "reconciliation": "Every file read: rows read, accepted, quarantined, out of area.",
    "difficulties_log": "The difficulties log after this cycle's intake.",
    "quarantine": "Rows held back at intake, with their reasons.",
    "recording_changes": "Possible changes in police recording found force-wide at intake.",
    "police_street": "police.uk street crimes and ASB in the area, counted by month and LSOA.",
    "police_outcomes": "police.uk outcomes in the area, counted by month and LSOA.",
    "police_stop_search": "police.uk stop and search, counted by month.",
    "partner_measures": "Partner agencies' measures by period, as mapped by the register.",
    "population": "Residents and households by year.",
    "grid": "police.uk street records counted by month, crime type and grid cell of about "
    "500 m (no location kept).",
    "lsoa_names": "The name of each LSOA in the police.uk files.",
}


def kind(table: str) -> str:
    """The dictionary entry a table uses (a police dataset id such as 'police_street_2' uses
    'police_street')."""
    if table in TABLES:
        return table
    for key in sorted(TABLES, key=len, reverse=True):
        if table.startswith(key):
            return key
    return table


def column(table: str, name: str) -> Column | None:
    return TABLES.get(kind(table), {}).get(name)


def describe(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Dictionary rows for `frame`'s columns: table, column, label, type, meaning, source.

    A column the dictionary does not know gets an empty meaning, which the tests catch."""
    rows = []
    for name in frame.columns:
        c = column(table, str(name))
        rows.append(
            {
                "table": table,
                "column": str(name),
                "label": c.label if c else str(name),
                "type": str(frame[name].dtype),
                "meaning": c.meaning if c else "",
                "source": c.source if c else "",
            }
        )
    return pd.DataFrame(rows, columns=["table", "column", "label", "type", "meaning", "source"])


def for_people(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with plain column labels and numbers rounded as people read them."""
    out = frame.copy()
    for name in frame.columns:
        c = column(table, str(name))
        if (
            c
            and c.decimals is not None
            and pd.api.types.is_numeric_dtype(out[name])
            and not (pd.api.types.is_bool_dtype(out[name]))
        ):
            out[name] = out[name].round(c.decimals)
    labels = {n: c.label for n in frame.columns if (c := column(table, str(n))) is not None}
    return out.rename(columns=labels)


def styled(table: str, frame: pd.DataFrame) -> pd.io.formats.style.Styler:
    """`frame` for reading in a notebook: plain labels, numbers with thousands separators and
    the table's decimals, no index, empty cells blank."""
    people = for_people(table, frame)
    formats = {}
    for name in frame.columns:
        c = column(table, str(name))
        if (
            c
            and c.decimals is not None
            and pd.api.types.is_numeric_dtype(frame[name])
            and not (pd.api.types.is_bool_dtype(frame[name]))
        ):
            formats[c.label] = f"{{:,.{c.decimals}f}}"
    return people.style.format(formats, na_rep="").hide(axis="index")
