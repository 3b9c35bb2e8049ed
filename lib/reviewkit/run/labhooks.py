"""JupyterLab for this project: a notebook git tracks is saved the way git keeps it.

`reviewkit lab` (and `make lab`) sets `strip_on_save` as the contents manager's pre-save hook
(`--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save`): a notebook the
repository commits (git tracks it) is written without outputs, execution counts and the
metadata JupyterLab adds, cell ids numbered as the nbstripout filter numbers them, tags and the
kernel name kept. Opening, running and saving a committed notebook without editing its code
then leaves `git status` clean. (The hook strips with nbstripout's own function, as the git
filter does on commit, but a clean filter alone leaves `git status` reporting a notebook whose
size changed as modified.)
An analyst's own notebook, one git does not track, keeps its outputs on disk: reopened the
next day, the analysis is still there. The open notebook keeps its outputs on screen either
way; the executed copies of a run are in `outputs/<partnership>/<cycle>/notebooks/`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from reviewkit.run.stripping import NBSTRIP_DEFAULTS, NBSTRIP_KEYS


def strip_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """`nb` (notebook JSON) as git's nbstripout filter leaves it, stripped by nbstripout's own
    public `strip_output` with the filter's settings and keys (its defaults and NBSTRIP_KEYS):
    outputs (but a cell's tagged `keep_output`), execution counts and editor metadata go, cell
    ids are numbered, tags and the kernel name stay. A new notebook is returned."""
    import nbformat
    from nbstripout import strip_output

    return strip_output(
        nbformat.from_dict(nb),
        keep_output=None,  # as the command line's default: the notebook's own setting decides
        keep_count=False,
        keep_id=False,
        extra_keys=[*NBSTRIP_DEFAULTS, *NBSTRIP_KEYS],
    )


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
        model["content"] = strip_notebook(model["content"])
