"""The silent-wrong cases a new user met, end to end: each ends in a clear refusal or a
correctly flagged report. One shared batch run (`batch_run`) of two partnerships with the same
cycle id carries most of them; refusals come before any notebook runs, so they are quick."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import BRACKWELL, LATE_SEEN, reviewkit, visible_text
from reviewkit.inputs.register import POLICE_KINDS
from reviewkit.inputs.strategy import MEASURES
from reviewkit.report.icons import ASSURANCE, VARIATION

REPORTS = ("review_report.html", "community_update.html", "data_quality.html", "planning_pack.html")
# The vocabularies' raw codes: none may reach a reader.
RAW_CODES = sorted(
    {
        *VARIATION,
        *ASSURANCE,
        *(m for m in MEASURES if "_" in m),
        "financial_year",
        *POLICE_KINDS,
        "after_review_period",
        "out_of_area",
        "rows_read",
        "received_from",
        "not_assessable",
    }
)
REVIEW = {"Brackwell": ("2025-10", "2026-09"), "Ashbourne": ("2025-07", "2026-06")}


def police_rows(data: Path):
    for f in sorted((data / "police_uk").glob("*/*-street.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            yield from csv.DictReader(fh)


def _independent(data: Path, authority: str, first: str, last: str) -> tuple[int, int]:
    """(ASB records, all records) in the authority's LSOAs over the months, with csv."""
    asb = total = 0
    for row in police_rows(data):
        if first <= row["Month"] <= last and row["LSOA name"].startswith(authority + " "):
            total += 1
            asb += row["Crime type"] == "Anti-social behaviour"
    return asb, total


def _field(html: str, indicator: str, field: str) -> str:
    """The text of the first traceable number for an indicator's field (any attribute order)."""
    for attrs, text in re.findall(
        r'<span([^>]*\bdata-indicator="[^"]*"[^>]*)>([^<]*)</span>', html
    ):
        if f'data-indicator="{indicator}"' in attrs and f'data-field="{field}"' in attrs:
            return text
    raise AssertionError(f"{indicator}.{field} not in the report")


# Case 1 and the batch cross-check -------------------------------------------------------------
@pytest.mark.parametrize("la", ["Brackwell", "Ashbourne"])
def test_each_report_in_a_batch_is_its_own_partnerships(batch_run, la):
    """Two partnerships, one cycle id, one batch: both finish, and each report's title,
    figures and data-quality page belong to the same partnership."""
    name = f"{la} Community Safety Partnership"
    folder = batch_run["folders"][la]
    manifest = json.loads((folder / "manifest.json").read_text())
    record = json.loads((folder / "cycle.json").read_text())
    assert manifest["partnership"] == record["partnership"] == name
    assert manifest["params_file"] == record["params_file"] == str(batch_run["params"][la])
    assert manifest["params_sha256"] == record["params_sha256"]
    for report in REPORTS:
        html = (folder / report).read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert name in title, (report, title)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        assert name in h1 or la in h1, (report, h1)
    first, last = REVIEW[la]
    asb, total = _independent(batch_run["data"], la, first, last)
    scorecard = pd.read_csv(folder / "tables" / "scorecard.csv").set_index("id")
    assert scorecard.loc["asb_police", "review_count"] == asb
    board = (folder / "review_report.html").read_text(encoding="utf-8")
    assert _field(board, "asb_police", "review_value") == f"{asb:,}"
    # the data-quality page counts this partnership's rows: every month up to the review end
    rec = pd.read_csv(folder / "tables" / "reconciliation.csv")
    police = rec[rec["dataset"] == "police_street"]
    _, upto = _independent(batch_run["data"], la, "0000-00", last)
    assert police["accepted"].sum() == upto
    assert f"{name}: data quality report" in (folder / "data_quality.html").read_text(
        encoding="utf-8"
    )


def test_the_batch_wrote_one_folder_per_partnership(batch_run):
    assert "2 of 2 cycles finished" in batch_run["stdout"]
    assert sorted(
        p.name for p in batch_run["outputs"].iterdir() if not p.name.startswith(".") and p.is_dir()
    ) == ["ashbourne_community_safety_partnership", BRACKWELL]


def test_a_second_run_is_refused_naming_its_own_folder(batch_run):
    before = (batch_run["folders"]["Brackwell"] / "manifest.json").read_bytes()
    res = reviewkit("run", str(batch_run["params"]["Ashbourne"]), "--quiet", env=batch_run["env"])
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "ashbourne_community_safety_partnership/2025-26 holds a finished review cycle" in (
        res.stderr
    )
    assert (batch_run["folders"]["Brackwell"] / "manifest.json").read_bytes() == before


# Case 2: vocabulary -----------------------------------------------------------------------------
def test_a_misspelt_crime_type_is_refused_by_check_and_run(batch_run, tmp_path):
    strategy = tmp_path / "strategy.yaml"
    text = (batch_run["data"] / "brackwell" / "strategy.yaml").read_text(encoding="utf-8")
    strategy.write_text(
        text.replace('crime_types: ["Burglary"]', 'crime_types: ["Burglery"]'), encoding="utf-8"
    )
    params = tmp_path / "p.yaml"
    params.write_text(
        batch_run["params"]["Brackwell"]
        .read_text()
        .replace(str(batch_run["data"] / "brackwell" / "strategy.yaml"), str(strategy))
    )
    outputs = tmp_path / "outputs"
    env = {**batch_run["env"], "REVIEWKIT_OUTPUTS": str(outputs)}
    expected = (
        f"{strategy}: key 'indicators.6.filter.crime_types': 'Burglery' is not a "
        "data.police.uk crime type. Did you mean 'Burglary'?"
    )
    for command in ("check", "run"):
        res = reviewkit(command, str(params), env=env)
        assert res.returncode == 1 and "Traceback" not in res.stderr, command
        assert expected in res.stderr, (command, res.stderr)
    assert not list(outputs.glob("*/*/review_report.html"))  # nothing was published


# Case 3: received dates and late data -----------------------------------------------------------
def test_a_received_date_after_the_review_date_is_flagged_and_late_data_logged(batch_run):
    folder = batch_run["folders"]["Ashbourne"]
    comp = pd.read_csv(
        folder / "tables" / "completeness.csv", dtype=str, keep_default_na=False
    ).set_index("dataset")
    assert comp.loc["council_asb", "received"] == LATE_SEEN
    assert comp.loc["council_asb", "received_from"] == "receipt record"
    assert comp.loc["council_asb", "received_after_review_date"] == "True"
    assert comp.loc["police_street", "received_from"] == "register"
    quality = visible_text((folder / "data_quality.html").read_text(encoding="utf-8"))
    assert f"{LATE_SEEN} (receipt record) ⚠ after the review date: check it" in quality
    log = pd.read_csv(folder / "difficulties_log.csv", dtype=str, keep_default_na=False)
    late = log[(log["dataset"] == "council_asb") & (log["category"] == "late")]
    assert late["description"].tolist() == [
        f"ASB reports received by the council: received {LATE_SEEN} (date from the receipt "
        "record), after it was due (31 October 2026)."
    ]
    planning = visible_text((folder / "planning_pack.html").read_text(encoding="utf-8"))
    assert f"received {LATE_SEEN} (date from the receipt record)" in planning
    # Brackwell's fire data came late by its register's date: logged too
    b = visible_text(
        (batch_run["folders"]["Brackwell"] / "planning_pack.html").read_text(encoding="utf-8")
    )
    assert "Deliberate fires by local authority: received 2026-11-05 (date from the register)" in b


def test_check_says_which_date_and_from_where(batch_run):
    res = reviewkit("check", str(batch_run["params"]["Ashbourne"]), env=batch_run["env"])
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert (
        f"council_asb: complete (late, due 2026-10-31); received {LATE_SEEN} (from the "
        "receipt record) is AFTER the review date 2026-11-20"
    ) in res.stdout
    assert "police_street: complete; received 2026-10-28 (from the register)" in res.stdout


# Case 4: one rule for rows after the review period ---------------------------------------------
def test_rows_after_the_review_period_are_accounted_for_never_counted(batch_run):
    folder = batch_run["folders"]["Ashbourne"]
    rec = pd.read_csv(folder / "tables" / "reconciliation.csv")
    by = rec.groupby("dataset")[
        ["rows_read", "accepted", "quarantined", "out_of_area", "unassigned", "after_review_period"]
    ].sum()
    later = sum(1 for row in police_rows(batch_run["data"]) if row["Month"] > "2026-06")
    assert by.loc["police_street", "after_review_period"] == later > 0
    assert by.loc["council_asb", "after_review_period"] == 3  # July to September 2026
    assert (by.drop(columns="rows_read").sum(axis=1) == by["rows_read"]).all()
    quality = visible_text((folder / "data_quality.html").read_text(encoding="utf-8"))
    assert "After the review period" in quality
    series = pd.read_csv(folder / "tables" / "indicator_series.csv", dtype={"period_start": str})
    assert series["period_start"].max() <= "2026-06"


# Case 5: every sentence true of this cycle ------------------------------------------------------
def test_sources_are_the_datasets_actually_used(batch_run):
    html = (batch_run["folders"]["Brackwell"] / "community_update.html").read_text(encoding="utf-8")
    about = visible_text(html.split('id="about"')[1])
    assert (
        "Street-level crime and anti-social behaviour (data.police.uk), from Northshire "
        "Police" in about
    )
    assert "the health service" not in about
    # youth justice data never arrived and the A&E data is partial: neither gave a figure
    assert "Youth Justice" not in about and "NHS" not in about


def test_force_wide_rows_are_labelled_force_wide(batch_run):
    for folder in batch_run["folders"].values():
        quality = visible_text((folder / "data_quality.html").read_text(encoding="utf-8"))
        assert "Unassigned (no location)" in quality
        assert "they are the whole force's, not this partnership's" in quality


def test_no_raw_code_reaches_any_report(batch_run, cycle_run):
    folders = [*batch_run["folders"].values(), cycle_run["cycle"]]
    for folder in folders:
        for report in REPORTS:
            text = visible_text((folder / report).read_text(encoding="utf-8"))
            found = [c for c in RAW_CODES if re.search(rf"\b{re.escape(c)}\b", text)]
            assert found == [], (folder.name, report, found)


# Case 6: a whole-period measure with no whole period ------------------------------------------
def test_a_financial_year_over_october_to_september_is_not_assessable(batch_run):
    folder = batch_run["folders"]["Brackwell"]
    sc = pd.read_csv(folder / "tables" / "scorecard.csv", keep_default_na=False).set_index("id")
    assert sc.loc["violence_fy", "assessable"] in (False, "False")
    assert "holds no whole financial year (April to March)" in sc.loc["violence_fy", "reason"]
    board = visible_text((folder / "review_report.html").read_text(encoding="utf-8"))
    summary = board.split("Executive summary")[1].split("Scorecard")[0]
    assert (
        "Violence and sexual offences by financial year (the review period or the baseline "
        "holds no whole quarter or financial year" in summary
    )
    assert "0 against 0" not in board
    community = visible_text((folder / "community_update.html").read_text(encoding="utf-8"))
    assert "violent crimes in a financial year" not in community


# Case 7 is in test_identity.py (run_folder); here: a batch with one params file twice --------
def test_a_batch_refuses_two_params_files_for_one_folder_before_running(batch_run, tmp_path):
    copy = tmp_path / "copy.yaml"
    shutil.copy(batch_run["params"]["Brackwell"], copy)
    outputs = tmp_path / "outputs"
    res = reviewkit(
        "run",
        str(batch_run["params"]["Brackwell"]),
        str(copy),
        env={**batch_run["env"], "REVIEWKIT_OUTPUTS": str(outputs)},
    )
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "Nothing was run" in res.stderr and str(copy) in res.stderr
    assert not outputs.exists() or not list(outputs.glob("*/*"))
