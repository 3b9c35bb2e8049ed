"""The demo's inputs to the strategy re-assessment: the harm weights reference file (one for
the demo data set) and a priority scores file per partnership, from the package's templates.

The demo's harm weights are illustrative placeholders, marked so in the file itself: the
report says so wherever they are used (see docs/inputs.md for deriving real ones)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _template(name: str) -> str:
    return (
        resources.files("reviewkit").joinpath("templates", "demo", name).read_text(encoding="utf-8")
    )


def write(folder: Path, partnerships: dict[str, Path]) -> None:
    """`reference/harm_weights.csv` under `folder`, and `priority_scores.yaml` in each
    partnership's folder (`partnerships`: full name -> folder)."""
    (folder / "reference").mkdir(parents=True, exist_ok=True)
    (folder / "reference" / "harm_weights.csv").write_text(
        _template("harm_weights.csv"), encoding="utf-8"
    )
    for name, d in partnerships.items():
        d.mkdir(parents=True, exist_ok=True)
        (d / "priority_scores.yaml").write_text(
            _template("priority_scores.yaml").format(partnership=name), encoding="utf-8"
        )
