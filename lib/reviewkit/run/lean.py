"""What a review run's process leaves unloaded: imported first by the run's entry points (the
`reviewkit run` command, a batch's workers), never by the package, so JupyterLab's server and
anything else that imports `reviewkit.run` load what they like.

The runner reads and writes notebooks with nbformat (through papermill), which imports
jsonschema; jsonschema then imports the optional `rfc3987_syntax` (installed for JupyterLab's
event schemas) to check "iri" formats, and that package builds its grammar at import: about a
second of every run. Nothing in a run checks that format (nbformat validates notebooks without
format checkers, and its schemas use no formats), so a run's process does not load it:
jsonschema then simply has no "iri" checker.
"""

from __future__ import annotations

import sys

UNUSED = ("rfc3987_syntax",)


def leave_unloaded() -> None:
    """Mark the modules of UNUSED as absent in this process (unless already imported)."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


leave_unloaded()
