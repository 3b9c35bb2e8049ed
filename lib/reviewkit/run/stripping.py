"""What a committed notebook keeps: the one list of the metadata keys stripped from notebooks,
read by git's nbstripout filter (`reviewkit setup`, which `make setup` runs), the pre-commit
hook (`python -m reviewkit.run.stripping`, in `.pre-commit-config.yaml`) and JupyterLab's save
hook (`reviewkit.run.labhooks`). Outputs and execution counts go too; cell tags and the kernel
name stay.
"""

from __future__ import annotations

import subprocess
import sys

# What nbstripout strips beyond its defaults (git's filter.nbstripout.extrakeys).
NBSTRIP_KEYS = (
    "metadata.language_info",
    "metadata.papermill",
    "metadata.vscode",
    "metadata.toc",
    "cell.metadata.papermill",
    "cell.metadata.jupyter",
    "cell.metadata.trusted",
)
# What nbstripout strips by default. A copy, because nbstripout does not expose it: the list is
# local to its command line (`main`), and its public `strip_output`, which the save hook calls,
# strips only the keys it is given. A test checks the copy against what the installed nbstripout
# strips (tests/test_notebooks.py), so a release that changes its defaults fails it.
NBSTRIP_DEFAULTS = (
    "metadata.widgets",
    "metadata.signature",
    "cell.metadata.execution",
    "cell.metadata.collapsed",
    "cell.metadata.scrolled",
    "cell.metadata.ExecuteTime",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
)


def nbstripout_command(files: list[str]) -> list[str]:
    """nbstripout on `files` as git's filter runs it: with NBSTRIP_KEYS."""
    return [sys.executable, "-m", "nbstripout", "--extra-keys", " ".join(NBSTRIP_KEYS), *files]


def main(argv: list[str] | None = None) -> int:
    """The pre-commit hook: strip the notebooks named on the command line; nbstripout's code."""
    files = list(sys.argv[1:] if argv is None else argv)
    if not files:
        return 0
    return subprocess.call(nbstripout_command(files))


if __name__ == "__main__":
    sys.exit(main())
