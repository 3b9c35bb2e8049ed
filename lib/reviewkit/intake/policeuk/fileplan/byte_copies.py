"""File-plan rule: of files with the same bytes, one is kept (the first whose name agrees with
its rows) and the others are set aside as copies, so no month is counted twice."""

from __future__ import annotations

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Aside, is_mislabelled
from reviewkit.intake.policeuk.parsing import Parsed


def byte_copies(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[Aside]:
    """Copies: of files with the same bytes, one whose name agrees with its rows is kept.
    Only files of one size are hashed and compared."""
    by_size: dict[int, list[int]] = {}
    for i in live:
        by_size.setdefault(raws[i].size, []).append(i)
    out = []
    for group in by_size.values():
        if len(group) < 2:
            continue
        same: dict[str, list[int]] = {}
        for i in group:
            same.setdefault(raws[i].digest(), []).append(i)
        for members in same.values():
            keep = next((i for i in members if not is_mislabelled(raws[i], months[i])), members[0])
            out += [
                Aside(
                    i,
                    f"same content as {raws[keep].label}",
                    f"the same file as {raws[keep].label} (a copy); it was not counted, "
                    "so no month is counted twice. Remove the copy.",
                )
                for i in members
                if i != keep
            ]
    return out
