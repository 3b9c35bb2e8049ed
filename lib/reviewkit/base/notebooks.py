"""A notebook file's cells, read as the JSON it is.

The library only needs a notebook's cells (an own notebook's title and parameters cell), so it
reads the file with `json` rather than nbformat: nbformat loads jsonschema and its format
checkers (about a second of imports), which every kernel would otherwise pay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def notebook_cells(path: Path) -> list[dict[str, Any]]:
    """The cells of the notebook at `path`, each with `cell_type`, `source` (one string) and
    `metadata`. Raises OSError when the file cannot be read, ValueError when it is not a
    notebook."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise ValueError(f"{path} is not a Jupyter notebook")
    if data["nbformat"] < 4:  # old notebooks keep their cells in worksheets: convert them
        import nbformat

        data = nbformat.reads(json.dumps(data), as_version=4)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise ValueError(f"{path} is not a Jupyter notebook")
    out = []
    for cell in cells:
        if not isinstance(cell, dict):
            raise ValueError(f"{path} is not a Jupyter notebook")
        source = cell.get("source", "")
        out.append(
            {
                "cell_type": cell.get("cell_type", ""),
                "source": "".join(source) if isinstance(source, list) else str(source),
                "metadata": cell.get("metadata") or {},
            }
        )
    return out
