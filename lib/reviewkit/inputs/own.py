"""The analyst's own notebooks in the sequence: what each is called and where its report is."""

from __future__ import annotations

from reviewkit.base.notebooks import notebook_cells
from reviewkit.base.paths import resolve
from reviewkit.inputs.params import OwnNotebook


def own_title(own: OwnNotebook) -> str:
    """The title given in the params, else the notebook's first markdown heading, else its
    name."""
    if own.title:
        return own.title
    try:
        cells = notebook_cells(resolve(own.file))
    except (OSError, ValueError):
        return own.name
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for line in cell["source"].splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip() or own.name
    return own.name
