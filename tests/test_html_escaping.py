"""HTML escaping goes by type, never by position: only values marked safe are written as they
are, so reordering a table's columns or a list's items cannot un-escape data."""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
import re
from collections.abc import Callable
from types import ModuleType

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from reviewkit import report
from reviewkit.report import html, icons
from reviewkit.report.figures import Chart

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


# HTML is a type ------------------------------------------------------------------------------
TEXT_ATTACKS = ["<script>alert(1)</script>", '" onerror="alert(1)', "' onmouseover='x", "a & b"]


def _escaped(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


@pytest.mark.parametrize("attack", TEXT_ATTACKS)
def test_every_builder_escapes_hostile_text_in_every_text_parameter(attack):
    chart = Chart(b"png", attack)
    built = {
        "h text": html.h(2, attack),
        "h id": html.h(2, "t", attack),
        "p text": html.p(attack),
        "p class": html.p("t", attack),
        "ul item": html.ul([attack]),
        "badge": html.badge(attack, attack, attack),
        "img": html.img(attack, attack, attack),
        "link": html.link(f"#{attack}", attack),
        "figure": html.figure(chart, attack, attack),
        "table": html.table([attack], [[attack, attack]], attack, cls=attack),
        "table, no rows": html.table([attack], [], attack),
        "grouped table": html.grouped_table([attack], [(attack, [[attack]])], attack, cls=attack),
        "section class": html.section(html.EMPTY, attack),
        "block": html.block("div", html.EMPTY, attack, attack),
        "join separator": html.join([html.safe("<b>a</b>"), html.safe("<b>b</b>")], attack),
        "icon words": icons.with_words("common_cause", attack),
    }
    for what, out in built.items():
        assert isinstance(out, Markup), what
        assert attack not in out, what  # never written as given
        assert _escaped(attack) in out, what  # but written, escaped


@pytest.mark.parametrize("attack", TEXT_ATTACKS)
def test_a_plain_string_where_html_is_expected_is_escaped_not_written_raw(attack):
    """`section`, `block`, `figure(legend=)` and `join` take HTML: a plain string there (HTML
    built by hand and never marked safe) reads as text, never as markup."""
    chart = Chart(b"png", "alt")
    for out in (
        html.section(attack),  # type: ignore[arg-type]
        html.block("aside", attack),  # type: ignore[arg-type]
        html.figure(chart, "c", legend=attack),  # type: ignore[arg-type]
        html.join([html.safe("<b>kept</b>"), attack]),  # type: ignore[list-item]
    ):
        assert attack not in out and _escaped(attack) in out
    kept = html.section(html.p("x") + html.ul(["y"]))
    assert kept == "<section><p>x</p><ul><li>y</li></ul></section>"
    assert html.join([html.h(2, "a"), html.p("b")], " ") == "<h2>a</h2> <p>b</p>"


def test_html_joined_from_pieces_stays_html():
    parts = [html.h(2, "a"), html.p("b")]
    assert isinstance(html.join(parts), Markup) and html.join(parts) == "<h2>a</h2><p>b</p>"
    assert isinstance(html.ul([]), Markup) and html.ul([]) == ""
    assert html.section(html.join(parts), "c") == '<section class="c"><h2>a</h2><p>b</p></section>'
    with pytest.raises(ValueError):
        html.block("script", html.EMPTY)


def _report_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"reviewkit.report.{m.name}")
        for m in pkgutil.iter_modules(report.__path__)
    ]


def _public_functions() -> list[tuple[str, Callable[..., object]]]:
    """Every public function and public method defined in the report modules, by name."""
    out = []
    for mod in _report_modules():
        for name, obj in sorted(vars(mod).items()):
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isfunction(obj):
                out.append((f"{mod.__name__}.{name}", obj))
            elif inspect.isclass(obj):
                out += [
                    (f"{mod.__name__}.{name}.{m}", f)
                    for m, f in sorted(vars(obj).items())
                    if inspect.isfunction(f) and not m.startswith("_")
                ]
    return out


def _returns_html(f: Callable[..., object]) -> bool:
    return "Markup" in str(inspect.signature(f).return_annotation)


def test_the_walk_finds_the_html_producers():
    named = {name for name, f in _public_functions() if _returns_html(f)}
    for expected in (
        "reviewkit.report.html.section",
        "reviewkit.report.board.board_summary",
        "reviewkit.report.narrative.indicator_sentence",
        "reviewkit.report.reassessment.summary_bullet",
        "reviewkit.report.context.ReportContext.narrative_html",
        "reviewkit.report.quality.completeness_table",
    ):
        assert expected in named
    assert len(named) > 60


def _arguments(ctx, f: Callable[..., object]) -> dict[str, object]:
    """Arguments for an HTML producer, from the shared run's report context; a parameter no
    entry here knows fails the test, so a new producer is called too."""
    from reviewkit.analysis import horizon
    from reviewkit.inputs.params import CommunityMeeting
    from reviewkit.report import quality, reassessment

    row = ctx.scorecard.iloc[0]
    ini = ctx.initiatives
    known: dict[str, Callable[[], object]] = {
        "ctx": lambda: ctx,
        "self": lambda: ctx,
        "key": lambda: "executive_summary" if f.__name__ == "narrative_html" else "test-map",
        "r": lambda: row,
        "row": lambda: row,
        "v": lambda: ctx.verdict(str(row["id"])),
        "re_": lambda: reassessment.build(ctx),
        "untested": lambda: horizon.not_tested(
            ctx.strategy, ctx.params.baseline, ctx.params.review, {}, pd.DataFrame(), []
        ),
        "m": lambda: CommunityMeeting(date="2027-01-15", what=HOSTILE, place=HOSTILE),
        "url": lambda: "https://example.org/a?b=1&c=2",
        "crime_types": lambda: None,
        "rows": lambda: [(row, ctx.verdict(str(row["id"])))],
        "call": lambda: "cannot tell",
        "picked": lambda: [row],
        "said": lambda: [HOSTILE, "fewer than 5", "not shown"],
        "threshold": lambda: 5,
        "what": lambda: HOSTILE,
        "title": lambda: HOSTILE,
        "community": lambda: False,
        "field": lambda: "review_value",
        "text": lambda: f"{HOSTILE} {{{{{row['id']}.change}}}}",
        "source": lambda: "narrative.md",
        "review_desc": lambda: ctx.review_desc,
        "baseline_desc": lambda: ctx.baseline_desc,
        "scorecard": lambda: ctx.scorecard,
        "verdicts": lambda: ctx.verdicts,
        "initiatives": lambda: ini,
        "completeness": lambda: ctx.completeness,
        "reconciliation": lambda: ctx.reconciliation,
        "quarantine": lambda: {"x": pd.DataFrame({"reason": [HOSTILE]})},
        "per_period": lambda: quality.arrivals({}, {}),
        "caption": lambda: HOSTILE,
        "log": lambda: ctx.difficulties,
        "cycle": lambda: ctx.params.cycle,
        "partnership": lambda: HOSTILE,
        "notes": lambda: {"x": [HOSTILE]},
        "dropped": lambda: {"x": [HOSTILE]},
        # an analyst's own page as nbconvert made it, for the sanitiser to clean
        "fragment": lambda: f"<p>{HOSTILE}</p><img src=x onerror=alert(2)><script>x()</script>",
    }
    builders = {  # the builders take what each needs; escaping is tested above
        "fragment": "<b>built</b>",
        "level": 2,
        "items": [HOSTILE],
        "kind": "good",
        "src": "data:,",
        "alt": HOSTILE,
        "href": "#x",
        "chart": Chart(b"png", HOSTILE),
        "headers": ["a"],
        "rows": [[HOSTILE]],
        "groups": [(HOSTILE, [[HOSTILE]])],
        "inner": html.p(HOSTILE),
        "tag": "div",
        "parts": [html.p(HOSTILE)],
    }
    args = {}
    for name, param in inspect.signature(f).parameters.items():
        if name == "self" and not f.__qualname__.startswith("ReportContext."):
            pytest.fail(f"{f.__qualname__}: no instance of its class here")
        builder = f.__module__ in ("reviewkit.report.html", "reviewkit.report.icons")
        if builder and name in builders:
            args[name] = builders[name]
        elif name in known:
            args[name] = known[name]()
        elif builder:
            args[name] = builders.get(name, HOSTILE if param.default is param.empty else None)
            if args[name] is None:
                del args[name]
        elif param.default is param.empty:
            pytest.fail(f"{f.__module__}.{f.__qualname__}: no argument for '{name}' here")
    return args


def test_every_function_annotated_to_return_html_returns_markup(cycle_run):
    """Every public function and method of the report modules annotated to return HTML,
    called on the shared run (whose strategy holds HTML in names), returns Markup, in which
    nothing from data is live markup."""
    import reviewkit as rk

    ctx = rk.load_context(cycle_run["params"], cycle_run["cycle"])
    called = []
    for name, f in _public_functions():
        if not _returns_html(f):
            continue
        out = f(**_arguments(ctx, f))
        pieces = out if isinstance(out, list) else [out]
        for piece in pieces:
            assert isinstance(piece, Markup), name
            assert "<script>" not in piece and "<img src=x" not in piece, name
        called.append(name)
    assert len(called) > 60


def test_no_report_function_returns_html_as_a_plain_string(cycle_run):
    """Every public function of the report modules called with the report context alone: what
    it returns with a tag in it is Markup, and is annotated so (mypy then checks it is
    composed as HTML)."""
    import reviewkit as rk

    ctx = rk.load_context(cycle_run["params"], cycle_run["cycle"])
    tagged = 0
    for name, f in _public_functions():
        if list(inspect.signature(f).parameters) != ["ctx"]:
            continue
        out = f(ctx)
        for piece in out if isinstance(out, list) else [out]:
            if isinstance(piece, str) and re.search(r"<[a-z]", piece):
                assert isinstance(piece, Markup) and _returns_html(f), name
                tagged += 1
    assert tagged > 30
