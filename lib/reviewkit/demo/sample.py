"""Synthetic, deterministic demo data: a fictional force, its partnerships and partner files.

`reviewkit sample DIR` writes data.police.uk-format street and outcomes files for the force
of Northshire (monthly folders), partner extracts in their own messy shapes, population
figures, and for each partnership a strategy, data request register and difficulties log.
Everything is fictional; the same seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reviewkit.demo import reassessment_inputs
from reviewkit.demo.place_names import write_place_names

FORCE = "northshire"
FORCE_NAME = "Northshire Police"
AUTHORITIES = [
    "Brackwell",
    "Ashbourne",
    "Cranmoor",
    "Eastmere",
    "Fenwick",
    "Galloway Vale",
    "Highcombe",
    "Ironbridge",
    "Juniper Dales",
    "Kingsholme",
]
NEIGHBOUR = "Dunmere"  # LSOAs in the force's files that belong to no partnership
FIRST_MONTH = pd.Period("2023-01", "M")
LAST_MONTH = pd.Period("2026-09", "M")
STRATEGY_START = pd.Period("2024-10", "M")
# Share of police.uk records by type, roughly as in an English force.
MIX = {
    "Anti-social behaviour": 0.20,
    "Bicycle theft": 0.010,
    "Burglary": 0.045,
    "Criminal damage and arson": 0.080,
    "Drugs": 0.025,
    "Other crime": 0.025,
    "Other theft": 0.065,
    "Possession of weapons": 0.010,
    "Public order": 0.080,
    "Robbery": 0.010,
    "Shoplifting": 0.075,
    "Theft from the person": 0.012,
    "Vehicle crime": 0.050,
    "Violence and sexual offences": 0.313,
}
# Yearly change after the strategy started, by crime type (the demo's "story").
# Changes in recording, force-wide from one month (as police.uk data show when a force
# changes how it records or publishes a type): the demo's data quality page flags them. Each
# crime type's level is multiplied by the factor of the latest of its months reached: a
# tripling, a dip that returns (a recording audit, then a correction) and two steps.
RECORDING_CHANGES: dict[str, list[tuple[pd.Period, float]]] = {
    "Criminal damage and arson": [(pd.Period("2025-04", "M"), 3.0)],
    "Other theft": [(pd.Period("2024-04", "M"), 0.4), (pd.Period("2024-10", "M"), 1.0)],
    "Public order": [(pd.Period("2023-10", "M"), 2.2), (pd.Period("2025-07", "M"), 5.0)],
}
# Possession of weapons rises and no indicator of the demo strategy follows it, so the board
# report's "what the strategy does not cover" has something to show.
TREND = {
    "Anti-social behaviour": -0.14,
    "Shoplifting": 0.12,
    "Burglary": -0.05,
    "Possession of weapons": 0.35,
}
FORCE_CENTRE = (52.6, -1.2)  # latitude, longitude of the fictional force
SNAP_POINTS = 6  # police.uk places each record at one of a few anonymised points per area
OUTCOMES = [
    ("Investigation complete; no suspect identified", 0.44),
    ("Unable to prosecute suspect", 0.24),
    ("Under investigation", 0.08),
    ("Awaiting court outcome", 0.06),
    ("Local resolution", 0.05),
    ("Offender given a caution", 0.03),
    ("Court result unavailable", 0.03),
    ("Further investigation is not in the public interest", 0.03),
    ("Status update unavailable", 0.04),
]
CHARGE_OUTCOMES = ["Awaiting court outcome", "Court result unavailable"]


def slug(name: str) -> str:
    """A name as a folder or file name: lower case, spaces as underscores."""
    return name.lower().replace(" ", "_")


def _lsoas(rng: np.random.Generator, n_partnerships: int) -> pd.DataFrame:
    rows = []
    code = 1_030_000
    for k, la in enumerate(AUTHORITIES[:n_partnerships] + [NEIGHBOUR]):
        count = 30 if la == NEIGHBOUR else 70 + 10 * (k % 3)
        for i in range(count):
            code += 1
            letter = "ABCDE"[i % 5]
            rows.append(
                {
                    "lsoa_code": f"E0{code}",
                    "lsoa_name": f"{la} {i // 5 + 1:03d}{letter}",
                    "authority": la,
                    "weight": rng.gamma(2.0, 1.0),
                }
            )
    return _places(pd.DataFrame(rows))


def _places(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Where each LSOA is: authorities laid out as towns across the force, each LSOA a
    neighbourhood near its town centre (busier LSOAs nearer the centre), with a few anonymised
    map points inside it, as police.uk publishes. A generator of its own, so the records'
    random stream is not disturbed."""
    geo = np.random.default_rng(7)
    lat0, lon0 = FORCE_CENTRE
    out = lsoas.copy()
    lat, lon = np.zeros(len(out)), np.zeros(len(out))
    for k, la in enumerate(dict.fromkeys(out["authority"])):
        mask = (out["authority"] == la).to_numpy()
        c_lat = lat0 + 0.16 * ((k // 4) - 1) + geo.normal(0, 0.01)
        c_lon = lon0 + 0.24 * ((k % 4) - 1.5) + geo.normal(0, 0.01)
        w = out.loc[mask, "weight"].to_numpy()
        spread = 0.035 / np.sqrt(w / w.mean() + 0.3)  # busy LSOAs are central and small
        angle = geo.uniform(0, 2 * np.pi, mask.sum())
        radius = np.abs(geo.normal(0, 1, mask.sum())) * spread
        lat[mask] = c_lat + radius * np.sin(angle)
        lon[mask] = c_lon + radius * np.cos(angle) * 1.6
    out["lat"], out["lon"] = lat, lon
    points = geo.normal(0, 1, (len(out), SNAP_POINTS, 2)) * np.array([0.002, 0.003])
    out["snap_lat"] = list(np.round(lat[:, None] + points[:, :, 0], 6))
    out["snap_lon"] = list(np.round(lon[:, None] + points[:, :, 1], 6))
    return out


def _monthly_expected(months: pd.PeriodIndex, per_month: float, trend: float) -> np.ndarray:
    seasonal = 1 + 0.12 * np.sin(2 * np.pi * (months.month.to_numpy() - 4) / 12)
    after = np.array([max((m - STRATEGY_START).n, 0) for m in months]) / 12
    return per_month * seasonal * (1 + trend) ** after


def recording_factor(crime_type: str, month: pd.Period) -> float:
    """The factor a change in recording puts on a crime type's level in a month."""
    factor = 1.0
    for start, f in RECORDING_CHANGES.get(crime_type, []):
        if month >= start:
            factor = f
    return factor


def _crime_ids(seed: int, n: int, salt: str) -> list[str]:
    return [hashlib.sha256(f"{seed}-{salt}-{i}".encode()).hexdigest() for i in range(n)]


def generate_street_month(
    rng: np.random.Generator,
    lsoas: pd.DataFrame,
    month: pd.Period,
    per_month: float,
    n_partnerships: int,
    seed: int,
) -> pd.DataFrame:
    """One month of street-level rows for the whole force, in police.uk's column order."""
    frames = []
    volume = {la: 1.0 + 0.15 * ((k % 3) - 1) for k, la in enumerate(AUTHORITIES)}
    volume[NEIGHBOUR] = 0.06 * n_partnerships  # a strip of a neighbouring area
    months = pd.PeriodIndex([month])
    for la in AUTHORITIES[:n_partnerships] + [NEIGHBOUR]:
        area = lsoas[lsoas["authority"] == la]
        p = area["weight"].to_numpy() / area["weight"].sum()
        for ctype, share in MIX.items():
            expected = _monthly_expected(
                months, per_month * volume[la] * share, TREND.get(ctype, 0.0)
            )
            expected = expected * recording_factor(ctype, month)
            total = int(rng.poisson(expected)[0])
            idx = rng.choice(len(area), size=total, p=p)
            frames.append(
                pd.DataFrame(
                    {
                        "lsoa": area["lsoa_code"].to_numpy()[idx],
                        "LSOA name": area["lsoa_name"].to_numpy()[idx],
                        "Crime type": ctype,
                        "_row": area.index.to_numpy()[idx],
                    }
                )
            )
    df = pd.concat(frames, ignore_index=True)
    n = len(df)
    df["Month"] = str(month)
    no_loc = rng.random(n) < 0.03
    df["LSOA code"] = np.where(no_loc, "", df["lsoa"])
    df["LSOA name"] = np.where(no_loc, "", df["LSOA name"])
    # one of the LSOA's anonymised map points (the two draws as before keep the stream)
    pick = (np.abs(rng.normal(0, 1, n)) * 1000).astype(int) % SNAP_POINTS
    rng.normal(0, 1, n)
    rows_idx = df["_row"].to_numpy()
    snap_lat = np.stack(lsoas["snap_lat"].to_numpy())
    snap_lon = np.stack(lsoas["snap_lon"].to_numpy())
    lat = snap_lat[rows_idx, pick]
    lon = snap_lon[rows_idx, pick]
    df["Longitude"] = np.where(no_loc, "", lon.astype(str))
    df["Latitude"] = np.where(no_loc, "", lat.astype(str))
    streets = np.array(
        [
            "On or near High Street",
            "On or near Station Road",
            "On or near Park Lane",
            "On or near Supermarket",
            "On or near Nightclub",
            "On or near Church Street",
            "On or near ",
        ]
    )
    df["Location"] = np.where(no_loc, "No Location", streets[rng.integers(0, len(streets), n)])
    asb = (df["Crime type"] == "Anti-social behaviour").to_numpy()
    names, probs = zip(*OUTCOMES, strict=True)
    probs = np.array(probs) / sum(probs)
    df["Last outcome category"] = np.where(
        asb, "", np.array(names)[rng.choice(len(names), n, p=probs)]
    )
    df = df.sort_values(["Crime type", "lsoa"], kind="stable", ignore_index=True)
    ids = _crime_ids(seed, n, f"street-{month}")
    df["Crime ID"] = np.where(df["Crime type"] == "Anti-social behaviour", "", ids)
    df["Reported by"] = FORCE_NAME
    df["Falls within"] = FORCE_NAME
    df["Context"] = ""
    cols = [
        "Crime ID",
        "Month",
        "Reported by",
        "Falls within",
        "Longitude",
        "Latitude",
        "Location",
        "LSOA code",
        "LSOA name",
        "Crime type",
        "Last outcome category",
        "Context",
    ]
    return df[cols]


def write_police_month(rows: pd.DataFrame, rng: np.random.Generator, folder: Path) -> None:
    """One month's data.police.uk files in the month's folder: the street file as given
    (CRLF line ends), and an outcomes file for a random 60% of the crimes with an id."""
    month = rows["Month"].iloc[0]
    d = folder / month
    d.mkdir(parents=True, exist_ok=True)
    rows.to_csv(d / f"{month}-{FORCE}-street.csv", index=False, lineterminator="\r\n")
    crimes = rows[rows["Crime ID"] != ""]
    out = crimes.sample(frac=0.6, random_state=int(rng.integers(1 << 30)))
    out = out.assign(**{"Outcome type": out["Last outcome category"]})
    out[
        [
            "Crime ID",
            "Month",
            "Reported by",
            "Falls within",
            "Longitude",
            "Latitude",
            "Location",
            "LSOA code",
            "LSOA name",
            "Outcome type",
        ]
    ].assign(Location=lambda f: f["Location"].str.replace("No Location", "No location")).to_csv(
        d / f"{month}-{FORCE}-outcomes.csv", index=False
    )


def _partner_series(
    rng: np.random.Generator, months: pd.PeriodIndex, base: float, trend: float
) -> np.ndarray:
    return rng.poisson(_monthly_expected(months, base, trend))


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
        vals = rng.poisson(_monthly_expected(quarters, 95 * scale, -0.03))
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


def write_population(authorities: list[str], path: Path) -> None:
    """Population and households for each authority and the neighbour, 2022 to 2026, rising
    0.4% a year, so rates per 1,000 can be worked out."""
    rows = []
    for k, la in enumerate(authorities + [NEIGHBOUR]):
        base = 120_000 + 15_000 * (k % 4)
        for year in range(2022, 2027):
            pop = int(base * (1.004 ** (year - 2022)))
            rows.append(
                {"area": la, "year": year, "population": pop, "households": int(pop / 2.35)}
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


# the force's other authorities, then partnerships of other forces alike enough to compare
PEER_NAMES = [
    *AUTHORITIES[1:],
    "Larkspur",
    "Millbrook",
    "Northwold",
    "Oakhaven",
    "Pennington",
    "Queensferry",
]


def write_peers(
    rng: np.random.Generator, window: dict[tuple[str, str], int], authorities: list[str], path: Path
) -> None:
    """A most-similar-group table (15 partnerships) for the 12 months to September 2026: each
    generated partnership's own counts (`window`: (authority, crime type) -> records), and
    fictional peers around them."""
    pop = {la: 120_000 + 15_000 * (k % 4) for k, la in enumerate(authorities + [NEIGHBOUR])}
    rows: list[dict[str, Any]] = []
    measures = {
        "violence_rate": ("Violence and sexual offences", 1.0),
        "burglary_rate": ("Burglary", 1 / 2.35),
    }  # households: residents / 2.35
    for measure, (ctype, share) in measures.items():
        for la in authorities:
            residents = int(pop[la] * 1.004**4)  # the 2026 estimate, as write_population
            denominator = residents if share == 1.0 else int(residents / 2.35)
            rows.append(
                {
                    "partnership": f"{la} Community Safety Partnership",
                    "period": "2026-09",
                    "measure": measure,
                    "count": int(window.get((la, ctype), 0)),
                    "population": denominator,
                }
            )
        base = float(
            np.mean([r["count"] / r["population"] for r in rows if r["measure"] == measure])
        )
        for name in [n for n in PEER_NAMES if n not in authorities][: 15 - len(authorities)]:
            denominator = int(rng.integers(80_000, 260_000) * share)
            rate = base * rng.lognormal(0, 0.18)
            rows.append(
                {
                    "partnership": f"{name} Community Safety Partnership",
                    "period": "2026-09",
                    "measure": measure,
                    "count": int(rng.poisson(rate * denominator)),
                    "population": denominator,
                }
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


def _template(name: str) -> str:
    return (
        resources.files("reviewkit").joinpath("templates", "demo", name).read_text(encoding="utf-8")
    )


def strategy_yaml(partnership: str) -> str:
    """The demo strategy for a partnership, from its template, with the outcomes counted as
    a charge filled in."""
    return _template("strategy.yaml").format(
        partnership=partnership, charge=", ".join(f'"{o}"' for o in CHARGE_OUTCOMES)
    )


def register_yaml(root: str, la: str) -> str:
    """The demo data request register for a local authority, its paths under `root`."""
    return _template("data_requests.yaml").format(root=root, la_slug=slug(la), la=la)


def difficulties_csv() -> str:
    """The demo difficulties log, as its template gives it."""
    return _template("difficulties_log.csv")


def generate(
    folder: Path, rows: int | None = None, partnerships: int = 3, seed: int = 20261126
) -> dict[str, object]:
    """Write the demo data set under `folder`; return a summary (files, rows)."""
    if not 1 <= partnerships <= len(AUTHORITIES):
        raise ValueError(f"partnerships must be 1 to {len(AUTHORITIES)}")
    rng = np.random.default_rng(seed)
    months = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M")
    per_month = 2000.0 if rows is None else rows / (len(months) * partnerships * 1.02)
    scale = per_month / 2000.0
    authorities = AUTHORITIES[:partnerships]
    lsoas = _lsoas(rng, partnerships)
    window: dict[tuple[str, str], int] = {}  # the peers' 12 months, by authority and type
    street_rows = 0
    id_seed = int(rng.integers(1 << 30))
    for month in months:  # one month at a time: national volumes never sit in memory at once
        street = generate_street_month(rng, lsoas, month, per_month, partnerships, id_seed)
        write_police_month(street, rng, folder / "police_uk")
        street_rows += len(street)
        if pd.Period("2025-10", "M") <= month <= pd.Period("2026-09", "M"):
            la = street["LSOA name"].str.replace(r" \d{3}[A-Z]$", "", regex=True)
            for (a, t), n in street.groupby([la, street["Crime type"]]).size().items():
                window[(a, t)] = window.get((a, t), 0) + int(n)
    write_fire(
        rng,
        authorities + [NEIGHBOUR],
        months,
        folder / "fire" / "deliberate_fires_2023-01_to_2026-09.xlsx",
        max(scale, 0.05),
    )
    write_ae(rng, authorities, folder / "health" / "ae_assault_attendances.csv", max(scale, 0.05))
    write_population(authorities, folder / "reference" / "population.csv")
    write_peers(rng, window, authorities, folder / "reference" / "peers.csv")
    lsoas[lsoas["authority"] != NEIGHBOUR][["lsoa_code", "lsoa_name"]].to_csv(
        folder / "reference" / "lsoas.csv", index=False
    )
    write_place_names(
        lsoas[lsoas["authority"] != NEIGHBOUR], folder / "reference" / "msoa_names.csv"
    )
    rel = folder.as_posix()
    for la in authorities:
        d = folder / slug(la)
        write_council_asb(rng, la, months, d / "council_asb", max(scale, 0.05))
        write_delivery(seed, la, months, d / "delivery" / "initiative_delivery_returns.csv")
        (d / "strategy.yaml").write_text(
            strategy_yaml(f"{la} Community Safety Partnership"), encoding="utf-8"
        )
        (d / "data_requests.yaml").write_text(register_yaml(rel, la), encoding="utf-8")
        (d / "difficulties_log.csv").write_text(difficulties_csv(), encoding="utf-8")
    reassessment_inputs.write(
        folder, {f"{la} Community Safety Partnership": folder / slug(la) for la in authorities}
    )
    return {
        "folder": str(folder),
        "street_rows": street_rows,
        "months": len(months),
        "partnerships": authorities,
    }
