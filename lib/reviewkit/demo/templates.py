"""The demo partnership's own files, from the package's templates: strategy, data request
register and difficulties log."""

from __future__ import annotations

from importlib import resources

from reviewkit.demo.force import CHARGE_OUTCOMES, slug


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
