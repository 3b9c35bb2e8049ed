"""How residents get involved: the meetings still to come when the update is published, and
how to contact the partnership (params `community`)."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from reviewkit.inputs.params import CommunityMeeting, CycleParams
from reviewkit.report import html


def published_on(params: CycleParams) -> dt.date:
    """The day residents may first read the update: its sign-off for a final paper, else the
    review date (a draft's meetings are those after the review)."""
    r = params.report
    return r.signed_off_on if r.status == "final" and r.signed_off_on else params.review_date


def upcoming_meetings(params: CycleParams) -> list[CommunityMeeting]:
    """The meetings on or after the publication day, in date order: a past one is not offered."""
    day = published_on(params)
    return [m for m in params.community.meetings if m.date >= day]


def contact(params: CycleParams) -> str | None:
    """How residents contact the partnership (`community.contact`, or the old `report.contact`
    the params read into it)."""
    return params.community.contact


def clock_words(hhmm: str) -> str:
    """'18:30' as residents say it: '6.30pm' ('12 noon', '9am')."""
    h, m = (int(x) for x in hhmm.split(":"))
    if (h, m) == (12, 0):
        return "12 noon"
    suffix = "am" if h < 12 else "pm"
    h12 = h % 12 or 12
    return f"{h12}{suffix}" if m == 0 else f"{h12}.{m:02d}{suffix}"


def meeting_words(m: CommunityMeeting) -> Markup:
    """One meeting as a list item (HTML): day, date and time, what, where, and its page with
    the address written out (a printed page keeps it)."""
    when = f"{m.date:%A} {m.date.day} {m.date:%B %Y}"
    if m.time:
        when += f", {clock_words(m.time)}"
    text = f"{html.esc(when)}: {html.esc(m.what)}, {html.esc(m.place)}."
    if m.link:
        text += f" Details: {link(m.link)}"
    return html.safe(text)


def link(url: str) -> Markup:
    """A link whose words are its address, so a printed copy still says where to go."""
    return html.link(url, url)
