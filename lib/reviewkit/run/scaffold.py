"""From one review to the next: set a partnership up (`init`) and write the next cycle's
params from the last one (`new-cycle`), keeping every comment in the analyst's files."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from io import StringIO
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

from reviewkit.base.errors import ReviewError
from reviewkit.base.paths import relative, repo_root, resolve
from reviewkit.base.periods import add_months
from reviewkit.inputs.params import CYCLE_ID, load_params
from reviewkit.inputs.scores import carry_forward
from reviewkit.inputs.team import move_on
from reviewkit.store.layout import CycleLayout, cycle_dir, same_name, slugify
from reviewkit.store.receipts import receipts_file, record_dates


def _template(name: str) -> str:
    return (
        resources.files("reviewkit").joinpath("templates", "init", name).read_text(encoding="utf-8")
    )


def init_partnership(
    name: str, authority: str | None = None, today: dt.date | None = None, root: Path | None = None
) -> list[Path]:
    """Write commented templates for a new partnership; return the files written."""
    root = root or repo_root()
    today = today or dt.date.today()
    slug = slugify(name)
    authority = (
        authority
        or re.sub(r"\s*(community safety partnership|csp)\s*$", "", name, flags=re.I).strip()
        or name
    )
    # The last whole financial year before today, against the year before it.
    fy_end = pd.Period(f"{today.year if today.month >= 4 else today.year - 1}-03", "M")
    review = (fy_end - 11, fy_end)
    baseline = (fy_end - 23, fy_end - 12)
    cycle = f"{review[0].year}-{str(review[1].year)[-2:]}"
    values = {
        "partnership": name,
        "slug": slug,
        "authority": authority,
        "cycle": cycle,
        "review_start": str(review[0]),
        "review_end": str(review[1]),
        "baseline_start": str(baseline[0]),
        "baseline_end": str(baseline[1]),
        "review_date": today.isoformat(),
        "params_path": f"params/{slug}.yaml",
        "due": add_months(review[1].end_time.date(), 1).isoformat(),
        "target_by": str(review[1] + 12),
        "start_date": review[0].start_time.date().isoformat(),
        "end_date": (review[1] + 12).end_time.date().isoformat(),
    }
    targets = {
        root / "params" / f"{slug}.yaml": "params.yaml",
        root / "data" / slug / "strategy.yaml": "strategy.yaml",
        root / "data" / slug / "data_requests.yaml": "data_requests.yaml",
        root / "data" / slug / "difficulties_log.csv": "difficulties_log.csv",
    }
    existing = [relative(p, root) for p in targets if p.exists()]
    if existing:
        owner = _owner(root / "params" / f"{slug}.yaml", name)
        raise ReviewError(
            f"{', '.join(existing)} already exist(s){owner}; nothing was written. "
            "Choose another name or remove the files."
        )
    for path, template in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_template(template).format(**values), encoding="utf-8")
    raw = root / "data" / "raw" / slug / "police_uk"
    raw.mkdir(parents=True, exist_ok=True)
    return [*targets, raw]


def _owner(params_file: Path, name: str) -> str:
    """`(the files of '<other>', ...)` when an existing params file is another partnership's."""
    try:
        other = load_params(params_file, check_files=False).partnership
    except (ReviewError, OSError):
        return ""
    if same_name(other, name):
        return ""
    return (
        f" (the files of '{other}': its name makes the same file and folder names as "
        f"'{name}'; give this partnership a name that differs in its letters or digits)"
    )


def _yaml() -> YAML:
    y = YAML()  # round trip: comments, order and quoting are kept
    y.preserve_quotes = True
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def new_cycle(new_id: str, previous_file: str | Path) -> tuple[Path, list[str]]:
    """Write `params/<new_id>.yaml` from the previous cycle's params; return it and notes."""
    if not CYCLE_ID.fullmatch(new_id or ""):
        raise ReviewError(
            f"'{new_id}' cannot be a cycle id: use letters, digits, '-', '_' or "
            "'.', starting with a letter or digit (e.g. 2026-27). Nothing was "
            "written."
        )
    prev_path = resolve(previous_file)
    prev = load_params(prev_path, check_files=False)
    # params/<old id>.yaml -> params/<new id>.yaml; a file named otherwise (e.g. by `init`
    # after the partnership) gets the new id added, so partnerships never share a file.
    stem = prev_path.stem
    name = stem.replace(prev.cycle, new_id) if prev.cycle in stem else f"{stem}_{new_id}"
    target = prev_path.with_name(f"{name}.yaml")
    if target.exists():
        raise ReviewError(
            f"{relative(target)} already exists; it is not overwritten. Choose "
            "another cycle id or remove the file."
        )
    months = prev.cycle_months
    notes: list[str] = []
    y = _yaml()
    data = y.load(prev_path.read_text(encoding="utf-8"))
    data["cycle"] = new_id
    for key in ("start", "end"):
        data["review_period"][key] = str(pd.Period(data["review_period"][key], "M") + months)
    data["review_date"] = add_months(prev.review_date, months)
    notes += move_on(data, months)  # the core audit team's dates (inputs/team.py)
    prev_out = cycle_dir(prev)
    data["previous_cycle"] = relative(prev_out)
    if not CycleLayout(prev_out).finished:
        notes.append(
            f"{relative(prev_out)} has no finished outputs yet: run the previous "
            "cycle first, or the report cannot say what changed since it."
        )
    log = CycleLayout(prev_out).difficulties_log
    if log.exists():
        data["inputs"]["difficulties"] = relative(log)
        notes.append(
            f"difficulties log carried over from {relative(log)} (open items stay "
            "open until their data arrives complete)"
        )
    else:
        notes.append("no difficulties log in the previous outputs: the old log is used")
    register_path = resolve(data["inputs"]["data_requests"])
    stem = register_path.stem.removesuffix(f"_{prev.cycle}")  # one register per cycle
    new_register = register_path.with_name(f"{stem}_{new_id}.yaml")
    if new_register.exists():
        raise ReviewError(f"{relative(new_register)} already exists; it is not overwritten.")
    register = y.load(register_path.read_text(encoding="utf-8"))
    kept = _keep_received(register_path)
    if kept:
        notes.append(
            f"received dates of the last register kept in the receipt record for "
            f"{kept} file(s) already there ({relative(receipts_file())}); new files "
            "get the date they are first seen, or a 'received' you add"
        )
    for req in register["data_requests"]:
        due = req["due"]
        due = due if isinstance(due, dt.date) else dt.date.fromisoformat(str(due))
        req["due"] = add_months(due, months)
        if "received" in req:
            del req["received"]  # this cycle's data has not arrived yet
    notes += carry_forward(data, prev.cycle, new_id)  # the analyst's scores, for review
    notes += _move_contact(data)
    new_register.write_text(_dump(y, register), encoding="utf-8")
    data["inputs"]["data_requests"] = relative(new_register)
    notes.append(
        f"data request register with due dates moved on {months} months: {relative(new_register)}"
    )
    target.write_text(_dump(y, data), encoding="utf-8")
    load_params(target, check_files=False)  # what was written must validate
    return target, notes


def _keep_received(register_path: Path) -> int:
    """Write the last register's `received` dates into the receipt record for the files
    there now, so that data carried into the next cycle keeps its date."""
    from reviewkit.inputs.register import load_register, source_files

    try:
        register = load_register(register_path)
    except ReviewError:
        return 0
    kept = 0
    for r in register.data_requests:
        if r.received is not None:
            files = source_files(r)
            record_dates(files, r.received, f"register {relative(register_path)}")
            kept += len(files)
    return kept


def _move_contact(data: dict) -> list[str]:
    """`report.contact` (the old key) written as `community.contact` in the new params, so
    the next cycle is not told again that it has moved."""
    report = data.get("report")
    if not isinstance(report, dict) or "contact" not in report:
        return []
    old = report.pop("contact")
    if not report:
        del data["report"]
    if old is None:
        return []
    if not isinstance(data.get("community"), dict):
        data["community"] = {}
    if data["community"].get("contact") is None:
        data["community"]["contact"] = old
    return ["report.contact moved to community.contact, its name now"]


def _dump(y: YAML, data: object) -> str:
    buf = StringIO()
    y.dump(data, buf)
    return buf.getvalue()
