"""Small, safe HTML builders: every string from data or params is escaped here.

Escaping goes by type, never by position: a value is written as it is only when it is marked
safe (`safe`, a `markupsafe.Markup`, or anything else with `__html__`), which only the builders
here and in `report.icons` do for what they built from escaped parts. Everything else (a cell,
a list item, a heading) is escaped, so moving a column or an item cannot un-escape data.

HTML is a type: every builder returns `Markup`, and a parameter that takes HTML (`section`'s
`inner`, `block`'s, `figure`'s `legend`, `join`'s `parts`) is typed `Markup`, so mypy flags a
plain string there; one given anyway is escaped. Join HTML with `join` (`"".join` gives a
plain string), and never add a plain string of tags to `Markup` (that escapes the string).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:  # matplotlib is only imported where charts are drawn
    from reviewkit.report.charts import Chart


def esc(text: object) -> str:
    """`text` ready for HTML: as it is when marked safe (it has `__html__`), else escaped."""
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return escape("" if text is None else str(text), quote=True)


def safe(fragment: str) -> Markup:
    """Mark `fragment`, built from escaped parts, as HTML to be written as it is."""
    return Markup(fragment)


EMPTY = Markup("")  # no HTML: the default of a parameter that takes HTML


def h(level: int, text: str, id: str | None = None) -> Markup:
    """A heading of `level`, its text escaped, with an id to link to if given."""
    ident = f' id="{esc(id)}"' if id else ""
    return safe(f"<h{int(level)}{ident}>{esc(text)}</h{int(level)}>")


def p(text: str, cls: str | None = None) -> Markup:
    """A paragraph of escaped text, with a class if given."""
    c = f' class="{esc(cls)}"' if cls else ""
    return safe(f"<p{c}>{esc(text)}</p>")


def ul(items: Iterable[object]) -> Markup:
    """A bulleted list; each item escaped unless marked safe ('' when there is none)."""
    lis = "".join(f"<li>{esc(i)}</li>" for i in items)
    return safe(f"<ul>{lis}</ul>" if lis else "")


def badge(kind: str, text: str, symbol: str = "") -> Markup:
    """A status label: a symbol and words, so colour is never the only signal."""
    sym = f'<span aria-hidden="true">{esc(symbol)} </span>' if symbol else ""
    return safe(f'<span class="badge badge-{esc(kind)}">{sym}{esc(text)}</span>')


def img(src: str, alt: str, cls: str = "") -> Markup:
    """An image with its text alternative (`src` a data URI or a relative path)."""
    c = f' class="{esc(cls)}"' if cls else ""
    return safe(f'<img{c} src="{esc(src)}" alt="{esc(alt)}">')


SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def link(href: str, text: object) -> Markup:
    """A link; `text` escaped unless marked safe. Only web, mail and phone addresses and
    places in the same folder are linked: any other scheme (`javascript:`) is text only."""
    scheme = href.split("/", 1)[0].split("#", 1)[0].lower().strip()
    if ":" in scheme and not scheme.startswith(SAFE_SCHEMES):
        return safe(esc(text))
    return safe(f'<a href="{esc(href)}">{esc(text)}</a>')


def figure(chart: Chart, caption: str, cls: str = "chart", legend: Markup = EMPTY) -> Markup:
    """A chart with its caption; `legend` is HTML already built (e.g. icons with words: a
    plain string is escaped)."""
    key = f'<span class="legend">{esc(legend)}</span> ' if legend else ""
    return safe(
        f'<figure class="{esc(cls)}"><img src="{esc(chart.data_uri)}" alt="{esc(chart.alt)}">'
        f"<figcaption>{key}{esc(caption)}</figcaption></figure>"
    )


def _row(row: Sequence[object], numeric: Sequence[int], row_header: bool = True) -> str:
    cells = []
    for i, v in enumerate(row):
        content = esc(v)
        if i == 0 and row_header:
            cells.append(f'<th scope="row">{content}</th>')
        else:
            cells.append(f"<td{_num(i, numeric)}>{content}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _table(
    headers: Sequence[str], bodies: str, caption: str, numeric: Sequence[int], cls: str
) -> Markup:
    head = "".join(
        f'<th scope="col"{_num(i, numeric)}>{esc(t)}</th>' for i, t in enumerate(headers)
    )
    c = f' class="{esc(cls)}"' if cls else ""
    # The wrapper scrolls sideways on narrow screens, so it must be reachable by keyboard.
    return safe(
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
        f"<table{c}><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"{bodies}</table></div>"
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    caption: str,
    numeric: Sequence[int] = (),
    row_header: bool = True,
    cls: str = "",
) -> Markup:
    """A data table with a caption, column headers and (by default) row headers.

    Each cell is escaped unless it is marked safe (`safe`, or a builder's `Markup`).
    """
    body = [_row(row, numeric, row_header) for row in rows]
    if not body:
        return p(f"{caption}: nothing to show.")
    return _table(headers, f"<tbody>{''.join(body)}</tbody>", caption, numeric, cls)


def grouped_table(
    headers: Sequence[str],
    groups: Iterable[tuple[str, list[Sequence[object]]]],
    caption: str,
    numeric: Sequence[int] = (),
    cls: str = "",
) -> Markup:
    """A data table whose rows come in labelled groups (one `tbody` each); cells as `table`."""
    bodies = []
    for label, rows in groups:
        trs = [
            f'<tr class="group"><th scope="rowgroup" colspan="{len(headers)}">'
            f"{esc(label)}</th></tr>"
        ]
        trs += [_row(row, numeric) for row in rows]
        bodies.append("<tbody>" + "".join(trs) + "</tbody>")
    return _table(headers, "".join(bodies), caption, numeric, cls)


def _num(i: int, numeric: Sequence[int]) -> str:
    return ' class="num"' if i in numeric else ""


def section(inner: Markup, cls: str = "") -> Markup:
    """A section around HTML already built (a plain string is escaped), with a class if
    given."""
    c = f' class="{esc(cls)}"' if cls else ""
    return safe(f"<section{c}>{esc(inner)}</section>")


def block(tag: str, inner: Markup, cls: str = "", label: str = "") -> Markup:
    """An element around HTML already built (a plain string is escaped): `tag` one of
    div, aside or header, with a class and an accessible name if given."""
    if tag not in ("div", "aside", "header"):
        raise ValueError(f"not a block element: {tag!r}")
    c = f' class="{esc(cls)}"' if cls else ""
    name = f' aria-label="{esc(label)}"' if label else ""
    return safe(f"<{tag}{c}{name}>{esc(inner)}</{tag}>")


def join(parts: Iterable[Markup], sep: str = "") -> Markup:
    """HTML parts one after another (`sep` between them, escaped); a plain string among
    them is escaped, never written as it is."""
    return safe(esc(sep).join(esc(part) for part in parts))
