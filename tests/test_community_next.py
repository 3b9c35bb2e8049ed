"""The community update says what happens next: dated next steps from the milestones, public
names, local names of places (never a code), meetings still to come and how to get in touch;
a final paper refuses without them. Expected words are worked out here by hand from the
strategy and params, never copied from the code's output."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BRACKWELL, NO_PDF, ROOT, params_dict, reviewkit, visible_text, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.inputs.places import area_codes, authority_of, load_place_names, msoa_of
from reviewkit.inputs.strategy import Strategy, load_strategy
from reviewkit.report.community_involved import clock_words, published_on, upcoming_meetings
from reviewkit.report.community_places import local_areas
from reviewkit.report.community_ready import final_gaps, involvement_gaps
from reviewkit.report.community_steps import date_words, next_steps
from reviewkit.run.signoff import community_problems

REVIEW_DATE = dt.date(2026, 11, 20)  # the demo params' review date


def _strategy(*initiatives: dict) -> Strategy:
    return Strategy.model_validate(
        {
            "partnership": "Brackwell Community Safety Partnership",
            "priorities": [{"id": "asb", "name": "ASB"}, {"id": "youth", "name": "Youth"}],
            "indicators": [
                {
                    "id": "i",
                    "priority": "asb",
                    "name": "I",
                    "dataset": "d",
                    "better": "lower",
                }
            ],
            "initiatives": list(initiatives),
        }
    )


def _ini(id_: str, priority: str = "asb", public: str | None = "Public", **more) -> dict:
    base = {
        "id": id_,
        "name": f"Internal {id_}",
        "priority": priority,
        "lead_agency": "Council",
        "start": "2025-01-01",
        "end": "2027-12-31",
    }
    if public is not None:
        base["public_name"] = f"{public} {id_}"
    return {**base, **more}


# Dated next steps ---------------------------------------------------------------------------------
def test_next_steps_are_the_milestones_still_to_do_in_date_order():
    s = _strategy(
        _ini(
            "a",
            milestones=[
                {"name": "done one", "due": "2026-12-31", "done": "2026-10-01"},
                {"name": "later", "public_name": "Later, in words", "due": "2027-03-31"},
                {"name": "overdue", "due": "2025-09-30"},
            ],
        ),
        _ini("b", "youth", public=None, milestones=[{"name": "soon", "due": "2026-12-15"}]),
        _ini("c", milestones=[{"name": "of a finished one", "due": "2027-01-31"}]),
    )
    steps = next_steps(s, REVIEW_DATE, finished={"c"})
    assert [(x.initiative, x.step, x.due.isoformat(), x.late) for x in steps] == [
        ("a", "overdue", "2025-09-30", True),
        ("b", "soon", "2026-12-15", False),
        ("a", "Later, in words", "2027-03-31", False),
    ]
    assert [x.words() for x in steps] == [
        "Running late (planned by September 2025): overdue (Public a).",
        "By 15 December 2026: soon (Internal b).",  # no public name: a draft shows its own
        "By March 2027: Later, in words (Public a).",
    ]
    # due on the review date itself is not late (as the board's milestone status has it)
    s = _strategy(_ini("a", milestones=[{"name": "today", "due": REVIEW_DATE.isoformat()}]))
    assert next_steps(s, REVIEW_DATE, set())[0].late is False


@pytest.mark.parametrize(
    "day,words",
    [
        (dt.date(2027, 3, 31), "March 2027"),
        (dt.date(2027, 3, 15), "15 March 2027"),
        (dt.date(2027, 2, 28), "February 2027"),
        (dt.date(2028, 2, 28), "28 February 2028"),  # a leap year: the 29th ends February
        (dt.date(2028, 2, 29), "February 2028"),
        (dt.date(2026, 12, 31), "December 2026"),
        (dt.date(2026, 12, 1), "1 December 2026"),
    ],
)
def test_dates_are_said_in_a_readers_words(day, words):
    assert date_words(day) == words


milestones = st.lists(
    st.tuples(
        st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)),
        st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 20))),
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(milestones, st.booleans()), min_size=1, max_size=4))
def test_every_step_is_a_milestone_to_do_of_unfinished_work_in_order(plan):
    inis = [
        _ini(
            f"n{k}",
            milestones=[
                {"name": f"m{k}-{j}", "due": due.isoformat()}
                | ({"done": done.isoformat()} if done else {})
                for j, (due, done) in enumerate(ms)
            ],
        )
        for k, (ms, _) in enumerate(plan)
    ]
    finished = {f"n{k}" for k, (_, fin) in enumerate(plan) if fin}
    steps = next_steps(_strategy(*inis), REVIEW_DATE, finished)
    expected = sorted(
        (due, f"m{k}-{j}")
        for k, (ms, fin) in enumerate(plan)
        if not fin
        for j, (due, done) in enumerate(ms)
        if done is None
    )
    assert sorted((x.due, x.step) for x in steps) == expected
    assert [x.due for x in steps] == sorted(x.due for x in steps)
    assert all(x.late == (x.due < REVIEW_DATE) for x in steps)


# Public names in the strategy ---------------------------------------------------------------------
def test_a_public_name_is_one_line_and_never_blank(tmp_path):
    s = _strategy(_ini("a", public="  Safer\n  streets "))
    assert s.initiatives[0].public_name == "Safer streets a"
    assert _strategy(_ini("a", public=None)).initiatives[0].public_name == ""
    f = tmp_path / "s.yaml"
    bad = _ini("a", public=None) | {"public_name": "   "}
    data = _strategy().model_dump(mode="json") | {"initiatives": [bad]}
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(ReviewError) as err:
        load_strategy(f)
    assert "initiatives" in str(err.value) and "public_name is blank" in str(err.value)


# Meetings and contact in the params ---------------------------------------------------------------
MEETINGS = [
    {"date": "2026-11-12", "time": "18:30", "place": "Library"},  # before the review
    {"date": "2026-12-04", "place": "Town Hall", "what": "Ward panel"},  # the sign-off day
    {"date": "2027-01-14", "time": "09:05", "place": "Church hall", "link": "https://x.example/m"},
]


def _final(**changes) -> dict:
    return {
        "report": {"status": "final", "signed_off_by": "Chair", "signed_off_on": "2026-12-04"},
        **changes,
    }


def test_meetings_before_publication_are_not_offered():
    draft = CycleParams.model_validate(params_dict(community={"meetings": MEETINGS}))
    assert published_on(draft) == REVIEW_DATE
    assert [m.place for m in upcoming_meetings(draft)] == ["Town Hall", "Church hall"]
    final = CycleParams.model_validate(params_dict(**_final(community={"meetings": MEETINGS})))
    assert published_on(final) == dt.date(2026, 12, 4)
    assert [m.place for m in upcoming_meetings(final)] == ["Town Hall", "Church hall"]
    later = _final(community={"meetings": MEETINGS})
    later["report"]["signed_off_on"] = "2026-12-05"
    final = CycleParams.model_validate(params_dict(**later))
    assert [m.place for m in upcoming_meetings(final)] == ["Church hall"]


@pytest.mark.parametrize(
    "hhmm,words",
    [("18:30", "6.30pm"), ("09:00", "9am"), ("12:00", "12 noon"), ("00:15", "12.15am")],
)
def test_times_are_said_as_residents_say_them(hhmm, words):
    assert clock_words(hhmm) == words


def test_a_meeting_time_written_without_quotes_is_read_as_the_time(tmp_path):
    p = tmp_path / "p.yaml"
    write_params(p, community={"meetings": [{"date": "2027-01-14", "place": "Hall"}]})
    text = p.read_text().replace("place: Hall", "place: Hall, time: 18:30")
    p.write_text(text)
    assert load_params(p, check_files=False).community.meetings[0].time == "18:30"


@pytest.mark.parametrize(
    "community,key,words",
    [
        (
            {"meetings": [{"date": "2027-01-14", "place": " "}]},
            "community.meetings.0.place",
            "blank",
        ),
        (
            {"meetings": [{"date": "2027-01-14", "place": "Hall", "time": "6pm"}]},
            "community.meetings.0.time",
            "HH:MM",
        ),
        (
            {"meetings": [{"date": "2027-01-14", "place": "Hall", "link": "javascript:alert(1)"}]},
            "community.meetings.0.link",
            "https://",
        ),
        ({"meetings": [{"date": "2027-13-01", "place": "Hall"}]}, "community.meetings.0.date", ""),
        ({"meetings": [{"place": "Hall"}]}, "community.meetings.0.date", ""),
        (
            {"meetings": [{"date": "2027-01-14", "place": "Hall"}] * 2},
            "community.meetings",
            "listed twice",
        ),
        ({"website": "www.example"}, "community.website", "https://"),
        ({"contact": "  "}, "community.contact", "blank"),
        ({"get_involved": [""]}, "community.get_involved", "blank"),
        ({"meeting": []}, "community.meeting", "meetings"),  # a typo, with a suggestion
    ],
)
def test_community_params_are_checked_with_the_key_named(tmp_path, community, key, words):
    p = write_params(tmp_path / "p.yaml", community=community)
    with pytest.raises(ReviewError) as err:
        load_params(p, check_files=False)
    assert str(p) in str(err.value) and key in str(err.value) and words in str(err.value), str(
        err.value
    )


def test_the_old_contact_key_still_loads_and_says_where_it_moved(tmp_path):
    p = write_params(tmp_path / "p.yaml", report={"contact": "Call us on 01234 567890"})
    params = load_params(p, check_files=False)
    assert params.community.contact == "Call us on 01234 567890"
    gaps = involvement_gaps(params, _strategy(), [])
    assert any("The key report.contact has moved to community.contact" in g for g in gaps)
    # the same contact under both names is fine; two different ones are refused
    same = {"report": {"contact": "Call us"}, "community": {"contact": "Call us"}}
    assert load_params(write_params(p, **same), check_files=False).community.contact == "Call us"
    with pytest.raises(ReviewError) as err:
        load_params(
            write_params(p, report={"contact": "A"}, community={"contact": "B"}), check_files=False
        )
    assert "report.contact and community.contact are both given and differ" in str(err.value)
    # without either, there is no contact (no generic sentence printed for one)
    assert load_params(write_params(p), check_files=False).community.contact is None


# A final paper refuses an update that cannot say what happens next --------------------------------
READY = {
    "contact": "Brackwell CSP: community.safety@brackwell.example",
    "meetings": [{"date": "2027-01-14", "place": "Library"}],
}
STEP = [{"name": "step", "due": "2027-03-31"}]


def _gaps(strategy: Strategy, **community) -> list[str]:
    params = CycleParams.model_validate(params_dict(**_final(community={**READY, **community})))
    finished: set[str] = set()
    return final_gaps(params, strategy, next_steps(strategy, params.review_date, finished))


def test_a_ready_update_has_no_gaps():
    assert _gaps(_strategy(_ini("a", milestones=STEP))) == []


def test_no_dated_next_step_is_refused_and_one_passes():
    done = [{"name": "step", "due": "2026-03-31", "done": "2026-03-01"}]
    gaps = _gaps(_strategy(_ini("a", milestones=done)))
    assert len(gaps) == 1 and "no dated next step" in gaps[0]
    assert "(key 'initiatives.N.milestones' in s)" in gaps[0]  # in the strategy file
    late = [{"name": "step", "due": "2026-03-31"}]  # overdue, not done: a step (running late)
    assert _gaps(_strategy(_ini("a", milestones=late))) == []


def test_no_meeting_to_come_is_refused_and_one_on_the_day_passes():
    before = [{"date": "2026-12-03", "place": "Library"}]
    gaps = _gaps(_strategy(_ini("a", milestones=STEP)), meetings=before)
    assert len(gaps) == 1 and "offers no meeting to come to" in gaps[0]
    assert "community.meetings" in gaps[0] and "on or after 4 December 2026" in gaps[0]
    assert _gaps(_strategy(_ini("a", milestones=STEP)), meetings=[]) == gaps
    on_the_day = [{"date": "2026-12-04", "place": "Library"}]
    assert _gaps(_strategy(_ini("a", milestones=STEP)), meetings=on_the_day) == []


def test_no_contact_is_refused_and_the_old_key_passes():
    params = params_dict(**_final(community={"meetings": READY["meetings"]}))
    s = _strategy(_ini("a", milestones=STEP))
    p = CycleParams.model_validate(params)
    gaps = final_gaps(p, s, next_steps(s, p.review_date, set()))
    assert len(gaps) == 1 and "no way to contact the partnership" in gaps[0]
    assert "community.contact" in gaps[0]
    params["report"]["contact"] = "Call 01234 567890"
    p = CycleParams.model_validate(params)
    assert final_gaps(p, s, next_steps(s, p.review_date, set())) == []


def test_an_initiative_without_a_public_name_is_refused_naming_its_key():
    s = _strategy(_ini("a", milestones=STEP), _ini("b", public=None))
    gaps = _gaps(s)
    assert gaps == [
        "initiative 'b' has no public name, so residents would read its own name ('Internal "
        "b'): add the name residents know it by (key 'initiatives.1.public_name' in s)"
    ]
    assert _gaps(_strategy(_ini("a", milestones=STEP), _ini("b"))) == []


def test_a_public_name_that_speaks_to_the_analyst_is_refused():
    s = _strategy(_ini("a", public="See analysis.spc.rebase", milestones=STEP))
    gaps = _gaps(s)
    assert len(gaps) == 1 and "names what only the analyst acts on" in gaps[0]
    assert "analysis.spc.rebase" in gaps[0]


def test_a_draft_lists_the_gaps_and_each_priority_without_a_step():
    s = _strategy(_ini("a", milestones=STEP), _ini("b", "youth", public=None))
    params = CycleParams.model_validate(params_dict(community=READY))
    notes = involvement_gaps(params, s, next_steps(s, params.review_date, set()))
    assert notes == [
        "Initiative 'b' has no public name, so residents would read its own name ('Internal "
        "b'): add the name residents know it by (key 'initiatives.1.public_name' in s)",
        "Priority 'Youth' has no dated next step: residents read that none is planned. Give "
        "one of its initiatives a milestone still to do (due date), or add an initiative for "
        "it to the strategy.",
    ]


def test_the_final_check_reads_the_strategy_and_the_statuses(tmp_path, demo_data):
    """Through the sign-off: the demo's strategy (public names for all) with the demo's
    community block passes; without the block it is refused on meetings and contact; an
    initiative reported complete has no next steps."""
    demo = yaml.safe_load((ROOT / "params" / "example.yaml").read_text())["community"]
    ok = load_params(write_params(tmp_path / "ok.yaml", demo_data, **_final(community=demo)))
    assert community_problems(ok) == []
    bare = load_params(write_params(tmp_path / "bare.yaml", demo_data, **_final()))
    problems = community_problems(bare)
    assert len(problems) == 2, problems
    assert "no meeting to come to" in problems[0] and "no way to contact" in problems[1]
    # every initiative with a step still to do reported complete: no dated step is left
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    strategy = data / "brackwell" / "strategy.yaml"
    text = re.sub(r"    updates:\n(      - \{cycle[^\n]*\n)+", "", strategy.read_text())
    for name in ("fire_education", "target_hardening", "retail_crime", "youth_diversion"):
        text = text.replace(
            f"  - id: {name}\n",
            f"  - id: {name}\n    updates: [{{cycle: x, date: 2026-11-01, status: complete}}]\n",
        )
    text = re.sub(
        r"(\n      - \{name: [^\n]*), due: (\d{4}-\d{2}-\d{2})\}", r"\1, due: 2026-12-31}", text
    )
    strategy.write_text(text)
    done = load_params(write_params(tmp_path / "done.yaml", data, **_final(community=demo)))
    problems = community_problems(done)
    assert len(problems) == 1 and "no dated next step" in problems[0], problems


# Place names ------------------------------------------------------------------------------------
HOC = (
    "\ufeffmsoa21cd,msoa21nm,msoa21nmw,msoa21hclnm,msoa21hclnmw,localauthorityname,type\n"
    "E02006001,Brackwell 001,,Brackwell Town Centre,,Brackwell,\n"
    "E02006002,Brackwell 002,,Elm Park,,Brackwell,\n"
    "W02000003,Brackwell 003,,,,Brackwell,\n"
)


def test_the_commons_library_file_is_read_as_published(tmp_path):
    f = tmp_path / "MSOA-Names-Latest2.csv"
    f.write_bytes(HOC.encode("utf-8"))
    names = load_place_names(f)
    assert names.by_msoa == {"Brackwell 001": "Brackwell Town Centre", "Brackwell 002": "Elm Park"}
    assert names.of_lsoa("Brackwell 002C") == "Elm Park"
    assert names.of_lsoa("Brackwell 003A") is None  # listed without a local name
    assert names.of_lsoa("Brackwell 002") is None  # an MSOA's name is not an LSOA's
    f.write_text(HOC.replace("msoa21", "msoa11"))  # the 2011 edition
    assert load_place_names(f).by_msoa["Brackwell 002"] == "Elm Park"


@pytest.mark.parametrize(
    "text,words",
    [
        ("msoa21cd,msoa21nm\nE02006001,Brackwell 001\n", "missing column(s) msoa21hclnm"),
        (HOC.replace("E02006002", "E01006002"), "row 3, column 'msoa21cd': not an MSOA code"),
        (HOC.replace("Brackwell 002,", ","), "row 3, column 'msoa21nm': the ONS name is empty"),
        (HOC.replace("E02006002", "E02006001"), "row 3, column 'msoa21cd': the same MSOA"),
        (HOC.replace("Brackwell 002,", "Brackwell 001,"), "column 'msoa21nm': the same MSOA"),
    ],
)
def test_a_bad_place_names_file_is_refused_naming_row_and_column(tmp_path, text, words):
    f = tmp_path / "names.csv"
    f.write_text(text)
    with pytest.raises(ReviewError) as err:
        load_place_names(f)
    assert str(f) in str(err.value) and words in str(err.value), str(err.value)


def test_an_lsoa_name_gives_its_msoa_and_authority():
    assert msoa_of("Brackwell 008C") == "Brackwell 008"
    assert authority_of("Galloway Vale 012A") == "Galloway Vale"
    assert msoa_of("Brackwell") is None and authority_of("E01030001") is None


def test_busiest_local_areas_add_their_lsoas_and_say_unnamed_ones_in_words(tmp_path):
    f = tmp_path / "names.csv"
    f.write_bytes(HOC.encode("utf-8"))
    names = load_place_names(f)
    lsoa_names = {
        "E1": "Brackwell 001A",
        "E2": "Brackwell 001B",
        "E3": "Brackwell 002A",
        "E4": "Brackwell 003A",
        "E5": "Brackwell 009A",
    }
    table = pd.DataFrame({"lsoa_code": list(lsoa_names), "review": [10, 5, 12, 20, 3]})
    out = local_areas(table, lsoa_names, names)
    assert out[["area", "review", "named"]].values.tolist() == [
        ["Part of Brackwell", 20, False],  # listed without a local name
        ["Brackwell Town Centre", 15, True],  # 10 + 5
        ["Elm Park", 12, True],
        ["Part of Brackwell", 3, False],  # not in the lookup at all
    ]
    assert out["share_pct"].round(1).tolist() == [40.0, 30.0, 24.0, 6.0]


# The demo's community update, as residents get it ------------------------------------------------
INTERNAL = [
    "Town centre ASB taskforce",
    "ASB taskforce",
    "Fire setter education programme",
    "Burglary target hardening",
    "Retail crime partnership",
    "Youth diversion scheme",
    "Rubbish clearance scheme",
    "Programme review",
    "Cocooning",
    "Shared offender images",
    "First cohort",
]
STEPS = {  # worked out by hand from the demo strategy, as at 20 November 2026
    "c-asb": [
        "Running late (planned by September 2025): Clearing rubbish that could be set alight, "
        "with the council (Fire safety lessons for young people).",
        "Running late (planned by June 2026): A look at how well the lessons are working "
        "(Fire safety lessons for young people).",
    ],
    "c-violence": [],
    "c-neighbourhood": [
        "Running late (planned by June 2026): Shops and police sharing pictures of people who "
        "steal repeatedly (Shops and police working together).",
        "By December 2026: Home security visits to the neighbours of burgled homes (Home "
        "security for burglary victims).",
    ],
    "c-youth": [
        "By March 2027: The first group of young people finish the programme (Activities and "
        "support for young people).",
    ],
}


def _section(page: str, ident: str) -> str:
    part = page[page.index(f'id="{ident}"') :]
    return part[: part.index("</section>")]


@pytest.fixture(scope="module")
def demo_update(tmp_path_factory, demo_data) -> dict:
    """The demo partnership's cycle with the demo params' community block and the generated
    place names lookup: one run for the module's end-to-end tests."""
    base = tmp_path_factory.mktemp("community")
    data = base / "data"
    shutil.copytree(demo_data, data)
    for register in data.glob("*/data_requests.yaml"):
        register.write_text(register.read_text().replace(str(demo_data), str(data)))
    demo = yaml.safe_load((ROOT / "params" / "example.yaml").read_text())
    inputs = {**params_dict(data)["inputs"], "place_names": f"{data}/reference/msoa_names.csv"}
    params = write_params(
        base / "p.yaml", data, cycle="next", inputs=inputs, community=demo["community"]
    )
    outputs = base / "outputs"
    res = reviewkit(
        "run", str(params), "--quiet", env={"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    )
    assert res.returncode == 0, res.stderr
    return {"data": data, "cycle": outputs / BRACKWELL / "next", "community": demo["community"]}


@pytest.mark.e2e
@pytest.mark.xdist_group("community_next")
def test_the_demo_update_says_what_happens_next_and_names_no_code(demo_update):
    data, folder, community = demo_update["data"], demo_update["cycle"], demo_update["community"]
    raw = (folder / "community_update.html").read_text(encoding="utf-8")
    page = re.sub(r"data:[^\"')\s]+", "", raw)  # the whole page but its embedded images
    # public names only: no initiative's or milestone's own name anywhere on the page
    for name in INTERNAL:
        assert name.lower() not in page.lower(), name
    # dated next steps, each priority's in date order, in the reader's words
    for ident, steps in STEPS.items():
        section = _section(page, ident)
        said = re.findall(r"<li>([^<]*(?:Running late|By )[^<]*)</li>", section)
        assert [visible_text(s) for s in said] == [visible_text(s) for s in steps], ident
        if not steps:
            assert "no further dated steps are planned for this priority" in section
    # places: local names, never a code or an ONS area name, anywhere
    assert not re.findall(r"\b[EW]0[0-9]{7}\b", page)
    assert not re.findall(r"\b(?:Brackwell|Ashbourne|Cranmoor|Dunmere) \d{3}[A-Z]?\b", page)
    lookup = pd.read_csv(data / "reference" / "msoa_names.csv", encoding="utf-8-sig")
    local = set(lookup.loc[lookup["localauthorityname"] == "Brackwell", "msoa21hclnm"])
    where = _section(page, "c-where")
    areas = re.findall(r'<th scope="row">([^<]+)</th>', where)
    assert len(areas) == 5 and set(areas) <= local, areas
    # the busiest area and its count, from the tidy police table and the lookup
    police = pd.read_parquet(folder / "tidy" / "police_street.parquet")
    names = pd.read_parquet(folder / "tidy" / "lsoa_names_police_street.parquet")
    year = police[police["month"].between("2025-10", "2026-09") & (police["lsoa_code"] != "")]
    by_lsoa = year.groupby("lsoa_code")["n"].sum()
    msoa = names.set_index("lsoa_code")["lsoa_name"].str[:-1]
    by_msoa = by_lsoa.groupby(msoa.reindex(by_lsoa.index)).sum().sort_values(ascending=False)
    top = lookup.set_index("msoa21nm")["msoa21hclnm"][by_msoa.index[0]]
    assert f'<th scope="row">{top}</th><td class="num">{by_msoa.iloc[0]:,}</td>' in where
    # how to get involved: the meetings still to come, never the one before the review
    help_ = visible_text(_section(page, "help"))
    assert "12 November 2026" not in page
    assert (
        "Thursday 14 January 2027, 6.30pm: Brackwell community safety meeting, Brackwell "
        "Library, Market Street. Details: https://www.brackwell.example/community-safety/meetings"
    ) in help_
    assert "Thursday 11 March 2027, 6.30pm" in help_
    assert community["contact"] in help_ and "Neighbourhood Watch" in help_
    assert '<a href="https://www.brackwell.example/community-safety">' in page
    # the draft's box names what is still to give (the violence priority has no step), and
    # nothing else on the page speaks to the analyst
    box = page[page.index('class="for-analyst"') :]
    assert "Priority 'Reduce violence and its harm' has no dated next step" in box


@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.xdist_group("community_next")
def test_the_demo_update_reads_well_in_a_browser_and_in_print(demo_update, tmp_path):
    """The update with meetings, links and local areas: no accessibility violation (axe),
    headings in order, links that say where they go, and a printed copy (greyscale) that
    keeps the meetings' addresses."""
    from conftest import chromium_path, need
    from reviewkit.report.pdf import CHROMIUM_ARGS

    path = chromium_path()
    need(path is not None, "Chromium is not installed (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from axe_playwright_python.sync_playwright import Axe

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        url = (demo_update["cycle"] / "community_update.html").as_uri()
        page.goto(url)
        axe = Axe().run(page)
        assert axe.violations_count == 0, axe.generate_report()
        assert [u for u in requests if u != url and not u.startswith("data:")] == []
        levels = [
            int(t[1])
            for t in page.eval_on_selector_all("h1, h2, h3, h4", "els => els.map(e => e.tagName)")
        ]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
        for a in page.locator("#help ~ * a, section a").all():
            assert a.inner_text().strip() == a.get_attribute("href"), a.inner_html()
        page.emulate_media(media="print")
        page.add_style_tag(content="html { filter: grayscale(1); }")
        printed = page.inner_text("body")
        assert "https://www.brackwell.example/community-safety/meetings" in printed
        assert "What happens next" in printed and "Local area" in printed
        page.screenshot(path=str(tmp_path / "community-print.png"), full_page=True)
        browser.close()


def test_area_codes_are_found_for_the_areas_own_authorities():
    text = (
        "Most in Brackwell 008C and E01030001, E02006001; call 101; Brackwell 2026; Brackwell 014"
    )
    assert area_codes(text, ["Brackwell"]) == [
        "E01030001",
        "E02006001",
        "Brackwell 008C",
        "Brackwell 014",
    ]
    assert area_codes("Brackwell Town Centre; call 101 or 999; Ashbourne 001A", ["Brackwell"]) == []


def test_a_final_community_narrative_naming_a_code_is_refused(tmp_path, demo_data):
    from reviewkit.run.signoff import final_problems

    demo = yaml.safe_load((ROOT / "params" / "example.yaml").read_text())["community"]

    def problems(narrative: str) -> list[str]:
        (tmp_path / "n.md").write_text(narrative, encoding="utf-8")
        inputs = {**params_dict(demo_data)["inputs"], "narrative": str(tmp_path / "n.md")}
        pfile = write_params(
            tmp_path / "p.yaml", demo_data, inputs=inputs, **_final(community=demo)
        )
        return final_problems(load_params(pfile), pfile)

    found = problems(
        "## executive_summary\nMost crime is in Brackwell 008C.\n\n"
        "## community_priority_asb\nWe patrol Brackwell 008C and E01030001 most.\n"
    )
    assert found == [
        f"{tmp_path / 'n.md'}: section '## community_priority_asb' names a place by its "
        "statistical code (E01030001, Brackwell 008C): residents read places by their local "
        "names (give the name the area is known by, or leave it out)"
    ], found  # the board's own section may name an LSOA; the residents' may not
    assert problems("## executive_summary\nAll good.\n\n## community_intro\nIn Holly Vale.\n") == []


def test_a_final_with_a_bad_place_names_file_is_refused_before_anything_runs(tmp_path):
    from reviewkit.run.signoff import place_names_problems

    f = tmp_path / "names.csv"
    f.write_text(HOC.replace("E02006002", "X"))
    params = CycleParams.model_validate(
        params_dict(
            **_final(
                inputs={
                    "strategy": "s",
                    "data_requests": "r",
                    "difficulties": "d",
                    "place_names": str(f),
                }
            )
        )
    )
    assert place_names_problems(params) == [
        f"{f}: row 3, column 'msoa21cd': not an MSOA code (E02 or W02 and six digits)"
    ]
    f.write_text(HOC)
    assert place_names_problems(params) == []
