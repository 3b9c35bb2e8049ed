"""The words of an indicator's verdict for each reader: the board's badges, sentences and
captions, chart texts, the residents' sentences and the workbook's cells.

Every function here renders a `Verdict` (`analysis.verdict`) and nothing else decides what an
indicator's change, signal or target status is: two surfaces cannot disagree because they say
the same typed value in their own words. The SPC words are SPC's own (special cause, common
cause), never "significant", which belongs to the two-period test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from reviewkit.analysis.outputs import OutputResult
from reviewkit.analysis.verdict import Verdict

Badge = tuple[str, str, str]  # (kind for colour, symbol, words)

CHANGE_BADGE: dict[str, Badge] = {
    "improved": ("good", "▲", "Improved"),
    "worsened": ("bad", "▼", "Worsened"),
    "about the same": ("neutral", "●", "About the same"),
    "cannot tell": ("none", "?", "Cannot tell yet"),
    "not comparable": ("warn", "!", "Not comparable"),
    "not assessable": ("none", "?", "Not assessable"),
}
SPC_WORDS = {
    "special cause improvement": "Special cause improvement",
    "special cause concern": "Special cause concern",
    "special cause": "Special cause variation",
    "common cause": "Common cause variation",
    "": "No chart",
}
TARGET_WORDS = {
    "met": "Met",
    "on track": "On track",
    "off track": "Off track",
    "no target": "No target",
    "not assessable": "Not assessable",
}
NOT_ASSURED_WORDS = {
    "change within noise": "the change from the baseline is within normal variation",
    "target within limits": (
        "the target lies within the usual month-to-month range (the process limits), so "
        "single months will sometimes miss it"
    ),
    "limits miss target": "the process limits lie on the wrong side of the target",
}
WHY_NOT_WORDS = {
    "not received": "{data} did not arrive",
    "unusable": "{data} arrived but could not be used",
    "missing periods": "{data} is missing for {periods}",
    "baseline missing": "{data} is missing for {periods} of the baseline",
    "baseline outside the data": "the data do not reach back to the baseline",
    "no population": "population figures for the rate are missing",
    "no rows": "{data} holds no figures for it",
    "no whole period": (
        "the review period or the baseline holds no whole quarter or financial year, the "
        "periods this indicator is counted in"
    ),
    "periods do not fit": "{data} arrived in periods that do not fit this measure",
    "nothing to compare": "there is nothing to compare: no events in the periods compared",
    "every type excluded": (
        "every crime type it counts was set aside because of a change in how it is recorded"
    ),
}


def change_badge(v: Verdict) -> Badge:
    """The scorecard's badge for the change against the baseline."""
    return CHANGE_BADGE[v.change]


def target_badge(v: Verdict) -> Badge:
    """The scorecard's badge for the target: met or on track says whether it is assured."""
    if v.target in ("met", "on track"):
        sym = "✔" if v.target == "met" else "▲"
        if v.assured == "assured":
            return ("good", sym, TARGET_WORDS[v.target])
        return ("neutral", sym, f"{TARGET_WORDS[v.target]}, not assured")
    return {
        "off track": ("bad", "✖", "Off track"),
        "no target": ("none", "–", "No target"),
        "not assessable": ("none", "?", "Not assessable"),
    }[v.target]


def spc_label(v: Verdict) -> str:
    """The SPC signal at the latest point, in SPC's words (scorecard and captions)."""
    return SPC_WORDS[v.spc]


def spc_sentence(v: Verdict) -> str:
    """What the chart shows: the latest point's signal and the special-cause points over the
    whole chart, so 'common cause' is never read as 'nothing happened'."""
    if not v.spc:
        return "No SPC chart could be drawn."
    latest = f"{SPC_WORDS[v.spc]} at the latest point"
    counts = []
    if v.special_improvement:
        counts.append(f"{_points(v.special_improvement)} special cause improvement")
    if v.special_concern:
        counts.append(f"{_points(v.special_concern)} special cause concern")
    if not counts:
        return f"{latest}; no point of the chart shows special cause."
    return f"{latest}; over the whole chart, {' and '.join(counts)}."


def _points(n: int) -> str:
    return "1 point shows" if n == 1 else f"{n} points show"


def not_assured_words(v: Verdict) -> str:
    """Why a met or on-track target is not assured ('' when it is, or does not apply)."""
    return "; ".join(NOT_ASSURED_WORDS[w] for w in v.not_assured)


def target_phrase(v: Verdict) -> str:
    """'met, but not assured: ...': the target's status with its one caveat."""
    words = TARGET_WORDS[v.target].lower()
    why = not_assured_words(v)
    return f"{words}, but not assured: {why}" if why else words


def why_not_words(v: Verdict, names: Mapping[str, str]) -> str:
    """Why an indicator cannot be assessed, in the reader's words: the data request by its
    description (never its id) and the periods missing."""
    data = names.get(v.why_dataset, "the data")
    periods = ", ".join(month_words(p) for p in v.missing) or "some periods"
    return WHY_NOT_WORDS.get(v.why_not, "its data is incomplete").format(data=data, periods=periods)


def recording_words(v: Verdict, lower: bool = False) -> str:
    """'burglary from March 2024': the recording change as every reader is told of it."""
    if not v.recording_types:
        return ""
    types = " and ".join(t.lower() if lower else t for t in v.recording_types)
    month = pd.Period(v.recording_from, "M").strftime("%B %Y")
    return f"{types} from {month}"


def month_words(label: str) -> str:
    """'2026-03' as 'March 2026'; quarter and year labels as they are."""
    if re.fullmatch(r"\d{4}-\d{2}", label):
        return pd.Period(label, "M").strftime("%B %Y")
    return label


def comparability_words(v: Verdict) -> str:
    """What a recording change between the periods means for the comparison ('' when none)."""
    c = recording_words(v, lower=True)
    return {
        "awaiting decision": (
            f"not comparable: a possible change in how the police record {c} falls between "
            "the two periods; the board is asked to decide how to treat it"
        ),
        "rebased": (
            f"not compared across the change in how the police record {c}: it was agreed "
            "that the figures start a new series from then"
        ),
        "excluded": f"leaves out {c}: it was agreed to set this type aside (a recording change)",
        "confirmed real": (
            f"the change in {c} was looked into and judged a real change, not a change in recording"
        ),
        "comparable": "",
    }[v.comparability]


def chart_conclusion(v: Verdict) -> str:
    """The chart text's conclusion: the SPC signal, and the target's assurance in the same
    words as the scorecard."""
    parts = [spc_sentence(v)]
    if v.target in ("met", "on track"):
        parts.append(f"Target: {target_phrase(v)}.")
    elif v.target == "off track":
        parts.append("Target: off track.")
    if v.decision_pending:
        parts.append(
            f"Points around the possible recording change in {recording_words(v, True)} may "
            "reflect how crimes were recorded rather than what happened."
        )
    return " ".join(parts)


def community_trend(v: Verdict, better: str) -> tuple[str, str] | None:
    """(what happened, how sure) for residents, or None when nothing can be said."""
    if not v.judged:
        return None
    down = "went down" if better == "lower" else "went up"
    up = "went up" if better == "lower" else "went down"
    return {
        "improved": (down, "This is more than the normal ups and downs from month to month."),
        "worsened": (up, "This is more than the normal ups and downs from month to month."),
        "about the same": (
            "stayed about the same",
            "Any change is within the normal ups and downs from month to month.",
        ),
        "cannot tell": (
            "may have changed",
            "We cannot tell yet whether it went up or down: the change is within the normal "
            "ups and downs.",
        ),
    }[v.change]


def workbook_words(v: Verdict, names: Mapping[str, str]) -> dict[str, str]:
    """The verdict as the workbook's Scorecard sheet shows it: words, never codes."""
    return {
        "Change verdict": CHANGE_BADGE[v.change][2],
        "SPC signal (latest point)": SPC_WORDS[v.spc],
        "Target status": target_badge(v)[2],
        "Why not assured": not_assured_words(v),
        "Why not assessable": "" if v.assessable else why_not_words(v, names),
        "Recording change": comparability_words(v),
    }


# An output measure's standing against its plan: (badge kind, symbol, words).
OUTPUT_BADGE: dict[str, Badge] = {
    "delivered": ("good", "✔", "Delivered"),
    "on plan": ("good", "●", "On plan"),
    "behind plan": ("bad", "▼", "Behind plan"),
    "cannot tell": ("none", "?", "Cannot tell"),
    "not started": ("none", "–", "Not started"),
}


def output_badge(o: OutputResult) -> Badge:
    """The badge for an output measure's standing against its plan."""
    return OUTPUT_BADGE[o.status]


def output_words(o: OutputResult) -> str:
    """One sentence on an output measure against its plan, every number with its meaning;
    missing returns are said, never counted as nothing delivered."""
    plan = f"{o.planned:,.0f} planned by {o.by:%B %Y}"
    if o.status == "not started":
        return f"Not started by the end of the review period ({plan})."
    if o.delivered is None:
        return f"No returns yet, so what was delivered cannot be told ({plan})."
    span = f"{month_words(o.counted_from)} to {month_words(o.counted_to)}"
    got = f"{o.delivered:,.0f} delivered from {span}"
    expected = f"{o.expected_by_now or 0:,.0f} expected by then"
    if o.status == "cannot tell":
        gaps = ", ".join(map(month_words, o.missing_periods))
        return (
            f"{got} ({plan}), but returns are missing for {gaps}, so whether it is on plan "
            "cannot be told."
        )
    if o.status == "delivered":
        return f"{got}: the plan ({plan}) is met."
    tail = "on plan" if o.status == "on plan" else "behind plan"
    return f"{got} against {expected} ({plan}): {tail}."


def delivered_words(o: OutputResult) -> str:
    """What an initiative delivered, for residents: a count so far against its plan, or
    nothing at all when the returns cannot say (a gap is never told as none delivered)."""
    if o.delivered is None or o.status in ("cannot tell", "not started"):
        return ""
    return f"So far: {o.delivered:,.0f} {o.output} ({o.planned:,.0f} planned by {o.by:%B %Y})."
