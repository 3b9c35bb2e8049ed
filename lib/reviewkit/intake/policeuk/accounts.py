"""Accounting for every file of a police.uk dataset: the rows each file gave, and those set
aside before classing (a file that could not be read, a file the plan set aside, malformed
rows), so that every row read is counted once in the reconciliation."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from reviewkit.intake.accounting import FileAccount, Problem
from reviewkit.intake.policeuk.classing import Classified
from reviewkit.intake.policeuk.discovery import RawFile
from reviewkit.intake.policeuk.fileplan import FilePlan
from reviewkit.intake.policeuk.parsing import Parsed
from reviewkit.intake.policeuk.quarantine import malformed_rows, whole_file


@dataclass
class FileAccounts:
    """Each file's account, the rows set aside before classing, the malformed rows' lines
    per file (by the file's index), and the problems and notes to report."""

    accounts: list[FileAccount] = field(default_factory=list)
    quarantine: list[pd.DataFrame] = field(default_factory=list)
    bad_lines: dict[int, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def account_files(
    dataset: str, raws: list[RawFile], parsed: list[Parsed], plans: list[FilePlan]
) -> FileAccounts:
    """Open an account for each file and set aside what never reaches classing."""
    found = FileAccounts()
    for i, (raw, (table, n_rows, problem, bad), plan) in enumerate(
        zip(raws, parsed, plans, strict=True)
    ):
        acc = FileAccount(dataset=dataset, file=raw.label, rows_read=n_rows)
        found.accounts.append(acc)
        if table is None:
            acc.quarantined, acc.note = n_rows, problem
            found.problems.append(Problem("incompatible format", f"{raw.label}: {problem}"))
            if n_rows:
                found.quarantine.append(whole_file(dataset, raw.label, n_rows, problem))
        elif plan["reason"]:
            acc.quarantined, acc.note = n_rows, plan["note"]
            found.notes.append(plan["notice"])
            if plan["category"]:
                found.problems.append(Problem(plan["category"], plan["notice"]))
            found.quarantine.append(whole_file(dataset, raw.label, n_rows, plan["reason"]))
        elif bad:
            acc.quarantined += len(bad)
            found.bad_lines[i] = bad
            found.quarantine.append(malformed_rows(dataset, raw.label, bad))
    if found.bad_lines:
        n_bad = sum(len(b) for b in found.bad_lines.values())
        found.problems.append(
            Problem(
                "quality",
                f"{n_bad} malformed row(s) (wrong number of "
                "columns) set aside in " + ", ".join(raws[i].label for i in found.bad_lines),
            )
        )
    return found


def add_classed(accounts: list[FileAccount], classed: Classified) -> None:
    """Add each file's classed rows (accepted, out of area, ...) to its account."""
    for i, acc in enumerate(accounts):
        for name, per_file in classed.counts.items():
            setattr(acc, name, getattr(acc, name) + int(per_file[i]))
