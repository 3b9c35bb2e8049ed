"""The one anchor for paths: everything resolves from the repository root.

The root is the nearest folder above this package (or, for an installed copy, above the
working directory) that holds `pyproject.toml` and a `notebooks/` folder; `REVIEWKIT_ROOT`
overrides it. Another project in the working directory is never taken for ours.
"""

from __future__ import annotations

import os
from pathlib import Path


def _looks_like_root(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


def repo_root() -> Path:
    """The repository root that relative paths in params files are read against."""
    env = os.environ.get("REVIEWKIT_ROOT")
    if env:
        return Path(env).resolve()
    # The package's own repository first: the working directory may hold another project.
    for start in (Path(__file__).resolve().parent, Path.cwd()):
        for folder in (start, *start.parents):
            if _looks_like_root(folder):
                return folder
    return Path.cwd().resolve()


def resolve(path: str | os.PathLike[str], root: Path | None = None) -> Path:
    """An absolute path: relative paths are taken from the repository root."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return (root or repo_root()) / p


def relative(path: Path, root: Path | None = None) -> str:
    """A path as shown to users: relative to the root when it lies inside it."""
    base = root or repo_root()
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def notebooks_dir() -> Path:
    """The review notebooks, or a ReviewError saying where they were looked for."""
    folder = repo_root() / "notebooks"
    if not folder.is_dir():
        from reviewkit.base.errors import ReviewError

        raise ReviewError(
            f"the review notebooks were not found in {folder}. Run reviewkit "
            "from the review repository (or set REVIEWKIT_ROOT to it)."
        )
    return folder


def outputs_dir() -> Path:
    """Where cycles' outputs go: `outputs/`, or `REVIEWKIT_OUTPUTS` when set."""
    env = os.environ.get("REVIEWKIT_OUTPUTS")
    return Path(env).resolve() if env else repo_root() / "outputs"


def kernels_log() -> Path:
    """The log of the runs' kernels and kernel server (their own lines, not the notebooks'
    output, which the executed notebooks keep), beside the cycles' outputs."""
    return outputs_dir() / ".kernels.log"
