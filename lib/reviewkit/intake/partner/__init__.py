"""Reader for partner agency extracts (CSV or XLSX) described in the data request register.

Each file is read as it comes: title and note rows above the header are skipped (the header is
the first row holding every mapped column), the encoding is detected, and each data row is
accepted, quarantined with a reason, out of area or unassigned. Only mapped columns are kept;
columns that look like personal data are named (never their contents) in the data-quality
report. A later file that covers the same periods replaces an earlier one (a re-sent extract).

One room per job: `sheets` loads a file's rows and finds its header, `rows` judges one row,
`files` reads one file, `resent` sets aside re-sent, duplicate and conflicting rows, and
`dataset.read_table_dataset` reads all the files of a dataset.
"""

from reviewkit.intake.partner.dataset import TIDY_COLUMNS, TIDY_SCHEMA, read_table_dataset
from reviewkit.intake.partner.files import (
    AREA_NAME,
    PERSONAL,
    FileRead,
    no_area_rows,
    read_table_file,
)
from reviewkit.intake.partner.rows import (
    MAX_COUNT,
    RowOutcome,
    TableRules,
    count_problem,
    quote_value,
    row_outcome,
)
from reviewkit.intake.partner.sheets import MAX_COLUMNS, MAX_ROWS, Uncalculated

__all__ = [
    "AREA_NAME",
    "MAX_COLUMNS",
    "MAX_COUNT",
    "MAX_ROWS",
    "PERSONAL",
    "TIDY_COLUMNS",
    "TIDY_SCHEMA",
    "FileRead",
    "RowOutcome",
    "TableRules",
    "Uncalculated",
    "count_problem",
    "no_area_rows",
    "quote_value",
    "read_table_dataset",
    "read_table_file",
    "row_outcome",
]
