"""The params' `community:` block: how residents get involved (meetings to come to, how to
contact the partnership), printed in the community update."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from reviewkit.inputs.strict import Strict

WEB_LINK = re.compile(r"^https?://[^\s<>\"']+$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def words(value: str, key: str) -> str:
    """`value` with its spaces collapsed; a blank value is refused, naming its `key`."""
    text = " ".join(str(value).split())
    if not text:
        raise ValueError(f"{key} is blank: write it as residents should read it")
    return text


class CommunityMeeting(Strict):
    """A meeting residents can come to: when, where, and a page about it."""

    date: dt.date
    time: str | None = Field(None, description="start time, 24-hour HH:MM, e.g. 18:30")
    place: str = Field(description="where, as residents would find it (venue and street)")
    what: str = Field("Community safety meeting", description="the meeting's public name")
    link: str | None = Field(None, description="a web page about it (https://...)")

    @field_validator("place", "what")
    @classmethod
    def _said(cls, value: str, info: ValidationInfo) -> str:
        return words(value, str(info.field_name))

    @field_validator("time", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            value = f"{value // 60:02d}:{value % 60:02d}"  # YAML 1.1 reads 18:30 as 1110
        if value is not None and not CLOCK.fullmatch(str(value).strip()):
            raise ValueError(f"'{value}' is not a time; write it as HH:MM, e.g. 18:30")
        return None if value is None else str(value).strip()

    @field_validator("link")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        if value is not None and not WEB_LINK.fullmatch(str(value).strip()):
            raise ValueError(
                f"'{value}' is not a web address; give one starting https:// (or http://)"
            )
        return None if value is None else str(value).strip()


class Community(Strict):
    """What the community update tells residents about getting involved: meetings to come to
    (those before the update is published are left out) and how to contact the partnership."""

    meetings: list[CommunityMeeting] = Field(default_factory=list)
    contact: str | None = Field(
        None, description="how residents contact the partnership (email, phone, address)"
    )
    website: str | None = Field(None, description="the partnership's page for residents")
    get_involved: list[str] = Field(
        default_factory=list,
        description="other ways to take part, one sentence each (e.g. Neighbourhood Watch)",
    )
    place_names_credit: str | None = Field(
        None,
        description="the credit line the place names lookup asks for, printed under 'About "
        "these figures'",
    )

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        return None if value is None else words(value, "contact")

    @field_validator("get_involved")
    @classmethod
    def _ways(cls, value: list[str]) -> list[str]:
        return [words(v, f"get_involved[{i}]") for i, v in enumerate(value)]

    @field_validator("website")
    @classmethod
    def _site(cls, value: str | None) -> str | None:
        return CommunityMeeting._web(value)

    @field_validator("meetings")
    @classmethod
    def _in_order(cls, value: list[CommunityMeeting]) -> list[CommunityMeeting]:
        seen = [(m.date, m.time, m.place) for m in value]
        for k, m in enumerate(seen):
            if seen.index(m) != k:
                raise ValueError(f"the meeting on {m[0]} at {m[2]} is listed twice")
        return sorted(value, key=lambda m: (m.date, m.time or ""))
