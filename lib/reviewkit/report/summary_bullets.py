"""The executive summary's bullets on targets, initiatives and data: counts and names drafted
from the verdicts, the initiative log and the data requests, every value escaped."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reviewkit.analysis.verdict import TARGET_CALLS, Verdict
from reviewkit.report import verdict_words as words
from reviewkit.report.html import esc, safe


def targets_bullet(rows: list[tuple[pd.Series, Verdict]]) -> list[Markup]:
    """Targets by the verdict's one rule: met and on track each say whether assured."""
    with_target = [(r, v) for r, v in rows if v.target != "no target"]
    if not with_target:
        return []
    count = {call: sum(1 for _, v in with_target if v.target == call) for call in TARGET_CALLS}
    part = (
        f"<strong>Targets</strong>: {count['met']} met, {count['on track']} on track, "
        f"{count['off track']} off track, {count['not assessable']} cannot be assessed, of "
        f"{len(with_target)}."
    )
    return [safe(part + _off_track(with_target) + _not_assured(with_target))]


def _off_track(with_target: list[tuple[pd.Series, Verdict]]) -> str:
    """The sentence naming the indicators off track for their target (escaped), or ""."""
    off = [r for r, v in with_target if v.target == "off track"]
    return " Off track: " + "; ".join(esc(r["name"]) for r in off) + "." if off else ""


def _not_assured(with_target: list[tuple[pd.Series, Verdict]]) -> str:
    """The sentence naming the indicators met or on track but not assured, each with why
    (escaped), or ""."""
    soft = [(r, v) for r, v in with_target if v.assured == "not assured"]
    if not soft:
        return ""
    return (
        " Met or on track but not assured: "
        + "; ".join(
            f"{esc(r['name'])} ({words.TARGET_WORDS[v.target].lower()}: "
            f"{esc(words.not_assured_words(v))})"
            for r, v in soft
        )
        + "."
    )


def initiatives_bullet(initiatives: pd.DataFrame) -> list[Markup]:
    """How many initiatives are on track or complete, and which are recommended for
    re-assessment; none without initiatives."""
    if not len(initiatives):
        return []
    good = int(initiatives["status"].isin(["on track", "complete"]).sum())
    flagged = initiatives[initiatives["reassess"].astype(bool)]
    part = f"<strong>Initiatives</strong>: {good} of {len(initiatives)} on track or complete."
    if len(flagged):
        part += (
            f" {len(flagged)} recommended for re-assessment: "
            + "; ".join(esc(n) for n in flagged["name"])
            + "."
        )
    return [safe(part)]


def data_bullet(completeness: pd.DataFrame) -> list[Markup]:
    """How many requested datasets are complete, and what is missing from the others; none
    without data requests."""
    if not len(completeness):
        return []
    complete = int((completeness["status"] == "complete").sum())
    missing = completeness[completeness["status"] != "complete"]
    part = f"<strong>Data</strong>: {complete} of {len(completeness)} requested datasets complete."
    if len(missing):
        part += (
            " "
            + "; ".join(
                f"{esc(r['description'])}: {esc(r['status'])}"
                + (f" ({esc(r['missing_periods'])} missing)" if r.get("missing_periods") else "")
                for _, r in missing.iterrows()
            )
            + "."
        )
    return [safe(part)]


# The analyst's narrative ----------------------------------------------------------------------
