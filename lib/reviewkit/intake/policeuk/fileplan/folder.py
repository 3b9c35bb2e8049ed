"""File-plan rule: a file in a month folder that is not the month its name gives is set aside
(it was put in the wrong folder, or is a copy of another month's file)."""

from __future__ import annotations

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Aside
from reviewkit.intake.policeuk.parsing import Parsed


def in_another_months_folder(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[Aside]:
    """Files whose month folder (`2024-03/...`) and name (`2024-02-...`) disagree."""
    out = []
    for i in live:
        name, folder = raws[i].key(), raws[i].folder_month()
        if name and folder and name[0] != folder:
            out.append(
                Aside(
                    i,
                    f"in folder {folder} but named for {name[0]}",
                    f"the file is in the {folder} folder but its name says "
                    f"{name[0]}; it was not counted. Put it in its own month's "
                    "folder (or remove the copy).",
                )
            )
    return out
