"""From one review to the next: init, new-cycle, and a two-cycle run end to end."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import BRACKWELL, NO_PDF, reviewkit, run_cli, write_params
from reviewkit.base.errors import ReviewError
from reviewkit.base.periods import add_months
from reviewkit.inputs.params import load_params
from reviewkit.run.scaffold import init_partnership, new_cycle


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 20), 12, dt.date(2027, 11, 20)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 10, 31), 3, dt.date(2027, 1, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_init_writes_commented_templates_that_check_explains(tmp_path, monkeypatch, capsys):
    written = init_partnership(
        "Newport Community Safety Partnership", today=dt.date(2026, 5, 1), root=tmp_path
    )
    params = tmp_path / "params" / "newport_community_safety_partnership.yaml"
    assert (
        params in written
        and (tmp_path / "data/raw/newport_community_safety_partnership/police_uk").is_dir()
    )
    text = params.read_text()
    assert text.count("#") > 10  # commented for the analyst
    p = yaml.safe_load(text)
    assert p["area"]["local_authorities"] == ["Newport"]
    assert p["review_period"] == {"start": "2025-04", "end": "2026-03"}
    assert p["baseline_period"] == {"start": "2024-04", "end": "2025-03"}
    monkeypatch.setenv("REVIEWKIT_ROOT", str(tmp_path))
    res = run_cli(capsys, "check", str(params))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "MISSING police_street: not received" in res.stdout
    with pytest.raises(ReviewError, match="already exist"):
        init_partnership("Newport Community Safety Partnership", root=tmp_path)


def _shift_register(path: Path, years: int) -> None:
    text = re.sub(r": (20\d\d)-", lambda m: f": {int(m.group(1)) + years}-", path.read_text())
    path.write_text(text)


def _youth_file(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["Quarter,First time entrants"]
    for start in pd.period_range("2023-04", "2026-07", freq="M")[::3]:
        fy = start.year if start.month >= 4 else start.year - 1
        quarter = (start.month - 4) % 12 // 3 + 1
        rows.append(f"{fy}/{str(fy + 1)[-2:]} Q{quarter},{6 + start.month % 4}")
    (folder / "first_time_entrants_2023-2026.csv").write_text("\n".join(rows) + "\n")


@pytest.mark.e2e
def test_two_cycles_end_to_end(demo_data, tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    register = data / "brackwell" / "data_requests.yaml"
    register.write_text(register.read_text().replace(str(demo_data), str(data)))
    _shift_register(register, -1)  # the first cycle's requests were due a year earlier
    # What had arrived by the first review: police months to September 2025, the first council
    # extract, no youth justice data.
    later = tmp_path / "later"
    for month in pd.period_range("2025-10", "2026-09", freq="M"):
        shutil.move(data / "police_uk" / str(month), later / "police_uk" / str(month))
    asb = data / "brackwell" / "council_asb"
    shutil.move(asb / "council_asb_2025-09_to_2026-09.csv", later / "council_asb.csv")
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    first = write_params(
        params_dir / "c1.yaml",
        data,
        cycle="c1",
        review_period={"start": "2024-10", "end": "2025-09"},
        review_date=dt.date(2025, 11, 20),
    )
    outputs = tmp_path / "outputs"
    env = {"REVIEWKIT_OUTPUTS": str(outputs), **NO_PDF}
    res = reviewkit("run", str(first), "--quiet", env=env)
    assert res.returncode == 0, res.stderr
    log1 = pd.read_csv(
        outputs / BRACKWELL / "c1" / "difficulties_log.csv", dtype=str, keep_default_na=False
    )
    youth_late = log1[(log1["dataset"] == "youth_fte") & (log1["category"] == "late")]
    assert len(youth_late) == 1 and youth_late["raised_cycle"].item() == "c1"

    # The next cycle's params, written by new-cycle (in this process, as `reviewkit` runs it:
    # the records of received dates in the outputs folder)
    monkeypatch.setenv("REVIEWKIT_OUTPUTS", str(outputs))
    monkeypatch.delenv("REVIEWKIT_RECEIPTS")
    monkeypatch.delenv("REVIEWKIT_CACHE")
    res = run_cli(capsys, "new-cycle", "c2", "--from", str(first))
    assert res.returncode == 0, res.stderr
    # the first register's received dates stay with the files already there
    assert "received dates of the last register kept in the receipt record" in res.stdout
    second = params_dir / "c2.yaml"
    p2 = load_params(second, check_files=False)
    assert (p2.review_period.start, p2.review_period.end) == ("2025-10", "2026-09")
    assert p2.review_date == dt.date(2026, 11, 20)
    assert (p2.baseline_period.start, p2.baseline_period.end) == ("2023-10", "2024-09")
    assert Path(p2.previous_cycle) == outputs / BRACKWELL / "c1"
    assert Path(p2.inputs.difficulties) == outputs / BRACKWELL / "c1" / "difficulties_log.csv"
    reg2 = yaml.safe_load(Path(p2.inputs.data_requests).read_text())
    assert {str(r["due"]) for r in reg2["data_requests"]} == {"2026-10-31"}
    assert all("received" not in r for r in reg2["data_requests"])
    assert "#" in Path(p2.inputs.data_requests).read_text()  # the analyst's comments are kept
    res = run_cli(capsys, "new-cycle", "c2", "--from", str(first))
    assert res.returncode == 1 and "already exists" in res.stderr

    # New data: the police months, the council's corrected re-sent extract, and the youth
    # justice data that never came before.
    for month in (later / "police_uk").iterdir():
        shutil.move(month, data / "police_uk" / month.name)
    shutil.move(later / "council_asb.csv", asb / "council_asb_2025-09_to_2026-09.csv")
    _youth_file(data / "brackwell" / "youth_justice")
    # the analyst notes when this cycle's data arrived (the files were copied in just now)
    reg2_path = Path(p2.inputs.data_requests)
    reg2_path.write_text(
        reg2_path.read_text().replace(
            "    due: 2026-10-31\n", "    due: 2026-10-31\n    received: 2026-10-28\n"
        )
    )
    res = reviewkit("run", str(second), "--quiet", env=env)
    assert res.returncode == 0, res.stderr

    out = outputs / BRACKWELL / "c2"
    log2 = pd.read_csv(out / "difficulties_log.csv", dtype=str, keep_default_na=False)
    # carried over: every row of the first cycle's log is still there, with its extra column
    assert set(log1["id"]) <= set(log2["id"]) and "board_note" in log2.columns
    youth = log2[log2["dataset"] == "youth_fte"]
    assert set(youth["status"]) == {"resolved"} and set(youth["resolved_cycle"]) == {"c2"}
    assert (log2.set_index("id").loc["D003", "resolved_cycle"]) == "2025-26"  # untouched
    report = (out / "review_report.html").read_text(encoding="utf-8")
    since = report.split('id="since"')[1].split("<h2")[0]
    assert (
        "First-time entrants to the youth justice system: now received complete (was not "
        "received)" in since
    )
    assert "Difficulty D001 resolved" in since
    assert not re.search(
        r"\b(common_cause|concern_high|concern_low|improvement_high|"
        r"improvement_low|neutral_high|neutral_low)\b",
        since,
    )
    restated = [line for line in since.split("<li>") if line.startswith("Restated: ASB reports")]
    assert len(restated) == 1 and "2025-09" in restated[0] and "(+7)" in restated[0]
    assert "Restated: Anti-social behaviour incidents" not in since  # police data unchanged
    assert "Data gaps from earlier reviews now filled" in report
    gaps = report.split("Data gaps from earlier reviews now filled")[1].split("</ul>")[0]
    assert "First-time entrants to the youth justice system" in gaps  # by name, not id
    assert "youth_fte" not in gaps
    planning = (out / "planning_pack.html").read_text(encoding="utf-8")
    assert "Information required for the next review" in planning
    # next year's due dates, by frequency: police.uk monthly, 30 days after September 2027
    assert "last 30 Oct 2027 (Sep 2027)" in planning
    assert "Cocooning visits around burgled homes" in planning  # a milestone falling due
    # the reviews the gaps' ages count over: the previous_cycle links, whatever the log names
    from reviewkit.store.identity import review_cycles

    assert review_cycles(load_params(second)) == ["c1", "c2"]


def test_new_cycle_moves_the_old_contact_key_to_its_new_name(tmp_path, demo_data):
    old = write_params(tmp_path / "c1.yaml", demo_data, cycle="c1", report={"contact": "Call us"})
    assert load_params(old, check_files=False).report.contact == "Call us"
    target, notes = new_cycle("c2", old)
    written = yaml.safe_load(target.read_text())
    assert written["community"]["contact"] == "Call us"
    assert "contact" not in (written.get("report") or {})
    p = load_params(target, check_files=False)
    assert p.community.contact == "Call us" and p.report.contact is None
    assert "report.contact moved to community.contact, its name now" in notes
    # a contact already under its new name is kept, and nothing is said
    kept, notes = new_cycle("c3", target)
    assert load_params(kept, check_files=False).community.contact == "Call us"
    assert not [n for n in notes if "contact" in n]


def test_new_cycle_quarterly_moves_three_months(tmp_path, demo_data):
    params = write_params(tmp_path / "q1.yaml", demo_data, cycle="q1", cycle_length="quarter")
    target, _notes = new_cycle("q2", params)
    p = load_params(target, check_files=False)
    assert (p.review_period.start, p.review_period.end) == ("2026-01", "2026-12")
    assert p.review_date == dt.date(2027, 2, 20)
