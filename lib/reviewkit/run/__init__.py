"""The command line and the runner: locks, batches, preflight checks, scaffolding."""

import sys

# The runner reads and writes notebooks with nbformat (through papermill), which imports
# jsonschema; jsonschema then imports the optional `rfc3987_syntax` (installed for JupyterLab's
# event schemas) to check "iri" formats, and that package builds its grammar at import: about
# a second of every run. Nothing in a run checks that format (nbformat validates notebooks
# without format checkers, and its schemas use no formats), so this process does not load it:
# jsonschema then simply has no "iri" checker. JupyterLab runs in its own process, unaffected.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
