"""One exception type for problems the user can fix, with a message that says what to do."""


class ReviewError(Exception):
    """A problem with the user's input or setup, reported without a traceback.

    The message names the file, row or key at fault and what to do about it.
    """


def format_location(path: object, key: str | None = None, row: int | None = None) -> str:
    """Name a place in an input file the way messages show it: `file: key 'k', row 3`."""
    parts = [str(path)]
    detail = []
    if key:
        detail.append(f"key '{key}'")
    if row is not None:
        detail.append(f"row {row}")
    if detail:
        parts.append(", ".join(detail))
    return ": ".join(parts)
