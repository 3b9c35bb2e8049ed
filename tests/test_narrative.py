"""The analyst's narrative: placeholders filled from the scorecard, text escaped."""

import pandas as pd
import pytest

from reviewkit.errors import ReviewError
from reviewkit.narrative import executive_summary, load_narrative, render_narrative

SC = pd.DataFrame([{
    "id": "asb", "name": "ASB <incidents>", "measure": "count", "review_value": 3205.0,
    "baseline_value": 3940.0, "change": -735.0, "change_pct": -18.6548, "p_value": 0.0001,
    "direction": "improved", "assessable": True, "reason": "", "target_status": "met",
    "target_value": 3349.0, "variation": "common_cause", "latest_value": 250.0,
    "latest_period": "2026-09", "review_count": 3205.0, "baseline_count": 3940.0,
    "rolling_change_pct": -10.0}])


def test_sections_and_placeholders(tmp_path):
    f = tmp_path / "n.md"
    f.write_text("# ignored title\n\n## executive_summary\nASB fell by "
                 "{{asb.change_pct}} to {{ asb.review_value }}.\n\n- one <b>\n- **two**\n\n"
                 "## priority_asb\nMore text.\n")
    sections = load_narrative(f)
    assert set(sections) == {"executive_summary", "priority_asb"}
    html = render_narrative(sections["executive_summary"], SC, "n.md")
    assert '>-18.7%</span> to <span' in html and ">3,205</span>" in html
    assert "<li>one &lt;b&gt;</li><li><strong>two</strong></li>" in html
    assert 'data-indicator="asb" data-field="change_pct"' in html


@pytest.mark.parametrize("text,fragment", [("{{nope.change_pct}}", "unknown indicator 'nope'"),
                                           ("{{asb.colour}}", "unknown field 'colour'")])
def test_bad_placeholders_are_named(text, fragment):
    with pytest.raises(ReviewError, match=fragment):
        render_narrative(text, SC, "narrative.md")


def test_summary_escapes_names():
    html = " ".join(executive_summary(SC, pd.DataFrame(), pd.DataFrame()))
    assert "ASB &lt;incidents&gt;" in html and "<incidents>" not in html
    assert "Improved" in html
