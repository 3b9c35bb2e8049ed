"""File-plan rule: of the files for one month and force (by their names), the one that arrived
last is used and the others are set aside as superseded (a re-sent month)."""

from __future__ import annotations

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Aside
from reviewkit.intake.policeuk.parsing import Parsed


def resent(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[Aside]:
    """Of the files for one month and force, the newest is used: by `RawFile.arrived`
    (exact: the file's time in nanoseconds, then a zip member's own time); of files that
    arrived at the same moment, the last in name order."""
    latest: dict[tuple[str, str], int] = {}
    for i in live:
        key = raws[i].key()
        if key is not None and (key not in latest or raws[i].arrived >= raws[latest[key]].arrived):
            latest[key] = i
    out = []
    for i in live:
        key = raws[i].key()
        if key is not None and latest[key] != i:
            newer = raws[latest[key]].label
            out.append(
                Aside(
                    i,
                    f"superseded by re-sent file {newer}",
                    f"{key[0]} was sent again as {newer}; the newer file is used",
                    category="",
                    note=f"superseded by {newer} (re-sent {key[0]})",
                )
            )
    return out
