"""Data-quality sections, shared by the intake notebook (data_quality.html) and the board
report: what arrived, every row accounted for, what was quarantined, and the difficulties."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup

from reviewkit.intake.difficulties import GAP_CATEGORIES, gap_ages
from reviewkit.report import html

OUTCOME_COLS = [
    "rows_read",
    "accepted",
    "quarantined",
    "out_of_area",
    "unassigned",
    "after_review_period",
]
OUTCOME_HEADERS = [
    "Accepted",
    "Quarantined",
    "Out of area",
    "Unassigned (no location)",
    "After the review period",
]
UNASSIGNED_NOTE = (
    "Unassigned rows have no location, so they cannot be placed in any area: "
    "for police.uk data they are the whole force's, not this partnership's. Rows "
    "dated after the review period are counted here and used in no figure."
)


def completeness_table(completeness: pd.DataFrame) -> Markup:
    """The data requests as a table: who provides, gathers and analyses each,
    when it was due and received, and what is missing."""
    rows = [
        [
            r["description"],
            r["provider"],
            r["gatherer"],
            r["analyst"],
            r["due"],
            _received(r),
            r["timeliness"],
            r["status"],
            r["missing_periods"] or "–",
        ]
        for _, r in completeness.fillna("").iterrows()
    ]
    return html.table(
        [
            "Dataset",
            "Provided by",
            "Gathered by",
            "Analysed by",
            "Due",
            "Received",
            "On time?",
            "Status",
            "Missing periods",
        ],
        rows,
        "Data requested for this review and what arrived",
    )


def _received(r: pd.Series) -> str:
    """The received date and where it came from; flagged when after the review date."""
    if not r["received"]:
        return "–"
    source = r.get("received_from", "")
    text = f"{r['received']} ({source})" if source else str(r["received"])
    if str(r.get("received_after_review_date", "")) == "True":
        text += " ⚠ after the review date: check it"
    return text


def reconciliation_summary(reconciliation: pd.DataFrame) -> Markup:
    """Rows accounted for by dataset: read = accepted + quarantined + out of
    area + unassigned + after the review period."""
    agg = reconciliation.groupby("dataset", as_index=False, sort=False)[OUTCOME_COLS].sum()
    rows = [[r["dataset"], *(f"{int(r[c]):,}" for c in OUTCOME_COLS)] for _, r in agg.iterrows()]
    return html.table(
        ["Dataset", "Rows read", *OUTCOME_HEADERS],
        rows,
        "Every row accounted for: read = accepted + quarantined + out of area + "
        "unassigned + after the review period",
        numeric=(1, 2, 3, 4, 5, 6),
    ) + html.p(UNASSIGNED_NOTE)


def reconciliation_by_file(reconciliation: pd.DataFrame) -> Markup:
    """Rows accounted for by input file, and whether each file adds up."""
    rows = [
        [
            r["file"],
            r["dataset"],
            *(f"{int(r[c]):,}" for c in OUTCOME_COLS),
            "Yes" if r["balanced"] else "NO",
            r["note"],
        ]
        for _, r in reconciliation.fillna("").iterrows()
    ]
    return html.table(
        ["File", "Dataset", "Read", *OUTCOME_HEADERS, "Adds up?", "Note"],
        rows,
        "Rows by input file",
        numeric=(2, 3, 4, 5, 6, 7),
        cls="small",
    )


def quarantine_summary(quarantine: dict[str, pd.DataFrame]) -> Markup:
    """Quarantined rows counted by dataset and reason (values in the reasons
    hidden), or a sentence that none were."""
    rows = []
    for name, q in quarantine.items():
        if len(q) == 0:
            continue
        reasons = q["reason"].astype(str).str.replace(r"'[^']*'", "'…'", regex=True)
        for reason, n in reasons.value_counts().items():
            rows.append([name, reason, f"{n:,}"])
    if not rows:
        return html.p("No rows were quarantined.")
    return html.table(
        ["Dataset", "Reason", "Rows"],
        rows,
        "Quarantined rows by reason (details in quarantine/<dataset>.csv)",
        numeric=(2,),
    )


def arrivals_table(per_period: pd.DataFrame, caption: str) -> Markup:
    """Accepted rows per dataset and period (a wide table, periods as rows)."""
    if per_period.empty:
        return html.p("No data arrived.")
    wide = (
        per_period.pivot_table(index="period", columns="dataset", values="rows", aggfunc="sum")
        .fillna(0)
        .astype(int)
        .sort_index()
    )
    rows = [[idx, *(f"{v:,}" for v in r)] for idx, r in wide.iterrows()]
    return html.table(
        ["Period", *wide.columns],
        rows,
        caption,
        numeric=tuple(range(1, len(wide.columns) + 1)),
        cls="small",
    )


def difficulties_tables(
    log: pd.DataFrame,
    cycle: str,
    level: int = 3,
    completeness: pd.DataFrame | None = None,
    history: Sequence[str] = (),
) -> Markup:
    """The log in three tables (new, resolved, still open), the data gaps from earlier
    reviews still open with how long each has been open, and those filled this review.
    `completeness`: this review's completeness table (a gap is then listed only for data
    still missing); None lists every difficulty about data the log holds open. `history`:
    the review cycles oldest first (`review_cycles`), by which a gap's age is counted."""
    groups = [
        ("New this review", log[log["raised_cycle"] == cycle]),
        ("Resolved this review", log[log["resolved_cycle"] == cycle]),
        ("Still open", log[(log["status"] == "open") & (log["raised_cycle"] != cycle)]),
    ]
    out = []
    for title, df in groups:
        out.append(html.h(level, f"Difficulties: {title.lower()}"))
        rows = [
            [
                r["id"],
                r["agency"],
                r["dataset"],
                r["category"],
                r["description"],
                r["action"],
                r["owner"],
            ]
            for _, r in df.iterrows()
        ]
        out.append(
            html.table(
                ["Id", "Agency", "Dataset", "Category", "Difficulty", "Action", "Owner"],
                rows,
                f"Difficulties log: {title.lower()}",
            )
        )
    complete = (
        None
        if completeness is None
        else set(completeness.loc[completeness["status"] == "complete", "dataset"])
    )
    still = [g for g in gap_ages(log, cycle, complete or (), history) if g.cycles_open > 0]
    # without this review's completeness, a difficulty of a dataset now complete may remain:
    # then they are named as difficulties, not as data still missing
    title = (
        "Data gaps from earlier reviews still open"
        if complete is not None
        else "Difficulties about data from earlier reviews still open"
    )
    out.append(html.h(level, title))
    out.append(
        html.ul(f"{g.dataset}: {g.age_words()} ({'; '.join(g.descriptions)})" for g in still)
        or html.p("None: nothing logged at an earlier review is still open.")
    )
    gaps = log[(log["resolved_cycle"] == cycle) & log["category"].isin(GAP_CATEGORIES)]
    out.append(html.h(level, "Data gaps from earlier reviews now filled"))
    out.append(
        html.ul(
            f"{r['dataset']}: {r['description']} (raised {r['raised_cycle']})"
            for _, r in gaps.iterrows()
        )
        or html.p("None this review.")
    )
    return html.join(out)


def arrivals(datasets: dict, period_type_of: dict[str, str]) -> pd.DataFrame:
    """Accepted rows per dataset and period, from intake's tidy tables."""
    frames = []
    for name, d in datasets.items():
        t = d.tidy
        if t is None or t.empty:
            continue
        if "n" in t.columns:
            g = (
                t.groupby("month", as_index=False)["n"]
                .sum()
                .rename(columns={"month": "period", "n": "rows"})
            )
        else:
            g = (
                t.groupby("period_start", as_index=False)
                .size()
                .rename(columns={"period_start": "period", "size": "rows"})
            )
        frames.append(g.assign(dataset=name))
    if not frames:
        return pd.DataFrame(columns=["dataset", "period", "rows"])
    return pd.concat(frames, ignore_index=True)


def intake_title(partnership: str, cycle: str, review_desc: str) -> Markup:
    """The data quality report's title block: partnership, cycle and review period."""
    return html.block(
        "header",
        html.h(1, f"{partnership}: data quality report")
        + html.p(f"Review cycle {cycle} · review period {review_desc}", "subtitle"),
        "title",
    )


def notes_section(notes: dict[str, list[str]], dropped: dict[str, list[str]]) -> Markup:
    """Intake's notes per dataset, and the columns not read because they looked like
    personal data."""
    items = [f"{ds}: {n}" for ds, ns in notes.items() for n in ns]
    items += [
        f"{ds}: column(s) that look like personal data were not read: {', '.join(cols)}"
        for ds, cols in dropped.items()
    ]
    return html.ul(items) if items else html.p("Nothing else to note.")
