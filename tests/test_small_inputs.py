"""The small files a partnership gives beside its data (reference tables, the place names,
the difficulties log, the LSOA list, the later steps' inputs): a file that is empty, ragged
or not what it should be is refused by name with what it should hold, never a pandas
traceback, and `reviewkit check` finds it before a run reaches the step that reads it."""

from __future__ import annotations

import pytest

from conftest import params_dict, run_cli, write_params
from reviewkit.analysis.peers import load_peers
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.harm import load_harm_weights
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.places import load_place_names
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.difficulties import load_difficulties
from reviewkit.intake.population import load_population


def _lsoa_list(path):
    area = CycleParams.model_validate(params_dict()).area.model_copy(update={"lsoa_file": "x"})
    return AreaMatcher.from_params(area, lambda _name: path)


READERS = {
    "peer file": load_peers,
    "harm weights file": load_harm_weights,
    "place names lookup": load_place_names,
    "population file": lambda p: load_population(p, ["Brackwell"]),
    "difficulties log": load_difficulties,
    "LSOA list": _lsoa_list,
}
BAD = {
    "empty": b"",
    "blank lines only": b"\r\n\r\n",
    "ragged": b"a,b\n1,2\n1,2,3,4\n",
}


@pytest.mark.parametrize("what", READERS)
@pytest.mark.parametrize("bad", BAD)
def test_an_unreadable_small_csv_is_named_with_what_it_should_hold(tmp_path, what, bad):
    path = tmp_path / "input.csv"
    path.write_bytes(BAD[bad])
    with pytest.raises(ReviewError) as err:
        READERS[what](path)
    said = str(err.value)
    assert said.startswith(f"{path}: ") and "Traceback" not in said
    # which file, and what is wrong with it in words (the reader's own check may speak first)
    assert what.split()[0].lower() in said.lower() or "header row" in said, said


def test_check_reads_the_later_steps_inputs_before_a_run(tmp_path, demo_data, capsys):
    places = tmp_path / "places.csv"
    places.write_bytes(b"")
    scores = tmp_path / "scores.yaml"
    scores.write_text("scores: [\n", encoding="utf-8")
    shapes = tmp_path / "lsoa.geojson"
    shapes.write_text("not json", encoding="utf-8")
    inputs = params_dict(demo_data)["inputs"]
    inputs |= {"place_names": str(places), "priority_scores": str(scores)}
    inputs |= {"lsoa_boundaries": str(shapes)}
    params = write_params(tmp_path / "p.yaml", demo_data, inputs=inputs)
    res = run_cli(capsys, "check", str(params))
    assert res.returncode == 1 and "Traceback" not in res.stdout + res.stderr
    said = res.stdout + res.stderr
    assert f"error: inputs.place_names: {places}: the file is empty" in said
    assert f"error: inputs.priority_scores: {scores}: not valid YAML" in said
    assert f"error: inputs.lsoa_boundaries: {shapes}: not a readable GeoJSON file" in said
    # the same inputs, readable, pass
    good = write_params(tmp_path / "good.yaml", demo_data)
    res = run_cli(capsys, "check", str(good))
    assert "error:" not in res.stdout + res.stderr
