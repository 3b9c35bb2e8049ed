"""What only the analyst acts on, found in text meant for the board or residents: params keys,
data request ids, the engine's codes and "(s)" plurals.

The drafted papers keep these in the draft's "For the analyst" box; this scan is how tests
prove no published page holds one, and how a final run refuses a narrative that names one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# params keys as the analyst writes them (`analysis.spc.rebase`, `previous_cycle`)
PARAMS_KEY = re.compile(
    r"\b(?:analysis|report|inputs|area|own_notebooks)\.[a-z_]+(?:\.[a-z_]+)*|\b(?:previous_cycle|"
    r"community\.(?:meetings|contact|website|get_involved)\b|"
    r"baseline_period|review_period|recording_changes|significance_level|review_date)\b"
)
# the indicator engine's and Making Data Count's codes
CODES = re.compile(
    r"\b(?:improvement_(?:high|low)|concern_(?:high|low)|neutral_(?:high|low)|common_cause|"
    r"consistent_(?:pass|fail)|special_cause_[a-z]+|not_assessable|no real change)\b"
)
PLURAL = re.compile(r"\w\(s\)")


def analyst_text(text: str, dataset_ids: Iterable[str]) -> list[str]:
    """Every params key, data request id, code and '(s)' plural in `text`, in order found."""
    found = [m.group(0) for m in PARAMS_KEY.finditer(text)]
    found += [m.group(0) for m in CODES.finditer(text)]
    found += [d for d in dataset_ids if re.search(rf"(?<![\w.]){re.escape(d)}(?![\w])", text)]
    found += [m.group(0) for m in PLURAL.finditer(text)]
    return found
