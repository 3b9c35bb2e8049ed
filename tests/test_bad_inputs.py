"""The bad-input corpus (tests/fixtures/bad_inputs/cases.yaml) through the entry points the
command line uses: `reviewkit check` and the intake step; a handful through `reviewkit run`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, reviewkit, run_cli, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.inputs.params import load_params
from reviewkit.intake.step import run_intake, write_intake

CORPUS = FIXTURES / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
LOG = "id,raised_cycle,agency,dataset,category,description,action,owner,status,resolved_cycle\n"


def make_project(tmp: Path, cases: list[dict]) -> Path:
    """Params, a register with one data request per case, a strategy and an empty log."""
    data = tmp / "data"
    requests, indicators = [], []
    for k, case in enumerate(cases):
        folder = data / f"case{k}"
        folder.mkdir(parents=True)
        for name in case.get("files", []):
            shutil.copy(CORPUS / name, folder / Path(name).name)
        if "police_months" in case:
            police_months(folder, case["police_months"])
        kind = case.get("kind", "table")
        dataset = f"case{k}"
        if "police_months" in case:
            source = {"kind": kind, "path": str(folder)}
            filt = {"crime_types": ["Burglary"]}
        elif kind == "table":
            source = {
                "kind": "table",
                "path": f"{folder}/*",
                "period_column": "Month",
                "measures": {"Reports": "reports"},
                **case.get("source", {}),
            }
            filt = {"measure": "reports"}
        else:
            single = len(case["files"]) == 1 and case["files"][0].endswith(".csv")
            target = folder / Path(case["files"][0]).name if single else folder
            source = {"kind": kind, "path": str(target)}
            filt = {"crime_types": ["Burglary"]}
        requests.append(
            {
                "dataset": dataset,
                "description": case["name"],
                "provider": "Agency",
                "gatherer": "Analyst",
                "analyst": "Analyst",
                "due": "2026-10-31",
                "received": "2026-10-30",
                "source": source,
            }
        )
        indicators.append(
            {
                "id": f"i{k}",
                "priority": "p",
                "name": case["name"],
                "dataset": dataset,
                "filter": filt,
                "better": "lower",
            }
        )
    (tmp / "register.yaml").write_text(yaml.safe_dump({"data_requests": requests}))
    (tmp / "strategy.yaml").write_text(
        yaml.safe_dump(
            {
                "partnership": "Brackwell CSP",
                "priorities": [{"id": "p", "name": "P"}],
                "indicators": indicators,
            }
        )
    )
    (tmp / "log.csv").write_text(LOG)
    return write_params(
        tmp / "params.yaml",
        cycle="bad",
        partnership="Brackwell CSP",
        inputs={
            "strategy": str(tmp / "strategy.yaml"),
            "data_requests": str(tmp / "register.yaml"),
            "difficulties": str(tmp / "log.csv"),
        },
    )


STREET = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
REVIEW_MONTHS = [
    f"{y}-{m:02d}"
    for y, m in [(2025, 10), (2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 10)]
]


def police_months(folder: Path, damage: dict[str, str]) -> None:
    """data.police.uk monthly folders for the review period (2 Burglary records a month in
    Brackwell), damaged as `damage` says: a month missing, cut short, mislabelled, copied,
    linked from elsewhere, holding a malformed row; or a corrupt zip beside them."""
    ((how, what),) = damage.items()
    for month in REVIEW_MONTHS:
        if how == "missing" and month == what:
            continue
        said = "2026-02" if how == "mislabelled" and month == what else month
        rows = [
            f"{month}{k:060d},{said},Northshire Police,Northshire Police,-1.100000,"
            f"52.100000,On or near High Street,E01000001,Brackwell 001A,Burglary,"
            "Under investigation,"
            for k in range(2)
        ]
        if how == "malformed_row" and month == what:
            rows.insert(
                1,
                "deadbeefcafe,2026-03,Force,Force,-1.234567,51.5,On or near Secret Lane,E01000001",
            )
        base = folder.parent / "elsewhere" if how == "linked" and month == what else folder
        target = base / month / f"{month}-northshire-street.csv"
        target.parent.mkdir(parents=True)
        data = ("\r\n".join([STREET, *rows]) + "\r\n").encode()
        target.write_bytes(data[:-12] if how == "cut_short" and month == what else data)
        if how == "linked" and month == what:
            (folder / month).symlink_to(target.parent, target_is_directory=True)
        if how == "copied" and month == what:
            (folder / "extra").mkdir()
            shutil.copy(target, folder / "extra" / f"{month}-northshire_copy-street.csv")
    if how == "corrupt_zip":
        (folder / what).write_bytes(b"PK\x03\x04" + b"\x00not a zip" * 40)


def written_cells_are_safe(folder: Path) -> list[str]:
    """Cells in the CSVs under `folder` that a spreadsheet would run, and XLSX formulas."""
    import csv
    import zipfile

    bad = []
    for f in folder.rglob("*.csv"):
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                bad += [
                    f"{f.name}: {c}"
                    for c in row
                    if c[:1] in ("=", "+", "@", "\t", "\r")
                    or (c[:1] == "-" and not c[1:2].isdigit())
                ]
    for f in folder.rglob("*.xlsx"):
        with zipfile.ZipFile(f) as z:
            bad += [
                f"{f.name}: formula"
                for n in z.namelist()
                if n.startswith("xl/worksheets") and b"<f>" in z.read(n)
            ]
    return bad


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(tmp_path, case, capsys):
    params = make_project(tmp_path, [case])
    expect = case["expect"]
    # through the command line: a clear answer, never a traceback
    res = run_cli(capsys, "check", str(params))
    assert "Traceback" not in res.stdout + res.stderr
    assert res.returncode in (0, 1)
    assert (
        f"case0: {expect.get('status', 'partial' if expect['accepted'] else 'unusable')}"
        in (res.stdout)
        or expect.get("status") is None
    )
    # the intake step itself
    result = run_intake(load_params(params))
    intake = result.datasets["case0"]
    t = intake.totals()
    assert t["rows_read"] == expect["read"]
    for key in ("accepted", "quarantined", "out_of_area", "unassigned", "after_review_period"):
        assert t[key] == expect.get(key, 0 if key != "accepted" else t[key]), key
    assert result.reconciliation["balanced"].all()
    reasons = list(intake.quarantine["reason"].astype(str)) if len(intake.quarantine) else []
    for fragment in expect.get("reasons", []):
        assert any(fragment in r for r in reasons), (fragment, reasons)
    notes = " ".join(a.note for a in intake.accounts) + " ".join(intake.notes)
    if "note" in expect:
        assert expect["note"] in notes, notes
    for fragment in expect.get("notes", []):
        assert any(fragment in n for n in intake.notes), intake.notes
    if "dropped" in expect:
        assert intake.dropped_columns == expect["dropped"]
    if "periods" in expect:
        assert intake.periods == expect["periods"]
    if "status" in expect:
        assert result.completeness.loc[0, "status"] == expect["status"]
    if "difficulty" in expect:
        added = result.difficulties_added
        assert expect["difficulty"] in set(added["category"]), added
    if "missing" in expect:
        assert result.completeness.loc[0, "missing_periods"] == expect["missing"]
    if expect.get("formula_safe") or expect.get("not_quoted"):
        out = tmp_path / "out"
        write_intake(result, out)
        assert written_cells_are_safe(out) == []
        text = (
            " ".join(
                p.read_text(encoding="utf-8")
                for p in out.rglob("*")
                if p.suffix in (".csv", ".json")
            )
            + res.stdout
            + res.stderr
        )
        for secret in expect.get("not_quoted", []):
            assert secret not in text


def test_strategy_mistakes_are_named(tmp_path, capsys):
    params = make_project(tmp_path, [CASES[4]])
    strategy = yaml.safe_load((tmp_path / "strategy.yaml").read_text())
    strategy["initiatives"] = [
        {
            "id": "a",
            "name": "A",
            "priority": "p",
            "lead_agency": "x",
            "start": "2025-01-01",
            "end": "2026-01-01",
            "indicators": ["nope"],
            "depends_on": ["b"],
        },
        {
            "id": "b",
            "name": "B",
            "priority": "p",
            "lead_agency": "x",
            "start": "2025-01-01",
            "end": "2026-01-01",
            "depends_on": ["a"],
        },
    ]
    strategy["indicators"].append(
        {"id": "j", "priority": "p", "name": "J", "dataset": "nowhere", "better": "lower"}
    )
    (tmp_path / "strategy.yaml").write_text(yaml.safe_dump(strategy))
    res = run_cli(capsys, "check", str(params))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    err = res.stderr
    assert "key 'initiatives.0.indicators': 'nope' is not an indicator id" in err
    assert "depend on each other in a circle (a -> b -> a)" in err
    strategy["initiatives"] = []
    (tmp_path / "strategy.yaml").write_text(yaml.safe_dump(strategy))
    res = run_cli(capsys, "check", str(params))
    assert "key 'indicators.1.dataset': 'nowhere' is not in the data request register" in (
        res.stderr
    )


def test_a_bad_register_is_named(tmp_path):
    params = make_project(tmp_path, [CASES[4]])
    reg = (tmp_path / "register.yaml").read_text().replace("period_column:", "period_colum:")
    (tmp_path / "register.yaml").write_text(reg)
    with pytest.raises(ReviewError, match=r"key 'data_requests\.0\.source\.table\.period_colum'"):
        run_intake(load_params(params))


@pytest.mark.e2e
def test_a_handful_end_to_end(tmp_path):
    """Several bad datasets at once through `reviewkit run`: the review still completes, each
    damaged police.uk month makes its indicator not assessable with the month named, no cell
    written can run as a formula, and no raw police row reaches any output."""
    chosen = [
        c
        for c in CASES
        if c["name"]
        in (
            "empty file",
            "binary junk with a .csv name",
            "two extracts for the same month (re-sent)",
            "XLSX with several sheets, merged header cells and notes above and below",
            "police.uk zip with unexpected contents",
            "cells that a spreadsheet would run as formulas",
            "counts that are not whole, finite or believable",
            "XLSX formula saved without its result",
            "a police.uk month missing",
            "a police.uk month cut short by an interrupted download",
            "a police.uk month whose Month column says another month",
            "a copy of a police.uk month under another folder and name",
            "a police.uk month folder that is a symbolic link",
            "a malformed police.uk row is set aside alone and never quoted",
        )
    ]
    params = make_project(tmp_path, chosen)
    strategy = tmp_path / "strategy.yaml"
    strategy.write_text(
        strategy.read_text().replace(
            "name: cells that a spreadsheet", "name: Fraud ($\\pounds$) cells that a spreadsheet"
        )
    )
    (tmp_path / "log.csv").write_text(
        LOG + '"=HYPERLINK(""http://evil.example/x"",""x"")",c0,'
        "@Agency,case0,late,=cmd|' /C calc'!A0,-act,+own,open,\n"
    )
    narrative = tmp_path / "narrative.md"
    narrative.write_text("## executive_summary\n\n\x00<script>alert(1)</script>\x01 text\n")
    params.write_text(
        params.read_text().replace("  strategy:", f"  narrative: {narrative}\n  strategy:")
    )
    outputs = tmp_path / "outputs"
    res = reviewkit("run", str(params), "--quiet", env={"REVIEWKIT_OUTPUTS": str(outputs)})
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    bad = outputs / "brackwell_csp" / "bad"
    quality = (bad / "data_quality.html").read_text(encoding="utf-8")
    for case in chosen:
        assert case["name"] in quality.replace("&amp;", "&")
    assert "not a text file" in quality and "superseded by re-sent file" in quality
    report = (bad / "review_report.html").read_text(encoding="utf-8")
    paper, analyst = re.split(r'(?=<aside[^>]*class="for-analyst")', report, maxsplit=1)
    # the board reads why in words; the data request's id is for the analyst's box alone
    assert "arrived but could not be used" in paper and "case0 unusable" in analyst
    for k, case in enumerate(chosen):
        if case["expect"].get("missing"):
            assert f"case{k} missing 2026-03" in analyst, case["name"]
            assert f"case{k} missing" not in paper, case["name"]
    assert "is missing for March 2026" in paper
    assert written_cells_are_safe(bad) == []
    everything = b" ".join(p.read_bytes() for p in (bad).rglob("*") if p.is_file())
    for secret in (b"deadbeefcafe", b"Secret Lane", b"-1.234567"):
        assert secret not in everything, secret
    for page in ("review_report.html", "community_update.html"):
        assert "<script>alert" not in (bad / page).read_text(encoding="utf-8")


def test_a_misnamed_file_in_a_police_folder_is_named(tmp_path):
    case = next(c for c in CASES if c["name"] == "police.uk zip with unexpected contents")
    params = make_project(tmp_path, [case])
    folder = tmp_path / "data" / "case0"
    (folder / "street_january_final.csv").write_text("Crime ID,Month\n,2026-01\n")
    result = run_intake(load_params(params))
    notes = result.datasets["case0"].notes
    assert any(
        "are not data.police.uk files and were not read" in n and "street_january_final.csv" in n
        for n in notes
    ), notes
