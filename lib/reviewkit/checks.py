"""Preflight: are the params valid, is every requested dataset there, what is missing or late?

Nothing is written and no notebook runs; the same readers as intake are used, so what `check`
says is what the run will find.
"""

from __future__ import annotations

from pathlib import Path

from reviewkit.errors import ReviewError


def check_cycle(params_file: str | Path) -> tuple[bool, list[str]]:
    """(all good, lines to print)."""
    from reviewkit.intake import run_intake
    from reviewkit.params import load_params
    from reviewkit.register import load_register
    from reviewkit.strategy import load_strategy

    try:
        params = load_params(params_file)
        register = load_register(params.path("data_requests"))
        strategy = load_strategy(params.path("strategy"), register.datasets)
        result = run_intake(params)
    except ReviewError as exc:
        return False, [f"error: {line}" for line in str(exc).splitlines()]
    lines = [f"params valid: cycle '{params.cycle}', {params.partnership}, review period "
             f"{params.review.describe()}",
             f"strategy valid: {len(strategy.priorities)} priorities, "
             f"{len(strategy.indicators)} indicators, {len(strategy.initiatives)} initiatives"]
    ok = True
    for row in result.completeness.to_dict("records"):
        state = row["status"]
        extra = f"; missing {row['missing_periods']}" if row["missing_periods"] else ""
        late = f" ({row['timeliness']}, due {row['due']})" if row["timeliness"] in (
            "late", "overdue") else ""
        mark = "ok  " if state == "complete" else "MISSING" if state == "not received" else "WARN"
        if state != "complete":
            ok = False
        lines.append(f"{mark:<7} {row['dataset']}: {state}{late}{extra}; "
                     f"{row['files']} file(s), {row['accepted']:,} rows accepted, "
                     f"{row['quarantined']:,} quarantined")
    for ds, notes in result.notes.items():
        lines += [f"note    {ds}: {n}" for n in notes]
    lines.append("all requested data present" if ok else
                 "some requested data is missing or incomplete (the review can still run)")
    return ok, lines
