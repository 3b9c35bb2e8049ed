"""Synthetic, deterministic demo data: a fictional force, its partnerships and partner files.

`reviewkit sample DIR` writes data.police.uk-format street and outcomes files for the force
of Northshire (monthly folders), partner extracts in their own messy shapes, population
figures, and for each partnership a strategy, data request register and difficulties log.
Everything is fictional; the same seed gives the same bytes.

Built in rooms of one job each: `force` (the fictional force: authorities, months, crime mix,
trends, recording changes), `street` (police.uk street and outcomes files), `partners` (the
partners' extracts), `reference` (population and peers) and `templates` (each partnership's
strategy, register and difficulties log); `generate` here writes them all in one random
stream, in the same order, so the same seed gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from reviewkit.demo import reassessment_inputs
from reviewkit.demo.force import (
    AUTHORITIES,
    CHARGE_OUTCOMES,
    FIRST_MONTH,
    FORCE,
    FORCE_CENTRE,
    FORCE_NAME,
    LAST_MONTH,
    MIX,
    NEIGHBOUR,
    OUTCOMES,
    RECORDING_CHANGES,
    SNAP_POINTS,
    STRATEGY_START,
    TREND,
    recording_factor,
    slug,
)
from reviewkit.demo.partners import (
    DELIVERY,
    write_ae,
    write_council_asb,
    write_delivery,
    write_fire,
)
from reviewkit.demo.place_names import write_place_names
from reviewkit.demo.reference import (
    PEER_NAMES,
    write_peers,
    write_population,
)
from reviewkit.demo.street import (
    generate_street_month,
    make_lsoas,
    write_police_month,
)
from reviewkit.demo.templates import (
    difficulties_csv,
    register_yaml,
    strategy_yaml,
)

__all__ = [
    "AUTHORITIES",
    "CHARGE_OUTCOMES",
    "DELIVERY",
    "FIRST_MONTH",
    "FORCE",
    "FORCE_CENTRE",
    "FORCE_NAME",
    "LAST_MONTH",
    "MIX",
    "NEIGHBOUR",
    "OUTCOMES",
    "PEER_NAMES",
    "RECORDING_CHANGES",
    "SNAP_POINTS",
    "STRATEGY_START",
    "TREND",
    "difficulties_csv",
    "generate",
    "generate_street_month",
    "make_lsoas",
    "recording_factor",
    "register_yaml",
    "slug",
    "strategy_yaml",
    "write_ae",
    "write_council_asb",
    "write_delivery",
    "write_fire",
    "write_peers",
    "write_police_month",
    "write_population",
]


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
    lsoas = make_lsoas(rng, partnerships)
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
