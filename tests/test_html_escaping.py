"""HTML escaping goes by type, never by position: only values marked safe are written as they
are, so reordering a table's columns or a list's items cannot un-escape data."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from reviewkit.report import html, icons

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"


def test_every_cell_of_plain_text_is_escaped_in_every_column_order():
    badge = html.badge("good", "Met", "✔")
    cells = [HOSTILE, badge, 12, None]
    for order in itertools.permutations(range(len(cells))):
        row = [cells[i] for i in order]
        out = html.table(["a", "b", "c", "d"], [row], "caption", row_header=False)
        assert "<script>" not in out
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in out
        assert str(badge) in out  # the marked-safe badge is written as built


def test_grouped_tables_and_lists_escape_by_type_too():
    icon = icons.with_words("common_cause")
    out = html.grouped_table(["x", "y"], [(HOSTILE, [[HOSTILE, icon]])], HOSTILE)
    assert "<script>" not in out
    assert str(icon) in out and "<svg" in out
    listed = html.ul([HOSTILE, html.safe("<em>kept</em>")])
    assert "<script>" not in listed and "<li><em>kept</em></li>" in listed


def test_a_plain_string_that_looks_like_html_is_never_trusted():
    # built HTML that was not marked safe reads as text: visible, never live
    out = html.table(["a"], [['<a href="javascript:x()">click</a>']], "c", row_header=False)
    assert "<a href" not in out and "&lt;a href=" in out


def test_builders_escape_what_they_are_given():
    assert "<script>" not in html.link("#x", HOSTILE)
    assert 'href="#x&quot;&gt;"' in html.link('#x">', "t")
    assert "<script>" not in html.img("data:,", HOSTILE)
    assert "<script>" not in html.badge("k", HOSTILE, "<b>")
    assert "<script>" not in icons.with_words("common_cause", HOSTILE)


@given(st.text())
def test_esc_is_html_escape_for_text_and_identity_for_markup(text):
    from html import escape

    assert html.esc(text) == escape(text, quote=True)
    assert html.esc(Markup(text)) == text


def test_links_only_to_web_mail_phone_or_the_same_folder():
    assert html.link("https://x.example/a?b=1&c=2", "x") == (
        '<a href="https://x.example/a?b=1&amp;c=2">x</a>'
    )
    assert html.link("#decisions", "See") == '<a href="#decisions">See</a>'
    assert html.link("analysis/own.html", "Own") == '<a href="analysis/own.html">Own</a>'
    assert html.link("mailto:a@b.example", "a").startswith("<a ")
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "vbscript:x"):
        assert html.link(bad, "click") == "click"
