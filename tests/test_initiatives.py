"""Initiative status and the re-assessment rule on hand-built cases."""

import datetime as dt

import pytest

from reviewkit.analysis.indicators import IndicatorResult
from reviewkit.analysis.initiatives import assess_initiative, milestone_status
from reviewkit.inputs.strategy import Initiative

AS_OF = dt.date(2026, 11, 20)


def ini(**kw) -> Initiative:
    base = {
        "id": "i",
        "name": "I",
        "priority": "p",
        "lead_agency": "Council",
        "start": "2025-01-01",
        "end": "2027-03-31",
        "indicators": ["a"],
        "milestones": [],
    }
    return Initiative.model_validate({**base, **kw})


def result(direction="no real change", variation="common_cause", assessable=True):
    return IndicatorResult(
        id="a",
        priority="p",
        name="A",
        plain_name="a",
        measure="count",
        unit="",
        period="month",
        better="lower",
        dataset="d",
        assessable=assessable,
        direction=direction,
        variation=variation,
        reason="" if assessable else "not assessable: d not received",
        why_not="" if assessable else "not received",
        why_dataset="" if assessable else "d",
    )


@pytest.mark.parametrize(
    "milestones,status",
    [
        ([], "on track"),
        ([{"name": "m", "due": "2026-12-31"}], "on track"),
        ([{"name": "m", "due": "2026-10-01"}], "at risk"),  # 50 days overdue
        ([{"name": "m", "due": "2026-06-30"}], "off track"),  # 143 days overdue
        ([{"name": "m", "due": "2026-10-01"}, {"name": "n", "due": "2026-11-01"}], "off track"),
        ([{"name": "m", "due": "2026-10-01", "done": "2026-10-20"}], "on track"),
    ],
)
def test_milestone_status(milestones, status):
    assert milestone_status(ini(milestones=milestones), AS_OF)[0] == status


def test_not_started_and_complete():
    assert milestone_status(ini(start="2027-01-01"), AS_OF)[0] == "not started"
    done = ini(
        end="2026-09-30", milestones=[{"name": "m", "due": "2026-01-01", "done": "2026-01-01"}]
    )
    assert milestone_status(done, AS_OF)[0] == "complete"


def test_reported_status_cannot_hide_overdue_milestones():
    i = ini(
        milestones=[{"name": "m", "due": "2026-06-30"}],
        updates=[{"cycle": "c", "date": "2026-11-01", "status": "on track", "note": "fine"}],
    )
    r = assess_initiative(i, AS_OF, {"a": result("improved")})
    assert r.status == "off track" and r.reported_status == "on track"
    assert r.reassess and r.reasons[0].startswith("off track: m (due 30 Jun 2026)")


def test_worse_reported_status_is_kept():
    i = ini(updates=[{"cycle": "c", "date": "2026-11-01", "status": "at risk"}])
    assert assess_initiative(i, AS_OF, {"a": result("improved")}).status == "at risk"


def test_updates_after_the_review_date_are_ignored():
    i = ini(updates=[{"cycle": "c", "date": "2026-12-01", "status": "off track"}])
    assert assess_initiative(i, AS_OF, {"a": result("improved")}).status == "on track"


def test_reassessment_rule():
    # running 22 months with no improvement beyond chance in its indicators
    r = assess_initiative(ini(), AS_OF, {"a": result()}, reassess_after_months=12)
    assert r.reassess
    assert "no improvement beyond chance in its indicators after 22 months" in r.reasons
    # not yet long enough
    r = assess_initiative(ini(start="2026-03-01"), AS_OF, {"a": result()}, 12)
    assert not r.reassess
    # improving: fine
    assert not assess_initiative(ini(), AS_OF, {"a": result("improved")}).reassess
    # special-cause concern
    r = assess_initiative(ini(start="2026-06-01"), AS_OF, {"a": result(variation="concern_high")})
    assert r.reassess and "A shows special cause concern at the latest point" in r.reasons
    # its data is missing: it cannot be judged
    r = assess_initiative(ini(), AS_OF, {"a": result(assessable=False)})
    assert r.reassess and r.reasons[0].startswith("cannot be judged on A")
    # complete initiatives are not re-assessed
    done = ini(
        end="2026-09-30", updates=[{"cycle": "c", "date": "2026-10-01", "status": "complete"}]
    )
    assert not assess_initiative(done, AS_OF, {"a": result()}).reassess


def test_a_recording_change_is_no_reason_to_re_assess():
    # burglary "rose 31%" because recording changed: the initiative is not to blame
    r = result(direction="not comparable", variation="concern_high")
    r.not_comparable = "possible recording change in Burglary from January 2025"
    r.comparability, r.recording_types, r.recording_from = (
        "awaiting decision",
        ("Burglary",),
        "2025-01",
    )
    out = assess_initiative(ini(), AS_OF, {"a": r}, reassess_after_months=12)
    assert not out.reassess and out.reasons == []
    assert "not comparable (a change in how burglary is recorded)" in out.movement
