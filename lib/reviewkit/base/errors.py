"""One exception type for problems the user can fix, with a message that says what to do."""


class ReviewError(Exception):
    """A problem with the user's input or setup, reported without a traceback.

    The message names the file, row or key at fault and what to do about it.
    """

    def _render_traceback_(self) -> list[str]:
        """In IPython and Jupyter (a notebook, a kernel, the IPython shell) the error is shown
        as its one-line message, not as a traceback; the run still stops there. This is the
        hook IPython documents for an exception's own traceback ("Integrating your objects
        with IPython: custom exception tracebacks"), so every shell finds it on the exception
        itself, whoever imported it and however the kernel was started."""
        return [f"{type(self).__name__}: {self}"]
