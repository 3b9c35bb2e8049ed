"""File-plan rule: a file whose name gives no month is set aside when its months are already
given by a file named for them, or by an earlier such file (no month is counted twice)."""

from __future__ import annotations

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Aside
from reviewkit.intake.policeuk.parsing import Parsed


def months_given_twice(
    raws: list[RawFile], parsed: list[Parsed], months: list[list[str]], live: list[int]
) -> list[Aside]:
    """Files not named as police.uk names them whose months another file already gives."""
    given: dict[str, str] = {}
    for i in live:
        if raws[i].key() is not None:
            for m in months[i]:
                given.setdefault(m, raws[i].label)
    out = []
    for i in live:
        if raws[i].key() is None:
            twice = [m for m in months[i] if m in given]
            if twice:
                out.append(
                    Aside(
                        i,
                        f"gives months already given by {given[twice[0]]}",
                        f"holds {', '.join(twice[:3])}, already given by "
                        f"{given[twice[0]]}; it was not counted, so no month is "
                        "counted twice. Name police.uk files as they are published "
                        "(YYYY-MM-force-street.csv).",
                    )
                )
            else:
                for m in months[i]:
                    given.setdefault(m, raws[i].label)
    return out
