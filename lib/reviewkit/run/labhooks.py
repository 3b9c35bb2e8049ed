"""JupyterLab for this project: a notebook git tracks is saved the way git keeps it.

`reviewkit lab` (and `make lab`) sets `strip_on_save` as the contents manager's pre-save hook
(`--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save`): a notebook the
repository commits (git tracks it) is written without outputs, execution counts and the
metadata JupyterLab adds, cell ids numbered as the nbstripout filter numbers them, tags and the
kernel name kept. Opening, running and saving a committed notebook without editing its code
then leaves `git status` clean. (The nbstripout git filter strips the same keys on commit, but
a clean filter alone leaves `git status` reporting a notebook whose size changed as modified.)
An analyst's own notebook, one git does not track, keeps its outputs on disk: reopened the
next day, the analysis is still there. The open notebook keeps its outputs on screen either
way; the executed copies of a run are in `outputs/<partnership>/<cycle>/notebooks/`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from reviewkit.run.stripping import stripped

# The keys git's nbstripout filter strips (reviewkit.run.stripping, the one list), plus the
# ones nbstripout strips by default.
NOTEBOOK_KEYS = stripped("metadata")
CELL_KEYS = stripped("cell.metadata")


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


def tracked(root: Path, path: str) -> bool:
    """Whether git tracks the file at `path` (relative to `root`): a committed notebook.
    False where git is missing or `root` is not in a repository (nothing is committed)."""
    git = shutil.which("git")
    if git is None:
        return False
    try:
        res = subprocess.run(
            [git, "ls-files", "--error-unmatch", "--", path.lstrip("/")],
            cwd=root,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return res.returncode == 0


def strip_on_save(
    model: dict[str, Any], path: str, contents_manager: Any = None, **kwargs: Any
) -> None:
    """Jupyter Server pre-save hook: strip a notebook git tracks before it is written; leave
    every other notebook (the analyst's own work) as it is."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if contents_manager is not None and getattr(contents_manager, "root_dir", None):
        root = Path(contents_manager.root_dir)
    else:
        from reviewkit.base.paths import repo_root

        root = repo_root()
    if tracked(root, path):
        strip_notebook(model["content"])
