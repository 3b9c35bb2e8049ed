"""What a review run's process leaves unloaded, and the processes that ask for it.

The runner reads and writes notebooks with nbformat (through papermill), which imports
jsonschema; jsonschema then imports the optional `rfc3987_syntax` (installed for JupyterLab's
event schemas) to check "iri" formats, and that package builds its grammar at import: about a
second of every run. Nothing in a run checks that format (nbformat validates notebooks without
format checkers, and its schemas use no formats), so a run's process does not load it:
jsonschema then simply has no "iri" checker.

Importing this module (or any other of the package) blocks nothing: JupyterLab's server, a
kernel, the tests and anything else that imports `reviewkit` load what they like. The block is
made by the processes of a run, before they import the runner:

- the `reviewkit run` command's process (`run/cli.py` calls `leave_unloaded`);
- a batch's workers (`leave_unloaded` is their pool's initialiser, `run/batch.py`);
- a batch's fork server on the fork route, which imports the runner once for every worker
  forked from it and runs no code of ours before those imports: it is started with
  `SERVER_FLAG` in its environment and imports this module first (`batch.worker_context`), and
  that alone makes an import of this module block.
"""

from __future__ import annotations

import os
import sys

UNUSED = ("rfc3987_syntax",)
# Set only in the environment a batch's fork server starts with (never in a user's, a
# kernel's or a worker's once it runs a cycle): importing this module there blocks UNUSED.
SERVER_FLAG = "REVIEWKIT_FORK_SERVER_LEAN"


def leave_unloaded() -> None:
    """Mark the modules of UNUSED as absent in this process (unless already imported)."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


if os.environ.get(SERVER_FLAG) == "1":
    leave_unloaded()
