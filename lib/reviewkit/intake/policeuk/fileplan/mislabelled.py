"""File-plan rule: a file whose rows all say another month than its name is set aside (a
month is never guessed)."""

from __future__ import annotations

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Aside, is_mislabelled
from reviewkit.intake.policeuk.parsing import Parsed


def mislabelled(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[Aside]:
    """Files named for one month whose Month column never says it."""
    out = []
    for i in live:
        key = raws[i].key()
        if key is not None and is_mislabelled(raws[i], months[i]):
            name = key[0]
            said = ", ".join(months[i][:3]) + (" ..." if len(months[i]) > 3 else "")
            out.append(
                Aside(
                    i,
                    f"its Month column says {said}, not {name} as its name says",
                    f"named for {name} but its Month column says {said}; it was not "
                    f"counted (a month is never guessed). Download {name} again.",
                )
            )
    return out
