"""The layout of a review cycle's folder: the one place that knows every file a cycle holds.

Every step, the runner, `open_cycle` and the tests ask a `CycleLayout` for a path instead of
joining folder names themselves, so the folder can change in one place. Where a cycle's folder
is (from its params) is decided here too: `cycle_dir` for the finished cycle that `reviewkit run`
writes, `scratch_dir` for a notebook run by hand, both named by the partnership (`slugify`) and
the cycle, and refused when another partnership holds the folder (`check_owner`). The steps
of a cycle and the notebook of each (`STEP_NOTEBOOKS`) are written in reviewkit.base.steps and
importable from here; the folders each step makes anew every time it runs are declared here
(`CycleLayout.made_anew`).
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import outputs_dir, relative
from reviewkit.base.steps import STEP_NOTEBOOKS, STEPS, check_step

if TYPE_CHECKING:
    from reviewkit.inputs.params import CycleParams

__all__ = [
    "MANIFEST",
    "STEPS",
    "STEP_NOTEBOOKS",
    "CycleLayout",
    "check_owner",
    "cycle_dir",
    "same_name",
    "scratch_dir",
    "shared_folders",
    "slugify",
]

MANIFEST = "manifest.json"  # a finished cycle's record; its presence makes a cycle finished


# Letters that Unicode does not decompose into a base letter and a mark, spelled as their
# names are usually written in Latin letters (ŵ, ŷ, é and the like decompose and keep their base).
SPELLED = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l",
     "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i"}
)  # fmt: skip


def slugify(name: str) -> str:
    """A partnership's name as a folder and file name: lower case, `_` between words.

    Accented letters keep their base letter (Welsh `Tŵr Ŷd` -> `twr_yd`, `Pen-y-bont ar Ogwr`
    -> `pen_y_bont_ar_ogwr`), so names stay readable and differ where their letters differ; a
    letter with no Latin base (Greek, Cyrillic...) is kept as it is. Two names can still share a
    slug (case, punctuation): `check_owner` refuses a folder another partnership holds.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", name).translate(SPELLED))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    slug = re.sub(r"[\W_]+", "_", text).strip("_")
    if not slug:
        raise ReviewError(f"'{name}' has no letters or digits to name its files by.")
    return slug


def same_name(a: object, b: object) -> bool:
    """Whether two partnership names are the same full name (Unicode forms and runs of spaces
    aside; case and punctuation count: 'BRACKWELL' is not taken for 'Brackwell')."""

    def norm(text: object) -> str:
        return " ".join(unicodedata.normalize("NFC", str(text)).split())

    return norm(a) == norm(b)


def _holders(group: Path) -> dict[str, str]:
    """Who holds the cycles in a partnership's folder: full name -> one cycle folder of it
    (finished, failed, interrupted or being run), from each folder's cycle.json or manifest."""
    found: dict[str, str] = {}
    if not group.is_dir():
        return found
    folders = [p for p in group.iterdir() if p.is_dir() and p.name != "_failed"]
    failed = group / "_failed"
    if failed.is_dir():
        folders += [p for p in failed.iterdir() if p.is_dir()]
    for folder in sorted(folders):
        layout = CycleLayout(folder)
        try:
            made = layout.read_record() or layout.read_manifest() or {}
        except ReviewError:  # an unreadable manifest names no holder
            made = {}
        who = made.get("partnership")
        if isinstance(who, str) and who.strip():
            found.setdefault(who, relative(folder))
    return found


def check_owner(group: Path, partnership: str) -> None:
    """Refuse a partnership's outputs folder that holds another partnership's cycles: two
    names that make one slug never share a folder, and no run (nor --force) ever writes over
    another partnership's cycle."""
    for other, example in _holders(group).items():
        if not same_name(other, partnership):
            raise ReviewError(
                f"{relative(group)} holds the review cycles of '{other}' (e.g. {example}); "
                f"this params file is for '{partnership}', whose outputs would go to the same "
                "folder, as the two names differ only in case, accents, spaces or punctuation. "
                "Nothing was run and nothing was replaced. If they are one partnership, write "
                "its name (key 'partnership') exactly as before; if not, give this one a name "
                "that differs in its letters or digits."
            )


def shared_folders(named: list[tuple[str, str]]) -> list[str]:
    """For a batch, before anything runs: (params file, partnership) pairs whose different
    names would share one outputs folder, each as a line naming both."""
    by_slug: dict[str, list[tuple[str, str]]] = {}
    for source, partnership in named:
        by_slug.setdefault(slugify(partnership), []).append((source, partnership))
    lines = []
    for slug, group in by_slug.items():
        names = {" ".join(unicodedata.normalize("NFC", p).split()) for _, p in group}
        if len(names) > 1:
            lines.append(
                f"outputs/{slug}/: " + " and ".join(f"'{p}' ({source})" for source, p in group)
            )
    return lines


# Folders of `outputs/` that are not a partnership's: a partnership whose name makes one of
# these slugs would share it.
RESERVED = ("interactive", "bench")


def cycle_dir(params: CycleParams) -> Path:
    """Where a cycle's finished outputs live: `outputs/<partnership>/<cycle>/`, refused when
    that partnership folder holds another partnership's cycles (`check_owner`)."""
    slug = slugify(params.partnership)
    if slug in RESERVED:
        raise ReviewError(
            f"The partnership name '{params.partnership}' would put its outputs in "
            f"outputs/{slug}/, which the tool keeps for "
            f"{'notebooks run by hand' if slug == 'interactive' else 'speed measurements'}; "
            "give the partnership its full name (key 'partnership')."
        )
    group = outputs_dir() / slug
    check_owner(group, params.partnership)
    check_case(group, params.cycle)
    return group / params.cycle


def check_case(group: Path, cycle: str) -> None:
    """Refuse a cycle id that differs from an existing cycle's only in case (`Q1`, `q1`): on
    Windows and macOS they are one folder, so one cycle would replace the other."""
    if not group.is_dir():
        return
    for other in group.iterdir():
        if other.is_dir() and other.name != cycle and other.name.casefold() == cycle.casefold():
            raise ReviewError(
                f"cycle '{cycle}' differs from the cycle in {relative(other)} only in case; on "
                "Windows and macOS they are one folder, so one would replace the other. Write "
                f"the id as '{other.name}' for that cycle, or give this one another id."
            )


def scratch_dir(params: CycleParams) -> Path:
    """Where a notebook run by hand writes: beside the finished cycles, never inside one
    (`outputs/interactive/<partnership>/<cycle>/`)."""
    group = outputs_dir() / "interactive" / slugify(params.partnership)
    check_owner(group, params.partnership)
    return group / params.cycle


@dataclass(frozen=True)
class CycleLayout:
    """The files of one cycle's folder (finished, being run, or a scratch folder)."""

    root: Path

    # Folders --------------------------------------------------------------------------------
    @property
    def tidy_dir(self) -> Path:
        """Tidy tables as parquet (one per police dataset, partner measures, population,
        indicator series)."""
        return self.root / "tidy"

    @property
    def tables_dir(self) -> Path:
        """Tables as CSV for partners (the published copy; steps read `typed_tables_dir`)."""
        return self.root / "tables"

    @property
    def typed_tables_dir(self) -> Path:
        """The tables again as parquet, with their exact types: what the next step reads
        (reviewkit.store.tables)."""
        return self.root / ".tables"

    @property
    def charts_dir(self) -> Path:
        """Charts for slides: `<indicator>.png` (300 dpi), `.svg` and `.txt` (what it shows)."""
        return self.root / "charts"

    @property
    def report_charts_dir(self) -> Path:
        """The report's chart images (PNG, with `.txt` saying what each shows): XmR charts,
        trend lines and funnel plots, drawn once per run by the progress step, their one
        writer (it empties the folder first: `made_anew`); the report and the notebooks only
        read them. The report draws its maps itself, in memory."""
        return self.root / ".report-charts"

    def made_anew(self, step: str) -> tuple[Path, ...]:
        """The folders `step` makes anew each time it runs: its writer empties them before
        writing, and a run that reruns the step starts them empty, while a run from a later
        step keeps them (the progress step's chart images: `charts/` and `.report-charts/`)."""
        made = {"progress": (self.report_charts_dir, self.charts_dir)}
        return made.get(check_step(step), ())

    @property
    def quarantine_dir(self) -> Path:
        """Rows held back at intake, with their reasons (no raw row text)."""
        return self.root / "quarantine"

    @property
    def notebooks_dir(self) -> Path:
        """The executed notebooks: the audit copy of what ran."""
        return self.root / "notebooks"

    @property
    def analysis_dir(self) -> Path:
        """The analyst's own notebooks, exported as HTML."""
        return self.root / "analysis"

    # Files ----------------------------------------------------------------------------------
    def tidy(self, name: str) -> Path:
        """A tidy table as parquet."""
        return self.tidy_dir / f"{name}.parquet"

    def table(self, name: str) -> Path:
        """A table's published CSV."""
        return self.tables_dir / f"{name}.csv"

    def typed_table(self, name: str) -> Path:
        """A table's typed parquet copy (what the steps read)."""
        return self.typed_tables_dir / f"{name}.parquet"

    def quarantine(self, dataset: str) -> Path:
        """The rows of `dataset` held back at intake."""
        return self.quarantine_dir / f"{dataset}.csv"

    def chart(self, indicator: str, suffix: str) -> Path:
        """An indicator's chart for slides (`png`, `svg`, `txt`)."""
        return self.charts_dir / f"{indicator}.{suffix}"

    def report_chart(self, key: str) -> Path:
        """A report image the progress step draws, without its suffix (`.png`, `.txt`):
        `<indicator>-xmr`, `-trend`, `-funnel`."""
        return self.report_charts_dir / key

    def executed(self, notebook: str) -> Path:
        """The executed copy of `notebook`."""
        return self.notebooks_dir / notebook

    def analysis_html(self, notebook: str) -> Path:
        """An own notebook's page."""
        return self.analysis_dir / f"{Path(notebook).stem}.html"

    @property
    def manifest(self) -> Path:
        """The finished cycle's record (MANIFEST)."""
        return self.root / MANIFEST

    @property
    def identity(self) -> Path:
        """Which partnership, cycle and params made the folder (reviewkit.store.identity)."""
        return self.root / "cycle.json"

    @property
    def intake_summary(self) -> Path:
        """What the intake step found (notes, dropped columns, counts)."""
        return self.root / "intake.json"

    @property
    def progress_summary(self) -> Path:
        """What the progress step found."""
        return self.root / "progress.json"

    @property
    def difficulties_log(self) -> Path:
        """The difficulties met this cycle (a CSV people edit)."""
        return self.root / "difficulties_log.csv"

    @property
    def data_dictionary(self) -> Path:
        """Every column of every table written: label, type, meaning and source."""
        return self.tidy_dir / "data_dictionary.csv"

    @property
    def workbook(self) -> Path:
        """One formatted Excel workbook of the cycle's tables, for partners."""
        return self.root / "review_tables.xlsx"

    def report(self, file: str) -> Path:
        """A page or paper made for people (`review_report.html`, its PDF...)."""
        return self.root / file

    # What has been done ---------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """A finished cycle has its manifest; nothing run by hand writes into it."""
        return self.manifest.is_file()

    @property
    def has_intake(self) -> bool:
        """Whether the intake step's results are here."""
        return self.intake_summary.is_file() and self.table("completeness").is_file()

    @property
    def has_progress(self) -> bool:
        """Whether the progress step's results are here."""
        return self.progress_summary.is_file() and self.table("scorecard").is_file()

    # Copies ---------------------------------------------------------------------------------
    # Records ---------------------------------------------------------------------------------
    def read_record(self) -> dict[str, Any] | None:
        """The folder's identity record (`cycle.json`; reviewkit.store.identity writes it), or
        None when there is none or it cannot be read."""
        return _read_json(self.identity)

    def read_manifest(self) -> dict[str, Any] | None:
        """The finished cycle's manifest, or None when there is none (a run in progress, a
        scratch folder). The one reader of a manifest: a manifest that is there but cannot be
        read is refused (ReviewError naming it), never taken for an unfinished cycle."""
        if not self.manifest.is_file():
            return None
        found = _read_json(self.manifest)
        if found is None:
            raise ReviewError(
                f"{relative(self.manifest)} cannot be read as a cycle's manifest (it was "
                "changed or cut short after the run wrote it); rerun the cycle with --force."
            )
        return found

    def copy_unfinished(self, dest: Path) -> CycleLayout:
        """A copy of this cycle's folder at `dest` without its manifest: a copy to rerun later
        steps in, or to work on by hand, is never mistaken for a finished cycle."""
        shutil.copytree(self.root, dest, ignore=shutil.ignore_patterns(MANIFEST))
        return CycleLayout(dest)

    def is_report(self, path: Path) -> bool:
        """Whether `path` in this folder is made for people by `reviewkit run` from the
        results (a page, a PDF, the workbook, the executed notebooks, an own notebook's
        page), not a result the steps read."""
        if path.parent != self.root:
            return False
        return path.suffix in (".html", ".pdf") or path in (
            self.workbook,
            self.notebooks_dir,
            self.analysis_dir,
        )

    def copy_results(self, dest: Path) -> CycleLayout:
        """A copy of this cycle's results at `dest` to work on by hand (a scratch folder):
        without its manifest, and without its reports, which a notebook run by hand does not
        make again, so a scratch folder never shows a finished cycle's old reports beside
        its own new tables."""

        def leave_out(folder: str, names: list[str]) -> list[str]:
            here = Path(folder)
            return [
                n for n in names if n == MANIFEST and here == self.root or self.is_report(here / n)
            ]

        shutil.copytree(self.root, dest, ignore=leave_out)
        return CycleLayout(dest)


def _read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from `path`; None when the file is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
