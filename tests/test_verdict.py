"""One verdict per indicator: every surface renders it, none re-derives it, no two disagree.

The property tests generate every combination the indicator engine can produce (the change
test's call, the SPC signal and special-cause points, the target status, the assurance code,
the recording change and the analyst's decision on it, missing data) and render each surface's
words from the one verdict; the end-to-end tests read every published surface of the shared
demo run back (board report, community update, chart texts, workbook) and check each says
what the scorecard's verdict says, and that nothing meant for the analyst is printed.
"""

from __future__ import annotations

import html as htmllib
import math
import re

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.analysis.verdict import (
    CHANGE_CALLS,
    Verdict,
    change_call,
    spc_call,
    target_assurance,
    target_call,
)
from reviewkit.report import verdict_words as words
from reviewkit.report.analyst_text import CODES, PARAMS_KEY, analyst_text

DIRECTIONS = ["improved", "worsened", "no real change", "cannot tell", "not comparable", ""]
VARIATIONS = ["", "common_cause", "improvement_low", "concern_high", "neutral_low"]
STATUSES = ["met", "on track", "off track", "not assessable"]
ASSURANCES = ["", "consistent_pass", "consistent_fail", "inconsistent"]
COMPARABILITY = ["comparable", "awaiting decision", "rebased", "excluded", "confirmed real"]


@st.composite
def verdicts(draw: st.DrawFn) -> Verdict:
    """A verdict as the engine builds one: through the same typed conversions."""
    assessable = draw(st.booleans())
    direction = draw(st.sampled_from(DIRECTIONS)) if assessable else "not assessable"
    change = change_call(direction)
    has_target = draw(st.booleans())
    status = (
        draw(st.sampled_from(STATUSES)) if change not in ("not assessable",) else "not assessable"
    )
    if change == "not comparable":
        status = "not assessable"
    target = target_call(status, has_target)
    assurance = draw(st.sampled_from(ASSURANCES))
    assured, why = target_assurance(target, change, assurance)
    comparability = (
        draw(st.sampled_from(["awaiting decision", "rebased"]))
        if change == "not comparable"
        else draw(st.sampled_from(["comparable", "excluded", "confirmed real"]))
    )
    recording = () if comparability == "comparable" else ("Burglary",)
    variation = draw(st.sampled_from(VARIATIONS))
    return Verdict(
        indicator="i",
        assessable=assessable,
        why_not="" if assessable else draw(st.sampled_from(["not received", "missing periods"])),
        why_dataset="" if assessable else "ae_assaults",
        missing=() if assessable else ("Jul-Sep 2026",),
        comparability=comparability,  # type: ignore[arg-type]
        recording_types=recording,
        recording_from="2025-04" if recording else "",
        change=change,
        spc=spc_call(variation),
        special_improvement=draw(st.integers(0, 12)) if variation else 0,
        special_concern=draw(st.integers(0, 12)) if variation else 0,
        target=target,
        assured=assured,
        not_assured=why,
    )


@given(verdicts())
def test_a_verdict_survives_the_scorecard(v):
    """What the progress step writes is what every surface reads: the typed columns round trip."""
    row = {"id": v.indicator, "assessable": v.assessable, **v.columns()}
    assert Verdict.from_row(row) == v


@given(verdicts())
def test_every_surface_says_the_same_target(v):
    badge = words.target_badge(v)[2]
    assert words.workbook_words(v, {})["Target status"] == badge
    conclusion = words.chart_conclusion(v)
    if v.target in ("met", "on track"):
        phrase = words.target_phrase(v)
        assert f"Target: {phrase}." in conclusion
        # the badge and the sentence carry the same caveat, or neither does
        assert ("not assured" in badge) == ("not assured" in phrase) == (v.assured == "not assured")
    else:
        assert "not assured" not in conclusion and "not assured" not in badge


@given(verdicts())
def test_one_rule_for_met_and_on_track(v):
    """Met and on track are assured by the same rule: a change beyond chance in the better
    direction, with the process limits not straddling or missing the target."""
    if v.target in ("met", "on track"):
        assert (v.assured == "assured") == (v.change == "improved" and not v.not_assured)
        if v.change != "improved":
            assert "change within noise" in v.not_assured
    else:
        assert v.assured == "" and v.not_assured == ()


@given(verdicts())
def test_spc_words_are_spcs_own_and_count_the_special_points(v):
    text = words.spc_sentence(v)
    assert "significant" not in text.lower()
    if v.spc == "common cause" and (v.special_improvement or v.special_concern):
        assert "no point of the chart shows special cause" not in text
        assert "special cause" in text.split(";", 1)[1]
    said = re.search(r"\b(\d+) points? shows? special cause improvement", text)
    assert (int(said.group(1)) if said else 0) == (v.special_improvement if v.spc else 0)


@given(verdicts(), st.sampled_from(["lower", "higher"]))
def test_residents_are_told_what_the_board_is_told(v, better):
    said = words.community_trend(v, better)
    if not v.judged:
        assert said is None
        return
    assert said is not None
    trend, sure = said
    badge = words.change_badge(v)[2]
    if v.change == "improved":
        assert trend == ("went down" if better == "lower" else "went up")
        assert "more than the normal ups and downs" in sure
    elif v.change == "worsened":
        assert trend == ("went up" if better == "lower" else "went down")
        assert "more than the normal ups and downs" in sure
    elif v.change == "about the same":
        assert badge == "About the same" and trend == "stayed about the same"
    else:
        assert badge == "Cannot tell yet" and "cannot tell" in sure.lower()


@given(verdicts())
def test_the_reasons_name_data_by_description_never_by_id(v):
    names = {"ae_assaults": "A&E attendances for assault"}
    text = words.why_not_words(v, names)
    assert "ae_assaults" not in text
    if not v.assessable:
        assert "A&E attendances for assault" in text
        assert ("Jul-Sep 2026" in text) == (v.why_not == "missing periods")
    cells = " ".join(words.workbook_words(v, names).values())
    assert "ae_assaults" not in cells and "_" not in cells


@pytest.mark.parametrize(
    ("direction", "assurance", "badge", "phrase"),
    [
        # the demo's ASB case: improved, but the target lies within the process limits
        (
            "improved",
            "inconsistent",
            "Met, not assured",
            "met, but not assured: the target lies within the usual month-to-month range",
        ),
        ("improved", "consistent_pass", "Met", "met"),
        (
            "no real change",
            "",
            "Met, not assured",
            "met, but not assured: the change from the baseline is within normal variation",
        ),
    ],
)
def test_the_reported_met_cases(direction, assurance, badge, phrase):
    change = change_call(direction)
    target = target_call("met", True)
    assured, why = target_assurance(target, change, assurance)
    v = Verdict("i", True, "", "", (), "comparable", (), "", change, "common cause", 0, 0, target,
                assured, why)  # fmt: skip
    assert words.target_badge(v)[2] == badge
    assert words.target_phrase(v).startswith(phrase)


def test_every_change_call_has_words_for_every_reader():
    for call in CHANGE_CALLS:
        assert call in words.CHANGE_BADGE


# The demo, read back as readers get it -----------------------------------------------------------
def _text(path) -> str:
    """A page's visible text, as a reader reads it (no markup, no style, no script)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    raw = re.sub(r'<aside[^>]*class="for-analyst".*?</aside>', " ", raw, flags=re.S)
    raw = re.sub(r"<[^>]+>", " ", raw)
    return re.sub(r"\s+", " ", htmllib.unescape(raw))


@pytest.fixture(scope="module")
def demo(cycle_run):
    folder = cycle_run["cycle"]
    scorecard = pd.read_csv(folder / "tables" / "scorecard.csv", keep_default_na=False)
    scorecard["assessable"] = scorecard["assessable"].astype(str) == "True"
    return {
        "folder": folder,
        "scorecard": scorecard,
        "verdicts": {str(r["id"]): Verdict.from_row(r) for _, r in scorecard.iterrows()},
        "board": _text(folder / "review_report.html"),
        "community": _text(folder / "community_update.html"),
    }


def test_the_board_scorecard_shows_each_verdict(demo):
    raw = (demo["folder"] / "review_report.html").read_text(encoding="utf-8")
    start = raw.index('id="scorecard"')
    table = raw[start : raw.index('class="icon-key"', start)]
    for _, r in demo["scorecard"].iterrows():
        v = demo["verdicts"][r["id"]]
        at = table.index(htmllib.escape(str(r["name"]), quote=False))
        row = htmllib.unescape(re.sub(r"<[^>]+>", " ", table[at : table.index("</tr>", at)]))
        assert words.change_badge(v)[2] in row, r["id"]
        assert words.target_badge(v)[2] in row, r["id"]
        assert words.spc_label(v) in row, r["id"]


def test_each_chart_text_concludes_as_the_verdict_does(demo):
    for ind, v in demo["verdicts"].items():
        txt = demo["folder"] / "charts" / f"{ind}.txt"
        if not txt.exists():
            assert not v.spc
            continue
        said = txt.read_text(encoding="utf-8")
        assert words.chart_conclusion(v) in said
        assert "significant" not in said.lower()
        # the caption under the board's chart says the same
        assert words.chart_conclusion(v) in demo["board"]


def test_the_workbook_says_the_verdict_in_words(demo):
    wb = openpyxl.load_workbook(demo["folder"] / "review_tables.xlsx", read_only=True)
    rows = list(wb["Scorecard"].iter_rows(values_only=True))
    head = list(rows[0])
    for values in rows[1:]:
        cell = dict(zip(head, values, strict=True))
        v = demo["verdicts"][cell["Indicator id"]]
        want = words.workbook_words(v, {})
        assert cell["Change verdict"] == want["Change verdict"]
        assert cell["Target status"] == want["Target status"]
        assert cell["SPC signal (latest point)"] == want["SPC signal (latest point)"]


def test_the_community_update_tells_each_judged_indicator_as_the_board_does(demo):
    for _, r in demo["scorecard"].iterrows():
        v = demo["verdicts"][r["id"]]
        said = words.community_trend(v, str(r["better"]))
        if said is None:
            continue
        assert f"{r['plain_name']} {said[0]}" in demo["community"], r["id"]
    counts = [v.change for v in demo["verdicts"].values() if v.judged]
    if counts.count("about the same") * 2 <= len(counts):
        assert "Most things stayed about the same" not in demo["community"]


def test_the_executive_summary_lists_each_indicator_under_one_change(demo):
    summary = demo["board"][demo["board"].index("Executive summary") :]
    summary = summary[: summary.index("Scorecard")]
    heads = ["Improved", "Got worse", "About the same", "Cannot tell yet", "Not comparable"]
    heads += ["Targets", "Cannot be assessed", "Initiatives"]
    pieces = re.split(f"({'|'.join(heads)})", summary)
    parts = dict(zip(pieces[1::2], pieces[2::2], strict=True))
    for _, r in demo["scorecard"].iterrows():
        v = demo["verdicts"][r["id"]]
        named = [
            h for h in heads[:5] + ["Cannot be assessed"] if f"{r['name']} (" in parts.get(h, "")
        ]
        assert len(named) == 1, (r["id"], named)
        head = (
            "Cannot be assessed"
            if not v.assessable
            else {
                "improved": "Improved",
                "worsened": "Got worse",
                "about the same": "About the same",
                "cannot tell": "Cannot tell yet",
                "not comparable": "Not comparable",
            }[v.change]
        )
        assert named == [head], (r["id"], named)


# Nothing for the analyst in a published paper ----------------------------------------------------
def test_the_scan_finds_what_it_looks_for():
    """The check can fail: each kind of leak is caught."""
    leaks = analyst_text(
        "set analysis.spc.rebase to 2025-08; ae_assaults missing; improvement_low; "
        "1 indicator(s); Set previous_cycle",
        ["ae_assaults"],
    )
    assert {
        "analysis.spc.rebase",
        "ae_assaults",
        "improvement_low",
        "r(s)",
        "previous_cycle",
    } <= set(leaks)


def test_no_published_paper_holds_anything_for_the_analyst(demo, cycle_run):
    from reviewkit.inputs.params import load_params
    from reviewkit.inputs.register import load_register

    params = load_params(cycle_run["params"])
    ids = load_register(params.path("data_requests")).datasets
    for name in ("board", "community"):
        assert analyst_text(demo[name], ids) == [], name
    wb = openpyxl.load_workbook(demo["folder"] / "review_tables.xlsx", read_only=True)
    cells = " ".join(
        str(c) for row in wb["Scorecard"].iter_rows(values_only=True) for c in row if c
    )
    assert CODES.findall(cells) == [] and PARAMS_KEY.findall(cells) == []


# Generated scenarios through the indicator engine ------------------------------------------------
@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    """A police series shaped as real ones are: a level, noise, perhaps a step (a real change
    or a recording change), perhaps a missing month, a count or a share, monthly or quarterly,
    with or without a target, and the analyst's decision on a recording change."""
    import numpy as np

    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    level = draw(st.sampled_from([3, 12, 60, 300]))
    step = draw(st.sampled_from([1.0, 1.0, 0.6, 1.5, 3.0]))
    months = [str(m) for m in pd.period_range("2023-01", "2026-09", freq="M")]
    at = draw(st.sampled_from(["2025-01", "2025-10"]))
    counts = {m: int(rng.poisson(level * (step if m >= at else 1.0))) for m in months}
    missing = draw(st.sampled_from([None, "2026-03", "2024-02"]))
    if missing:
        counts.pop(missing)
    return {
        "counts": counts,
        "charged": {m: int(rng.binomial(c, 0.1)) for m, c in counts.items()},
        "measure": draw(st.sampled_from(["count", "proportion"])),
        "period": draw(st.sampled_from(["month", "quarter"])),
        "target": draw(st.sampled_from([None, {"change_pct": -10, "by": "2027-03"}])),
        "change": draw(
            st.sampled_from([None, ("", at), ("exclude", at), ("rebase", at), ("real", at)])
        ),  # fmt: skip
        "missing": missing,
    }


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_every_generated_scenario_tells_one_story(s):
    from reviewkit.analysis.indicators import IndicatorInputs, compute_indicator, recording_changes
    from reviewkit.inputs.strategy import Indicator
    from tests_support import cycle_params_with

    rows = [
        {"month": m, "lsoa_code": "E01", "local_authority": "B", "crime_type": "Burglary",
         "outcome_category": "Suspect charged" if k else "Other", "n": n}
        for m in s["counts"]
        for k, n in ((1, s["charged"][m]), (0, s["counts"][m] - s["charged"][m]))
    ]  # fmt: skip
    tidy = {"police_street": pd.DataFrame(rows)}
    spec = {
        "id": "x",
        "priority": "p",
        "name": "X",
        "dataset": "police_street",
        "filter": {"crime_types": ["Burglary"]},
        "better": "lower",
        "measure": s["measure"],
        "period": s["period"],
    }
    if s["measure"] == "proportion":
        spec["numerator"] = {"outcome_categories": ["Suspect charged"]}
        spec["better"] = "higher"
    if s["target"]:
        spec["target"] = s["target"]
    indicator = Indicator.model_validate(spec)
    decisions = []
    found = None
    if s["change"]:
        decision, month = s["change"]
        found = pd.DataFrame([{"crime_type": "Burglary", "month": month}])
        if decision:
            decisions = [{"crime_type": "Burglary", "month": month, "decision": decision}]
    p = cycle_params_with(decisions)
    present = {"police_street": sorted(s["counts"])}
    partner = pd.DataFrame(
        columns=["dataset", "measure", "period_type", "period_start", "period", "area", "value"]
    )
    inputs = IndicatorInputs(
        p, tidy, partner, present, {"police_street": "complete"}, None, recording_changes(found, p)
    )
    res, series = compute_indicator(indicator, inputs)
    v = res.verdict()
    row = res.row()
    assert Verdict.from_row(row) == v
    # missing is never zero: a month missing from the review period leaves no value at all
    if s["missing"] == "2026-03":
        assert not v.assessable and v.why_not in ("missing periods", "every type excluded")
        assert math.isnan(res.review_value) and v.target in ("not assessable", "no target")
        assert words.community_trend(v, indicator.better) is None
    # nothing counted is not assessable, never "0 against 0, met"
    if s["change"] and s["change"][0] == "exclude":
        assert not v.assessable and v.why_not == "every type excluded"
        assert v.target in ("not assessable", "no target") and v.comparability == "excluded"
    # a recording change between the periods that is not confirmed real is never compared
    if s["change"] and s["change"][0] in ("", "rebase") and v.assessable:
        assert v.change == "not comparable" and v.target in ("not assessable", "no target")
        assert v.comparability == ("awaiting decision" if s["change"][0] == "" else "rebased")
    # met or on track never goes without its one caveat when the change is within noise
    if v.target in ("met", "on track") and v.change != "improved":
        assert v.assured == "not assured" and "change within noise" in v.not_assured
    # the chart's words count the special-cause points the series holds
    if "point_type" in series:
        n_imp = int((series["point_type"] == "special_cause_improvement").sum())
        assert v.special_improvement == n_imp
        said = re.search(r"\b(\d+) points? shows? special cause improvement", words.spc_sentence(v))
        assert (int(said.group(1)) if said else 0) == n_imp
    # a proportion's change is in points, never a percentage of a percentage, on every surface
    if s["measure"] == "proportion" and v.judged:
        from reviewkit.base.formatting import fmt_change_for

        assert "points" in fmt_change_for(res.change, res.change_pct, "proportion")


def test_none_against_none_is_never_about_the_same():
    """0 in the baseline and 0 in the review period: no test can be made, so the figures
    cannot tell; never 'about the same: the interval rules out a rise or fall (p = –)'."""
    from reviewkit.analysis.indicators import IndicatorInputs, compute_indicator
    from reviewkit.inputs.strategy import Indicator
    from reviewkit.report.narrative import indicator_sentence
    from tests_support import cycle_params_with

    months = [str(m) for m in pd.period_range("2023-01", "2026-09", freq="M")]
    tidy = {
        "police_street": pd.DataFrame(
            {"month": months, "lsoa_code": "E01", "local_authority": "B",
             "crime_type": "Robbery", "outcome_category": "", "n": 0}
        )
    }  # fmt: skip
    indicator = Indicator.model_validate(
        {"id": "x", "priority": "p", "name": "X", "dataset": "police_street",
         "filter": {"crime_types": ["Robbery"]}, "better": "lower"}
    )  # fmt: skip
    partner = pd.DataFrame(
        columns=["dataset", "measure", "period_type", "period_start", "period", "area", "value"]
    )
    inputs = IndicatorInputs(
        cycle_params_with([]),
        tidy,
        partner,
        {"police_street": months},
        {"police_street": "complete"},
    )
    res, _ = compute_indicator(indicator, inputs)
    v = res.verdict()
    assert v.assessable and v.change == "cannot tell"  # an exact test of 0 against 0: p = 1
    sentence = indicator_sentence(res.row(), v, "r", "b")
    assert "cannot tell yet" in sentence and "rules out" not in sentence
    # a share of nothing (0 of 0 in both periods) cannot be assessed at all, and says why
    share = Indicator.model_validate(
        {"id": "y", "priority": "p", "name": "Y", "dataset": "police_street",
         "filter": {"crime_types": ["Robbery"]}, "better": "higher", "measure": "proportion",
         "numerator": {"outcome_categories": ["Suspect charged"]}}
    )  # fmt: skip
    res, _ = compute_indicator(share, inputs)
    v = res.verdict()
    assert not v.assessable and v.why_not == "nothing to compare"
    assert v.change == "not assessable" and v.target in ("not assessable", "no target")
    sentence = indicator_sentence(res.row(), v, "r", "b")
    assert "cannot be assessed this review: there is nothing to compare" in sentence
    assert "about the same" not in sentence and "p = –" not in sentence


def test_open_cycle_gives_the_same_verdicts(demo):
    import reviewkit as rk

    c = rk.open_cycle(demo["folder"])
    words_table = c.verdicts.set_index("indicator")
    for ind, v in demo["verdicts"].items():
        assert c.verdict(ind) == v
        assert words_table.loc[ind, "Target status"] == words.target_badge(v)[2]
        assert words_table.loc[ind, "Change verdict"] == words.change_badge(v)[2]


def test_board_maps_carry_place_names_and_residents_maps_none(demo):
    raw = (demo["folder"] / "review_report.html").read_text(encoding="utf-8")
    where = raw.split('id="where"', 1)[1]
    alts = re.findall(r'alt="(Map of [^"]*)"', where)
    assert alts and all("Named on the map: Brackwell " in a for a in alts)
    community = (demo["folder"] / "community_update.html").read_text(encoding="utf-8")
    assert "Named on the map" not in community  # LSOA names are not the residents' names
    names = pd.read_parquet(next((demo["folder"] / "tidy").glob("lsoa_names_*.parquet")))
    assert names["cell_row"].notna().any() and {"lsoa_code", "lsoa_name"} <= set(names.columns)
