"""The analyst's desk: what `import reviewkit as rk` and `rk.open_cycle(...)` offer in
JupyterLab, read as an analyst reads it (tab completion, help, tables ready to plot)."""

from __future__ import annotations

import inspect
import json
import shutil
import warnings

import pandas as pd
import pytest

from reviewkit.base.errors import ReviewError


def test_tab_completion_offers_open_cycle_and_every_public_name():
    import reviewkit as rk

    names = dir(rk)
    assert "open_cycle" in names and "load_params" in names and "step_folder" in names
    assert set(rk.__all__) == set(names)
    for name in names:  # each one it offers exists
        assert getattr(rk, name) is not None


def test_every_public_member_of_a_cycle_says_what_it_is():
    from reviewkit.report.explore import Cycle

    bare = []
    for name, member in inspect.getmembers(Cycle):
        if name.startswith("_"):
            continue
        doc = (member.fget if isinstance(member, property) else member).__doc__
        if not (doc or "").strip():
            bare.append(name)
    assert bare == []


@pytest.fixture(scope="module")
def cycle(cycle_run):
    import reviewkit as rk

    return rk.open_cycle(cycle_run["cycle"])


def _street(cycle_run) -> pd.DataFrame:
    """The shared run's street records, read back from the raw files independently."""
    frames = []
    for f in sorted((cycle_run["data"] / "police_uk").glob("*/*-street.csv")):
        frames.append(pd.read_csv(f, dtype=str, keep_default_na=False))
    raw = pd.concat(frames, ignore_index=True)
    return raw[raw["LSOA name"].str.startswith("Brackwell")]


def test_months_are_dates_and_lsoa_names_sit_beside_codes(cycle, cycle_run):
    street = cycle.tidy("police_street")
    assert pd.api.types.is_datetime64_any_dtype(street["month"])
    assert (street["month"].dt.day == 1).all()
    assert pd.api.types.is_datetime64_any_dtype(cycle.series("asb_police")["period_start"])
    assert pd.api.types.is_datetime64_any_dtype(cycle.indicator_series["period_start"])
    cols = list(street.columns)
    assert cols[cols.index("lsoa_code") + 1] == "lsoa_name"
    raw = _street(cycle_run).drop_duplicates("LSOA code").set_index("LSOA code")["LSOA name"]
    pairs = street.drop_duplicates("lsoa_code").set_index("lsoa_code")["lsoa_name"]
    assert pairs.notna().all()
    # police.uk's names may change between months: each is one the files gave that code
    named = _street(cycle_run).groupby("LSOA code")["LSOA name"].agg(set)
    assert all(pairs[code] in named[code] for code in pairs.index)
    assert set(pairs.index) <= set(raw.index)


def test_changed_most_counts_as_the_raw_files_do(cycle, cycle_run):
    raw = _street(cycle_run)
    review = cycle.params.review
    baseline = cycle.params.baseline

    def count(first, last, key):
        months = raw["Month"].between(str(first), str(last))
        return raw[months].groupby(key).size()

    for by, key, column in [
        ("lsoa", "LSOA code", "lsoa_code"),
        ("crime_type", "Crime type", "crime_type"),
    ]:
        got = cycle.changed_most(by, n=5)
        assert len(got) == 5
        r = count(review.start, review.end, key)
        b = count(baseline.start, baseline.end, key)
        both = pd.DataFrame({"r": r, "b": b}).fillna(0)
        change = (both["r"] - both["b"]).abs().sort_values(ascending=False)
        assert list(got["change"].abs()) == list(change.head(5))
        for row in got.itertuples():
            assert row.review == both.at[getattr(row, column), "r"]
            assert row.baseline == both.at[getattr(row, column), "b"]
    assert "lsoa_name" in cycle.changed_most("lsoa").columns
    assert "recording_change" in cycle.changed_most("crime_type").columns
    with pytest.raises(ReviewError, match="by must be one of"):
        cycle.changed_most("ward")


def test_changed_most_refuses_a_missing_month(cycle_run, tmp_path):
    import reviewkit as rk
    from reviewkit.store.tables import CycleStore, write_parquet

    folder = tmp_path / "c"
    shutil.copytree(cycle_run["cycle"], folder)
    store = CycleStore(folder)
    street = store.read_tidy("police_street")
    gone = str(rk.open_cycle(folder).params.review.start)
    write_parquet(street[street["month"] != gone], store.layout.tidy("police_street"))
    with pytest.raises(ReviewError, match=f"no records for {gone}: a missing month is not a zero"):
        rk.open_cycle(folder).changed_most("lsoa")


def test_grid_cell_centres_are_coordinates_inside_their_cells(cycle):
    cells = cycle.grid_cells()
    assert {"centre_lat", "centre_lon", "cell_row", "cell_col", "n"} <= set(cells.columns)
    # a cell of 0.0045 by 0.0075 degrees: its centre floors back to the same cell
    assert ((cells["centre_lat"] // 0.0045).astype(int) == cells["cell_row"]).all()
    assert ((cells["centre_lon"] // 0.0075).astype(int) == cells["cell_col"]).all()
    assert cells["centre_lat"].between(49, 61).all() and cells["centre_lon"].between(-8, 2).all()


def test_quarantine_is_every_row_held_back(cycle, cycle_run):
    held = cycle.quarantine
    rec = cycle.reconciliation
    assert len(held) == rec["quarantined"].sum() > 0
    assert {"dataset", "reason"} <= set(held.columns)


def test_params_are_those_that_made_the_cycle_and_a_changed_file_is_warned(
    cycle_run, tmp_path, monkeypatch
):
    import reviewkit as rk
    from reviewkit.report.explore import ParamsChanged

    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(cycle_run["outputs"]))
    params = tmp_path / "cycle.yaml"
    shutil.copy(cycle_run["params"], params)
    manifest = json.loads((cycle_run["cycle"] / "manifest.json").read_text())
    text = params.read_text()
    # the same params file as the run used, by content, at another path: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParamsChanged)
        same = rk.open_cycle(params)
    assert same.params.model_dump(mode="json") == manifest["params"]
    assert "review_date: 2026-11-20" in text
    params.write_text(text.replace("review_date: 2026-11-20", "review_date: 2026-12-01"))
    with pytest.warns(ParamsChanged, match="review_date") as said:
        changed = rk.open_cycle(params)
    assert "cycle.yaml has changed since cycle 'e2e' was made" in str(said[0].message)
    assert changed.params.model_dump(mode="json") == manifest["params"]  # not the file's
