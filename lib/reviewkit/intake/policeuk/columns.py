"""What a police.uk file of each kind holds: the columns read, the tidy table's keys, and the
patterns of its months and file names (one place for the reader, the file plan and the cache)."""

from __future__ import annotations

import re

import pyarrow as pa

from reviewkit.inputs.register import POLICE_SUFFIX

# Columns read per kind: file header name -> tidy name. Everything else is never parsed.
COLUMNS: dict[str, dict[str, str]] = {
    "police_uk_street": {
        "Month": "month",
        "LSOA code": "lsoa_code",
        "LSOA name": "lsoa_name",
        "Crime type": "crime_type",
        "Last outcome category": "outcome_category",
        "Longitude": "longitude",
        "Latitude": "latitude",
    },
    "police_uk_outcomes": {
        "Month": "month",
        "LSOA code": "lsoa_code",
        "LSOA name": "lsoa_name",
        "Outcome type": "outcome_type",
    },
    "police_uk_stop_search": {
        "Type": "search_type",
        "Date": "date",
        "Object of search": "object_of_search",
        "Outcome": "outcome",
        "Latitude": "latitude",
    },
}
# Columns of each kind's tidy table (aggregated counts, column `n`).
TIDY_KEYS: dict[str, list[str]] = {
    "police_uk_street": ["month", "lsoa_code", "local_authority", "crime_type", "outcome_category"],
    "police_uk_outcomes": ["month", "lsoa_code", "local_authority", "outcome_type"],
    "police_uk_stop_search": ["month", "search_type", "object_of_search", "outcome"],
}
# Read when present, never required: the anonymised location, turned into grid cells at once.
OPTIONAL = {"Longitude", "Latitude"}
SUFFIX = POLICE_SUFFIX
CATEGORY_TYPE = pa.dictionary(pa.int32(), pa.string())  # categories: small, fast to classify
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"  # MONTH's pattern, for pandas' str.fullmatch
MONTH_IN_NAME = re.compile(r"(\d{4}-\d{2})-(.+?)-(street|outcomes|stop-and-search)\.csv$")
