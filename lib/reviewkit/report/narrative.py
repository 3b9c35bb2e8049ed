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
from markupsafe import Markup

from reviewkit.analysis.verdict import Verdict
from reviewkit.base.errors import ReviewError
from reviewkit.base.formatting import fmt_change, fmt_p, fmt_pct, fmt_value, is_missing, unit_suffix
from reviewkit.methods.exact_tests import interval_words
from reviewkit.report import verdict_words as words
from reviewkit.report.html import EMPTY, esc, safe
from reviewkit.report.summary_bullets import data_bullet, initiatives_bullet, targets_bullet

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


def num(row: pd.Series | dict, field: str, text: str) -> Markup:
    """A number in running text, tagged with where it came from."""
    return safe(
        f'<span class="n" data-indicator="{esc(row["id"])}" data-field="{esc(field)}">'
        f"{esc(text)}</span>"
    )


def field_text(row: pd.Series | dict, field: str) -> str:
    """A scorecard field as a reader sees it: numbers in the measure's units, verdict
    codes in words."""
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
    # the verdict's words, never a code such as `concern_high`
    if field == "variation":
        return words.spc_label(Verdict.from_row(row)).lower()
    if field == "direction":
        return words.change_badge(Verdict.from_row(row))[2].lower()
    if field == "target_status":
        return words.target_phrase(Verdict.from_row(row))
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _p_phrase(row: pd.Series | dict) -> Markup:
    text = field_text(row, "p_value")
    return safe(
        f"p {num(row, 'p_value', text)}"
        if text.startswith("<")
        else f"p = {num(row, 'p_value', text)}"
    )


def _interval(row: pd.Series | dict) -> Markup:
    """'95% interval: between 27% fewer and 6% more' for counts and rates; '' otherwise."""
    if row["measure"] == "proportion" or is_missing(row.get("ratio_low")):
        return EMPTY
    kind = "count" if row["measure"] == "count" else "rate"
    return safe(
        "95% interval: "
        + esc(interval_words(float(row["ratio_low"]), float(row["ratio_high"]), kind))
    )


def _realness(row: pd.Series | dict, v: Verdict) -> Markup:
    """What the test allows us to say, with its interval, and no more."""
    detail = (
        safe("; ").join(x for x in (_interval(row), _p_phrase(row)) if x)
        if not is_missing(row.get("p_value"))
        else "no test can be made on so few events"
    )
    d = v.change
    if d in ("improved", "worsened"):
        word = "better" if d == "improved" else "worse"
        return safe(
            f"{word} by more than the month-to-month variation would explain ({esc(detail)}); "
            "this does not say what caused it"
        )
    if d == "cannot tell":
        return safe(f"the figures cannot tell yet whether it rose or fell ({esc(detail)})")
    return safe(f"about the same: the interval rules out a meaningful rise or fall ({esc(detail)})")


def change_text(row: pd.Series | dict) -> Markup:
    """The change as the reader should read it: percentage points for proportions."""
    if row["measure"] == "proportion":
        return num(row, "change", field_text(row, "change"))
    return num(row, "change_pct", field_text(row, "change_pct"))


def indicator_sentence(
    row: pd.Series | dict,
    v: Verdict,
    review_desc: str,
    baseline_desc: str,
    names: dict[str, str] | None = None,
) -> Markup:
    """One plain sentence for the board: value, baseline, change and what the test allows,
    all from the indicator's verdict."""
    name = esc(row["name"])
    if not v.assessable:
        why = words.why_not_words(v, names or {})
        return safe(f"{name}: cannot be assessed this review: {esc(why)}.")
    unit = esc(unit_suffix(row["measure"]))
    if v.change == "not comparable":
        return safe(
            f"{name}: {num(row, 'review_value', field_text(row, 'review_value'))}{unit} in "
            f"{esc(review_desc)}, against "
            f"{num(row, 'baseline_value', field_text(row, 'baseline_value'))} in "
            f"{esc(baseline_desc)}: {esc(words.comparability_words(v))}."
        )
    return safe(
        f"{name}: {num(row, 'review_value', field_text(row, 'review_value'))}{unit} in "
        f"{esc(review_desc)}, against "
        f"{num(row, 'baseline_value', field_text(row, 'baseline_value'))}"
        f" in {esc(baseline_desc)}: a change of {change_text(row)}, {_realness(row, v)}."
    )


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 indicator', '3 indicators': a count with its noun, never 'indicator(s)'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def multiple_testing_note(
    scorecard: pd.DataFrame, verdicts: dict[str, Verdict], alpha: float
) -> str:
    """How many tests the report makes and what that means for a single result beyond
    chance."""
    tested = sum(
        1
        for _, r in scorecard.iterrows()
        if verdicts[str(r["id"])].judged and not pd.isna(r["p_value"])
    )
    if tested == 0:
        return ""
    expected = tested * alpha
    one_in = f"one test in {round(1 / alpha):,}" if alpha > 0 else "no test"
    if expected < 0.75:
        expect = "fewer than one such result"
    elif expected < 1.5:
        expect = "about one such result"
    else:
        expect = f"about {expected:.0f} such results"
    charts = sum(1 for v in verdicts.values() if v.spc)
    spc = (
        f" Each of the {plural(charts, 'SPC chart')} applies four rules to every point, so "
        "an occasional special-cause point can also be a false alarm."
        if charts
        else ""
    )
    return (
        f"This report tests {plural(tested, 'indicator')} at the {alpha:g} level. Even if "
        f"nothing had changed, {one_in} would come out beyond chance by chance alone: with "
        f"{tested}, expect {expect}. Read a single borderline result with caution and look for "
        f"the same pattern in the chart and in other indicators.{spc}"
    )


def executive_summary(
    scorecard: pd.DataFrame,
    verdicts: dict[str, Verdict],
    initiatives: pd.DataFrame,
    completeness: pd.DataFrame,
    alpha: float = 0.05,
    names: dict[str, str] | None = None,
) -> list[Markup]:
    """Bullet points (HTML, marked safe: every value in them is escaped here) drafted from the
    verdicts: each indicator is listed once, under what its verdict says."""
    rows = [(r, verdicts[str(r["id"])]) for _, r in scorecard.iterrows()]
    caveat = multiple_testing_note(scorecard, verdicts, alpha)
    return [
        *change_bullets(rows),
        *targets_bullet(rows),
        *_not_assessed_bullet(rows, names or {}),
        *initiatives_bullet(initiatives),
        *data_bullet(completeness),
        *([safe(esc(caveat))] if caveat else []),
    ]


LISTED_CALLS = ("improved", "worsened", "about the same", "cannot tell")  # in this order
BEYOND = "by more than month-to-month variation would explain"


def _called(rows: list[tuple[pd.Series, Verdict]], call: str) -> list[tuple[pd.Series, Verdict]]:
    """The assessable indicators whose verdict's change is `call`: the one test that puts an
    indicator under a change bullet, so each is listed once."""
    return [(r, v) for r, v in rows if v.assessable and v.change == call]


def change_bullet(call: str, picked: list[pd.Series]) -> Markup:
    """One bullet of indicators with the same change call, each with its change; the calls
    that are beyond variation say so, the others say how many."""
    many = plural(len(picked), "indicator")
    lead = {
        "improved": f"<strong>Improved</strong> {BEYOND}",
        "worsened": f"<strong>Got worse</strong> {BEYOND}",
        "about the same": f"<strong>About the same</strong> in {many}",
        "cannot tell": f"<strong>Cannot tell yet</strong> in {many}: the figures allow a "
        "meaningful rise or fall",
    }[call]
    return safe(
        f"{lead}: " + "; ".join(f"{esc(r['name'])} ({change_text(r)})" for r in picked) + "."
    )


def change_bullets(rows: list[tuple[pd.Series, Verdict]]) -> list[Markup]:
    """The bullets on change, in the order of `LISTED_CALLS`, then the indicators not
    comparable with their baseline and why; when anything improved or got worse, that a
    comparison of two periods is not an evaluation."""
    out = [
        change_bullet(call, [r for r, _ in picked])
        for call in LISTED_CALLS
        if (picked := _called(rows, call))
    ]
    apart = _called(rows, "not comparable")
    if apart:
        out.append(
            safe(
                "<strong>Not comparable</strong> with the baseline: "
                + "; ".join(
                    f"{esc(r['name'])} ({esc(words.comparability_words(v))})" for r, v in apart
                )
                + "."
            )
        )
    if _called(rows, "improved") or _called(rows, "worsened"):
        out.append(
            safe(
                "These are comparisons of two periods, not evaluations: they do not show "
                "that any initiative caused a change."
            )
        )
    return out


def _not_assessed_bullet(
    rows: list[tuple[pd.Series, Verdict]], names: dict[str, str]
) -> list[Markup]:
    """The indicators that cannot be assessed, each with why not; none when all can."""
    na = [(r, v) for r, v in rows if not v.assessable]
    if not na:
        return []
    why = "; ".join(f"{esc(r['name'])} ({esc(words.why_not_words(v, names))})" for r, v in na)
    return [safe(f"<strong>Cannot be assessed</strong>: {why}.")]


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


def render_narrative(text: str, scorecard: pd.DataFrame, source: str) -> Markup:
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
    out = []
    for block in blocks:
        # The analyst's text is escaped piece by piece around each placeholder, so nothing
        # the text holds (any character at all) can turn into markup.
        pieces, at = [], 0
        for m in PLACEHOLDER.finditer(block):
            pieces += [esc(block[at : m.start()]), fill(m)]
            at = m.end()
        marked = "".join([*pieces, esc(block[at:])])
        marked = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", marked)
        # Prompts the analyst has still to write stand out in a draft (a final run refuses).
        marked = re.sub(r"\[\[(.*?)\]\]", r'<mark class="to-write">To write: \1</mark>', marked)
        lines = marked.splitlines()
        if all(ln.lstrip().startswith("- ") for ln in lines):
            out.append("<ul>" + "".join(f"<li>{ln.lstrip()[2:]}</li>" for ln in lines) + "</ul>")
        else:
            out.append(f"<p>{' '.join(lines)}</p>")
    return safe("".join(out))
