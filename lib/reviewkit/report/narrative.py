"""Drafted text: sentences built from the scorecard, and the analyst's own narrative.

Every number in drafted text comes from the scorecard row it describes, formatted by the same
functions as the tables, and is marked `data-indicator`/`data-field` so it can be checked.

The analyst's narrative lives in a Markdown file (params `inputs.narrative`), one `## key`
section per place in the reports (`executive_summary`, `priority_<id>`, `community_intro`,
`community_priority_<id>`). Placeholders such as `{{asb_police.change_pct}}` are filled from
this cycle's scorecard, so the text survives reruns with new data and never goes stale.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.formatting import fmt_change, fmt_p, fmt_pct, fmt_value, is_missing, unit_suffix
from reviewkit.methods.exact_tests import interval_words
from reviewkit.methods.spc import VARIATION_TEXT
from reviewkit.report.html import esc

PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\.([a-z_]+)\s*\}\}")
FIELDS = {
    "review_value",
    "baseline_value",
    "change",
    "change_pct",
    "p_value",
    "target_value",
    "target_status",
    "direction",
    "variation",
    "latest_value",
    "latest_period",
    "review_count",
    "baseline_count",
    "rolling_change_pct",
}


def num(row: pd.Series | dict, field: str, text: str) -> str:
    """A number in running text, tagged with where it came from."""
    return (
        f'<span class="n" data-indicator="{esc(row["id"])}" data-field="{esc(field)}">'
        f"{esc(text)}</span>"
    )


def field_text(row: pd.Series | dict, field: str) -> str:
    m = row["measure"]
    v = row[field]
    if field in ("review_value", "baseline_value", "target_value", "latest_value"):
        return fmt_value(v, m)
    if field in ("review_count", "baseline_count"):
        return fmt_value(v, "count")
    if field == "change":
        return fmt_change(v, m)
    if field in ("change_pct", "rolling_change_pct"):
        return fmt_pct(v)
    if field == "p_value":
        return fmt_p(v)
    if field == "variation":  # a code such as `concern_high` never reaches a report
        return VARIATION_TEXT.get(str(v), "").lower() if isinstance(v, str) else ""
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _p_phrase(row: pd.Series | dict) -> str:
    text = field_text(row, "p_value")
    return (
        f"p {num(row, 'p_value', text)}"
        if text.startswith("<")
        else (f"p = {num(row, 'p_value', text)}")
    )


def _interval(row: pd.Series | dict) -> str:
    """'95% interval: between 27% fewer and 6% more' for counts and rates; '' otherwise."""
    if row["measure"] == "proportion" or is_missing(row.get("ratio_low")):
        return ""
    kind = "count" if row["measure"] == "count" else "rate"
    return "95% interval: " + esc(
        interval_words(float(row["ratio_low"]), float(row["ratio_high"]), kind)
    )


def _realness(row: pd.Series | dict) -> str:
    """What the test allows us to say, with its interval, and no more."""
    detail = "; ".join(x for x in (_interval(row), _p_phrase(row)) if x)
    d = row["direction"]
    if d in ("improved", "worsened"):
        word = "better" if d == "improved" else "worse"
        return (
            f"{word} by more than the month-to-month variation would explain ({detail}); "
            "this does not say what caused it"
        )
    if d == "cannot tell":
        return f"the figures cannot tell yet whether it rose or fell ({detail})"
    return f"about the same: the interval rules out a meaningful rise or fall ({detail})"


def change_text(row: pd.Series | dict) -> str:
    """The change as the reader should read it: percentage points for proportions."""
    if row["measure"] == "proportion":
        return num(row, "change", field_text(row, "change"))
    return num(row, "change_pct", field_text(row, "change_pct"))


def indicator_sentence(row: pd.Series | dict, review_desc: str, baseline_desc: str) -> str:
    """One plain sentence for the board: value, baseline, change and what the test allows."""
    name = esc(row["name"])
    if not row["assessable"]:
        return f"{name}: {esc(row['reason'])}."
    unit = esc(unit_suffix(row["measure"]))
    if row["direction"] == "not comparable":
        return (
            f"{name}: {num(row, 'review_value', field_text(row, 'review_value'))}{unit} in "
            f"{esc(review_desc)}, against "
            f"{num(row, 'baseline_value', field_text(row, 'baseline_value'))} in "
            f"{esc(baseline_desc)}: not comparable: {esc(row['not_comparable'])} (see the "
            "data quality section; the analyst can record a decision in the params)."
        )
    return (
        f"{name}: {num(row, 'review_value', field_text(row, 'review_value'))}{unit} in "
        f"{esc(review_desc)}, against "
        f"{num(row, 'baseline_value', field_text(row, 'baseline_value'))}"
        f" in {esc(baseline_desc)}: a change of {change_text(row)}, {_realness(row)}."
    )


def multiple_testing_note(scorecard: pd.DataFrame, alpha: float) -> str:
    """How many tests the report makes and what that means for a single 'significant' one."""
    n = int(scorecard["p_value"].notna().sum())
    if n == 0:
        return ""
    expected = n * alpha
    charts = (
        int((scorecard["variation"].fillna("") != "").sum()) if "variation" in (scorecard) else 0
    )
    spc = (
        f" Each of the {charts} SPC chart(s) applies four rules to every point, so an "
        "occasional special-cause flag can also be a false alarm."
        if charts
        else ""
    )
    return (
        f"This report tests {n} indicator(s) at the {alpha:g} level. Even if nothing had "
        f"changed, about {expected:.1f} of them could come out significant by chance "
        "alone, so read a single borderline result with caution and look for the same "
        f"pattern in the chart and in other indicators.{spc}"
    )


def executive_summary(
    scorecard: pd.DataFrame,
    initiatives: pd.DataFrame,
    completeness: pd.DataFrame,
    alpha: float = 0.05,
) -> list[str]:
    """Bullet points (HTML) drafted from the numbers."""
    out = []
    sc = scorecard
    imp = sc[sc["direction"] == "improved"]
    wor = sc[sc["direction"] == "worsened"]
    same = sc[sc["direction"] == "no real change"]
    unclear = sc[sc["direction"] == "cannot tell"]
    apart = sc[sc["direction"] == "not comparable"]
    na = sc[~sc["assessable"].astype(bool)]

    def listed(rows: pd.DataFrame) -> str:
        return "; ".join(f"{esc(r['name'])} ({change_text(r)})" for _, r in rows.iterrows())

    if len(imp):
        out.append(
            "<strong>Improved</strong> by more than month-to-month variation would "
            f"explain: {listed(imp)}."
        )
    if len(wor):
        out.append(
            "<strong>Got worse</strong> by more than month-to-month variation would "
            f"explain: {listed(wor)}."
        )
    if len(same):
        out.append(f"<strong>About the same</strong> in {len(same)} indicator(s): {listed(same)}.")
    if len(unclear):
        out.append(
            f"<strong>Cannot tell yet</strong> in {len(unclear)} indicator(s): the "
            f"figures allow a meaningful rise or fall: {listed(unclear)}."
        )
    if len(apart):
        out.append(
            "<strong>Not comparable</strong> with the baseline: "
            + "; ".join(
                f"{esc(r['name'])} ({esc(r['not_comparable'])})" for _, r in apart.iterrows()
            )
            + "."
        )
    if len(imp) or len(wor):
        out.append(
            "These are comparisons of two periods, not evaluations: they do not show "
            "that any initiative caused a change."
        )
    counts = sc["target_status"].value_counts()
    target_by = sc["target_by"].fillna("") if "target_by" in sc else pd.Series("", sc.index)
    with_target = sc[sc["target_value"].notna() | (target_by != "")]
    if len(with_target):
        off = with_target[with_target["target_status"] == "off track"]
        part = (
            f"<strong>Targets</strong>: {counts.get('met', 0)} met, "
            f"{counts.get('on track', 0)} on track, {counts.get('off track', 0)} off track"
            f", {int((with_target['target_status'] == 'not assessable').sum())} cannot be "
            f"assessed, of {len(with_target)}."
        )
        if len(off):
            part += " Off track: " + "; ".join(esc(r["name"]) for _, r in off.iterrows()) + "."
        soft = with_target[
            (with_target["target_status"] == "met") & ~with_target["direction"].isin(["improved"])
        ]
        if len(soft):
            part += (
                " Met, but on a change within normal variation (it may not last): "
                + "; ".join(esc(r["name"]) for _, r in soft.iterrows())
                + "."
            )
        out.append(part)
    if len(na):
        out.append(
            "<strong>Cannot be assessed</strong>: "
            + "; ".join(
                f"{esc(r['name'])} ({esc(r['reason'].removeprefix('not assessable: '))})"
                for _, r in na.iterrows()
            )
            + "."
        )
    if len(initiatives):
        good = initiatives["status"].isin(["on track", "complete"]).sum()
        flagged = initiatives[initiatives["reassess"].astype(bool)]
        part = f"<strong>Initiatives</strong>: {good} of {len(initiatives)} on track or complete."
        if len(flagged):
            part += (
                f" {len(flagged)} recommended for re-assessment: "
                + "; ".join(esc(n) for n in flagged["name"])
                + "."
            )
        out.append(part)
    if len(completeness):
        complete = (completeness["status"] == "complete").sum()
        missing = completeness[completeness["status"] != "complete"]
        part = (
            f"<strong>Data</strong>: {complete} of {len(completeness)} requested datasets complete."
        )
        if len(missing):
            part += (
                " "
                + "; ".join(
                    f"{esc(r['description'])}: {esc(r['status'])}" for _, r in missing.iterrows()
                )
                + "."
            )
        out.append(part)
    caveat = multiple_testing_note(sc, alpha)
    if caveat:
        out.append(esc(caveat))
    return out


# The analyst's narrative ----------------------------------------------------------------------
def load_narrative(path: Path | None) -> dict[str, str]:
    """Sections of the narrative file by key; empty when there is no file."""
    if path is None:
        return {}
    text = path.read_text(encoding="utf-8-sig")
    sections: dict[str, str] = {}
    key = None
    lines: list[str] = []
    for line in text.splitlines():
        m = re.match(r"^##\s+([a-z][a-z0-9_]*)\s*$", line.strip())
        if m:
            if key:
                sections[key] = "\n".join(lines).strip()
            key, lines = m.group(1), []
        elif key:
            lines.append(line)
    if key:
        sections[key] = "\n".join(lines).strip()
    return sections


def render_narrative(text: str, scorecard: pd.DataFrame, source: str) -> str:
    """Markdown-lite (paragraphs, '- ' bullets, **bold**) to HTML, placeholders filled."""
    rows = {r["id"]: r for _, r in scorecard.iterrows()}

    def fill(m: re.Match[str]) -> str:
        ind, field = m.group(1), m.group(2)
        if ind not in rows:
            raise ReviewError(
                f"{source}: placeholder {m.group(0)} names an unknown indicator "
                f"'{ind}' (known: {', '.join(rows)})."
            )
        if field not in FIELDS:
            raise ReviewError(
                f"{source}: placeholder {m.group(0)} names an unknown field "
                f"'{field}' (known: {', '.join(sorted(FIELDS))})."
            )
        return num(rows[ind], field, field_text(rows[ind], field))

    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    html = []
    for block in blocks:
        # The analyst's text is escaped piece by piece around each placeholder, so nothing
        # the text holds (any character at all) can turn into markup.
        pieces, at = [], 0
        for m in PLACEHOLDER.finditer(block):
            pieces += [esc(block[at : m.start()]), fill(m)]
            at = m.end()
        safe = "".join([*pieces, esc(block[at:])])
        safe = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", safe)
        # Prompts the analyst has still to write stand out in a draft (a final run refuses).
        safe = re.sub(r"\[\[(.*?)\]\]", r'<mark class="to-write">To write: \1</mark>', safe)
        lines = safe.splitlines()
        if all(ln.lstrip().startswith("- ") for ln in lines):
            html.append("<ul>" + "".join(f"<li>{ln.lstrip()[2:]}</li>" for ln in lines) + "</ul>")
        else:
            html.append(f"<p>{' '.join(lines)}</p>")
    return "".join(html)
