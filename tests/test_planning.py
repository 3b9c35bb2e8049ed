"""The planning pack's year: due dates by each dataset's frequency, the core audit team's
meetings and what each reviews, difficulties proposed for closing or escalated, and the age of
open data gaps. Expected dates are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import params_dict, visible_text, write_params
from reviewkit.analysis import schedule as sch
from reviewkit.base.errors import ReviewError
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.params import load_params
from reviewkit.inputs.register import DataRequest, Register
from reviewkit.inputs.team import ReviewTeam, meeting_dates, move_on, next_review_date
from reviewkit.intake import difficulties as dlog

D = dt.date
NEXT = MonthRange.of("2026-10", "2027-09")  # the demo's next review period
REVIEW = MonthRange.of("2025-10", "2026-09")


def request(
    frequency: str = "monthly", lag: int | None = 20, due: str = "2026-10-31"
) -> DataRequest:
    return DataRequest.model_validate(
        {
            "dataset": "fires",
            "description": "Deliberate fires",
            "provider": "Fire service",
            "gatherer": "Fire data officer",
            "analyst": "CSP analyst",
            "frequency": frequency,
            "due": due,
            "lag_days": lag,
            "source": {
                "kind": "table",
                "path": "x.csv",
                "period_column": "M",
                "measures": {"a": "b"},
            },
        }
    )


# Due dates by frequency ---------------------------------------------------------------------------
def test_monthly_data_is_due_each_month_after_its_lag():
    got = sch.deliveries(request("monthly", 20), NEXT, 20)
    assert len(got) == 12
    by = {d.period: d.due for d in got}
    assert by["Oct 2026"] == D(2026, 11, 20)  # 31 Oct + 20 days
    assert by["Dec 2026"] == D(2027, 1, 20)  # 31 Dec + 20: the lag crosses the year
    assert by["Feb 2027"] == D(2027, 3, 20)  # 28 Feb (2027 is not a leap year) + 20
    assert by["Sep 2027"] == D(2027, 10, 20)
    assert len(set(by.values())) == 12  # not one date for everything


def test_quarterly_data_is_due_each_quarter():
    got = sch.deliveries(request("quarterly"), NEXT, 45)
    assert [(d.period, d.due) for d in got] == [
        ("Oct-Dec 2026", D(2027, 2, 14)),  # 31 Dec + 45 = 14 Feb
        ("Jan-Mar 2027", D(2027, 5, 15)),  # 31 Mar + 45 = 15 May
        ("Apr-Jun 2027", D(2027, 8, 14)),  # 30 Jun + 45 = 14 Aug
        ("Jul-Sep 2027", D(2027, 11, 14)),  # 30 Sep + 45 = 14 Nov
    ]


def test_quarters_half_outside_the_period_are_not_owed():
    # November 2026 to October 2027 holds three whole calendar quarters
    got = sch.deliveries(request("quarterly"), MonthRange.of("2026-11", "2027-10"), 0)
    assert [d.period for d in got] == ["Jan-Mar 2027", "Apr-Jun 2027", "Jul-Sep 2027"]


def test_annual_data_is_due_once():
    got = sch.deliveries(request("annual"), NEXT, 60)
    assert [(d.period, d.due) for d in got] == [
        ("October 2026 to September 2027", D(2027, 11, 29))  # 30 Sep + 60 = 29 Nov
    ]


def test_lag_defaults_to_the_days_from_the_period_end_to_due():
    assert sch.lag_days(request(lag=None, due="2026-10-31"), REVIEW) == 31  # 30 Sep -> 31 Oct
    assert sch.lag_days(request(lag=None, due="2026-09-15"), REVIEW) == 0  # due before the end
    assert sch.lag_days(request(lag=7, due="2026-10-31"), REVIEW) == 7


def test_schedule_orders_deliveries_by_due_date_for_a_quarterly_cycle():
    reg = Register(data_requests=[request("quarterly", 10)])
    got = sch.schedule(reg, MonthRange.of("2026-07", "2026-09"), 3)  # next: Oct-Dec 2026
    assert [(d.period, d.due) for d in got] == [("Oct-Dec 2026", D(2027, 1, 10))]


# Meetings up to the next review ------------------------------------------------------------------
def team(**meetings: object) -> ReviewTeam:
    return ReviewTeam.model_validate(
        {
            "members": [{"name": "Priya Shah", "role": "Analyst", "agency": "Council"}],
            "next_review": {"owner": "Priya Shah"},
            **({"meetings": meetings} if meetings else {}),
        }
    )


def test_quarterly_meetings_up_to_the_next_review():
    t = team(first="2027-01-21", every_months=3)
    assert meeting_dates(t, D(2026, 11, 20), D(2027, 11, 19)) == [
        D(2027, 1, 21),
        D(2027, 4, 21),
        D(2027, 7, 21),
        D(2027, 10, 21),
    ]
    # without a first date: a quarter after the review, never on or after the next review
    assert meeting_dates(team(every_months=3), D(2026, 11, 20), D(2027, 11, 20)) == [
        D(2027, 2, 20),
        D(2027, 5, 20),
        D(2027, 8, 20),
    ]


def test_meetings_from_a_review_at_month_end_keep_to_month_ends():
    # counted from the review date each time: 30 Nov -> 28 Feb -> 30 May -> 30 Aug
    assert meeting_dates(team(every_months=3), D(2026, 11, 30), D(2027, 11, 30)) == [
        D(2027, 2, 28),
        D(2027, 5, 30),
        D(2027, 8, 30),
    ]
    # 31 Jan -> 30 Apr -> 31 Jul (not 30 Jul, as stepping from 30 Apr would give) -> 31 Oct
    assert meeting_dates(team(every_months=3), D(2027, 1, 31), D(2028, 1, 31)) == [
        D(2027, 4, 30),
        D(2027, 7, 31),
        D(2027, 10, 31),
    ]


def test_no_meetings_given():
    assert meeting_dates(team(), D(2026, 11, 20), D(2027, 11, 20)) == []
    assert meeting_dates(None, D(2026, 11, 20), D(2027, 11, 20)) == []
    assert next_review_date(None, D(2026, 11, 30), 12) == D(2027, 11, 30)
    assert next_review_date(None, D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_each_meeting_reviews_what_falls_due_since_the_one_before():
    dates = [D(2027, 1, 21), D(2027, 4, 21)]
    due = sch.deliveries(request("quarterly"), NEXT, 21)  # 21 Jan, 21 Apr, 21 Jul, 21 Oct
    miles = [
        sch.MilestoneDue("A", "Police", "overdue one", D(2026, 6, 30)),
        sch.MilestoneDue("A", "Police", "on the day", D(2027, 1, 21)),
        sch.MilestoneDue("A", "Police", "day after", D(2027, 1, 22)),
        sch.MilestoneDue("A", "Police", "after the next review", D(2027, 12, 1)),
    ]
    log = pd.DataFrame(
        {
            "id": ["D1", "D2", "D3", "D4"],
            "status": ["open", "open", "open", "resolved"],
            "due": ["", "2027-03-01", "2027-06-01", "2027-01-01"],
        }
    )
    got = sch.agendas(dates, D(2026, 11, 20), D(2027, 11, 19), (due, miles, log))
    first, second, review = got
    assert [d.period for d in first.data] == ["Oct-Dec 2026"]  # due 21 Jan: on the day
    assert [m.milestone for m in first.milestones] == ["overdue one", "on the day"]
    assert [r["id"] for r in first.difficulties] == ["D1"]  # undated: set a date
    assert [d.period for d in second.data] == ["Jan-Mar 2027"]
    assert [m.milestone for m in second.milestones] == ["day after"]
    assert [r["id"] for r in second.difficulties] == ["D2"]
    assert review.is_review and review.date == D(2027, 11, 19)
    assert [d.period for d in review.data] == ["Apr-Jun 2027", "Jul-Sep 2027"]
    assert [r["id"] for r in review.difficulties] == ["D3"]  # resolved D4 nowhere
    assert review.milestones == []  # after the next review: not this year's


def test_without_meetings_everything_falls_to_the_next_review():
    due = sch.deliveries(request("annual"), NEXT, 10)
    (review,) = sch.agendas(
        [],
        D(2026, 11, 20),
        D(2027, 11, 19),
        (due, [], pd.DataFrame({"id": [], "status": [], "due": []})),
    )
    assert review.is_review and [d.due for d in review.data] == [D(2027, 10, 10)]


# Difficulties: due dates, stale ones, overdue ones, gap ages --------------------------------------
LOG = """\
id,raised_cycle,agency,dataset,category,description,action,owner,status,resolved_cycle,board_note
D001,2024-25,YJS,youth,unwilling to share,No ISA,Draft ISA,Manager,open,,Escalated to the chair
D002,2024-25,Fire,fires,incompatible format,Sent as a PDF table,Agree an XLSX extract,Officer,open,,
D003,2024-25,Police,street,IT problem,Extract failed,Use downloads,Analyst,resolved,2025-26,
"""


def test_an_old_log_without_due_still_loads(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    log = dlog.load_difficulties(path)
    assert (log["due"] == "").all()
    out, added, _ = dlog.update_difficulties(
        log,
        "2026-27",
        [
            {
                "dataset": "ae",
                "agency": "NHS",
                "category": "late",
                "description": "x",
                "action": "y",
                "owner": "z",
            }
        ],
        set(),
        due=D(2027, 1, 21),
    )
    assert list(added["due"]) == ["2027-01-21"]  # the first meeting


def test_a_due_that_is_not_a_date_is_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        LOG.replace("board_note\n", "board_note,due\n", 1).replace("chair\n", "chair,31/01/2027\n")
    )
    with pytest.raises(ReviewError, match=r"row 2, key 'due': '31/01/2027' is not a date"):
        dlog.load_difficulties(path)


def log_of(*rows: dict[str, str]) -> pd.DataFrame:
    base = dict.fromkeys([*dlog.COLUMNS, "due"], "")
    return pd.DataFrame([{**base, "status": "open", **r} for r in rows])


def done(
    dataset: str, status: str = "complete", timeliness: str = "on time", accepted: int = 10
) -> dict[str, object]:
    return {
        "dataset": dataset,
        "status": status,
        "timeliness": timeliness,
        "received": "2026-11-05",
        "periods_expected": 12,
        "periods_present": 12 if status == "complete" else 9,
        "accepted": accepted,
    }


def stale(
    log: pd.DataFrame,
    completeness: list[dict[str, object]],
    files: dict[str, list[str]],
    formats: dict[str, str],
    cycle: str = "2026-27",
) -> dict[str, str]:
    recon = pd.DataFrame(
        [{"dataset": d, "file": f} for d, fs in files.items() for f in fs],
        columns=["dataset", "file"],
    )
    got = dlog.stale_difficulties(log, pd.DataFrame(completeness), recon, formats, cycle)
    return {p.id: p.reason for p in got}


PDF = {"id": "D2", "raised_cycle": "2024-25", "dataset": "fires", "category": "incompatible format"}
XLSX = {"fires": "XLSX, sheet 'Deliberate fires'"}


def test_format_difficulty_is_stale_when_the_data_now_arrives_as_asked():
    got = stale(log_of(PDF), [done("fires")], {"fires": ["data/fire/fires_2026.xlsx"]}, XLSX)
    assert "now arrives as XLSX, as asked" in got["D2"] and "fires_2026.xlsx" in got["D2"]


@pytest.mark.parametrize(
    ("completeness", "files", "formats", "raised"),
    [
        ([done("fires")], {"fires": ["data/fire/fires.csv"]}, XLSX, "2024-25"),  # not as asked
        ([done("fires")], {"fires": ["a.xlsx", "b.pdf"]}, XLSX, "2024-25"),  # one file is not
        ([done("fires", "not received")], {}, XLSX, "2024-25"),  # nothing arrived
        ([done("fires", "unusable", accepted=0)], {"fires": ["a.xlsx"]}, XLSX, "2024-25"),
        ([done("fires")], {"fires": ["a.xlsx"]}, {"fires": "one row a month"}, "2024-25"),
        ([done("fires")], {"fires": ["a.xlsx"]}, XLSX, "2026-27"),  # raised this review
    ],
)
def test_format_difficulty_stands_otherwise(completeness, files, formats, raised):
    assert stale(log_of({**PDF, "raised_cycle": raised}), completeness, files, formats) == {}


def test_asked_formats_read_from_the_register_words():
    assert dlog.asked_formats("XLSX, sheet 'Deliberate fires'") == {"XLSX"}
    assert dlog.asked_formats("data.police.uk street CSVs in monthly folders") == {"CSV"}
    assert dlog.asked_formats("CSV or XLS") == {"CSV", "XLS"}
    assert dlog.asked_formats("one row per month") == set()
    assert dlog.file_format("data/x.xlsx!Deliberate fires") == "XLSX"


CHASE = {
    "id": "D5",
    "raised_cycle": "2025-26",
    "dataset": "fires",
    "category": "late",
    "action": "Chase for the missing months",
}


def test_chasing_missing_data_is_stale_when_the_data_is_complete():
    got = stale(log_of(CHASE), [done("fires")], {}, {})
    assert got["D5"].startswith("nothing is missing now: all 12 periods")
    assert "late this time" not in got["D5"]
    late = stale(log_of(CHASE), [done("fires", timeliness="late")], {}, {})
    assert "late this time, received 05 November 2026" in late["D5"]


def test_chasing_stands_while_data_is_missing_or_for_this_reviews_late_arrival():
    assert stale(log_of(CHASE), [done("fires", "partial")], {}, {}) == {}
    assert stale(log_of(CHASE), [done("fires", "not received")], {}, {}) == {}
    this = {**CHASE, "raised_cycle": "2026-27"}
    assert stale(log_of(this), [done("fires", timeliness="late")], {}, {}) == {}
    assert "D5" in stale(log_of(this), [done("fires")], {}, {})  # on time: nothing to chase


def test_other_categories_and_resolved_rows():
    share = {
        "id": "D1",
        "raised_cycle": "2024-25",
        "dataset": "youth",
        "category": "unwilling to share",
    }
    assert "being shared" in stale(log_of(share), [done("youth")], {}, {})["D1"]
    assert stale(log_of(share), [done("youth", "partial")], {}, {}) == {}
    it = {"id": "D3", "raised_cycle": "2024-25", "dataset": "youth", "category": "IT problem"}
    assert "arrives and is read" in stale(log_of(it), [done("youth")], {}, {})["D3"]
    quality = {"id": "D4", "raised_cycle": "2024-25", "dataset": "youth", "category": "quality"}
    assert stale(log_of(quality), [done("youth")], {}, {}) == {}
    assert stale(log_of({**share, "status": "resolved"}), [done("youth")], {}, {}) == {}
    assert stale(log_of({**share, "dataset": "gone"}), [done("youth")], {}, {}) == {}


def test_overdue_actions_are_escalated_to_the_board():
    log = log_of(
        {"id": "A", "due": "2026-09-30"},  # overdue
        {"id": "B", "due": "2026-11-20"},  # due on the review date: not yet overdue
        {"id": "C", "due": ""},
        {"id": "E", "due": "2026-01-01", "status": "resolved"},
        {"id": "F", "board_note": "Escalated to the chair"},
        {"id": "G", "due": "2026-01-01", "board_note": "Raised with the chief officer"},
    )
    on = D(2026, 11, 20)
    assert list(dlog.overdue_difficulties(log, on)["id"]) == ["A", "G"]
    esc = dlog.escalated_difficulties(log, on)
    assert list(esc["id"]) == ["A", "F", "G"]
    notes = dict(zip(esc["id"], esc["board_note"], strict=True))
    assert notes["A"] == "Action overdue: due 30 September 2026, still open"
    assert notes["F"] == "Escalated to the chair"
    assert (
        notes["G"]
        == "Raised with the chief officer; Action overdue: due 01 January 2026, still open"
    )
    # one proposed for closing is not put to the board
    assert list(dlog.escalated_difficulties(log, on, {"A"})["id"]) == ["F", "G"]
    # a log without board notes or due dates escalates nothing
    bare = log.drop(columns=["board_note", "due"])
    assert dlog.escalated_difficulties(bare, on).empty


def test_gap_ages_count_the_review_cycles_each_gap_has_been_open():
    log = pd.read_csv(io.StringIO(LOG), dtype=str, keep_default_na=False)
    log = pd.concat(
        [
            log,
            log_of({"id": "D004", "raised_cycle": "2026-27", "dataset": "ae", "category": "late"}),
        ],
        ignore_index=True,
    )
    ages = {g.dataset: g for g in dlog.gap_ages(log, "2026-27")}
    # cycles named: 2024-25, 2025-26 (D003 resolved then), 2026-27 now: two reviews on
    assert ages["youth"].since == "2024-25" and ages["youth"].cycles_open == 2
    assert ages["youth"].age_words() == "open since 2024-25: 2 review cycles"
    assert ages["ae"].cycles_open == 0 and ages["ae"].age_words() == "new this review"
    assert "street" not in ages  # resolved
    # a dataset complete this review has no gap, whatever the log says
    assert "fires" not in {g.dataset for g in dlog.gap_ages(log, "2026-27", {"fires"})}
    one = log[log["id"] == "D002"]
    (g,) = dlog.gap_ages(one, "2025-26")
    assert g.age_words() == "open since 2024-25: 1 review cycle"


def test_a_review_that_logged_nothing_still_counts_in_a_gaps_age():
    # raised in 2023-24; 2024-25 and 2025-26 logged nothing (no id names them in the log)
    log = log_of({"id": "D1", "raised_cycle": "2023-24", "dataset": "youth", "category": "late"})
    assert dlog.gap_ages(log, "2026-27")[0].cycles_open == 1  # the log alone sees one
    history = ["2023-24", "2024-25", "2025-26", "2026-27"]
    (g,) = dlog.gap_ages(log, "2026-27", history=history)
    assert g.age_words() == "open since 2023-24: 3 review cycles"
    # the linked order wins over the ids' order (these do not sort in time)
    log = log_of({"id": "D1", "raised_cycle": "spring", "dataset": "youth", "category": "late"})
    chain = ["spring", "autumn", "winter"]
    assert dlog.cycle_order(log, "winter", chain) == chain
    assert dlog.gap_ages(log, "winter", history=chain)[0].cycles_open == 2
    # a cycle the log names that the links do not reach comes before them
    old = log_of({"id": "D0", "raised_cycle": "2019", "dataset": "x", "category": "late"})
    assert dlog.cycle_order(old, "winter", chain) == ["2019", *chain]


def test_review_cycles_follow_the_previous_cycle_links(tmp_path):
    import json

    from conftest import cycle_params
    from reviewkit.store.identity import review_cycles

    def finished(name: str, cycle: str, previous: str | None) -> str:
        folder = tmp_path / name
        folder.mkdir()
        record = {"cycle": cycle, "params": {"previous_cycle": previous}}
        (folder / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
        return str(folder)

    first = finished("a", "2023-24", None)
    second = finished("b", "2024-25", first)
    third = finished("c", "2025-26", second)
    assert review_cycles(cycle_params(cycle="2026-27")) == ["2026-27"]
    now = cycle_params(cycle="2026-27", previous_cycle=third)
    assert review_cycles(now) == ["2023-24", "2024-25", "2025-26", "2026-27"]
    # a link to a folder that is not a finished review ends the chain there
    broken = finished("d", "2022-23", str(tmp_path / "nowhere"))
    (tmp_path / "a" / "manifest.json").write_text(
        json.dumps({"cycle": "2023-24", "params": {"previous_cycle": broken}})
    )
    assert review_cycles(now)[:2] == ["2022-23", "2023-24"]
    # a loop (a folder linking back to a later one) stops, each cycle named once
    (tmp_path / "d" / "manifest.json").write_text(
        json.dumps({"cycle": "2022-23", "params": {"previous_cycle": third}})
    )
    assert review_cycles(now) == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]


def test_quality_difficulties_are_not_data_gaps():
    log = log_of({"id": "Q", "raised_cycle": "2024-25", "dataset": "x", "category": "quality"})
    assert dlog.gap_ages(log, "2025-26") == []


# Params: the review_team block --------------------------------------------------------------------
MEMBERS = [
    {"name": "Priya Shah", "role": "Community safety analyst", "agency": "Brackwell Council"},
    {"name": "Tom Fenwick", "role": "Community safety manager", "agency": "Brackwell Council"},
]


def load_team(tmp_path, **block: object):
    path = write_params(
        tmp_path / "p.yaml",
        review_team={"members": MEMBERS, "next_review": {"owner": "Priya Shah"}, **block},
    )
    return load_params(path, check_files=False)


def test_a_valid_team_loads(tmp_path):
    p = load_team(
        tmp_path,
        next_review={"owner": "priya shah", "date": D(2027, 11, 19)},
        meetings={"first": D(2027, 1, 21), "place": "Room 2"},
    )
    assert (
        p.review_team is not None
        and p.review_team.member("Priya Shah").role == "Community safety analyst"
    )
    assert next_review_date(p.review_team, p.review_date, 12) == D(2027, 11, 19)


def test_params_without_a_team_still_load():
    p = params_dict()
    p.pop("review_team", None)
    from reviewkit.inputs.params import CycleParams

    assert CycleParams.model_validate(p).review_team is None


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"next_review": {"owner": "Sam Jones"}},
            r"next_review.owner 'Sam Jones' is not a member of the core audit team "
            r"\(Priya Shah, Tom Fenwick\)",
        ),
        ({"members": [*MEMBERS, {**MEMBERS[0], "agency": "Police"}]}, r"Priya Shah listed twice"),
        ({"members": []}, r"list at least one member"),
        ({"members": [{"name": "A", "role": "B"}]}, r"agency"),
        (
            {"meetings": {"dates": [D(2027, 1, 21)], "first": D(2027, 1, 21)}},
            r"either as dates .* not both",
        ),
        ({"meetings": {"dates": [D(2027, 4, 21), D(2027, 1, 21)]}}, r"listed in order, each once"),
        (
            {"meetings": {"dates": [D(2026, 11, 1)]}},
            r"2026-11-01 is not after the review date \(2026-11-20\)",
        ),
        (
            {"meetings": {"first": D(2027, 12, 1)}},
            r"2027-12-01 is not before the next review \(2027-11-20\)",
        ),
        (
            {"next_review": {"owner": "Priya Shah", "date": D(2027, 9, 1)}},
            r"next_review.date 2027-09-01 is not after the next review period ends \(2027-09-30\)",
        ),
        ({"meetings": {"every_months": 0}}, r"every_months"),
        ({"chair": "Tom Fenwick"}, r"chair"),
    ],
)
def test_team_problems_are_named(tmp_path, block, message):
    with pytest.raises(ReviewError, match=message) as err:
        load_team(tmp_path, **block)
    assert "p.yaml" in str(err.value)


def test_new_cycle_moves_the_teams_dates_on():
    data = {
        "review_team": {
            "next_review": {"owner": "P", "date": D(2027, 11, 19)},
            "meetings": {"dates": [D(2027, 1, 21), "2027-04-21"], "first": None},
        }
    }
    notes = move_on(data, 12)
    assert data["review_team"]["next_review"]["date"] == D(2028, 11, 19)
    assert data["review_team"]["meetings"]["dates"] == [D(2028, 1, 21), D(2028, 4, 21)]
    assert notes and "moved on 12 months" in notes[0]
    assert move_on({"cycle": "x"}, 12) == []


# The demo's planning pack, end to end -------------------------------------------------------------
@pytest.fixture(scope="module")
def pack(cycle_run):
    raw = (cycle_run["cycle"] / "planning_pack.html").read_text(encoding="utf-8")
    return raw, re.sub(r"\s+", " ", visible_text(raw))


def _row(raw: str, start: str) -> str:
    """The visible text of the table row that starts with `start`."""
    at = raw.index(start)
    row = raw[at : raw.index("</tr>", at)]
    return re.sub(r"\s+", " ", visible_text(row))


def test_the_pack_says_what_it_is_for_first_and_names_the_team(pack):
    raw, text = pack
    assert text.index("What this pack is for") < text.index("Meetings up to the next review")
    assert (
        "Next review: 20 November 2027" in text
        and "Owner: Priya Shah (Community safety analyst, Brackwell Council)" in text
    )
    assert "Daniel Okafor" in text and "Northshire Fire and Rescue Service" in text


def _between(text: str, start: str, end: str) -> str:
    at = text.index(start)
    return text[at : text.index(end, at)]


def test_the_pack_lists_meetings_with_what_each_reviews(pack):
    raw, text = pack
    first = _between(text, "Meeting 1: Saturday 20 February 2027", "Meeting 2:")
    assert "Committee Room 2, Brackwell Civic Centre" in first
    # council ASB: monthly, 20 days after each month: Oct 20 Nov ... Jan 2027 on 20 Feb, the
    # meeting's own day (included)
    assert (
        "ASB reports received by the council: Oct 2026, Nov 2026, Dec 2026, Jan 2027 "
        "(due 20 Nov 2026 to 20 Feb 2027)" in first
    )
    # A&E: quarterly, 45 days after the quarter: Oct-Dec 2026 due 14 Feb 2027
    assert "A&E attendances for assault: Oct-Dec 2026 (due 14 Feb 2027)" in first
    assert (
        "Programme review (Northshire Fire and Rescue Service, due 30 Jun 2026, overdue)" in first
    )
    assert "D002: Agree an XLSX extract (Fire service data officer, propose closing" in first
    second = _between(text, "Meeting 2: Thursday 20 May 2027", "Meeting 3:")
    # council ASB Feb to Apr 2027: 20 Mar, 20 Apr, 20 May (on the day)
    assert "ASB reports received by the council: Feb 2027, Mar 2027, Apr 2027" in second
    assert "Youth diversion scheme: First cohort completes the programme" in second
    assert "Meeting 3: Friday 20 August 2027" in text
    assert "Meeting 4" not in text  # 20 November 2027 is the next review itself
    review = _between(text, "Next review: Saturday 20 November 2027", "Information required")
    assert "A&E attendances for assault: Jul-Sep 2027 (due 14 Nov 2027)" in review


def test_due_dates_follow_each_datasets_frequency(pack):
    raw, text = pack
    asb = _row(raw, "ASB reports received by the council</th>")
    assert "monthly: 20 days after each month ends" in asb
    assert "12 deliveries, first 20 Nov 2026 (Oct 2026), last 20 Oct 2027 (Sep 2027)" in asb
    ae = _row(raw, "A&amp;E attendances for assault</th>")
    assert "quarterly: 45 days after each quarter ends" in ae
    assert "4 deliveries, first 14 Feb 2027 (Oct-Dec 2026), last 14 Nov 2027 (Jul-Sep 2027)" in ae
    assert "Analyst time: 13 days in all." in text


def test_the_pack_proposes_stale_difficulties_escalates_and_ages_gaps(pack):
    raw, text = pack
    assert "D002: the data now arrives as XLSX, as asked" in text
    # the fire data came complete but late: agree a date, not "chase the missing data"
    fire = _row(raw, "Deliberate fires by local authority: received 2026-11-05")
    assert "Agree with Northshire Fire and Rescue Service a due date it can meet" in fire
    assert "missing" not in fire and "propose closing" not in fire
    assert (
        "D001 (Northshire Youth Justice Service)" in text
        and "Action overdue: due 30 September 2026" in text
    )
    assert (
        "First-time entrants to the youth justice system: open since 2024-25: 2 review cycles"
        in text
    )


def test_the_pack_holds_nothing_for_the_analyst_only(pack, cycle_run):
    from reviewkit.inputs.register import load_register
    from reviewkit.report.analyst_text import analyst_text

    params = load_params(cycle_run["params"])
    ids = load_register(params.path("data_requests")).datasets
    assert analyst_text(pack[1], ids) == []


# Rules that hold for any dates -------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    review=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    every=st.integers(1, 12),
    cycle=st.sampled_from([3, 12]),
)
def test_generated_meetings_fall_between_the_two_reviews(review, every, cycle):
    nxt = next_review_date(None, review, cycle)
    got = meeting_dates(team(every_months=every), review, nxt)
    assert all(review < d < nxt for d in got)
    assert got == sorted(set(got))
    # one meeting for each step of every_months that ends before the next review: with
    # quarterly meetings and a yearly cycle 3 (months 3, 6, 9), monthly meetings 11
    assert len(got) == len([k for k in range(1, cycle + 1) if k * every < cycle])


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(2020 * 12, 2034 * 12),
    length=st.sampled_from([3, 12]),
    lag=st.integers(0, 366),
    frequency=st.sampled_from(["monthly", "quarterly", "annual"]),
)
def test_each_delivery_is_due_its_lag_after_its_period_ends(start, length, lag, frequency):
    first = pd.Period(year=start // 12, month=start % 12 + 1, freq="M")
    period = MonthRange(first, first + (length - 1))
    got = sch.deliveries(request(frequency, lag), period, lag)
    dues = [d.due for d in got]
    assert dues == sorted(dues) and len(set(dues)) == len(dues)
    if frequency == "monthly":
        assert len(got) == length
        assert [d - dt.timedelta(days=lag) for d in dues] == [
            m.end_time.date() for m in period.months
        ]
    elif frequency == "annual":
        assert dues == [period.end.end_time.date() + dt.timedelta(days=lag)]
    else:  # calendar quarters wholly inside the period
        assert all((d - dt.timedelta(days=lag)).month in (3, 6, 9, 12) for d in dues)
        assert len(got) <= length // 3


# The pack without a team or meetings -------------------------------------------------------------
def test_a_pack_without_a_team_says_so(demo_data):
    from types import SimpleNamespace

    from reviewkit.inputs.strategy import load_strategy
    from reviewkit.report import planning

    data = params_dict(demo_data)
    data.pop("review_team")
    from reviewkit.inputs.params import CycleParams

    params = CycleParams.model_validate(data)
    log = dlog.load_difficulties(params.path("difficulties"))
    ctx = SimpleNamespace(
        params=params,
        review_desc=params.review.describe(),
        strategy=load_strategy(params.path("strategy")),
        difficulties=log,
        completeness=pd.DataFrame(columns=["dataset", "status", "missing_periods"]),
        reconciliation=pd.DataFrame(columns=["dataset", "file"]),
        dataset_names={},
    )
    title = visible_text(planning.planning_title(ctx))
    assert "No core audit team is named" in title
    assert "Next review: 20 November 2027" in title and "no owner named yet" in title
    meetings = visible_text(planning.planning_meetings(ctx))
    assert "No meetings of the core audit team are set" in meetings
    assert "Next review: Saturday 20 November 2027" in meetings
    assert "Meeting 1" not in meetings
