"""Property-based tests: for generated tables, every row is accounted for and totals are kept
through aggregation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewkit.analysis.indicators import police_counts, police_rows, to_periods
from reviewkit.inputs.register import TableSource
from reviewkit.inputs.strategy import Filter
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.partner import read_table_dataset
from reviewkit.intake.policeuk import read_police

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MONTHS = [str(m) for m in pd.period_range("2023-01", "2027-03", freq="M")]
periods = st.one_of(st.sampled_from(MONTHS), st.sampled_from(["", "soon", "2026-13", "Jan-26"]))
values = st.one_of(st.integers(0, 500).map(str), st.sampled_from(["", "x", "-1", "1,200"]))
areas = st.sampled_from(["Brackwell", "Dunmere", "", "Total", "BRACKWELL"])
rows = st.lists(st.tuples(periods, areas, values), max_size=40)


@SETTINGS
@given(rows)
def test_partner_rows_are_all_accounted_for(data):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "x.csv"
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["Month", "Area", "Reports"])
        w.writerows(data)
        f.write_text(buf.getvalue())
        source = TableSource.model_validate(
            {
                "kind": "table",
                "path": "x",
                "period_column": "Month",
                "area_column": "Area",
                "measures": {"Reports": "r"},
            }
        )
        res = read_table_dataset(
            "d", source, [f], AreaMatcher(["Brackwell"]), dt.date(2026, 11, 20)
        )
    (acc,) = res.accounts
    nonblank = sum(1 for r in data if any(c.strip() for c in r))
    assert acc.rows_read == nonblank
    assert acc.balanced
    assert acc.accepted == len(res.tidy)
    assert len(res.quarantine) == acc.quarantined
    # nothing accepted is outside the area, negative or after the review date
    assert (res.tidy["value"] >= 0).all()
    assert (res.tidy["period_start"] <= "2026-11").all()
    assert set(res.tidy["area"].str.lower()) <= {"brackwell"}


HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
street_rows = st.lists(
    st.tuples(
        st.sampled_from(["2026-01", "2026-02", "", "bad"]),
        st.sampled_from(
            [
                ("E01", "Brackwell 001A"),
                ("E02", "The Brackwell 002A"),
                ("E09", "Dunmere 001A"),
                ("", ""),
            ]
        ),
        st.sampled_from(["Burglary", "Drugs", "Violent crime", "Anti-social behaviour", "Zzz", ""]),
    ),
    max_size=60,
)


@SETTINGS
@given(street_rows)
def test_police_rows_are_all_accounted_for(data):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "2026-01-x-street.csv"
        lines = [HEADER] + [f",{m},F,F,,,,{code},{name},{t},," for m, (code, name), t in data]
        f.write_text("\r\n".join(lines) + "\r\n")
        res = read_police("s", "police_uk_street", [f], AreaMatcher(["Brackwell"]))
    t = res.totals()
    assert t["rows_read"] == len(data)
    assert all(a.balanced for a in res.accounts)
    assert (int(res.tidy["n"].sum()) if len(res.tidy) else 0) == t["accepted"]
    inside = sum(
        1
        for m, (code, _), ct in data
        if m == "2026-01"
        and code in ("E01", "E02")
        and ct in ("Burglary", "Drugs", "Violent crime", "Anti-social behaviour")
    )
    assert t["accepted"] == inside


monthly = st.dictionaries(st.sampled_from(MONTHS[:36]), st.integers(0, 1000), min_size=1)


@SETTINGS
@given(monthly, st.sampled_from(["quarter", "financial_year"]))
def test_aggregation_keeps_totals(counts, period_type):
    frame = pd.DataFrame(
        {
            "period_start": sorted(counts),
            "num": [float(counts[m]) for m in sorted(counts)],
            "den": float("nan"),
        }
    )
    out = to_periods(frame, "month", period_type)
    length = 3 if period_type == "quarter" else 12
    # every whole period's total is the sum of its months; partial periods are left out
    used = 0.0
    for start, total in zip(out["period_start"], out["num"], strict=True):
        months = [str(p) for p in pd.period_range(start, periods=length, freq="M")]
        assert all(m in counts for m in months)
        assert total == sum(counts[m] for m in months)
        used += total
    assert used <= sum(counts.values())


POLICE_TYPES = ["Burglary", "Drugs", "Anti-social behaviour"]
POLICE_OUTCOMES = ["", "Under investigation", "Unable to prosecute suspect"]
police_table = st.lists(
    st.tuples(
        st.sampled_from(MONTHS[:4]),
        st.sampled_from(["E01", "E02", "E03"]),
        st.sampled_from(POLICE_TYPES),
        st.sampled_from(POLICE_OUTCOMES),
        st.integers(1, 50),
    ),
    max_size=40,
)
police_filter = st.builds(
    Filter,
    crime_types=st.none() | st.just("all") | st.lists(st.sampled_from(POLICE_TYPES), min_size=1),
    outcome_categories=st.none() | st.lists(st.sampled_from(POLICE_OUTCOMES), min_size=1),
)


@SETTINGS
@given(police_table, police_filter)
def test_police_counts_keep_every_filter_and_month_total(data, flt):
    """Counted without the area, a police table gives each filter the same total per month as
    its rows do: summed here row by row, independently of pandas' grouping."""
    table = pd.DataFrame(
        data, columns=["month", "lsoa_code", "crime_type", "outcome_category", "n"]
    ).astype({"n": "int64"})
    kept_types = flt.crime_type_set()
    expected: dict[str, int] = {}
    for month, _area, crime_type, outcome, n in data:
        if kept_types is not None and crime_type not in kept_types:
            continue
        if flt.outcome_categories is not None and outcome not in flt.outcome_categories:
            continue
        expected[month] = expected.get(month, 0) + n
    counted = police_rows(police_counts(table), flt)
    got = counted.groupby("month")["n"].sum()
    assert {m: int(v) for m, v in got.items() if v} == expected
    assert sorted(set(police_counts(table)["month"])) == sorted({row[0] for row in data})


FOLDER_MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
month_plan = st.fixed_dictionaries(
    {
        m: st.tuples(
            st.integers(1, 6),  # records that month
            st.sampled_from(
                ["kept", "missing", "copied", "copied as next month", "mislabelled", "cut short"]
            ),
        )
        for m in FOLDER_MONTHS
    }
)


@settings(max_examples=40, deadline=None)
@given(month_plan)
def test_generated_police_folders_never_count_a_month_twice(plan):
    """A police.uk folder with months missing, copied (under another name, folder or month),
    mislabelled (rows saying another month) or cut short: every month counted is counted once
    and in full, and every month that cannot be trusted is missing, never guessed."""
    from reviewkit.inputs.register import walk_files

    def rows(month: str, n: int, said: str) -> bytes:
        lines = [HEADER] + [
            f"{month}-{k},{said},F,F,,,,E01,Brackwell 001A,Drugs,," for k in range(n)
        ]
        return ("\r\n".join(lines) + "\r\n").encode()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected: dict[str, int] = {}
        for i, month in enumerate(FOLDER_MONTHS):
            n, fate = plan[month]
            if fate == "missing":
                continue
            said = FOLDER_MONTHS[(i + 1) % len(FOLDER_MONTHS)] if fate == "mislabelled" else month
            data = rows(month, n, said)
            if fate == "cut short":
                data = data[:-7]
            f = root / month / f"{month}-northshire-street.csv"
            f.parent.mkdir()
            f.write_bytes(data)
            if fate in ("kept", "copied", "copied as next month"):
                expected[month] = n
            if fate == "copied":
                (root / "extra").mkdir(exist_ok=True)
                (root / "extra" / f"{month}-northshire_copy-street.csv").write_bytes(data)
            if fate == "copied as next month" and i + 1 < len(FOLDER_MONTHS):
                nxt = FOLDER_MONTHS[i + 1]
                if plan[nxt][1] == "missing":  # fills the gap the next month left
                    (root / nxt).mkdir()
                    (root / nxt / f"{nxt}-northshire-street.csv").write_bytes(data)
        files = walk_files(root)
        res = read_police("s", "police_uk_street", files, AreaMatcher(["Brackwell"]))
    got = res.tidy.groupby("month")["n"].sum().to_dict() if res.tidy is not None else {}
    assert got == expected
    assert all(a.balanced for a in res.accounts)
    assert res.totals()["rows_read"] == sum(a.rows_read for a in res.accounts)
