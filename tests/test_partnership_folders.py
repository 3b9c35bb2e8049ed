"""An outputs folder belongs to one partnership: names that would share a folder are refused
before anything runs, naming both; --force never replaces another partnership's cycle; Welsh
names keep readable, distinct folder names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import load_params
from reviewkit.run.preflight import check_cycle
from reviewkit.run.runner import run_cycle
from reviewkit.store.layout import (
    cycle_dir,
    same_name,
    scratch_dir,
    shared_folders,
    slugify,
)

BRACKWELL = "Brackwell Community Safety Partnership"


@pytest.fixture()
def outputs(tmp_path, monkeypatch) -> Path:
    out = tmp_path / "outputs"
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(out))
    return out


def _named(path: Path, data: Path, name: str, **changes: object) -> Path:
    return write_params(path, data, partnership=name, **changes)


def _finished(folder: Path, partnership: str, cycle: str) -> dict[Path, bytes]:
    """A finished cycle of `partnership` as the runner leaves one (manifest and record)."""
    folder.mkdir(parents=True)
    record = {"partnership": partnership, "cycle": cycle, "params_file": "params/x.yaml"}
    (folder / "manifest.json").write_text(json.dumps(record))
    (folder / "cycle.json").write_text(json.dumps({**record, "steps": {}}))
    (folder / "review_report.html").write_text("<p>the board paper</p>")
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# Worked out by hand: the circumflex (to bach) is dropped, its letter kept.
WELSH = [
    ("Partneriaeth Diogelwch Cymunedol Tŵr Ŷd", "partneriaeth_diogelwch_cymunedol_twr_yd"),
    ("Partneriaeth Diogelwch Cymunedol Tŷr Ŵd", "partneriaeth_diogelwch_cymunedol_tyr_wd"),
    ("Ynys Môn Community Safety Partnership", "ynys_mon_community_safety_partnership"),
    ("Pen-y-bont ar Ogwr", "pen_y_bont_ar_ogwr"),
    ("Rhondda Cynon Taf", "rhondda_cynon_taf"),
    ("Caerdydd â Bro Morgannwg", "caerdydd_a_bro_morgannwg"),
    ("Sir Gâr (Carmarthenshire)", "sir_gar_carmarthenshire"),
    ("Wrecsam: Diogelwch Cymunedol", "wrecsam_diogelwch_cymunedol"),
]


@pytest.mark.parametrize(("name", "slug"), WELSH)
def test_welsh_names_keep_their_letters_readable(name, slug):
    assert slugify(name) == slug


def test_two_welsh_names_differing_in_w_and_y_get_their_own_folders():
    a, b = WELSH[0][0], WELSH[1][0]
    assert slugify(a) != slugify(b)
    assert shared_folders([("a.yaml", a), ("b.yaml", b)]) == []


def test_letters_without_a_latin_base_are_spelled_or_kept():
    assert slugify("Straße Æbeltoft Øst Łódź") == "strasse_aebeltoft_ost_lodz"
    assert slugify("Αθήνα") == "αθηνα"  # kept, not dropped to nothing


@given(st.text(min_size=1, max_size=40))
def test_a_slug_is_a_folder_name_or_a_refusal(name):
    try:
        slug = slugify(name)
    except ReviewError:
        return
    assert slug and slug == slug.strip("_") and "__" not in slug
    assert all(ch.isalnum() or ch == "_" for ch in slug)
    assert slugify(slug) == slug  # a slug names the same folder again


def test_same_name_is_the_full_name():
    assert same_name(BRACKWELL, f"  {BRACKWELL.replace(' ', '  ')} ")
    assert same_name("Tŵr", "Tw\u0302r")  # one letter, two Unicode spellings
    assert not same_name(BRACKWELL, "BRACKWELL community-safety partnership!")
    assert not same_name(WELSH[0][0], WELSH[1][0])


def test_a_batch_names_both_partnerships_that_would_share_a_folder():
    lines = shared_folders(
        [("a.yaml", BRACKWELL), ("b.yaml", "BRACKWELL community-safety partnership!")]
    )
    assert len(lines) == 1
    assert BRACKWELL in lines[0] and "BRACKWELL community-safety partnership!" in lines[0]
    assert "a.yaml" in lines[0] and "b.yaml" in lines[0]
    assert shared_folders([("a.yaml", BRACKWELL), ("b.yaml", BRACKWELL)]) == []


def test_another_partnerships_folder_is_refused_naming_both(tmp_path, demo_data, outputs):
    group = outputs / slugify(BRACKWELL)
    _finished(group / "2025-26", BRACKWELL, "2025-26")
    other = "BRACKWELL community-safety partnership!"
    params = load_params(_named(tmp_path / "b.yaml", demo_data, other, cycle="2026-27"))
    for where in (cycle_dir, scratch_dir):
        if where is scratch_dir:
            _finished(outputs / "interactive" / slugify(BRACKWELL) / "x", BRACKWELL, "x")
        with pytest.raises(ReviewError) as err:
            where(params)
        msg = str(err.value)
        assert BRACKWELL in msg and other in msg and "Nothing was run" in msg
    # the same partnership, its name spaced differently, is at home there
    same = load_params(_named(tmp_path / "c.yaml", demo_data, f"{BRACKWELL} ", cycle="2025-26"))
    assert cycle_dir(same) == group / "2025-26"


def test_force_never_replaces_another_partnerships_cycle(tmp_path, demo_data, outputs):
    """Case 2: `--force` with a name that shares the folder refuses before anything runs, and
    the other partnership's finished cycle is untouched, byte for byte."""
    folder = outputs / slugify(BRACKWELL) / "2025-26"
    before = _finished(folder, BRACKWELL, "2025-26")
    other = _named(
        tmp_path / "b.yaml", demo_data, "BRACKWELL community-safety partnership!", cycle="2025-26"
    )
    with pytest.raises(ReviewError, match="holds the review cycles of 'Brackwell"):
        run_cycle(other, force=True, progress=False, echo=lambda _: None)
    assert {p: p.read_bytes() for p in folder.parent.rglob("*") if p.is_file()} == before


def test_a_failed_run_of_another_partnership_counts_too(tmp_path, demo_data, outputs):
    _finished(outputs / slugify(BRACKWELL) / "_failed" / "2025-26", BRACKWELL, "2025-26")
    params = load_params(_named(tmp_path / "b.yaml", demo_data, "Brackwell CSP"))
    assert cycle_dir(params).parent.name == "brackwell_csp"  # another slug: nothing shared
    clash = load_params(
        _named(tmp_path / "c.yaml", demo_data, "brackwell community safety partnership")
    )
    with pytest.raises(ReviewError, match="holds the review cycles"):
        cycle_dir(clash)


def test_check_refuses_a_shared_folder_before_reading_data(tmp_path, demo_data, outputs):
    _finished(outputs / slugify(BRACKWELL) / "2025-26", BRACKWELL, "2025-26")
    other = _named(tmp_path / "b.yaml", demo_data, "BRACKWELL community-safety partnership!")
    ok, lines = check_cycle(other)
    assert not ok
    assert any("holds the review cycles of" in line for line in lines)


def _with_previous(tmp_path: Path, data: Path, folder: Path | str) -> Path:
    return write_params(tmp_path / "p.yaml", data, previous_cycle=str(folder), cycle="2026-27")


@pytest.mark.parametrize("kind", ["etc", "empty", "unfinished"])
def test_previous_cycle_must_be_a_finished_review(kind, tmp_path, demo_data, outputs):
    """Case 5: `previous_cycle: /etc` (or any folder that is not a finished review) would make
    "Since the last review" list every difficulty as raised; it is refused, naming the key."""
    folder = {"etc": Path("/etc"), "empty": tmp_path / "empty", "unfinished": tmp_path / "u"}[kind]
    folder.mkdir(exist_ok=True)
    if kind == "unfinished":
        (folder / "cycle.json").write_text(json.dumps({"partnership": BRACKWELL}))
    ok, lines = check_cycle(_with_previous(tmp_path, demo_data, folder))
    assert not ok
    text = "\n".join(lines)
    assert "key 'previous_cycle'" in text and "no manifest.json" in text
    assert ("never finished" in text) == (kind == "unfinished")


def test_previous_cycle_is_not_this_cycle_nor_a_later_one(tmp_path, demo_data, outputs):
    folder = tmp_path / "prev"
    _finished(folder, BRACKWELL, "2026-27")
    with pytest.raises(ReviewError, match="is this review cycle"):
        run_cycle(_with_previous(tmp_path, demo_data, folder), progress=False)
    record = json.loads((folder / "manifest.json").read_text())
    record.update(cycle="2027-28", params={"review_period": {"start": "2027-04", "end": "2028-03"}})
    (folder / "manifest.json").write_text(json.dumps(record))
    with pytest.raises(ReviewError, match="not before this review period"):
        run_cycle(_with_previous(tmp_path, demo_data, folder), progress=False)


def test_a_cycle_id_differing_only_in_case_is_refused(tmp_path, demo_data, outputs):
    """On Windows and macOS `Q1` and `q1` are one folder: one cycle would replace the other."""
    _finished(outputs / slugify(BRACKWELL) / "2025-Q1", BRACKWELL, "2025-Q1")
    params = load_params(write_params(tmp_path / "p.yaml", demo_data, cycle="2025-q1"))
    with pytest.raises(ReviewError, match="only in case"):
        cycle_dir(params)
    same = load_params(write_params(tmp_path / "s.yaml", demo_data, cycle="2025-Q1"))
    assert cycle_dir(same).name == "2025-Q1"


def test_check_of_several_files_names_partnerships_sharing_a_folder(
    tmp_path, demo_data, outputs, capsys
):
    from conftest import run_cli

    a = _named(tmp_path / "a.yaml", demo_data, BRACKWELL)
    b = _named(tmp_path / "b.yaml", demo_data, "BRACKWELL community-safety partnership!")
    res = run_cli(capsys, "check", str(a), str(b))
    assert res.returncode == 1
    assert "would share one outputs folder" in res.stderr
    assert f"'{BRACKWELL}' ({a})" in res.stderr
    assert f"'BRACKWELL community-safety partnership!' ({b})" in res.stderr


def test_init_gives_welsh_names_their_own_files_and_names_a_clash(tmp_path):
    import datetime as dt

    from reviewkit.run.scaffold import init_partnership

    day = dt.date(2026, 5, 1)
    a = init_partnership(WELSH[0][0], today=day, root=tmp_path)
    b = init_partnership(WELSH[1][0], today=day, root=tmp_path)
    assert a[0].name == "partneriaeth_diogelwch_cymunedol_twr_yd.yaml"
    assert b[0].name == "partneriaeth_diogelwch_cymunedol_tyr_wd.yaml"
    with pytest.raises(ReviewError) as err:
        init_partnership("PARTNERIAETH diogelwch cymunedol Twr Yd!", today=day, root=tmp_path)
    msg = str(err.value)
    assert f"the files of '{WELSH[0][0]}'" in msg and "nothing was written" in msg
    with pytest.raises(ReviewError) as err:  # the same partnership again: no other name
        init_partnership(WELSH[0][0], today=day, root=tmp_path)
    assert "the files of" not in str(err.value)


def test_a_batch_refuses_two_names_sharing_a_folder_even_with_different_cycle_ids(
    tmp_path, demo_data, outputs
):
    """Different cycle ids would only meet when the second cycle starts: the batch refuses
    them before anything runs, naming both partnerships and their params files."""
    from reviewkit.run.batch import check_batch

    a = _named(tmp_path / "a.yaml", demo_data, BRACKWELL, cycle="2025-26")
    b = _named(tmp_path / "b.yaml", demo_data, "BRACKWELL community-safety partnership!", cycle="x")
    with pytest.raises(ReviewError) as caught:
        check_batch([str(a), str(b)])
    text = str(caught.value)
    assert "Nothing was run" in text and BRACKWELL in text
    assert "BRACKWELL community-safety partnership!" in text and str(b) in text
    assert not outputs.exists() or not any(outputs.iterdir())
