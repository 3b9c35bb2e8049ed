"""Harm weights: how much harm one crime of a type stands for, from a crime harm index.

A small CSV the partnership keeps (`inputs.harm_weights`), one row per police.uk crime type
(or partner measure) weighted: `what, weight, status, index, source, licence, derivation`.
police.uk's categories are broad (one category holds offences of very different harm), so a
category's weight is a derivation from an index's offence-level weights (e.g. the average of
the ONS Crime Severity Score weights of the offences in the category, weighted by how often
each is recorded): `derivation` says how it was made and `status` how far it can be relied on.

- `published`: the figure as an index publishes it (source names the table).
- `derived`: worked out from published figures (derivation says how).
- `local`: agreed by the partnership (source says who agreed it and when).
- `illustrative`: a placeholder with no published basis (the demo's); the report says so.

A type with no row has no weight: it is never weighted as zero (the matrix says "no harm
weight" for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

from reviewkit.base.errors import ReviewError
from reviewkit.base.textfiles import read_reference_table

Status = Literal["published", "derived", "local", "illustrative"]
STATUSES: tuple[str, ...] = get_args(Status)
# each status in the words the board reads beside a weight
STATUS_WORDS = {
    "published": "as published",
    "derived": "derived from a published index",
    "local": "agreed by the partnership",
    "illustrative": "illustrative, not from a published index",
}
COLUMNS = ["what", "weight", "status", "index", "source", "licence", "derivation"]


@dataclass(frozen=True)
class HarmWeight:
    """One type's weight and where it came from."""

    what: str
    weight: float
    status: Status
    index: str
    source: str
    licence: str
    derivation: str

    @property
    def relied_on(self) -> bool:
        """Published, derived from published figures, or agreed locally: not a placeholder."""
        return self.status != "illustrative"


@dataclass(frozen=True)
class HarmWeights:
    """The weights of one file, by crime type or measure; `file` for the audit trail."""

    weights: dict[str, HarmWeight]
    file: str = ""

    def get(self, what: str) -> HarmWeight | None:
        """The weight of a type, or None: a type with no row is not weighted (never zero)."""
        return self.weights.get(what)

    @property
    def illustrative(self) -> bool:
        """Any weight a placeholder with no published basis."""
        return any(not w.relied_on for w in self.weights.values())


NO_WEIGHTS = HarmWeights({})


def load_harm_weights(path: Path, label: str = "") -> HarmWeights:
    """Read and check a harm weights file; a ReviewError names the file, row and column."""
    table = read_reference_table(path, COLUMNS, {"weight": False}, "harm weights file")
    weights: dict[str, HarmWeight] = {}
    for i, r in table.iterrows():
        row = int(str(i)) + 2
        what = str(r["what"] if isinstance(r["what"], str) else "").strip()
        if not what:
            raise ReviewError(f"{path}: row {row}, column 'what': name a crime type or measure.")
        if what in weights:
            raise ReviewError(
                f"{path}: row {row}: '{what}' is weighted twice; keep one row for it."
            )
        status = str(r["status"] if isinstance(r["status"], str) else "").strip().lower()
        if status not in STATUSES:
            raise ReviewError(
                f"{path}: row {row}, column 'status': '{r['status']}' is not one of "
                f"{', '.join(STATUSES)}."
            )
        text = {
            c: str(r[c]).strip() if isinstance(r[c], str) else ""
            for c in ("index", "source", "licence", "derivation")
        }
        if not text["source"]:
            raise ReviewError(
                f"{path}: row {row}, column 'source': say where the weight for '{what}' "
                "came from (the index's table, or who agreed it and when)."
            )
        if status == "derived" and not text["derivation"]:
            raise ReviewError(
                f"{path}: row {row}, column 'derivation': a derived weight says how it was "
                "worked out from the published figures."
            )
        weights[what] = HarmWeight(what, float(r["weight"]), cast(Status, status), **text)
    return HarmWeights(weights, label or str(path))


def category_weight(offences: list[tuple[float, float]]) -> float:
    """A category's weight from its offences' (weight, count): the average weight per crime
    recorded in the category, sum(weight x count) / sum(count), as the ONS Crime Severity
    Score adds offences up. An unweighted mean would let one rare, grave offence set the
    weight of a category mostly made of minor ones."""
    total = sum(c for _, c in offences)
    if total <= 0:
        raise ValueError("a category's weight needs offences recorded (counts above zero)")
    if any(w < 0 or c < 0 for w, c in offences):
        raise ValueError("weights and counts cannot be negative")
    return sum(w * c for w, c in offences) / total
