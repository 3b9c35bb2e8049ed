"""A small area, end to end: five LSOAs (an `lsoa_file` area) over a year, where many crime
types have counts under the threshold. The community update's crime table, read back as a
resident reads it, must leave every hidden small count free to be any of 1 to 4 given every
number the page shows: the total, the other cells, and each row's change.

The check is written here independently of `report.suppression`: an enumeration of what a
reader can work out, by subset sums.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from conftest import NO_PDF, params_dict, reviewkit, write_params

THRESHOLD = 5
STRATEGY = """\
partnership: Brackwell Five Streets Partnership
strategy_start: "2024-10"
priorities:
  - {id: asb, name: Reduce anti-social behaviour}
indicators:
  - id: asb_police
    priority: asb
    name: Anti-social behaviour incidents recorded by the police
    dataset: police_street
    filter: {crime_types: ["Anti-social behaviour"]}
    better: lower
"""


@pytest.fixture(scope="module")
def small_area(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo partnership's five quietest LSOAs of the review year, as its own area."""
    base = tmp_path_factory.mktemp("small-area")
    counts: dict[str, int] = {}
    for f in sorted((demo_data / "police_uk").glob("202[56]-*/*-street.csv")):
        month = f.parent.name
        if not "2025-10" <= month <= "2026-09":
            continue
        rows = pd.read_csv(f, usecols=["LSOA code", "LSOA name"], dtype=str)
        mine = rows[rows["LSOA name"].fillna("").str.startswith("Brackwell")]
        for code, n in mine["LSOA code"].value_counts().items():
            counts[code] = counts.get(code, 0) + int(n)
    quiet = sorted(counts, key=lambda c: (counts[c], c))[:5]
    (base / "lsoas.csv").write_text("lsoa_code\n" + "\n".join(quiet) + "\n", encoding="utf-8")
    # a strategy of one police indicator: the demo's filters would match nothing in so few rows
    (base / "strategy.yaml").write_text(STRATEGY, encoding="utf-8")
    inputs = params_dict(demo_data)["inputs"] | {"strategy": str(base / "strategy.yaml")}
    params = write_params(
        base / "small.yaml",
        demo_data,
        cycle="small",
        partnership="Brackwell Five Streets Partnership",
        area={"lsoa_file": str(base / "lsoas.csv")},
        inputs=inputs,
    )
    outputs = base / "outputs"
    res = reviewkit(
        "run", str(params), "--quiet", env={"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    )
    assert res.returncode == 0, res.stdout + res.stderr
    (folder,) = [p for p in (outputs).glob("*/small") if p.is_dir()]
    return folder / "community_update.html"


def _crime_table(page: str) -> list[list[str]]:
    table = page.split('id="crime-types"', 1)[1].split("</table>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(
            r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]  # fmt: skip
        rows.append(cells)
    return rows


def _number(text: str) -> int | None:
    return (
        int(text.replace(",", "").replace("+", "")) if re.fullmatch(r"[+-]?[\d,]+", text) else None
    )


def _free_values(column: list[str], total: int) -> dict[int, set[int]]:
    """For each hidden small cell of one column: the values of 1 to 4 a reader cannot rule out,
    by subset sums over every other hidden cell ('fewer than 5': 1 to 4; 'not shown': 0 or 5
    up to the total)."""
    shown = sum(n for x in column if (n := _number(x)) is not None)
    hidden = [k for k, x in enumerate(column) if _number(x) is None]
    big = [0, *range(THRESHOLD, total + 1)]
    options = {
        k: range(1, THRESHOLD) if column[k].startswith("fewer than") else big for k in hidden
    }
    free = {}
    for k in hidden:
        if not column[k].startswith("fewer than"):
            continue
        reachable = {0}
        for j in hidden:
            if j != k:
                reachable = {s + v for s in reachable for v in options[j] if s + v <= total}
        free[k] = {v for v in options[k] if total - shown - v in reachable}
    return free


def test_a_small_areas_hidden_counts_stay_hidden(small_area: Path):
    page = small_area.read_text(encoding="utf-8")
    rows = _crime_table(page)
    assert rows and rows[-1][0] == "All types"
    body, total_row = rows[:-1], rows[-1]
    hidden_small = sum(c.startswith("fewer than") for r in body for c in r[1:3])
    assert hidden_small >= 3, rows  # the area is small enough to test anything
    for col in (1, 2):  # this year, the comparison year
        total = _number(total_row[col])
        if total is None:  # the total hidden too: no sum to work a hidden cell out from
            assert total_row[col] == "not shown", total_row
            continue
        column = [r[col] for r in body]
        for k, values in _free_values(column, total).items():
            assert values == {1, 2, 3, 4}, (body[k][0], col, values)
    for r in body:  # a change never gives back a hidden side from a shown one
        if _number(r[3]) is not None:
            assert _number(r[1]) is not None and _number(r[2]) is not None, r
