"""One exception type for problems the user can fix, with a message that says what to do."""


class ReviewError(Exception):
    """A problem with the user's input or setup, reported without a traceback.

    The message names the file, row or key at fault and what to do about it.
    """


def _show_briefly(shell, etype, value, tb, tb_offset=None):  # noqa: ANN001 - IPython's hook
    """In a notebook a ReviewError is shown as its message, not as a traceback."""
    shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])


def brief_in_notebooks() -> None:
    """Show ReviewError in IPython/Jupyter as one message (the run still stops there)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and ReviewError not in getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((ReviewError,), _show_briefly)
