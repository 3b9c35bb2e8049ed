"""A police month missing from the review period never reaches residents as a fall: the
community update publishes no total, change or map of police figures over the year, says in
plain words which month had not arrived, and says which figures it cannot give; the board
paper lists the police indicators as not assessable and asks for the data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import BRACKWELL, NO_PDF, reviewkit, visible_text, write_params


@pytest.fixture(scope="module")
def without_march(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("no-march")
    data = base / "data"
    shutil.copytree(demo_data, data)
    for register in data.glob("*/data_requests.yaml"):
        register.write_text(register.read_text().replace(str(demo_data), str(data)))
    shutil.rmtree(data / "police_uk" / "2026-03")  # the month never arrived
    params = write_params(base / "p.yaml", data, cycle="nomarch")
    outputs = base / "outputs"
    res = reviewkit(
        "run", str(params), "--quiet", env={"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return outputs / BRACKWELL / "nomarch"


def test_residents_get_no_police_total_over_a_year_that_lacks_a_month(without_march: Path):
    page = (without_march / "community_update.html").read_text(encoding="utf-8")
    text = visible_text(page)
    crime = page.split('id="crime-types"', 1)[1].split("</section>", 1)[0]
    assert "<table" not in crime  # no totals, no changes
    assert "police figures for Mar 2026 had not reached us" in visible_text(crime)
    where = visible_text(page.split('id="c-where"', 1)[1].split("</section>", 1)[0])
    assert "We cannot show where crime happened this year" in where
    assert "No crime or anti-social behaviour" not in text
    # each police indicator is said to be missing, never compared
    cannot = text.split("What we cannot tell you yet", 1)[1]
    assert "anti-social behaviour incidents reported to the police" in cannot
    assert "for March 2026 had not reached us" in cannot
    assert "anti-social behaviour incidents reported to the police went" not in text


def test_the_board_asks_for_the_missing_month(without_march: Path):
    board = visible_text((without_march / "review_report.html").read_text(encoding="utf-8"))
    paper = board.split("For the analyst (left out", 1)[0]
    assert "Ask Northshire Police for the missing data" in paper
    assert "is missing for March 2026" in paper
    assert "police_street" not in paper
