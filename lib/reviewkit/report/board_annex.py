"""The board report's Annex C: possible recording changes, data completeness, the row
reconciliation and the difficulties log, with data requests named as the board reads them.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.report import html, quality
from reviewkit.report.context import ReportContext

DECIDED = {
    "exclude": "it was agreed to set the type aside in the indicators",
    "rebase": "it was agreed that the figures start a new series from then",
    "real": "it was looked into and judged a real change, not a change in recording",
}


def recording_notes(ctx: ReportContext) -> Markup:
    """Possible changes in how the police record a crime type, each with where it stands:
    awaiting the board's decision, or what was agreed."""
    found = (
        {(str(r["crime_type"]), str(r["month"])): r for _, r in ctx.recording_found.iterrows()}
        if ctx.recording_found is not None
        else {}
    )
    items = []
    for c in sorted(ctx.recording.values(), key=lambda c: (c.month, c.crime_type)):
        text = f"{c.crime_type} from {c.label}: "
        r = found.get((c.crime_type, c.month))
        if r is not None:
            text += (
                f"about {r['before']:,.0f} a month before and {r['after']:,.0f} after in this "
                "partnership"
            )
            if not pd.isna(r["rest_before"]):
                text += (
                    f", and {r['rest_before']:,.0f} to {r['rest_after']:,.0f} in the rest of "
                    "the force at the same time"
                )
            text += ". "
        text += (
            f"Decided: {DECIDED[c.decision]}."
            if c.decision
            else "Awaiting the board's decision: until then comparisons across this month "
            "are not made."
        )
        items.append(text)
    if not items:
        return html.EMPTY
    return html.h(3, "Possible changes in how crimes are recorded") + html.ul(items)


def _named(ctx: ReportContext, table: pd.DataFrame) -> pd.DataFrame:
    """A table with each data request named by its description, as the board reads it (the
    data quality page, the analyst's, keeps the ids)."""
    if "dataset" not in table.columns:
        return table
    return table.assign(
        dataset=[ctx.dataset_names.get(d, d) if isinstance(d, str) else d for d in table["dataset"]]
    )


def data_section(ctx: ReportContext) -> Markup:
    """Annex C: possible recording changes, data completeness, the row reconciliation and the
    difficulties log, so the board sees what the figures rest on."""
    return html.section(
        html.h(2, "Annex C: Data completeness and difficulties", "data")
        + recording_notes(ctx)
        + quality.completeness_table(ctx.completeness)
        + quality.reconciliation_summary(_named(ctx, ctx.reconciliation))
        + quality.difficulties_tables(
            _named(ctx, ctx.difficulties),
            ctx.params.cycle,
            completeness=_named(ctx, ctx.completeness),
            history=ctx.cycles,
        )
    )
