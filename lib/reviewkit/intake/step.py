"""Intake: re-collect every dataset in the data request register and account for every row.

`run_intake` reads; `write_intake` writes the tidy tables, reconciliation, completeness,
quarantine and the updated difficulties log into the cycle's output folder.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import pandas as pd

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.params import CycleParams
from reviewkit.inputs.register import (
    DataRequest,
    Register,
    TableSource,
    load_register,
    source_files,
    stray_files,
)
from reviewkit.inputs.team import meeting_dates, next_review_date
from reviewkit.intake import difficulties as dlog
from reviewkit.intake.accounting import (
    DatasetIntake,
    Problem,
    check_reconciliation,
    reconciliation_table,
)
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.completeness import completeness_row, date_notes
from reviewkit.intake.partner import TIDY_COLUMNS, read_table_dataset
from reviewkit.intake.policeuk import read_police
from reviewkit.intake.population import load_population
from reviewkit.intake.recording_notes import recording_changes
from reviewkit.methods import recording
from reviewkit.store.identity import review_cycles
from reviewkit.store.summaries import IntakeSummary
from reviewkit.store.tables import CycleStore, grid_table, lsoa_names_table, police_schema

# Quarantine reasons that are not a sign of poor data quality.
_NOT_QUALITY = ("total row", "superseded by")


@dataclass
class IntakeResult:
    """Everything intake found this cycle: each dataset read, the reconciliation, completeness
    and difficulties tables, and why no review can be made, if none can."""

    register: Register
    datasets: dict[str, DatasetIntake]
    reconciliation: pd.DataFrame
    completeness: pd.DataFrame
    difficulties: pd.DataFrame
    difficulties_added: pd.DataFrame
    difficulties_resolved: pd.DataFrame
    population: pd.DataFrame | None
    notes: dict[str, list[str]] = field(default_factory=dict)
    refusal: str = ""  # why no review can be made of this data (`before_data`)
    recording_changes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["dataset", *recording.COLUMNS])
    )
    # this partnership's review cycles up to this one, oldest first (`review_cycles`)
    cycles: list[str] = field(default_factory=list)

    @property
    def partner_measures(self) -> pd.DataFrame:
        """Every partner dataset's tidy measures in one table (empty, with its columns, when
        there are none)."""
        frames = [
            d.tidy
            for d in self.datasets.values()
            if d.tidy is not None and "measure" in d.tidy.columns
        ]
        if not frames:
            return pd.DataFrame(columns=TIDY_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    @property
    def gaps_filled(self) -> pd.DataFrame:
        """The difficulties resolved this cycle that were data gaps (unwilling to share, an
        incompatible format, an IT problem, late)."""
        res = self.difficulties_resolved
        return res[res["category"].isin(dlog.GAP_CATEGORIES)]


def read_dataset(request: DataRequest, params: CycleParams, area: AreaMatcher) -> DatasetIntake:
    """Read one data request's files: data.police.uk files by the police reader, a partner
    extract through its mapping; other files in a police.uk folder are named in a note."""
    files = source_files(request)
    stray = stray_files(request)
    if not files:
        result = DatasetIntake(dataset=request.dataset)
    elif request.is_police:
        result = read_police(
            request.dataset,
            request.source.kind,
            files,
            area,
            review_end=str(params.review.end),
            review_date=params.review_date,
        )
    else:
        source = request.source
        if not isinstance(source, TableSource):  # a police source is read above
            raise TypeError(f"{request.dataset}: not a table source")
        return read_table_dataset(
            request.dataset,
            source,
            files,
            area,
            params.review_date,
            area_values=source.area_values or params.area.local_authorities,
            review_end=params.review.end,
        )
    if stray:
        shown = ", ".join(relative(f) for f in stray[:5]) + (" ..." if len(stray) > 5 else "")
        result.notes.append(
            f"{len(stray)} file(s) in {request.source.path} are not "
            f"data.police.uk files and were not read: {shown}"
        )
    return result


def path_problem(request: DataRequest) -> str | None:
    """Why the register's `source.path` cannot hold files, or None: a link that leads nowhere
    or round in a loop, or something that is neither a file nor a folder (a device such as
    /dev/zero, a pipe). Then no file is "not received" from the provider: the path is wrong."""
    given = str(request.source.path)
    if any(ch in given for ch in "*?["):
        return None  # a pattern: no match is "not received"
    path = resolve(given)
    try:
        info = path.stat()
    except FileNotFoundError:
        return "is a link to something that does not exist" if path.is_symlink() else None
    except OSError as exc:
        return f"cannot be reached ({exc.strerror or exc}; a link loop?)"
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None
    return "is neither a file nor a folder (a device or a pipe)"


def _found_difficulties(
    request: DataRequest, intake: DatasetIntake, row: dict[str, object], threshold: float
) -> list[dict[str, str]]:
    base = {"dataset": request.dataset, "agency": request.provider, "owner": request.gatherer}
    out: list[Problem] = []
    wrong = path_problem(request)
    if wrong:
        out.append(
            Problem(
                "IT problem",
                f"{request.description}: the register's path {request.source.path} {wrong}.",
            )
        )
    elif row["status"] == "not received":
        out.append(
            Problem(
                "late", f"{request.description}: no file received (due {request.due:%d %B %Y})."
            )
        )
    elif row["status"] == "partial":
        out.append(
            Problem(
                "late",
                f"{request.description}: periods missing from the review "
                f"period: {row['missing_periods']}.",
            )
        )
    elif row["timeliness"] == "late":
        out.append(
            Problem(
                "late",
                f"{request.description}: received {row['received']} "
                f"(date from the {row['received_from']}), after it was due "
                f"({request.due:%d %B %Y}).",
            )
        )
    seen = {p.category for p in out}
    for p in intake.problems:
        if p.category not in seen:
            out.append(p)
            seen.add(p.category)
    q = intake.quarantine
    if len(q) and "quality" not in seen:
        real = q[~q["reason"].astype(str).str.startswith(_NOT_QUALITY)]
        read = int(row["rows_read"]) if isinstance(row["rows_read"], Integral) else 0
        if read and len(real) / read > threshold:
            reasons = real["reason"].astype(str).value_counts().head(3)
            top = "; ".join(f"{r} ({n})" for r, n in reasons.items())
            out.append(
                Problem(
                    "quality",
                    f"{len(real)} of {read} rows quarantined ({len(real) / read:.1%}): {top}.",
                )
            )
    actions = {
        "late": (
            f"Agree with {request.provider} a due date it can meet (the data came complete, "
            "but late)."
            if row["status"] == "complete"
            else f"Chase {request.provider} for the missing data."
        ),
        "IT problem": "Correct the path in the data request register (source.path).",
        "incompatible format": f"Agree the file format with {request.provider}.",
        "quality": f"Send the quarantined rows back to {request.provider} to correct.",
    }
    return [
        {
            **base,
            "category": p.category,
            "description": p.description,
            "action": actions.get(p.category, "Discuss at the core audit team meeting."),
        }
        for p in out
    ]


def before_data(
    completeness: pd.DataFrame, params: CycleParams, notes: dict[str, list[str]] | None = None
) -> str:
    """Refuse a review none of whose requested datasets holds any period of the review period
    (as after `new-cycle`, before the new extracts arrive): every figure would be missing, and
    a report of nothing, sent to a board and to residents, reads as a report of no crime.
    Refusing, with what is missing and where, is what the analyst needs; a review where some
    data has arrived runs, and marks what is missing as not assessable. Returns the refusal
    ("" when the review can run): `check` prints it, `write_intake` raises it."""
    if completeness.empty or (completeness["periods_present"] > 0).any():
        return ""
    lines = []
    for r in completeness.to_dict("records"):
        missing = f"; missing {r['missing_periods']}" if r["missing_periods"] else ""
        lines.append(
            f"  {r['dataset']}: {r['periods_present']} of {r['periods_expected']} periods "
            f"({r['status']}{missing})"
        )
        # a wrong area name is not data that has not arrived: say which
        lines += [
            f"    {n}" for n in (notes or {}).get(str(r["dataset"]), []) if n.startswith("None of")
        ]
    return (
        f"Nothing of the review period ({params.review.describe()}) has arrived yet: none of "
        f"the {len(completeness)} requested datasets holds any of it.\n"
        + "\n".join(lines)
        + "\nA review run now would publish no figures (never zeros), so it is not run. Put "
        "the new extracts where the data request register says, check with `reviewkit check`, "
        "then run again."
    )


def run_intake(params: CycleParams) -> IntakeResult:
    """Read every dataset in the register and account for every row: reconciliation (which
    must balance), completeness, the difficulties log updated; nothing is written here."""
    register = load_register(params.path("data_requests"))
    area = AreaMatcher.from_params(params.area, resolve)
    datasets: dict[str, DatasetIntake] = {}
    rows = []
    found: list[dict[str, str]] = []
    for request in register.data_requests:
        intake = read_dataset(request, params, area)
        intake.notes.extend(date_notes(request, intake))
        wrong = path_problem(request)
        if wrong:
            intake.notes.append(
                f"the register's path {request.source.path} {wrong}: no file can be read from "
                "it; correct source.path in the data request register"
            )
        datasets[request.dataset] = intake
        row = completeness_row(request, intake, params.review, params.review_date)
        rows.append(row)
        found += _found_difficulties(
            request, intake, row, params.analysis.quarantine_difficulty_share
        )
    recon = reconciliation_table(list(datasets.values()))
    check_reconciliation(recon)
    completeness = pd.DataFrame(rows)
    refusal = before_data(completeness, params, {n: d.notes for n, d in datasets.items()})
    log = dlog.load_difficulties(params.path("difficulties"))
    complete = set(completeness.loc[completeness["status"] == "complete", "dataset"])
    nxt = next_review_date(params.review_team, params.review_date, params.cycle_months)
    meetings = meeting_dates(params.review_team, params.review_date, nxt)
    log, added, resolved = dlog.update_difficulties(
        log, params.cycle, found, complete, due=meetings[0] if meetings else None
    )
    pop_path = params.path("population")
    population = (
        load_population(pop_path, params.area.local_authorities)
        if (pop_path and params.area.local_authorities)
        else None
    )
    changes = recording_changes(register, datasets, params.analysis.recording_changes)
    notes = {name: d.notes for name, d in datasets.items() if d.notes}
    return IntakeResult(
        register,
        datasets,
        recon,
        completeness,
        log,
        added,
        resolved,
        population,
        notes,
        refusal,
        changes,
        review_cycles(params),
    )


def intake_summary(result: IntakeResult) -> IntakeSummary:
    """What the intake step found, as its record beside the tables (`intake.json`)."""
    ds = result.datasets
    return {
        "notes": result.notes,
        "dropped_columns": {n: d.dropped_columns for n, d in ds.items() if d.dropped_columns},
        "difficulties_added": result.difficulties_added["id"].tolist(),
        "difficulties_resolved": result.difficulties_resolved["id"].tolist(),
        "parse_seconds": {n: round(d.parse_seconds, 3) for n, d in ds.items()},
        "parsed_from_cache": {n: d.parsed_from_cache for n, d in ds.items()},
        # the months each police dataset's files brought (a month with no record in the area
        # is a zero; one that never arrived is missing)
        "months": {
            n: list(d.periods)
            for n, d in ds.items()
            if d.tidy is not None and "crime_type" in d.tidy.columns
        },
    }


def write_intake(result: IntakeResult, run_dir: Path) -> None:
    """Write everything later steps and readers need; raw files are never touched. A review
    of no data (`IntakeResult.refusal`) is refused before anything is written."""
    if result.refusal:
        raise ReviewError(result.refusal)
    store = CycleStore(run_dir)
    kinds = {r.dataset: r.source.kind for r in result.register.data_requests}
    for name, d in result.datasets.items():
        if d.tidy is not None and "measure" not in d.tidy.columns:
            store.write_tidy(name, d.tidy, police_schema(kinds[name]))
        if d.grid is not None:
            store.write_tidy(grid_table(name), d.grid)
        if d.lsoa_names is not None:
            store.write_tidy(lsoa_names_table(name), d.lsoa_names)
    store.write_tidy("partner_measures", result.partner_measures)
    if result.population is not None:
        store.write_tidy("population", result.population)
    store.write_table("reconciliation", result.reconciliation)
    store.write_table("completeness", result.completeness)
    store.write_table("recording_changes", result.recording_changes)
    for name, d in result.datasets.items():
        if len(d.quarantine):
            store.write_quarantine(name, d.quarantine)
    store.write_difficulties(result.difficulties)
    summary = intake_summary(result)
    store.write_intake_summary(summary)
