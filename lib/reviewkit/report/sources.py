"""Where the figures came from: the datasets a report's figures use, and the licence line
the reports carry."""

from __future__ import annotations

from reviewkit.report.context import ReportContext

OGL = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)."
)


def sources_used(ctx: ReportContext, community: bool) -> list[tuple[str, str, bool]]:
    """(description, provider, is police) of each dataset this cycle's figures came from: the
    datasets of the indicators that could be assessed, and the police street data behind the
    crime-by-type table of the community update."""
    from reviewkit.inputs.register import load_register

    sc = ctx.scorecard
    used = set(sc.loc[sc["assessable"].astype(bool), "dataset"])
    if community and ctx.police is not None and not ctx.police.empty:
        used.add(ctx.street_dataset)
    register = load_register(ctx.params.path("data_requests"))
    return [
        (r.description, r.provider, r.is_police)
        for r in register.data_requests
        if r.dataset in used
    ]


def sources_sentence(used: list[tuple[str, str, bool]]) -> str:
    """One sentence naming the datasets that gave figures and who provided each."""
    if not used:
        return "No dataset gave figures this review."
    return (
        "Figures in this report come from: "
        + "; ".join(f"{description}, from {provider}" for description, provider, _p in used)
        + "."
    )
