"""Readers for data.police.uk street, outcomes and stop-and-search files.

One room per job: `discovery` finds the files (on disk and in zips) and when each arrived,
`parsing` reads one with Arrow, `cache` keeps parses and whole datasets between runs,
`fileplan` decides which files count (one rule per module), `classing` classes every row
(with `checks`, `places`, `codes`), `quarantine` lists the rows set aside, `accounts` opens
each file's account, and `reader.read_police` runs them in turn for one dataset.
"""

from reviewkit.intake.policeuk.cache import read_cached
from reviewkit.intake.policeuk.classing import Classified, Rules
from reviewkit.intake.policeuk.columns import COLUMNS, OPTIONAL, SUFFIX, TIDY_KEYS
from reviewkit.intake.policeuk.discovery import RawFile, iter_raw_files
from reviewkit.intake.policeuk.fileplan import FilePlan, plan_files
from reviewkit.intake.policeuk.parsing import Parsed, read_arrow
from reviewkit.intake.policeuk.places import no_area_match
from reviewkit.intake.policeuk.quarantine import safe_category
from reviewkit.intake.policeuk.reader import read_police

__all__ = [
    "COLUMNS",
    "OPTIONAL",
    "SUFFIX",
    "TIDY_KEYS",
    "Classified",
    "FilePlan",
    "Parsed",
    "RawFile",
    "Rules",
    "iter_raw_files",
    "no_area_match",
    "plan_files",
    "read_arrow",
    "read_cached",
    "read_police",
    "safe_category",
]
