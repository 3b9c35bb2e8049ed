"""A finished cycle for people and for analysts: `open_cycle`, the Excel workbook, the charts
folder, the data dictionary, the analyst's own notebooks in the sequence."""

from __future__ import annotations

import base64
import io
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.store import dictionary
from reviewkit.store.layout import CycleLayout


@pytest.fixture(scope="module")
def cycle(cycle_run):
    import reviewkit as rk

    return rk.open_cycle(cycle_run["cycle"])


# open_cycle -----------------------------------------------------------------------------------
def test_open_cycle_from_its_folder_and_from_its_params_is_the_same(cycle_run, cycle, monkeypatch):
    import reviewkit as rk

    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(cycle_run["outputs"]))
    by_params = rk.open_cycle(cycle_run["params"])
    assert by_params.folder == cycle.folder == cycle_run["cycle"]
    assert cycle.partnership == "Brackwell Community Safety Partnership"
    assert cycle.finished and cycle.cycle == "e2e"
    written = pd.read_csv(cycle_run["cycle"] / "tables" / "scorecard.csv")
    assert list(cycle.scorecard["id"]) == list(written["id"])
    assert cycle.scorecard["assessable"].dtype == bool
    pd.testing.assert_frame_equal(by_params.scorecard, cycle.scorecard)


def test_open_cycle_gives_every_table_as_a_dataframe(cycle):
    for frame in (
        cycle.scorecard,
        cycle.indicator_series,
        cycle.initiatives,
        cycle.completeness,
        cycle.difficulties,
        cycle.reconciliation,
        cycle.tidy("police_street"),
        cycle.data_dictionary,
    ):
        assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    series = cycle.series("asb_police")
    assert set(series["indicator"]) == {"asb_police"} and len(series) >= 24
    # each access is a fresh copy: changing it changes nothing for the next reader
    s = cycle.scorecard
    s.loc[:, "review_value"] = -1
    assert (cycle.scorecard["review_value"] != -1).any()


def test_open_cycle_charts_are_figures_that_show_inline(cycle):
    from matplotlib.figure import Figure

    fig = cycle.chart("asb_police")
    assert isinstance(fig, Figure)
    png = fig._repr_png_()  # what Jupyter shows inline, whatever the backend
    assert png.startswith(b"\x89PNG")
    assert (
        fig.axes[0].get_title(loc="left")
        == cycle.scorecard.set_index("id").at["asb_police", "name"]
    )
    assert len(cycle.charts()) == len(cycle.chart_files) >= 5


def test_open_cycle_says_what_is_wrong(cycle, tmp_path, cycle_run, monkeypatch):
    import reviewkit as rk

    with pytest.raises(ReviewError, match="No indicator 'nope'.*asb_police"):
        cycle.series("nope")
    with pytest.raises(ReviewError, match="not a finished review cycle"):
        rk.open_cycle(tmp_path)
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(tmp_path / "empty"))
    with pytest.raises(ReviewError, match="reviewkit run .*first"):
        rk.open_cycle(cycle_run["params"])


def test_open_cycle_writes_nothing(cycle_run, cycle):
    before = {p: p.stat().st_mtime_ns for p in cycle_run["cycle"].rglob("*")}
    cycle.styled("scorecard")
    cycle.for_people("indicator_series")
    cycle.charts()
    assert {p: p.stat().st_mtime_ns for p in cycle_run["cycle"].rglob("*")} == before


def test_importing_the_library_leaves_the_matplotlib_backend_alone():
    code = (
        "import matplotlib, sys; matplotlib.use('svg'); "
        "import reviewkit, reviewkit.report.board, reviewkit.analysis.step, "
        "reviewkit.report.explore, reviewkit.report.charts, reviewkit.report.maps; "
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend(); "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert res.returncode == 0, res.stderr


# The charts folder ------------------------------------------------------------------------------
def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    return struct.unpack(">II", head[16:24])


def test_charts_folder_has_high_resolution_png_and_svg_named_by_indicator(cycle_run, cycle):
    charts = CycleLayout(cycle_run["cycle"]).charts_dir
    with_chart = [i for i in cycle.indicators if len(cycle.series(i)) >= 2]
    assert sorted(p.stem for p in charts.glob("*.png")) == sorted(with_chart)
    for ind in with_chart:
        w, h = _png_size(charts / f"{ind}.png")
        assert w >= 1500 and h >= 600  # a 7.2 x 3 inch chart at 300 dpi, trimmed
        svg = (charts / f"{ind}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        alt = (charts / f"{ind}.txt").read_text(encoding="utf-8")
        assert alt.startswith("XmR chart of ")


def test_each_chart_is_drawn_once_and_shown_by_the_notebook_and_the_report_as_drawn(
    cycle_run, cycle
):
    import base64

    import nbformat

    layout = CycleLayout(cycle_run["cycle"])
    images = cycle.chart_images()
    charted = [i for i in cycle.indicators if len(cycle.series(i)) >= 2]
    assert len(images) == len(charted) >= 5
    notebook = nbformat.read(layout.executed("02_progress.ipynb"), as_version=4)
    shown = [
        base64.b64decode(o["data"]["image/png"])
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    board = (cycle_run["cycle"] / "review_report.html").read_text(encoding="utf-8")
    for ind, image in zip(charted, images, strict=True):
        # the board report's image and the slides' chart come from one figure: same words
        words = (layout.charts_dir / f"{ind}.txt").read_text(encoding="utf-8").strip()
        assert image.alt == words and image.png.startswith(b"\x89PNG")
        assert image._repr_mimebundle_() == {"image/png": image.png, "text/plain": words}
        # the notebook and the report show the saved image, byte for byte (not drawn again)
        assert image.png in shown
        assert base64.b64encode(image.png).decode("ascii") in board
    for ind in cycle.indicators:  # every scorecard row's trend line, drawn by progress too
        trend = layout.report_chart(f"{ind}-trend")
        assert (
            base64.b64encode(trend.with_name(f"{trend.name}.png").read_bytes()).decode("ascii")
            in board
        )


def test_a_cycle_without_the_saved_image_draws_the_chart_for_the_notebook(cycle_run, tmp_path):
    import reviewkit as rk

    folder = tmp_path / "cycle"
    shutil.copytree(cycle_run["cycle"], folder)
    shutil.rmtree(CycleLayout(folder).report_charts_dir)
    image = rk.open_cycle(folder).chart_image("asb_police")
    assert image.png.startswith(b"\x89PNG") and image.alt.startswith("XmR chart of ")


def _files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_report_reads_the_progress_steps_images_and_writes_none(cycle_run, tmp_path):
    """The progress step is the one owner of the report's chart images: the report shows
    them as saved, draws its maps in memory and writes nothing in the cycle's folder."""
    import reviewkit as rk
    from reviewkit.report import benchmarking, board_priorities, board_scorecard, where
    from reviewkit.report.community_crime import community_where

    folder = tmp_path / "cycle"
    shutil.copytree(cycle_run["cycle"], folder)
    before = _files(folder)
    ctx = rk.load_context(cycle_run["params"], folder)
    page = board_scorecard.scorecard_table(ctx) + board_priorities.priority_sections(ctx)
    page += benchmarking.benchmarking_section(ctx) + where.where_section(ctx)
    page += community_where(ctx)
    assert _files(folder) == before
    layout = CycleLayout(folder)
    saved = sorted(p.name for p in layout.report_charts_dir.glob("*.png"))
    assert saved and not [
        n for n in saved if not n.endswith(("-xmr.png", "-trend.png", "-funnel.png"))
    ]
    for name in saved:
        if name.endswith("-xmr.png"):
            png = (layout.report_charts_dir / name).read_bytes()
            assert base64.b64encode(png).decode("ascii") in page, name
    assert 'class="chart map"' in page  # the maps are drawn, not read from the folder


def test_a_chart_the_analyst_marks_is_drawn_with_the_marks_not_read(cycle_run, tmp_path):
    import reviewkit as rk
    from reviewkit.report.board_indicators import indicator_block

    folder = tmp_path / "cycle"
    shutil.copytree(cycle_run["cycle"], folder)
    ctx = rk.load_context(cycle_run["params"], folder)
    row = ctx.scorecard.set_index("id").loc["asb_police"].copy()
    row["id"] = "asb_police"
    plain = indicator_block(ctx, row)
    saved = CycleLayout(folder).report_chart("asb_police-xmr").with_suffix(".png").read_bytes()
    assert base64.b64encode(saved).decode("ascii") in plain
    month = str(ctx.series["asb_police"]["period_start"].iloc[-3])[:7]
    ctx.markers["asb_police"] = [(month, "New CCTV in the town centre")]
    marked = indicator_block(ctx, row)
    assert base64.b64encode(saved).decode("ascii") not in marked
    assert f"Marked at {month}: new cctv in the town centre." in marked


# The Excel workbook -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workbook(cycle_run):
    return openpyxl.load_workbook(CycleLayout(cycle_run["cycle"]).workbook)


def test_workbook_has_an_about_sheet_then_a_sheet_per_table(workbook, cycle_run):
    assert workbook.sheetnames[0] == "About"
    about = {r[0]: r for r in workbook["About"].iter_rows(min_row=4, values_only=True)}
    for sheet in workbook.sheetnames[1:]:
        assert sheet in about and about[sheet][1], f"About does not say what {sheet} is"
    scorecard = pd.read_csv(cycle_run["cycle"] / "tables" / "scorecard.csv")
    assert about["Scorecard"][2] == len(scorecard)
    for sheet in (
        "Scorecard",
        "Initiatives",
        "Indicator series",
        "Data completeness",
        "Rows accounted for",
        "Difficulties log",
        "Data dictionary",
    ):
        assert sheet in workbook.sheetnames


def test_workbook_sheets_read_like_tables_for_people(workbook, cycle_run):
    scorecard = pd.read_csv(cycle_run["cycle"] / "tables" / "scorecard.csv")
    ws = workbook["Scorecard"]
    header = [c.value for c in ws[1]]
    # plain labels, no snake_case
    assert header[:3] == ["Indicator id", "Priority", "Indicator"]
    assert all("_" not in h for h in header)
    assert ws.freeze_panes == "A2"
    assert (
        ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}"
        f"{len(scorecard) + 1}"
    )
    assert ws.column_dimensions["C"].width > 20  # indicator names are long
    col = {h: i for i, h in enumerate(header)}
    first = [c for c in ws[2]]
    raw = scorecard.iloc[0]
    # numbers are numbers, rounded as people read them
    change = first[col["Change %"]]
    assert isinstance(change.value, float) and change.value == round(raw["change_pct"], 1)
    assert change.number_format == "#,##0.0"
    assert first[col["Review period"]].value == round(raw["review_value"], 2)
    p = first[col["p-value"]]
    assert isinstance(p.value, float) and p.value == raw["p_value"]
    assert "<0.0001" in p.number_format
    # text is text
    assert first[col["Indicator"]].data_type == "s"


def test_workbook_text_is_never_a_formula():
    from reviewkit.report.publish import build_workbook

    frame = pd.DataFrame(
        {"id": ['=HYPERLINK("http://x")'], "name": ["+1"], "review_value": [1.23456]}
    )
    data = build_workbook(
        {"scorecard": frame},
        pd.DataFrame(columns=["file", "table", "column", "label", "type", "meaning", "source"]),
        "t",
    )
    ws = openpyxl.load_workbook(io.BytesIO(data))["Scorecard"]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=")
    assert ws["B2"].data_type == "s"
    assert ws["C2"].value == 1.23


# The data dictionary ----------------------------------------------------------------------------
def test_data_dictionary_describes_every_column_of_every_table_written(cycle_run):
    out = cycle_run["cycle"]
    dd = pd.read_csv(out / "tidy" / "data_dictionary.csv", dtype=str, keep_default_na=False)
    blank = dd[(dd["meaning"].str.strip() == "") | (dd["source"].str.strip() == "")]
    assert blank.empty, f"columns without meaning or source:\n{blank[['file', 'column']]}"
    listed = set(zip(dd["file"], dd["column"], strict=True))
    files = [
        *out.glob("tables/*.csv"),
        *out.glob("tidy/*.parquet"),
        *out.glob("quarantine/*.csv"),
        out / "difficulties_log.csv",
    ]
    assert len(files) >= 10
    for f in files:
        frame = pd.read_parquet(f) if f.suffix == ".parquet" else pd.read_csv(f, nrows=1)
        for column in frame.columns:
            assert (f.relative_to(out).as_posix(), column) in listed, (f, column)
    assert len(dd[dd["file"] == "tables/indicator_series.csv"]) >= 21
    # each type in words from the dictionary, never a pandas dtype guessed from the values
    words = {"text", "whole number", "number or empty", "yes/no"}
    assert set(dd["type"]) <= words | {"whole number or empty", "yes/no or empty"}
    types = {(r.file, r.column): r.type for r in dd.itertuples()}
    assert types["tables/scorecard.csv", "p_value"] == "number or empty"
    assert types["tables/scorecard.csv", "id"] == "text"
    grid = dd[dd["file"].str.startswith("tidy/grid_") & (dd["column"] == "cell_row")]
    assert len(grid) and set(grid["type"]) == {"whole number"}
    assert len(dd[dd["file"] == "tables/scorecard.csv"]) >= 40


def test_every_dictionary_entry_has_a_label_meaning_and_source():
    for table, columns in dictionary.TABLES.items():
        for name, c in columns.items():
            assert c.label.strip() and c.meaning.strip() and c.source.strip(), (table, name)
    # every scorecard column the progress step writes is described
    from reviewkit.analysis.step import SCORECARD_COLUMNS

    assert set(SCORECARD_COLUMNS) <= set(dictionary.TABLES["scorecard"])


# The analyst's own notebooks --------------------------------------------------------------------
def test_own_notebook_runs_in_the_sequence_and_is_exported_and_linked(cycle_run):
    out = cycle_run["cycle"]
    page = (out / "analysis" / "own_template.html").read_text(encoding="utf-8")
    assert "<h1>Crime types in the review period</h1>" in page
    assert "data:image/png;base64," in page  # its figure
    assert "<table" in page  # its table
    assert "import reviewkit" not in page and "open_cycle" not in page  # no code
    assert "Start your own notebook" not in page  # cells tagged remove stay out
    assert 'lang="en-GB"' in page
    board = (out / "review_report.html").read_text(encoding="utf-8")
    assert '<a href="analysis/own_template.html">Crime types in the review period</a>' in board
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest["timings_seconds"])[:5] == [
        "intake",
        "intake_export",
        "progress",
        "progress_export",
        "own:own_template",
    ]
    assert (out / "notebooks" / "own_template.ipynb").is_file()


def test_a_cycle_without_own_notebooks_has_no_further_analysis_section(cycle_run):
    for name in ("community_update.html", "planning_pack.html", "data_quality.html"):
        assert "Further analysis" not in (cycle_run["cycle"] / name).read_text()


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_sequence_handles_any_number_of_own_notebooks(tmp_path, demo_data, count):
    from reviewkit.inputs.params import load_params
    from reviewkit.run.steps import sequence

    folder = tmp_path / "own"
    folder.mkdir()
    template = (ROOT / "notebooks" / "own_template.ipynb").read_text()
    own = []
    for i in range(count):
        (folder / f"mine_{i}.ipynb").write_text(template)
        own.append({"file": f"{folder}/mine_{i}.ipynb", "after": ("intake", "progress")[i % 2]})
    params = load_params(
        write_params(
            tmp_path / "p.yaml", demo_data, own_notebooks=own, own_notebook_folders=[str(folder)]
        )
    )
    names = [s.name for s in sequence(params)]
    expected = [
        "intake",
        *[f"own:mine_{i}" for i in range(count) if i % 2 == 0],
        "progress",
        *[f"own:mine_{i}" for i in range(count) if i % 2 == 1],
        "report",
    ]
    assert names == expected
    assert [s.name for s in sequence(params, "report")] == ["report"]


TEMPLATE = {"file": "notebooks/own_template.ipynb"}


@pytest.mark.parametrize(
    "own,words",
    [
        ([{"file": "notebooks/nowhere.ipynb"}], "own_notebooks[0].file': file"),
        ([{"file": "notebooks/01_intake.ipynb"}], "one of the review's own steps"),
        ([{"file": "README.md"}], "not a notebook"),
        ([{**TEMPLATE, "after": "report"}], "after"),
        ([TEMPLATE, TEMPLATE], "two notebooks are named 'own_template'"),
    ],
)
def test_own_notebook_mistakes_are_named(tmp_path, demo_data, own, words):
    from reviewkit.inputs.params import load_params

    path = write_params(tmp_path / "p.yaml", demo_data, own_notebooks=own)
    with pytest.raises(ReviewError) as exc:
        load_params(path)
    assert words in str(exc.value) and "p.yaml" in str(exc.value)


def test_an_own_notebook_without_its_parameters_cell_is_refused(tmp_path, demo_data):
    import nbformat

    from reviewkit.inputs.params import load_params

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / "bare.ipynb")
    path = write_params(
        tmp_path / "p.yaml",
        demo_data,
        own_notebooks=[{"file": f"{tmp_path}/bare.ipynb"}],
        own_notebook_folders=[str(tmp_path)],
    )
    with pytest.raises(ReviewError, match="exactly one cell tagged 'parameters'"):
        load_params(path)
