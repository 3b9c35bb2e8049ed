"""The report reads the police street table through the register, whatever its data request
is called (it was read as `tidy/police_street.parquet`, so a partnership that named the dataset
otherwise silently lost the residents' crime table, the map and the LSOA names)."""

from __future__ import annotations

import shutil

import pandas as pd

from reviewkit.report.context import load_context


def test_the_street_table_is_found_whatever_its_dataset_is_called(cycle_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(cycle_run["cycle"], run)
    original = pd.read_parquet(run / "tidy" / "police_street.parquet")
    tidy = sorted((run / "tidy").glob("*police_street.parquet"))
    assert len(tidy) == 3  # the records, their grid cells and the LSOA names
    for f in tidy:
        f.rename(f.with_name(f.name.replace("police_street", "street_crime")))
    inputs = {}
    for name in ("data_requests.yaml", "strategy.yaml"):
        source = cycle_run["data"] / "brackwell" / name
        inputs[source] = tmp_path / name
        inputs[source].write_text(
            source.read_text(encoding="utf-8").replace(
                "dataset: police_street", "dataset: street_crime"
            ),
            encoding="utf-8",
        )
    params = cycle_run["params"].read_text(encoding="utf-8")
    for source, copy in inputs.items():
        params = params.replace(str(source), str(copy))
    (tmp_path / "p.yaml").write_text(params, encoding="utf-8")
    ctx = load_context(tmp_path / "p.yaml", run)
    assert ctx.street_dataset == "street_crime"
    assert ctx.police is not None
    pd.testing.assert_frame_equal(ctx.police, original)
    assert ctx.grid is not None and len(ctx.grid) and ctx.lsoa_names
