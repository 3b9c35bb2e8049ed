"""The file plan: which police.uk files count, so that no month is ever counted twice or as
another month. One rule per module, applied in a fixed order; a file set aside by one rule is
not looked at by the next.

A file is set aside whole when it lies in a month folder that is not the month its name gives
(`folder`); when its bytes are those of another file (`byte_copies`: the one whose rows agree
with its name is kept); when every row's Month says another month than its name
(`mislabelled`); when it holds the same records as another force's file for the month
(`saved_again`); when a newer file for the same month and force was sent (`resent`); or, for a
file whose name gives no month, when its months are already given by another file
(`months_given_twice`). A file that could not be read is never planned (it has no rows).
"""

from __future__ import annotations

from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan.aside import Rule, file_months
from reviewkit.intake.policeuk.fileplan.byte_copies import byte_copies
from reviewkit.intake.policeuk.fileplan.folder import in_another_months_folder
from reviewkit.intake.policeuk.fileplan.mislabelled import mislabelled
from reviewkit.intake.policeuk.fileplan.months_given_twice import months_given_twice
from reviewkit.intake.policeuk.fileplan.resent import resent
from reviewkit.intake.policeuk.fileplan.saved_again import saved_again
from reviewkit.intake.policeuk.parsing import Parsed

# What to do with each file, decided once all are parsed (and remembered with the bundle):
# {"reason": quarantine reason for all its rows ("" = use it), "note": for its reconciliation
#  row, "notice": for the dataset's notes, "category": difficulty category or ""}.
FilePlan = dict[str, str]

# The rules, in the order they are applied.
RULES: tuple[Rule, ...] = (
    in_another_months_folder,
    byte_copies,
    mislabelled,
    saved_again,
    resent,
    months_given_twice,
)
# Changes when a rule changes what it decides: a stored bundle's plans are then not reused.
PLAN_VERSION = "plan-2"


def plan_files(raws: list[RawFile], parsed: list[Parsed], kind: str) -> list[FilePlan]:
    """Decide which files count (see the module's text): one plan per file, '' reasons for
    the files whose rows are used."""
    plans: list[FilePlan] = [{"reason": "", "note": "", "notice": "", "category": ""} for _ in raws]
    months = [file_months(t, kind) if t is not None else [] for t, *_ in parsed]
    live = [i for i, (t, *_rest) in enumerate(parsed) if t is not None]
    for rule in RULES:
        for a in rule(raws, parsed, months, list(live)):
            plans[a.file].update(
                reason=a.reason,
                note=a.note or a.reason,
                notice=f"{raws[a.file].label}: {a.notice}",
                category=a.category,
            )
            live.remove(a.file)
    return plans


__all__ = ["PLAN_VERSION", "RULES", "FilePlan", "plan_files"]
