"""The receipt record read with a schema: a bad row is named by file and line and set aside
(never a traceback, never a file re-dated to today); dates in the forms spreadsheets write are
read or refused with a message; impossible received dates are flagged, not used."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from conftest import write_params
from reviewkit.intake.completeness import impossible_date
from reviewkit.run.preflight import check_cycle
from reviewkit.store.receipts import (
    first_seen,
    parse_day,
    read_receipts,
    received,
    record_dates,
)

TODAY = dt.date(2026, 11, 25)


@pytest.fixture()
def receipts(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "receipts.csv"
    monkeypatch.setenv("REVIEWKIT_RECEIPTS", str(path))
    monkeypatch.setenv("REVIEWKIT_CACHE", "off")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026-03-05 00:00:00", dt.date(2026, 3, 5)),
        ("2026-03-05T14:02:11", dt.date(2026, 3, 5)),
        ("2026/03/05", dt.date(2026, 3, 5)),
        ("05/03/2026", dt.date(2026, 3, 5)),  # Excel in a UK locale: day first
        ("5/3/2026", dt.date(2026, 3, 5)),
        ("05/03/2026 00:00", dt.date(2026, 3, 5)),
        ("05-03-2026", dt.date(2026, 3, 5)),
        ("05.03.2026", dt.date(2026, 3, 5)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_dates_in_the_forms_spreadsheets_write_are_read(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("05/03/26", "two-digit year"),
        ("03/15/2026", "month/day/year"),
        ("31/02/2026", "not a real date"),
        ("29/02/2026", "not a real date"),
        ("March 5th", "not a date in a form"),
        ("", "empty"),
        ("46000", "not a date in a form"),
    ],
)
def test_other_dates_are_refused_with_a_message(text, says):
    with pytest.raises(ValueError, match=says):
        parse_day(text)


def test_a_bad_row_is_named_and_set_aside_never_a_traceback(tmp_path, receipts):
    """Case 4: one malformed row (too short: `first_seen` is missing, which made
    `fromisoformat` raise a TypeError) is set aside with its file and line; the others are
    read, the dd/mm/yyyy ones as dates."""
    good, short, uk, future, nonsense = (f"{c * 64}" for c in "abcde")
    receipts.write_text(
        "sha256,first_seen,file,source\n"
        f"{good},2026-10-01,a.csv,first seen\n"
        f"{short}\n"
        f"{uk},05/10/2026,b.csv,first seen\n"
        "\n"
        f"{future},2031-01-15,c.csv,first seen\n"
        "not-a-digest,2026-10-01,d.csv,first seen\n"
        f"{nonsense},yesterday,e.csv,first seen\n"
    )
    book = read_receipts(receipts, TODAY)
    assert book.dates == {good: dt.date(2026, 10, 1), uk: dt.date(2026, 10, 5)}
    lines = {p.split(":", 2)[0].rsplit(" ", 1)[-1]: p for p in book.problems}
    assert sorted(lines) == ["3", "6", "7", "8"]  # file lines, header = line 1
    assert all(p.startswith(f"{receipts} line ") and "set aside" in p for p in book.problems)
    assert "empty" in lines["3"] and "after today" in lines["6"]
    assert "fingerprint" in lines["7"] and "yesterday" in lines["8"]
    assert set(book.unreadable) == {short, future, nonsense}


def test_a_file_whose_row_was_set_aside_is_not_re_dated_to_today(tmp_path, receipts):
    """Rows re-saved badly used to be dropped and their files dated today, which then read as
    'received after the review date'. Its date is now unknown, and nothing is appended."""
    a = tmp_path / "a.csv"
    a.write_text("Month,Reports\n2026-01,3\n")
    receipts.write_text(f"sha256,first_seen,file,source\n{_sha(a)},5/3/26,a.csv,first seen\n")
    before = receipts.read_bytes()
    assert first_seen([a], today=TODAY) == {a: None}
    assert received(None, [a], today=TODAY) == (None, "")
    assert receipts.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02binary" * 50, b"hash,date\nx,y\n", "sha256,first_seen\n".encode("utf-16")],
    ids=["binary", "wrong header", "utf-16"],
)
def test_a_record_that_is_not_one_is_named_and_never_appended_to(tmp_path, receipts, content):
    a = tmp_path / "a.csv"
    a.write_text("x\n")
    receipts.write_bytes(content)
    book = read_receipts(receipts, TODAY)
    if content.startswith(b"\xff\xfe"):  # a UTF-16 record is read (it has no rows)
        assert book.usable and not book.problems
        return
    assert not book.usable and book.problems[0].startswith(str(receipts))
    assert first_seen([a], today=TODAY) == {a: None}
    assert record_dates([a], dt.date(2026, 10, 1), "register") == 0
    assert receipts.read_bytes() == content


def test_the_register_never_records_a_date_in_the_future(tmp_path, receipts):
    a = tmp_path / "a.csv"
    a.write_text("x\n")
    assert record_dates([a], dt.date.today() + dt.timedelta(days=30), "register") == 0
    assert not receipts.exists()


@pytest.mark.parametrize(
    ("got", "periods", "says"),
    [
        (dt.date(2019, 1, 1), ["2026-01", "2026-02"], "before the data it holds (February 2026)"),
        (TODAY + dt.timedelta(days=1), ["2026-01"], "after today"),
        (dt.date(2026, 2, 1), ["2026-01", "2026-02"], None),  # the day its newest month began
        (dt.date(2026, 3, 2), ["2026-01"], None),
    ],
)
def test_impossible_received_dates_are_flagged(got, periods, says):
    why = impossible_date(got, periods, TODAY)
    assert (why is None) if says is None else (says in (why or ""))


def test_check_names_the_bad_row_and_the_impossible_date(tmp_path, demo_data, receipts):
    """End to end through `check`: the register's receipt of 2019 for files of 2026 is flagged
    and not used; a truncated row of the record is named by file and line, and its files'
    received date is unknown (not today)."""
    register = (demo_data / "brackwell" / "data_requests.yaml").read_text()
    assert "received: 2026-10-28" in register and "received: 2026-10-25" in register
    mine = tmp_path / "data_requests.yaml"
    mine.write_text(
        register.replace("received: 2026-10-28", "received: 2019-01-01").replace(
            "    received: 2026-10-25\n", ""
        )
    )
    params = write_params(tmp_path / "p.yaml", demo_data)
    params.write_text(
        params.read_text().replace(str(demo_data / "brackwell" / "data_requests.yaml"), str(mine))
    )
    check_cycle(params)  # records the council's files as first seen today
    rows = receipts.read_text().splitlines()
    council = [i for i, r in enumerate(rows) if "council_asb" in r]
    assert council
    rows[council[0]] = rows[council[0]].split(",")[0]  # truncated: no first_seen
    receipts.write_text("\n".join(rows) + "\n")
    ok, lines = check_cycle(params)
    text = "\n".join(lines)
    assert not ok and "Traceback" not in text
    line = council[0] + 1
    assert f"{receipts} line {line}: first_seen: the date is empty; row set aside" in text
    assert "received 01 January 2019 is before the data it holds" in text
    assert "correct 'received' in the data request register" in text
    council_line = next(x for x in lines if "council_asb:" in x and "rows accepted" in x)
    assert "date unknown" in council_line and "received 2026" not in council_line


def test_an_impossible_register_date_is_not_written_into_the_record(tmp_path, demo_data, receipts):
    register = (demo_data / "brackwell" / "data_requests.yaml").read_text()
    mine = tmp_path / "data_requests.yaml"
    mine.write_text(register.replace("received: 2026-10-28", "received: 2019-01-01"))
    params = write_params(tmp_path / "p.yaml", demo_data)
    params.write_text(
        params.read_text().replace(str(demo_data / "brackwell" / "data_requests.yaml"), str(mine))
    )
    check_cycle(params)
    assert "2019-01-01" not in receipts.read_text()  # next cycle would inherit it
