"""The demo partners' extracts, each in its own messy shape: council ASB, fire service,
initiatives' delivery returns and A&E assault attendances."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from reviewkit.demo.force import monthly_expected


def _partner_series(
    rng: np.random.Generator, months: pd.PeriodIndex, base: float, trend: float
) -> np.ndarray:
    return rng.poisson(monthly_expected(months, base, trend))


def write_council_asb(
    rng: np.random.Generator, la: str, months: pd.PeriodIndex, folder: Path, scale: float
) -> None:
    """Council ASB: monthly CSV, UTF-8 with BOM, 'Oct-25' months, a free-text column, and a
    second extract that re-sends (and corrects) the last month of the first."""
    reports = _partner_series(rng, months, 180 * scale, -0.10)
    noise = _partner_series(rng, months, 60 * scale, 0.0)
    table = pd.DataFrame(
        {
            "Reporting month": [m.strftime("%b-%y") for m in months],
            "Council area": la,
            "ASB reports received": reports,
            "Noise complaints": noise,
            "Case officer notes": "see case system",
        }
    )
    cut = list(months).index(pd.Period("2025-09", "M")) + 1
    folder.mkdir(parents=True, exist_ok=True)
    first, second = table.iloc[:cut], table.iloc[cut - 1 :].copy()
    second.iloc[0, second.columns.get_loc("ASB reports received")] += 7  # corrected figure
    first.to_csv(folder / "council_asb_to_2025-09.csv", index=False, encoding="utf-8-sig")
    second.to_csv(folder / "council_asb_2025-09_to_2026-09.csv", index=False, encoding="utf-8-sig")


def write_fire(
    rng: np.random.Generator,
    authorities: list[str],
    months: pd.PeriodIndex,
    path: Path,
    scale: float,
) -> None:
    """Fire service: one XLSX for the whole service, title rows above the header, Excel dates,
    a merged title cell, and a note row under the table."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliberate fires"
    ws.append(["Northshire Fire and Rescue Service"])
    ws.append(["Deliberate fires by local authority (incident recording system extract)"])
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(
        ["Month", "Local authority", "Primary deliberate fires", "Secondary deliberate fires"]
    )
    for la in authorities:
        prim = _partner_series(rng, months, 4 * scale, 0.0)
        sec = _partner_series(rng, months, 22 * scale, -0.06)
        for m, a, b in zip(months, prim, sec, strict=True):
            ws.append([dt.datetime(m.year, m.month, 1), la, int(a), int(b)])
    ws.append([])
    ws.append(["Source: IRS. Figures for the latest month are provisional."])
    other = wb.create_sheet("Notes")
    other.append(["Definitions follow the Home Office fire statistics guidance."])
    wb.properties.created = dt.datetime(2026, 10, 20)
    wb.properties.modified = dt.datetime(2026, 10, 20)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# Initiatives' monthly delivery returns: (column, measure's monthly mean, first month). The
# means are set so the demo shows each reading: joint patrols and school sessions on plan,
# homes secured behind it, diversion referrals from a scheme that began in April 2026.
DELIVERY = (
    ("Joint patrols", 21.0, "2024-10"),
    ("School sessions", 5.2, "2025-01"),
    ("Homes secured", 11.0, "2025-04"),
    ("Diversion referrals", 8.0, "2026-04"),
)


def write_delivery(seed: int, la: str, months: pd.PeriodIndex, path: Path) -> None:
    """The council community safety team's delivery returns for the initiatives: one CSV row
    per month, a column per output measure; nothing delivered before a scheme began (a real
    zero, not a gap). Its own random stream, so the other demo files do not move with it."""
    rng = np.random.default_rng([seed, sum(la.encode())])
    shown = months[months >= pd.Period("2024-10", "M")]
    table = pd.DataFrame({"Month": [m.strftime("%b %Y") for m in shown], "Area": la})
    for column, mean, first in DELIVERY:
        started = np.array([m >= pd.Period(first, "M") for m in shown])
        table[column] = np.where(started, rng.poisson(mean, len(shown)), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, encoding="utf-8")


def write_ae(rng: np.random.Generator, authorities: list[str], path: Path, scale: float) -> None:
    """A&E assault attendances: quarterly CSV in Windows-1252 with its own column names; the
    latest quarter (July to September 2026) has not arrived."""
    rows = []
    quarters = pd.period_range("2023-04", "2026-06", freq="M")[::3]
    for la in authorities:
        vals = rng.poisson(monthly_expected(quarters, 95 * scale, -0.03))
        for q, v in zip(quarters, vals, strict=True):
            fy = q.year if q.month >= 4 else q.year - 1
            fq = (q.month - 4) % 12 // 3 + 1
            rows.append(
                {
                    "Qtr": f"{fy}/{str(fy + 1)[-2:]} Q{fq}",
                    "Local Authority": la,
                    "Assault attendances (ED)": int(v),
                    "Trust comment": "Provisional – Northshire NHS Trust © 2026",
                }
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False, encoding="cp1252")
