"""The community update's sections as HTML, for residents: plain key messages, each
priority in plain words, where crime happens, crime by type and how to help. Small counts go
through `report.suppression`, checked over the whole page. The figures and that check
(`community_figures`), the key messages, the priorities and the crime sections are built in
modules of their own and named here too."""

from __future__ import annotations

from markupsafe import Markup

from reviewkit.analysis import places
from reviewkit.inputs.strategy import Filter
from reviewkit.report import html
from reviewkit.report.community_crime import community_where, crime_by_type
from reviewkit.report.community_figures import community_numbers, comparison_period, police_missing
from reviewkit.report.community_involved import (
    contact,
    link,
    meeting_words,
    upcoming_meetings,
)
from reviewkit.report.community_messages import community_messages
from reviewkit.report.community_places import local_areas, place_names
from reviewkit.report.community_priorities import (
    PLAIN_STATUS,
    community_next_steps,
    community_priorities,
)
from reviewkit.report.community_ready import involvement_gaps
from reviewkit.report.context import ReportContext
from reviewkit.report.sources import OGL, sources_sentence, sources_used

__all__ = [
    "PLAIN_STATUS",
    "community_about",
    "community_for_analyst",
    "community_help",
    "community_messages",
    "community_next_steps",
    "community_numbers",
    "community_priorities",
    "community_title",
    "community_where",
    "comparison_period",
    "crime_by_type",
    "police_missing",
]


def community_title(ctx: ReportContext) -> Markup:
    """The update's title, naming the area residents live in (the local authorities, else
    the partnership), with the partnership and the review period."""
    area = ", ".join(ctx.params.area.local_authorities) or ctx.params.partnership
    return html.block(
        "header",
        html.h(1, f"Keeping {area} safe: an update for residents")
        + html.p(f"{ctx.params.partnership} · {ctx.review_desc}", "subtitle"),
        "title",
    )


def community_help(ctx: ReportContext) -> Markup:
    """How to get involved: meetings still to come (date, time, place, page), how to contact
    the partnership, other ways to take part, and how to report crime."""
    params = ctx.params
    c = params.community
    meetings = upcoming_meetings(params)
    parts = [html.h(2, "How to get involved", "help")]
    if meetings:
        parts.append(html.h(3, "Come to a meeting"))
        parts.append(html.p("Tell us what matters where you live. Everyone is welcome."))
        parts.append(html.ul(meeting_words(m) for m in meetings))
    said = contact(params)
    if said or c.website:
        parts.append(html.h(3, "Contact us"))
        items: list[object] = [said] if said else []
        if c.website:
            items.append(html.safe(f"Online: {link(c.website)}"))
        parts.append(html.ul(items))
    parts.append(html.h(3, "Other ways to help"))
    parts.append(html.ul([*c.get_involved, params.report.report_crime]))
    return html.section(html.join(parts))


def community_for_analyst(ctx: ReportContext) -> Markup:
    """A draft update's box of what the analyst still has to give before it can be published
    (public names, dated steps, meetings, contact, place names); a final update has none."""
    if ctx.params.report.status == "final":
        return html.EMPTY
    items = involvement_gaps(ctx.params, ctx.strategy, community_next_steps(ctx))
    names = place_names(ctx)
    if names is None:
        items.append(
            "No local area is named for residents: give inputs.place_names (a CSV of local "
            "names by MSOA; docs/inputs.md) to list the busiest areas by name."
        )
    elif ctx.police is not None and not ctx.police.empty:
        table = places.by_lsoa(ctx.police, Filter(), ctx.params.baseline, ctx.params.review)
        top = local_areas(table, ctx.lsoa_names, names).head(5)
        unnamed = int((~top["named"]).sum())
        if unnamed:
            items.append(
                f"{unnamed} of the busiest local areas has no name in inputs.place_names: "
                "residents read it as part of its local authority."
            )
    if not items:
        return html.EMPTY
    return html.block(
        "aside",
        html.h(2, "For the analyst (left out of the published update)", "for-analyst")
        + html.ul(items),
        "for-analyst",
        "For the analyst",
    )


def community_about(ctx: ReportContext) -> Markup:
    """About the figures: explains only the terms the update uses; a draft's box for the
    analyst follows it."""
    judged = [v for v in ctx.verdicts.values() if v.judged]
    items = []
    if any(v.change in ("improved", "worsened") for v in judged):
        items.append(
            "“More than the normal ups and downs” means the change is bigger than we would "
            "expect by chance from month to month. It does not tell us what caused it."
        )
    if any(v.change in ("about the same", "cannot tell") for v in judged):
        items.append(
            "“Within the normal ups and downs” means the change is no bigger than figures "
            "like these vary by chance from month to month."
        )
    items += [sources_sentence(sources_used(ctx, community=True)), OGL]
    credit = ctx.params.community.place_names_credit
    if credit and ctx.params.inputs.place_names:
        items.append(f"Names of local areas: {credit}")
    about = html.section(html.h(2, "About these figures", "about") + html.ul(items))
    return about + community_for_analyst(ctx)  # the draft's box closes the update
