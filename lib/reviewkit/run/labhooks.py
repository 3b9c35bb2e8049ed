"""JupyterLab for this project: a notebook under `notebooks/` is saved the way git keeps it.

`make lab` sets `strip_on_save` as the contents manager's pre-save hook
(`--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save`): outputs, execution
counts and the metadata JupyterLab adds are left out of the file, cell ids are numbered as the
nbstripout filter numbers them, and tags and the kernel name stay. Opening, running and saving
a notebook without editing its code then leaves `git status` clean. (The nbstripout git filter
strips the same keys on commit, but a clean filter alone leaves `git status` reporting a
notebook whose size changed as modified.)
The open notebook keeps its outputs on screen; the executed copies of a run are in
`outputs/<cycle>/notebooks/`.
"""

from __future__ import annotations

from typing import Any

# Keep in step with NBSTRIP_KEYS in the Makefile (a test checks): the same keys, plus the ones
# nbstripout strips by default.
NOTEBOOK_KEYS = ("language_info", "papermill", "vscode", "toc", "widgets", "signature")
CELL_KEYS = (
    "papermill",
    "jupyter",
    "trusted",
    "execution",
    "collapsed",
    "scrolled",
    "ExecuteTime",
    "heading_collapsed",
    "hidden",
)
FOLDER = "notebooks/"


def strip_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """`nb` (notebook JSON) without outputs, execution counts and editor metadata."""
    meta = nb.get("metadata", {})
    for key in NOTEBOOK_KEYS:
        meta.pop(key, None)
    for number, cell in enumerate(nb.get("cells", [])):
        if "id" in cell:
            cell["id"] = str(number)  # as nbstripout numbers them
        cell_meta = cell.get("metadata", {})
        for key in CELL_KEYS:
            cell_meta.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def strip_on_save(
    model: dict[str, Any], path: str, contents_manager: Any = None, **kwargs: Any
) -> None:
    """Jupyter Server pre-save hook: strip notebooks under `notebooks/` before they are
    written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if not path.lstrip("/").startswith(FOLDER):
        return
    strip_notebook(model["content"])
