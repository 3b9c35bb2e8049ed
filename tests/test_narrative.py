"""The analyst's narrative: placeholders filled from the scorecard, text escaped."""

import pandas as pd
import pytest

from reviewkit.analysis.verdict import (
    Verdict,
    change_call,
    spc_call,
    target_assurance,
    target_call,
)
from reviewkit.base.errors import ReviewError
from reviewkit.report.narrative import (
    executive_summary,
    indicator_sentence,
    load_narrative,
    multiple_testing_note,
    render_narrative,
)

SC = pd.DataFrame(
    [
        {
            "id": "asb",
            "name": "ASB <incidents>",
            "measure": "count",
            "review_value": 3205.0,
            "baseline_value": 3940.0,
            "change": -735.0,
            "change_pct": -18.6548,
            "p_value": 0.0001,
            "direction": "improved",
            "assessable": True,
            "reason": "",
            "target_status": "met",
            "target_value": 3349.0,
            "variation": "common_cause",
            "latest_value": 250.0,
            "latest_period": "2026-09",
            "review_count": 3205.0,
            "baseline_count": 3940.0,
            "rolling_change_pct": -10.0,
        }
    ]
)


def verdict_of(row: dict) -> Verdict:
    """The verdict the progress step would store for a hand-made scorecard row."""
    change = change_call(row["direction"])
    target = target_call(row.get("target_status", "not assessable"), "target_status" in row)
    assured, why = target_assurance(target, change, row.get("assurance", ""))
    return Verdict(
        indicator=row["id"],
        assessable=bool(row["assessable"]),
        why_not="" if row["assessable"] else "not received",
        why_dataset="",
        missing=(),
        comparability="comparable",
        recording_types=(),
        recording_from="",
        change=change,
        spc=spc_call(row.get("variation", "")),
        special_improvement=0,
        special_concern=0,
        target=target,
        assured=assured,
        not_assured=why,
    )


def verdicts(sc: pd.DataFrame) -> dict[str, Verdict]:
    return {r["id"]: verdict_of(r.to_dict()) for _, r in sc.iterrows()}


def with_verdict(row: dict) -> dict:
    return row | verdict_of(row).columns()


def test_sections_and_placeholders(tmp_path):
    f = tmp_path / "n.md"
    f.write_text(
        "# ignored title\n\n## executive_summary\nASB fell by "
        "{{asb.change_pct}} to {{ asb.review_value }}.\n\n- one <b>\n- **two**\n\n"
        "## priority_asb\nMore text.\n"
    )
    sections = load_narrative(f)
    assert set(sections) == {"executive_summary", "priority_asb"}
    html = render_narrative(sections["executive_summary"], SC, "n.md")
    assert ">-18.7%</span> to <span" in html and ">3,205</span>" in html
    assert "<li>one &lt;b&gt;</li><li><strong>two</strong></li>" in html
    assert 'data-indicator="asb" data-field="change_pct"' in html


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("{{nope.change_pct}}", "unknown indicator 'nope'"),
        ("{{asb.colour}}", "unknown field 'colour'"),
    ],
)
def test_bad_placeholders_are_named(text, fragment):
    with pytest.raises(ReviewError, match=fragment):
        render_narrative(text, SC, "narrative.md")


def test_summary_escapes_names():
    html = " ".join(executive_summary(SC, verdicts(SC), pd.DataFrame(), pd.DataFrame()))
    assert "ASB &lt;incidents&gt;" in html and "<incidents>" not in html
    assert "Improved" in html


def _row(**kw):
    base = SC.iloc[0].to_dict() | {
        "ratio": 0.88,
        "ratio_low": 0.7315,
        "ratio_high": 1.0592,
        "p_value": 0.182,
        "direction": "cannot tell",
    }
    return base | kw


def test_an_interval_spanning_a_rise_and_a_fall_cannot_tell():
    html = indicator_sentence(
        _row(), verdict_of(_row()), "Oct 2025 to Sep 2026", "Oct 2023 to Sep 2024"
    )
    assert "cannot tell yet whether it rose or fell" in html
    assert "between 27% fewer and 6% more" in html
    assert "stayed about the same" not in html and "not a real change" not in html


def test_a_change_beyond_chance_names_no_cause():
    row = _row(direction="worsened", ratio=1.31, ratio_low=1.12, ratio_high=1.53, p_value=0.0004)
    html = indicator_sentence(row, verdict_of(row), "r", "b")
    assert "worse by more than the month-to-month variation would explain" in html
    assert "does not say what caused it" in html and "real" not in html


def test_a_proportion_changes_in_percentage_points():
    # 9.0% to 8.72%: a fall of 0.28 points, which is -3.1% of 9.0 and must not be shown so
    row = _row(
        measure="proportion",
        review_value=8.72,
        baseline_value=9.0,
        change=-0.28,
        change_pct=-3.11,
        ratio_low=float("nan"),
        ratio_high=float("nan"),
    )
    html = indicator_sentence(row, verdict_of(row), "r", "b")
    assert "−0.3 points" in html and "-3.1%" not in html
    sc = pd.DataFrame([row])
    summary = " ".join(executive_summary(sc, verdicts(sc), pd.DataFrame(), pd.DataFrame()))
    assert "−0.3 points" in summary and "-3.1%" not in summary


def test_the_number_of_tests_is_stated():
    sc = pd.DataFrame([_row(id=f"i{k}") for k in range(17)])
    text = multiple_testing_note(sc, verdicts(sc), 0.05)
    assert "tests 17 indicators" in text and "one test in 20" in text
    assert "expect about one such result" in text and "(s)" not in text
    assert text in " ".join(executive_summary(sc, verdicts(sc), pd.DataFrame(), pd.DataFrame()))


@pytest.mark.parametrize("status", ["met", "on track"])
def test_target_met_or_on_track_on_a_change_within_normal_variation_says_so(status):
    """One rule for met and on track: neither is assured on a change within noise."""
    sc = pd.DataFrame([_row(target_status=status, direction="no real change")])
    html = " ".join(executive_summary(sc, verdicts(sc), pd.DataFrame(), pd.DataFrame()))
    assert "Met or on track but not assured" in html
    assert f"({status}: the change from the baseline is within normal variation)" in html


def test_an_spc_code_placeholder_is_filled_with_words():
    """`{{asb.variation}}` never puts `common_cause` in a report, nor 'significant'."""
    sc = pd.DataFrame([with_verdict(SC.iloc[0].to_dict())])
    html = render_narrative("The chart shows {{asb.variation}}.", sc, "n.md")
    assert ">common cause variation</span>" in html and "significant" not in html
    assert "common_cause" not in html.replace('data-field="variation"', "")


@pytest.mark.parametrize(
    "column,code,words",
    [
        ("variation", "concern_high", "special cause concern"),
        ("variation", "common_cause", "common cause variation"),
        ("direction", "no real change", "about the same"),
        ("target_status", "met", "met"),
        ("variation", "", "–"),
    ],
)
def test_since_the_last_review_says_codes_in_words(column, code, words):
    from reviewkit.report.changes import plain_code

    assert plain_code(column, code) == words


def test_each_indicator_is_listed_once_under_its_change_in_a_fixed_order():
    rows = [
        _row(id="w", name="Worse one", direction="worsened"),
        _row(id="c", name="Unclear one", direction="cannot tell"),
        _row(id="i", name="Better one", direction="improved"),
        _row(id="s", name="Same one", direction="no real change"),
        _row(id="s2", name="Same two", direction="no real change"),
        _row(id="n", name="Missing one", direction="", assessable=False),
    ]
    sc = pd.DataFrame(rows)
    bullets = executive_summary(sc, verdicts(sc), pd.DataFrame(), pd.DataFrame())
    leads = [str(b).split("</strong>")[0] for b in bullets if b.startswith("<strong>")]
    assert leads == [
        "<strong>Improved",
        "<strong>Got worse",
        "<strong>About the same",
        "<strong>Cannot tell yet",
        "<strong>Targets",  # every row has a target met
        "<strong>Cannot be assessed",
    ]
    # the targets bullet names indicators again, by their target: leave it out here
    text = " ".join(b for b in bullets if not b.startswith("<strong>Targets"))
    for name in ("Worse one", "Unclear one", "Better one", "Same one", "Same two", "Missing one"):
        assert text.count(name) == 1, name
    assert "About the same</strong> in 2 indicators: Same one (" in text
    assert "Cannot tell yet</strong> in 1 indicator: the figures allow" in text
    assert "not evaluations" in text  # something improved or got worse


def test_no_evaluation_caveat_when_nothing_moved_beyond_variation():
    sc = pd.DataFrame([_row(id="s", direction="no real change"), _row(id="c")])
    text = " ".join(executive_summary(sc, verdicts(sc), pd.DataFrame(), pd.DataFrame()))
    assert "About the same" in text and "Cannot tell yet" in text
    assert "not evaluations" not in text and "Improved" not in text


def test_targets_initiatives_and_data_are_counted_and_the_gaps_named():
    sc = pd.DataFrame(
        [
            _row(id="a", name="On one", target_status="met", direction="improved"),
            _row(id="b", name="Off <one>", target_status="off track", direction="worsened"),
        ]
    )
    initiatives = pd.DataFrame(
        {
            "name": ["Patrols", "Lighting", "Cafés"],
            "status": ["on track", "complete", "delayed"],
            "reassess": [False, False, True],
        }
    )
    completeness = pd.DataFrame(
        {
            "description": ["Police crime", "Fire incidents"],
            "status": ["complete", "partial"],
            "missing_periods": ["", "2026-08"],
        }
    )
    text = " ".join(executive_summary(sc, verdicts(sc), initiatives, completeness))
    assert (
        "<strong>Targets</strong>: 1 met, 0 on track, 1 off track, 0 cannot be assessed, of 2."
        " Off track: Off &lt;one&gt;." in text
    )
    assert "2 of 3 on track or complete. 1 recommended for re-assessment: Cafés." in text
    assert "1 of 2 requested datasets complete. Fire incidents: partial (2026-08 missing)." in text
