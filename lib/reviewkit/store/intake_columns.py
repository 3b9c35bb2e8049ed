"""The data dictionary of the tables the intake step writes: police.uk datasets, partner
measures, grid cells, LSOA names, population, completeness, reconciliation, the difficulties
log, recording changes and the quarantine."""

from __future__ import annotations

from reviewkit.store.columns import (
    I32,
    IM,
    INTAKE,
    POLICE,
    REGISTER,
    B,
    Column,
    F,
    I,
    S,
)

INTAKE_TABLES: dict[str, dict[str, Column]] = {
    "police_street": {
        "month": S(
            "Month", "month the crime or incident was recorded (YYYY-MM)", f"{POLICE} street"
        ),
        "lsoa_code": S("LSOA code", "Lower layer Super Output Area code", f"{POLICE} street"),
        "local_authority": S(
            "Local authority", "local authority, from the LSOA name", f"{POLICE} street"
        ),
        "crime_type": S(
            "Crime type",
            "police.uk crime type, older names mapped (docs/method.md)",
            f"{POLICE} street",
        ),
        "outcome_category": S(
            "Last outcome",
            "last outcome category (empty for anti-social behaviour)",
            f"{POLICE} street",
        ),
        "n": I("Count", "number of crimes or incidents", "count of accepted rows"),
    },
    "police_outcomes": {
        "month": S("Month", "month of the outcome (YYYY-MM)", f"{POLICE} outcomes"),
        "lsoa_code": S("LSOA code", "Lower layer Super Output Area code", f"{POLICE} outcomes"),
        "local_authority": S(
            "Local authority", "local authority, from the LSOA name", f"{POLICE} outcomes"
        ),
        "outcome_type": S("Outcome", "outcome type", f"{POLICE} outcomes"),
        "n": I("Count", "number of outcomes", "count of accepted rows"),
    },
    "police_stop_search": {
        "month": S("Month", "month of the search (YYYY-MM)", f"{POLICE} stop and search"),
        "search_type": S("Search type", "person, vehicle or both", f"{POLICE} stop and search"),
        "object_of_search": S(
            "Object of search", "what was searched for", f"{POLICE} stop and search"
        ),
        "outcome": S("Outcome", "outcome of the search", f"{POLICE} stop and search"),
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
            "Month", "month the crime or incident was recorded (YYYY-MM)", f"{POLICE} street"
        ),
        "crime_type": S(
            "Crime type", "police.uk crime type, older names mapped", f"{POLICE} street"
        ),
        "cell_row": I32(
            "Grid row",
            "grid cell row: floor(latitude / 0.0045), about 500 m",
            f"{POLICE} street anonymised location, never kept",
        ),
        "cell_col": I32(
            "Grid column",
            "grid cell column: floor(longitude / 0.0075), about 500 m",
            f"{POLICE} street anonymised location, never kept",
        ),
        "n": I("Count", "number of crimes or incidents in the cell", "count of accepted rows"),
    },
    "lsoa_names": {
        "lsoa_code": S("LSOA code", "Lower layer Super Output Area code", f"{POLICE} street"),
        "lsoa_name": S(
            "LSOA name", "LSOA name (the one on most rows when it changed)", f"{POLICE} street"
        ),
        "cell_row": IM(
            "Map cell row",
            "grid row (about 500 m) in the middle of the LSOA's records: where a map names it; "
            "empty when its records have no location",
            f"{POLICE} street anonymised locations, as grid cells",
        ),
        "cell_col": IM(
            "Map cell column",
            "grid column in the middle of the LSOA's records (as the row)",
            f"{POLICE} street anonymised locations, as grid cells",
        ),
    },
    "population": {
        "year": I("Year", "mid-year estimate year", "population file"),
        "population": I("Residents", "residents", "population file", 0),
        "households": I("Households", "households", "population file", 0),
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
