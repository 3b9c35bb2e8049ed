"""What board papers add: Making Data Count icons, charts with context, where crime happens
(LSOAs, grid cells, maps) and what the strategy does not cover. Expected values are worked out
by hand or with the csv module, never taken from the code under test."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats as sps

from reviewkit.analysis import horizon, places
from reviewkit.analysis.indicators import trajectory_by_period
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Filter, Strategy
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import read_police
from reviewkit.methods import grid
from reviewkit.report import icons, maps
from reviewkit.report.charts import ChartContext, xmr_chart, y_label


# Icons ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [*icons.VARIATION, *icons.ASSURANCE])
def test_every_icon_has_a_name_a_letter_or_shape_and_words(key):
    svg = icons.variation_icon(key) if key in icons.VARIATION else icons.assurance_icon(key)
    assert svg.startswith("<svg") and 'role="img"' in svg
    label = re.search(r'aria-label="([^"]+)"', svg).group(1)
    assert label == icons.icon_label(key) and f"<title>{label}</title>" in svg
    if key.endswith(("_high", "_low")):  # H or L, as Making Data Count marks them
        assert f">{'H' if key.endswith('_high') else 'L'}</text>" in svg
    if key in icons.ASSURANCE:
        assert f">{ {'consistent_pass': 'P', 'consistent_fail': 'F'}.get(key, '?') }</text>" in svg
    both = icons.with_words(key)
    # beside its words, the icon is hidden from screen readers (they read the words once)
    assert 'aria-hidden="true"' in both and 'role="img"' not in both
    assert f'<span class="mdc-words">{label}</span>' in both


def test_improvement_and_concern_differ_by_more_than_colour():
    a, b = icons.with_words("improvement_high"), icons.with_words("concern_high")
    assert re.sub(r"#[0-9a-f]{6}", "", a) != re.sub(r"#[0-9a-f]{6}", "", b)  # the words
    assert icons.variation_icon("unknown") == "" and icons.with_words("unknown", "x") == "x"


# Target trajectory ------------------------------------------------------------------------------
def test_the_trajectory_is_the_line_target_status_is_judged_on():
    # baseline 120 a year at the end of 2024-09, target 60 a year by 2025-09: a straight line,
    # so at the end of 2025-03 (6 of 12 months) the annual figure is 90, i.e. 7.5 a month.
    starts = ["2024-08", "2024-09", "2024-10", "2025-03", "2025-09", "2026-01"]
    got = trajectory_by_period(120, 60, "2024-09", "2025-09", starts, "month", "count")
    assert math.isnan(got[0])
    # 2024-10 is 1 month on: 120 - 60 / 12 = 115 a year; held at the target after 2025-09
    assert got[1:] == pytest.approx([10.0, 115 / 12, 7.5, 5.0, 5.0])
    # quarters: the quarter Jan-Mar 2025 ends 6 months on: 90 a year is 22.5 a quarter
    q = trajectory_by_period(120, 60, "2024-09", "2025-09", ["2025-01"], "quarter", "count")
    assert q == pytest.approx([22.5])
    # a proportion is not scaled by the period's length
    p = trajectory_by_period(40, 50, "2024-09", "2025-09", ["2025-03"], "month", "proportion")
    assert p == pytest.approx([45.0])
    assert all(
        math.isnan(v)
        for v in trajectory_by_period(math.nan, 60, "2024-09", "2025-09", starts, "month", "count")
    )


def _series(n: int = 24) -> pd.DataFrame:
    months = pd.period_range("2024-01", periods=n, freq="M")
    v = np.array([20, 22, 19, 21, 23, 20, 18, 22, 21, 19, 20, 22] * 3, dtype=float)[:n]
    return pd.DataFrame(
        {
            "period_start": [str(m) for m in months],
            "period": [str(m) for m in months],
            "value": v,
            "mean": v.mean(),
            "upl": v.mean() + 6,
            "lpl": v.mean() - 6,
            "point_type": "common_cause",
            "provisional": False,
        }
    )


def test_a_chart_with_context_says_what_it_marks():
    s = _series()
    ctx = ChartContext(
        baseline=("2024-01", "2024-12"),
        review=("2025-01", "2025-12"),
        trajectory=[math.nan] * 12 + [19.0] * 12,
        target_words="228 by 2025-12",
        rebase=["2024-07"],
        markers=[("2025-04", "Suspected recording change")],
        y_label=y_label("count", "month"),
    )
    chart = xmr_chart("Burglary", s, "count", "common_cause", None, context=ctx)
    assert chart.png.startswith(b"\x89PNG")
    for text in (
        "Baseline (2024-01 to 2024-12) shaded.",
        "Review period (2025-01 to 2025-12) shaded.",
        "Target trajectory drawn (target 228 by 2025-12)",
        "Marked at 2024-07: limits recalculated.",
        "Marked at 2025-04: suspected recording change.",
    ):
        assert text in chart.alt, chart.alt
    # a marker outside the chart is not claimed
    far = ChartContext(markers=[("2030-01", "Later change")])
    assert "2030-01" not in xmr_chart("B", s, "count", "common_cause", None, context=far).alt


def test_axis_labels_name_units_and_periods():
    assert y_label("count", "month") == "Count in each month"
    assert y_label("rate_per_1000_residents", "quarter") == (
        "Rate per 1,000 residents in each quarter"
    )
    assert y_label("rate_per_1000_households", "financial_year") == (
        "Rate per 1,000 households in each financial year"
    )


# What the strategy does not cover ---------------------------------------------------------------
def test_holm_matches_the_published_procedure():
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") gives 0.03 0.06 0.06 0.02
    assert horizon.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    got = horizon.holm([0.2, math.nan, 0.9])
    assert got[0] == pytest.approx(0.4) and math.isnan(got[1]) and got[2] == pytest.approx(0.9)


def _strategy(**extra) -> Strategy:
    return Strategy.model_validate(
        {
            "partnership": "P",
            "priorities": [{"id": "p", "name": "P"}],
            "indicators": [
                {
                    "id": "burglary",
                    "priority": "p",
                    "name": "Burglary",
                    "dataset": "police_street",
                    "filter": {"crime_types": ["Burglary"]},
                    "better": "lower",
                },
                {
                    "id": "charged",
                    "priority": "p",
                    "name": "Charged",
                    "dataset": "police_street",
                    "filter": {"crime_types": ["Drugs"]},
                    "numerator": {"outcome_categories": ["x"]},
                    "measure": "proportion",
                    "better": "higher",
                },
                {
                    "id": "asb",
                    "priority": "p",
                    "name": "ASB",
                    "dataset": "council",
                    "filter": {"measure": "asb_reports"},
                    "better": "lower",
                },
            ],
            **extra,
        }
    )


def _police(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Monthly rows: each type's baseline and review totals spread over 12 months each."""
    rows = []
    for ctype, (base, rev) in counts.items():
        for total, year in ((base, 2024), (rev, 2025)):
            per = [total // 12 + (1 if i < total % 12 else 0) for i in range(12)]
            rows += [
                {
                    "month": f"{year}-{i + 1:02d}",
                    "lsoa_code": "E1",
                    "crime_type": ctype,
                    "outcome_category": "",
                    "n": n,
                }
                for i, n in enumerate(per)
                if n
            ]
    return pd.DataFrame(rows)


def test_the_scan_lists_real_rises_that_no_count_indicator_covers():
    base, rev = MonthRange.of("2024-01", "2024-12"), MonthRange.of("2025-01", "2025-12")
    police = _police(
        {
            "Burglary": (100, 300),  # covered: never listed
            "Drugs": (100, 200),  # only a proportion follows it: listed
            "Robbery": (100, 104),  # no real change
            "Bicycle theft": (10, 13),  # small rise, within chance
            "Public order": (200, 150),
        }
    )  # a fall is not a rise
    partner = pd.DataFrame(
        {
            "dataset": "council",
            "measure": ["asb_reports"] * 2 + ["noise"] * 2,
            "period_type": "financial_year",
            "period_start": ["2024-01", "2025-01"] * 2,
            "period": ["a", "b"] * 2,
            "area": "X",
            "value": [50, 500, 100, 160],
        }
    )
    out = horizon.scan(_strategy(), base, rev, {"police_street": police}, partner)
    assert "Burglary" not in set(out["what"]) and "asb_reports" not in set(out["what"])
    assert set(out["what"]) == {"Drugs", "Robbery", "Bicycle theft", "Public order", "noise"}
    listed = out[out["real_rise"]].set_index("what")
    assert set(listed.index) == {"Drugs", "noise"}
    # independently: exact binomial tests of the review share with equal exposures, then Holm
    raw = {
        w: sps.binomtest(r, b + r, 0.5).pvalue
        for w, (b, r) in {
            "Drugs": (100, 200),
            "Robbery": (100, 104),
            "Bicycle theft": (10, 13),
            "Public order": (200, 150),
            "noise": (100, 160),
        }.items()
    }
    order = sorted(raw, key=raw.get)
    adjusted, running = {}, 0.0
    for k, w in enumerate(order):
        running = max(running, min(1.0, (len(order) - k) * raw[w]))
        adjusted[w] = running
    for w, row in out.set_index("what").iterrows():
        assert row["p_value"] == pytest.approx(raw[w], rel=1e-9)
        assert row["p_adjusted"] == pytest.approx(adjusted[w], rel=1e-9)
    assert listed.loc["Drugs", "change_pct"] == pytest.approx(100.0)
    assert listed.loc["noise", "source"] == "partner"


def test_the_scan_allows_for_counts_that_vary_more_than_chance():
    base, rev = MonthRange.of("2024-01", "2024-12"), MonthRange.of("2025-01", "2025-12")
    rows = [
        {
            "month": f"{y}-{m:02d}",
            "lsoa_code": "E1",
            "crime_type": "Drugs",
            "outcome_category": "",
            "n": n,
        }
        for y, big in ((2024, 50), (2025, 70))
        for m in range(1, 13)
        # swings far beyond Poisson variation, not the same months each year (not seasons)
        for n in [big if (m + y) % 2 else 1]
    ]
    out = horizon.scan(
        _strategy(), base, rev, {"police_street": pd.DataFrame(rows)}, pd.DataFrame()
    ).iloc[0]
    exact = sps.binomtest(70 * 6 + 6, 50 * 6 + 6 + 70 * 6 + 6, 0.5).pvalue
    assert "quasi-Poisson" in out["method"] and out["p_value"] > exact * 10
    assert out["p_value"] > 0.05 and not out["real_rise"]


def test_a_type_with_a_recording_change_is_not_compared():
    base, rev = MonthRange.of("2024-01", "2024-12"), MonthRange.of("2025-01", "2025-12")
    police = _police({"Drugs": (100, 300), "Robbery": (100, 300)})
    out = horizon.scan(
        _strategy(),
        base,
        rev,
        {"police_street": police},
        pd.DataFrame(),
        recording={"Drugs": "2025-04", "Robbery": "2023-02"},
    ).set_index("what")
    assert out.loc["Drugs", "not_comparable"] == "possible recording change from April 2025"
    assert not out.loc["Drugs", "real_rise"] and math.isnan(out.loc["Drugs", "p_value"])
    # a change before the baseline began does not stop the comparison; Holm counts one test
    assert out.loc["Robbery", "not_comparable"] == "" and out.loc["Robbery", "real_rise"]
    assert out.loc["Robbery", "p_adjusted"] == pytest.approx(out.loc["Robbery", "p_value"])


def test_the_scan_leaves_out_what_it_cannot_compare():
    base, rev = MonthRange.of("2024-01", "2024-12"), MonthRange.of("2025-01", "2025-12")
    police = _police({"Drugs": (100, 300)})
    gap = police[police["month"] != "2025-06"]  # a month with no police rows at all: missing
    assert horizon.scan(_strategy(), base, rev, {"police_street": gap}, pd.DataFrame()).empty
    # ... and said: which types could not be tested, and why
    (untested,) = horizon.not_tested(_strategy(), base, rev, {"police_street": gap}, None)
    assert untested.what == ("Drugs",) and untested.missing_review == ("2025-06",)
    assert "June 2025 missing from the review period" in untested.reason()
    # a rise of less than the minimum is not listed even when it is beyond chance
    out = horizon.scan(
        _strategy(),
        base,
        rev,
        {"police_street": _police({"Drugs": (10000, 10600)})},
        pd.DataFrame(),
        min_rise_pct=10,
    )
    assert out["p_adjusted"].iloc[0] < 0.001 and not out["real_rise"].iloc[0]


# Where crime happens ----------------------------------------------------------------------------
def test_lsoa_concentration_and_change_are_worked_out_by_hand():
    base, rev = MonthRange.of("2024-01", "2024-12"), MonthRange.of("2025-01", "2025-12")
    rows = []
    for code, b, r in (("E1", 10, 60), ("E2", 30, 30), ("E3", 40, 10), ("E4", 0, 0)):
        rows += [
            {
                "month": "2024-03",
                "lsoa_code": code,
                "crime_type": "Burglary",
                "outcome_category": "",
                "n": b,
            },
            {
                "month": "2025-03",
                "lsoa_code": code,
                "crime_type": "Burglary",
                "outcome_category": "",
                "n": r,
            },
            {
                "month": "2025-03",
                "lsoa_code": code,
                "crime_type": "Drugs",
                "outcome_category": "",
                "n": 99,
            },
        ]
    police = pd.DataFrame(rows)
    table = places.by_lsoa(police, Filter(crime_types=["Burglary"]), base, rev)
    names = {"E1": "Town 001A", "E2": "Town 001B", "E3": "Town 002A"}
    top = places.concentrated(table, names, top=2)
    assert list(top["lsoa_code"]) == ["E1", "E2"] and list(top["lsoa_name"]) == [
        "Town 001A",
        "Town 001B",
    ]
    assert list(top["share_pct"]) == pytest.approx([60.0, 30.0])  # of 100 in the review
    assert list(top["cumulative_share_pct"]) == pytest.approx([60.0, 90.0])
    moved = places.changed(table, names, base, rev, 0.05, top=2)
    assert list(moved["lsoa_code"]) == ["E1", "E3"] and list(moved["change"]) == [50, -30]
    p1 = sps.binomtest(60, 70, 0.5).pvalue  # E1: 10 then 60, equal exposures
    assert bool(moved["real_change"].iloc[0]) and moved["p_value"].iloc[0] == pytest.approx(p1)


def test_coordinates_become_cells_and_go_no_further():
    t = pa.table(
        {
            "month": ["2025-01"] * 5,
            "latitude": pa.array(["51.5", "", "abc", "99.0", "51.5009"]).dictionary_encode(),
            "longitude": pa.array(["-0.1", "-0.1", "-0.1", "-0.1", "0.0001"]).dictionary_encode(),
        }
    )
    out = grid.replace_coordinates(t)
    assert "latitude" not in out.column_names and "longitude" not in out.column_names
    # by hand: floor(51.5 / 0.0045) = 11444; floor(-0.1 / 0.0075) = floor(-13.3) = -14
    assert out["cell_row"].to_pylist() == [11444, None, None, None, 11444]
    assert out["cell_col"].to_pylist() == [-14, None, None, None, 0]
    no_coords = grid.replace_coordinates(pa.table({"month": ["2025-01"]}))
    assert no_coords.column_names == ["month"]


def test_real_police_files_give_cells_that_reconcile_with_the_raw_rows(real_police):
    files = sorted(real_police.glob("city-of-london/*/*-street.csv"))
    res = read_police("police_street", "police_uk_street", files, AreaMatcher(["City of London"]))
    expected: Counter = Counter()
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["LSOA name"].startswith("City of London ") and row["Latitude"]:
                    cell = (
                        math.floor(float(row["Latitude"]) / 0.0045),
                        math.floor(float(row["Longitude"]) / 0.0075),
                    )
                    expected[(row["Month"], cell)] += 1
    got = Counter()
    for r in res.grid.itertuples():
        got[(r.month, (r.cell_row, r.cell_col))] += r.n
    assert got == expected and sum(got.values()) > 1000
    assert set(res.grid.columns) == {"month", "crime_type", "cell_row", "cell_col", "n"}
    codes = set(res.tidy["lsoa_code"])
    assert set(res.lsoa_names["lsoa_code"]) == codes
    assert all(n.startswith("City of London ") for n in res.lsoa_names["lsoa_name"])


def test_map_classes_follow_the_suppression_threshold():
    edges = maps.classes(np.array([1, 2, 4, 5, 8, 40, 90, 300]), 5)
    assert edges[:2] == [1, 5] and edges[-1] == 301 and edges == sorted(edges)
    assert maps.class_labels([1, 5, 20], 5, community=True) == ["fewer than 5", "5 to 19"]
    assert maps.class_labels([1, 5, 20], 5, community=False) == ["1 to 4", "5 to 19"]


def test_a_density_map_is_drawn_from_cells_and_says_so():
    cells = pd.DataFrame(
        {"cell_row": [10, 10, 11, 14], "cell_col": [-3, -2, -2, 0], "n": [40, 3, 1, 6]}
    )
    chart = maps.density_map(cells, "All crime", "records", "2025", 5, community=True)
    assert chart.png.startswith(b"\x89PNG")
    assert "grid cells of about 500 metres" in chart.alt and "no individual" in chart.alt
    assert "4 cells" in chart.alt and "busiest 1 cells" in chart.alt  # 40 of 50 in one cell
    assert "fewer than 5" in chart.alt
    assert not maps.density_map(cells.iloc[0:0], "x", "records", "2025", 5).png


def test_a_choropleth_from_lsoa_boundaries(tmp_path):
    import json

    square = lambda x, y: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]  # noqa: E731
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"LSOA21CD": "E1"},
                "geometry": {"type": "Polygon", "coordinates": square(-1.0, 52.0)},
            },
            {
                "type": "Feature",
                "properties": {"LSOA21CD": "E2"},
                "geometry": {"type": "MultiPolygon", "coordinates": [square(-0.99, 52.0)]},
            },
        ],
    }
    path = tmp_path / "lsoas.geojson"
    path.write_text(json.dumps(gj))
    shapes = maps.load_boundaries(path)
    assert set(shapes) == {"E1", "E2"}
    chart = maps.choropleth(
        pd.Series({"E1": 3, "E2": 50, "E9": 7}),
        shapes,
        "All crime",
        "records",
        "2025",
        5,
        community=True,
    )
    assert chart.png.startswith(b"\x89PNG") and "2 LSOAs; 1 not in the boundaries file" in (
        chart.alt
    )
    (tmp_path / "bad.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"properties": {"name": "x"}}]}'
    )
    from reviewkit.base.errors import ReviewError

    with pytest.raises(ReviewError, match="no LSOA code property"):
        maps.load_boundaries(tmp_path / "bad.geojson")


def test_the_demo_places_records_at_a_few_points_in_each_lsoa(demo_data):
    f = sorted((demo_data / "police_uk").glob("*/*-street.csv"))[-1]
    points: dict[str, set] = {}
    for row in csv.DictReader(f.open(newline="", encoding="utf-8")):
        if row["Latitude"]:
            points.setdefault(row["LSOA code"], set()).add(
                (float(row["Latitude"]), float(row["Longitude"]))
            )
    assert len(points) > 100
    assert max(len(p) for p in points.values()) <= 6  # anonymised map points, as police.uk
    spread = [max(la for la, _ in p) - min(la for la, _ in p) for p in points.values()]
    assert max(spread) < 0.03  # a neighbourhood, not the whole force
    centres = {code: np.mean(list(p), axis=0) for code, p in points.items()}
    lat = np.array([c[0] for c in centres.values()])
    assert lat.max() - lat.min() > 0.1  # LSOAs of several towns, not one blob


def test_the_board_report_shows_where_and_what_is_not_covered(cycle_run):
    html = (cycle_run["cycle"] / "review_report.html").read_text(encoding="utf-8")
    for anchor in ('id="where"', 'id="strategy-gaps"'):
        assert anchor in html
    # the where annex comes after the main paper, which holds the strategy gaps
    assert html.index('id="strategy-gaps"') < html.index('id="where"')
    where = html[html.index('id="where"') :]
    where = where[: where.index("</section>")]
    # one block per police count or rate indicator, each with LSOA names from the data
    assert len(re.findall(r"<caption>[^<]*: where it is most concentrated", where)) == 6
    # where it changed: only the LSOAs whose change is beyond chance, or a sentence saying none is
    changed = re.findall(r"<caption>[^<]*: where it changed by more than chance", where)
    none = re.findall(r"changed by more than chance would explain since the baseline\.</p>", where)
    assert len(changed) + len(none) == 6
    assert "Beyond chance?" not in where  # every row listed is, so no column says so
    assert re.search(r"<td>Brackwell \d{3}[A-E]</td>", where)
    assert where.count('class="chart map"') == 6
    gaps = html[html.index('id="strategy-gaps"') :]
    gaps = gaps[: gaps.index("</section>")]
    assert "Holm" in gaps and "over-dispersion" in gaps
    # a possible recording change in an uncovered type: named, never listed as a rise
    found = pd.read_csv(cycle_run["cycle"] / "tables" / "recording_changes.csv", dtype=str)
    assert "Criminal damage and arson" in set(found["crime_type"])  # the demo has one
    # (a type that stepped more than once, as public order does in the demo, is named with
    # one of its months)
    for ctype, steps in found.groupby("crime_type"):
        if ctype not in (
            "Anti-social behaviour",
            "Violence and sexual offences",
            "Robbery",
            "Burglary",
            "Vehicle crime",
            "Shoplifting",
        ):
            months = [pd.Period(m, "M").strftime("%B %Y") for m in steps["month"]]
            for m in months:
                assert (
                    f"{ctype} (a change in how it is recorded from {m}; awaiting the board's "
                    "decision)" in gaps
                ), (ctype, m)
            assert f'<th scope="row">{ctype}</th>' not in gaps
    board = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"(?<![\d.])-?\d{1,3}\.\d{6}(?!\d)", board)
    community = (cycle_run["cycle"] / "community_update.html").read_text(encoding="utf-8")
    assert 'id="c-where"' in community and 'class="chart map"' in community
    section = community[community.index('id="c-where"') :]
    section = section[: section.index("</section>")]
    for count in re.findall(r'<td class="num">([\d,]+)</td>', section):
        assert not 1 <= int(count.replace(",", "")) <= 4
    assert "fewer than 5" in section  # the map's lowest class says what the tables say
    # "half of all ... came from N of the area's M neighbourhoods", from the tidy counts
    police = pd.read_parquet(cycle_run["cycle"] / "tidy" / "police_street.parquet")
    year = police[police["month"].between("2025-10", "2026-09") & (police["lsoa_code"] != "")]
    per = year.groupby("lsoa_code")["n"].sum().sort_values(ascending=False)
    half = next(k for k in range(1, len(per) + 1) if per.iloc[:k].sum() >= per.sum() / 2)
    assert f"came from {half} of the area's {len(per)} neighbourhoods" in section


def test_scorecard_and_chart_legends_carry_the_icons(cycle_run):
    html = (cycle_run["cycle"] / "review_report.html").read_text(encoding="utf-8")
    table = html[html.index('class="scorecard"') :]
    table = table[: table.index("</table>")]
    assert table.count('class="mdc-icon"') >= 8 and "mdc-words" in table
    assert "Latest point (SPC)" in table and "Assurance: " in table  # beside met or on track
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
    xmr = [f for f in figures if "XmR chart of" in f]
    assert xmr and all('class="legend"' in f and "mdc-icon" in f for f in xmr)
    assert all("Baseline (" in f and "Review period (" in f for f in xmr)
