"""Variation and assurance icons in the style of NHS England's "Making Data Count", drawn here
as small inline SVG (no image files, no network).

Each icon carries its meaning three ways, so colour is never the only signal: a letter (H or L
for a special-cause high or low, P/F/? for the target), the shape of the little run of points
inside, and the words beside it (`icon_label`) that screen readers also get as the icon's name.
Colours follow Making Data Count: blue improvement, orange concern, purple neither, grey common
cause or a target that lies within the process limits.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BLUE, ORANGE, PURPLE, GREY = "#005eb8", "#c65d00", "#6b2c91", "#5b6770"

# key -> (colour, letter, run of points (y from 0 = top to 1 = bottom), words)
VARIATION = {
    "common_cause": (GREY, "", (0.55, 0.35, 0.6, 0.4, 0.55), "Common cause variation"),
    "improvement_high": (
        BLUE,
        "H",
        (0.75, 0.6, 0.45, 0.3, 0.15),
        "Special cause improvement (high)",
    ),
    "improvement_low": (BLUE, "L", (0.15, 0.3, 0.45, 0.6, 0.75), "Special cause improvement (low)"),
    "concern_high": (ORANGE, "H", (0.75, 0.6, 0.45, 0.3, 0.15), "Special cause concern (high)"),
    "concern_low": (ORANGE, "L", (0.15, 0.3, 0.45, 0.6, 0.75), "Special cause concern (low)"),
    "neutral_high": (
        PURPLE,
        "H",
        (0.75, 0.6, 0.45, 0.3, 0.15),
        "Special cause variation, neither better nor worse (high)",
    ),
    "neutral_low": (
        PURPLE,
        "L",
        (0.15, 0.3, 0.45, 0.6, 0.75),
        "Special cause variation, neither better nor worse (low)",
    ),
}
ASSURANCE = {
    "consistent_pass": (BLUE, "P", "Assurance: the limits are on the good side of the target"),
    "consistent_fail": (ORANGE, "F", "Assurance: the limits are on the wrong side of the target"),
    "inconsistent": (GREY, "?", "Assurance: the target lies within the process limits"),
}


def _svg(colour: str, inner: Markup, label: str, size: int, named: bool) -> Markup:
    """An icon drawn by `inner` (SVG built here; a plain string is escaped); `named`: screen
    readers get `label` as its name, else it is hidden from them (words beside it say the
    same)."""
    who = (
        f'role="img" aria-label="{escape(label)}"'
        if named
        else 'aria-hidden="true" focusable="false"'
    )
    title = f"<title>{escape(label)}</title>" if named else ""
    return Markup(
        f'<svg class="mdc-icon" {who} width="{size}" height="{size}" viewBox="0 0 32 32" '
        f'xmlns="http://www.w3.org/2000/svg">{title}'
        f'<circle cx="16" cy="16" r="14" fill="#fff" stroke="{colour}" stroke-width="3"/>'
        f"{Markup.escape(inner)}</svg>"
    )


def variation_icon(key: str, size: int = 28, named: bool = True) -> Markup:
    """The variation icon for `key` (as spc.variation returns), or '' for an unknown key."""
    if key not in VARIATION:
        return Markup("")
    colour, letter, ys, label = VARIATION[key]
    xs = (8, 12, 16, 20, 24)
    pts = [
        (x, (10 if letter else 8) + y * (10 if letter else 12)) for x, y in zip(xs, ys, strict=True)
    ]
    line = " ".join(f"{x:g},{y:g}" for x, y in pts)
    dots = "".join(f'<circle cx="{x:g}" cy="{y:g}" r="1.8" fill="{colour}"/>' for x, y in pts)
    # the letter sits in the corner the run leaves empty: top left for H, bottom left for L
    text = (
        (
            f'<text x="10.5" y="{14 if letter == "H" else 27}" font-family="Arial,sans-serif" '
            f'font-size="10" font-weight="bold" text-anchor="middle" fill="{colour}">{letter}'
            "</text>"
        )
        if letter
        else ""
    )
    return _svg(
        colour,
        Markup(
            f'<polyline points="{line}" fill="none" stroke="{colour}" '
            f'stroke-width="1" stroke-opacity="0.6"/>{dots}{text}'
        ),
        label,
        size,
        named,
    )


def assurance_icon(key: str, size: int = 28, named: bool = True) -> Markup:
    """The assurance icon for `key` (as spc.assurance returns), or '' when there is none."""
    if key not in ASSURANCE:
        return Markup("")
    colour, letter, label = ASSURANCE[key]
    return _svg(
        colour,
        Markup(
            f'<text x="16" y="21.5" font-family="Arial,sans-serif" font-size="15" '
            f'font-weight="bold" text-anchor="middle" fill="{colour}">{letter}</text>'
        ),
        label,
        size,
        named,
    )


def icon_label(key: str) -> str:
    """The words for an icon's key."""
    if key in VARIATION:
        return VARIATION[key][3]
    if key in ASSURANCE:
        return ASSURANCE[key][2]
    return ""


def with_words(key: str, words: str | None = None, size: int = 24) -> Markup:
    """The icon for `key` beside its words (visible to all; the icon itself is hidden from
    screen readers, which read the words once)."""
    words = words or icon_label(key)
    icon = (
        variation_icon(key, size, named=False)
        if key in VARIATION
        else assurance_icon(key, size, named=False)
    )
    if not icon:
        return Markup(escape(words))
    return Markup(f'<span class="mdc">{icon}<span class="mdc-words">{escape(words)}</span></span>')
