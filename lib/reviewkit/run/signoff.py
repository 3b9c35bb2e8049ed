"""Draft or final: what stops a board paper going out as final before it is ready.

A draft may hold the analyst's unfinished prompts (`[[...]]` or `TODO` in the narrative file);
the draft report shows them highlighted, and ends with a box of notes for the analyst (params
keys to set, data requests by id) that a final paper leaves out. A final run refuses while any
prompt is left, while the narrative names a params key, a data request id or a code
(`report.analyst_text`), while the narrative file or its executive summary is missing, while
the community update cannot tell residents what happens next and how to get involved
(`report.community_ready`: dated next steps, a meeting to come, a contact, public names), or
while `reviewkit check` reports an error. The manifest records who signed the paper off and when
(params `report`).
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewkit.inputs.params import CycleParams

PROMPT = re.compile(r"\[\[(.*?)\]\]|\bTODO\b|\bTBC\b", re.S)


def unfilled_prompts(narrative: dict[str, str]) -> list[tuple[str, str]]:
    """(section key, prompt text) for every prompt still in the narrative."""
    out = []
    for key, text in narrative.items():
        for m in PROMPT.finditer(text):
            out.append(
                (key, " ".join((m.group(1) if m.group(1) is not None else m.group(0)).split()))
            )
    return out


def final_problems(params: CycleParams, params_file: str | Path) -> list[str]:
    """Why this cycle cannot be run as final (empty when it can)."""
    from reviewkit.base.paths import relative
    from reviewkit.inputs.places import area_codes
    from reviewkit.inputs.register import load_register
    from reviewkit.report.analyst_text import analyst_text
    from reviewkit.report.narrative import load_narrative
    from reviewkit.run.preflight import check_cycle

    problems = []
    path = params.path("narrative")
    if path is None:
        problems.append(
            "no narrative file: a final paper needs the analyst's own executive "
            "summary (params key 'inputs.narrative', section '## "
            "executive_summary')"
        )
    else:
        narrative = load_narrative(path)
        if not narrative.get("executive_summary", "").strip():
            problems.append(f"{relative(path)}: section '## executive_summary' is missing or empty")
        ids = load_register(params.path("data_requests")).datasets
        for key, text in narrative.items():
            leaks = analyst_text(text, ids)
            if leaks:
                problems.append(
                    f"{relative(path)}: section '## {key}' names what only the analyst acts "
                    f"on ({', '.join(dict.fromkeys(leaks))}): say it in the reader's words"
                )
        for key, text in narrative.items():
            codes = area_codes(text, params.area.local_authorities)
            if key.startswith("community") and codes:
                problems.append(
                    f"{relative(path)}: section '## {key}' names a place by its statistical "
                    f"code ({', '.join(dict.fromkeys(codes))}): residents read places by their "
                    "local names (give the name the area is known by, or leave it out)"
                )
        for key, prompt in unfilled_prompts(narrative):
            problems.append(
                f"{relative(path)}: section '## {key}' still has a prompt to fill in: [[{prompt}]]"
                if prompt not in ("TODO", "TBC")
                else f"{relative(path)}: section '## {key}' still says {prompt}"
            )
    problems += community_problems(params)
    problems += place_names_problems(params)
    _ok, lines = check_cycle(params_file)
    problems += [
        f"reviewkit check: {ln.removeprefix('error: ')}" for ln in lines if ln.startswith("error: ")
    ]
    return problems


def community_problems(params: CycleParams) -> list[str]:
    """What the community update lacks to be published (`report.community_ready`), with the
    dated next steps as the progress step will judge them (the initiatives' statuses as at
    the review date). A strategy that does not load is left to `reviewkit check` to report."""
    from reviewkit.analysis.initiatives import assess_initiative
    from reviewkit.base.errors import ReviewError
    from reviewkit.inputs.strategy import load_strategy
    from reviewkit.report.community_ready import final_gaps
    from reviewkit.report.community_steps import next_steps

    try:
        strategy = load_strategy(params.path("strategy"))
    except ReviewError:
        return []
    day = params.review_date
    finished = {
        i.id for i in strategy.initiatives if assess_initiative(i, day, {}).status == "complete"
    }
    return final_gaps(params, strategy, next_steps(strategy, day, finished))


def place_names_problems(params: CycleParams) -> list[str]:
    """A place names lookup that cannot be read stops a final paper before anything runs."""
    from reviewkit.base.errors import ReviewError
    from reviewkit.inputs.places import load_place_names

    path = params.path("place_names")
    if path is None or not path.is_file():
        return []  # none given, or missing: the params check says so
    try:
        load_place_names(path)
    except ReviewError as exc:
        return str(exc).splitlines()
    return []


def sign_off_record(params: CycleParams) -> dict[str, str | None]:
    """The manifest's record of what the paper is and who signed it off."""
    r = params.report
    return {
        "status": r.status,
        "signed_off_by": r.signed_off_by if r.status == "final" else None,
        "signed_off_on": r.signed_off_on.isoformat()
        if r.status == "final" and r.signed_off_on
        else None,
    }
