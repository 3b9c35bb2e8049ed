"""The demo force's police.uk files: its LSOAs and their map points, and each month's street
and outcomes files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from reviewkit.demo.force import (
    AUTHORITIES,
    FORCE,
    FORCE_CENTRE,
    FORCE_NAME,
    MIX,
    NEIGHBOUR,
    OUTCOMES,
    SNAP_POINTS,
    TREND,
    monthly_expected,
    recording_factor,
)

# data.police.uk's columns: the street file's, and the outcomes file's (the same record
# columns, then the outcome in place of crime type, last outcome and context)
STREET_COLUMNS = [
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
OUTCOME_COLUMNS = [*STREET_COLUMNS[:9], "Outcome type"]


def make_lsoas(rng: np.random.Generator, n_partnerships: int) -> pd.DataFrame:
    """The LSOAs of the first `n_partnerships` authorities and of the neighbour, with each
    one's weight (how busy it is) and where it is (`_places`)."""
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
            expected = monthly_expected(
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
    return df[STREET_COLUMNS]


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
    out[OUTCOME_COLUMNS].assign(
        Location=lambda f: f["Location"].str.replace("No Location", "No location")
    ).to_csv(d / f"{month}-{FORCE}-outcomes.csv", index=False)
