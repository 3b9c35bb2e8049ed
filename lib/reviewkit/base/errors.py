"""One exception type for problems the user can fix, with a message that says what to do."""

import sys


class ReviewError(Exception):
    """A problem with the user's input or setup, reported without a traceback.

    The message names the file, row or key at fault and what to do about it.
    """


def _show_briefly(shell, etype, value, tb, tb_offset=None):  # noqa: ANN001 - IPython's hook
    """In a notebook a ReviewError is shown as its message, not as a traceback."""
    shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])


def brief_in_notebooks() -> None:
    """Show ReviewError in IPython/Jupyter as one message (the run still stops there).

    Where IPython is not imported there is no IPython shell: it is not imported to find out
    (a command-line run would pay a fifth of a second for nothing)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return
    shell = ipython.get_ipython()
    if shell is not None and ReviewError not in getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((ReviewError,), _show_briefly)
