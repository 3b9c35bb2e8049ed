"""A notebook file's cells, read as the JSON it is.

The library only needs a notebook's cells (an own notebook's title and parameters cell), so it
reads the file with `json` rather than nbformat: nbformat loads jsonschema and its format
checkers (about a second of imports), which every kernel would otherwise pay.
"""

from __future__ import annotations

import json
import os
import sys
import weakref
from pathlib import Path
from typing import Any

from reviewkit.base.steps import STEP_NOTEBOOKS

# The kernel the review notebooks name (their `kernelspec`): the runner asks for it, and
# `reviewkit setup` registers this environment's ipykernel under it.
KERNEL = "python3"


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


# What `reviewkit run` passes to every notebook it runs; the review's own steps read nothing
# else from their parameters cell.
PASSED = ("params_file", "run_dir")
REVIEW_STEPS = tuple(STEP_NOTEBOOKS.values())  # the review's own step notebooks
_watched: weakref.WeakSet[Any] = weakref.WeakSet()  # shells watching their parameters cell


def assigned_names(source: str) -> list[str]:
    """The names a cell's top-level statements assign, in order ([] when it is not Python)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def ignored_parameters(source: str) -> list[str]:
    """In a cell that sets both parameters (a step's parameters cell), the other names it
    sets: `reviewkit run` never passes them and no step reads them."""
    names = assigned_names(source)
    if not set(PASSED) <= set(names):
        return []
    return [n for n in names if n not in PASSED]


def ignored_parameters_note(notebook: str, names: list[str]) -> str:
    """One line saying that these names in a step's parameters cell have no effect."""
    said = ", ".join(f"`{n}`" for n in names)
    return (
        f"{notebook}: the parameters cell sets {said}, which `reviewkit run` never passes and "
        "no step reads: it has no effect. A review cycle's settings are keys of its params "
        "file (docs/params.md lists them); `reviewkit run` refuses this notebook until the "
        "name is gone."
    )


def watch_parameters_cell() -> None:
    """In JupyterLab, in one of the review's step notebooks: say (on stderr, under the cell)
    when its parameters cell sets a name that would be ignored, now (the parameters cell ran
    before the import) and each time such a cell runs again. Nothing elsewhere."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    notebook = Path(os.environ.get("JPY_SESSION_NAME", "")).name
    if shell is None or notebook not in REVIEW_STEPS or shell in _watched:
        return
    _watched.add(shell)

    def said(source: str) -> None:
        names = ignored_parameters(source)
        if names:
            print(ignored_parameters_note(notebook, names), file=sys.stderr)

    shell.events.register("post_run_cell", lambda result: said(result.info.raw_cell or ""))
    for source in reversed(list(shell.user_ns.get("In", []))):
        if set(PASSED) <= set(assigned_names(source)):
            said(source)  # the most recent parameters cell that ran
            break
