"""The board report's benchmarking: funnel plots against the most similar partnerships, and
where the partnership sits among them, in words."""

from __future__ import annotations

import functools

import pandas as pd
from markupsafe import Markup

from reviewkit.report import html
from reviewkit.report.charts import funnel_chart, funnel_label
from reviewkit.report.context import ReportContext


def peer_row(ctx: ReportContext, indicator: str) -> pd.Series | None:
    """The partnership's own row of the benchmarking for an indicator (None when it has
    no peer figures)."""
    b = ctx.benchmarking
    if b is None or b.empty:
        return None
    mine = b[(b["indicator"] == indicator) & b["is_self"]]
    return mine.iloc[0] if len(mine) else None


def peer_sentence(peer: pd.Series) -> str:
    """Where the partnership sits among its peers, against the limits actually drawn."""
    text = (
        f"Against {int(peer['of']) - 1} similar partnerships: rank {int(peer['rank'])} of "
        f"{int(peer['of'])} (1 = lowest rate), {peer['position']} around the group rate "
        f"of {peer['group_rate']:.1f}"
    )
    method = str(peer.get("od_method", "none"))
    if _depends(peer):
        text += (
            " (outside a limit by one estimate of the spread between areas but not by the "
            "other, so not called different)"
        )
    if method != "none":
        text += (
            f" (limits widened for over-dispersion between areas, dispersion factor "
            f"{float(peer['od_phi']):.1f} across {int(peer['of'])} partnerships)"
        )
    elif str(peer.get("od_p", "")) not in ("", "nan") and float(peer["od_p"]) < 0.05:
        text += (
            " (Poisson limits, although the areas differ by more than chance: "
            "treat a position outside the limits with caution)"
        )
    return text + "."


def _depends(peer: pd.Series) -> bool:
    value = peer.get("position_depends", False)
    return bool(value) if not pd.isna(value) else False


def position_words(peer: pd.Series) -> str:
    """The position for a table cell, with a note where it depends on the estimate."""
    text = str(peer["position"])
    return text + " (depends on the estimate of spread)" if _depends(peer) else text


def benchmarking_section(ctx: ReportContext) -> Markup:
    """Funnel plots against the most-similar group, when a peer table is given."""
    b = ctx.benchmarking
    if b is None or b.empty:
        return html.EMPTY
    parts = [
        html.h(2, "Annex A: Benchmarking against similar partnerships", "benchmarking"),
        html.p(
            "Rates for the 12 months to the end of the review period, against the group "
            "of most similar partnerships, with 95% and 99.8% funnel limits. Areas often "
            "differ by more than chance (Spiegelhalter's dispersion test); where they do, "
            "the limits are widened for that over-dispersion, so only a partnership "
            "outside the widened limits is called different from its peers."
        ),
    ]
    for ind_id, peers in b.groupby("indicator", sort=False):
        row = ctx.scorecard[ctx.scorecard["id"] == ind_id]
        name = row["name"].iloc[0] if len(row) else ind_id
        label = funnel_label(row["measure"].iloc[0] if len(row) else None)
        chart = ctx.chart(
            f"{ind_id}-funnel",
            functools.partial(funnel_chart, peers, ctx.params.partnership, label),
        )
        parts.append(html.h(3, name))
        parts.append(html.figure(chart, f"{name}: funnel plot against similar partnerships."))
        parts.append(html.p(dispersion_sentence(peers)))
        rows = [
            [p["partnership"], f"{p['rate']:.1f}", int(p["rank"]), position_words(p)]
            for _, p in peers.iterrows()
        ]
        parts.append(
            html.table(
                ["Partnership", label, "Rank (1 = lowest)", "Against the group"],
                rows,
                f"{name}: similar partnerships",
                numeric=(1, 2),
            )
        )
    return html.section(html.join(parts))


def dispersion_sentence(peers: pd.DataFrame) -> str:
    """The dispersion test's result, the estimate chosen, its sensitivity and the adjustment
    made, in words; the number of areas it rests on is always said."""
    r = peers.iloc[0]
    n = len(peers)
    if "od_phi" not in peers or pd.isna(r["od_phi"]):
        return f"Only {n} partnerships: too few to test for over-dispersion; exact Poisson limits."
    phi, method = float(r["od_phi"]), str(r["od_method"])
    winsorised = float(r.get("od_winsorise", 0.1) or 0) > 0
    base = (
        f"Dispersion factor {phi:.1f} across {n} partnerships (1 would mean they differ only "
        "by chance; Spiegelhalter 2005, "
        + (
            "z-scores Winsorised at 10% each end)."
            if winsorised
            else "z-scores not Winsorised: with fewer than 30 partnerships Winsorising trims "
            "too many of them and under-states the spread)."
        )
    )
    other = r.get("od_phi_other")
    if other is not None and not pd.isna(other):
        depends = int(peers["position_depends"].sum()) if "position_depends" in peers else 0
        base += (
            f" {'Not Winsorised' if winsorised else 'Winsorised'}, it would be "
            f"{float(other):.1f}; "
            + (
                "no partnership's position depends on that choice."
                if not depends
                else (
                    "1 partnership's position depends"
                    if depends == 1
                    else f"{depends} partnerships' positions depend"
                )
                + " on it, shown as the less extreme of the two (never as outside a limit "
                "it is inside by the other estimate)."
            )
        )
    if method == "additive":
        return base + (
            f" Limits widened by an additive random effect (between-area variance "
            f"τ² = {float(r['od_tau2']):.4f} on the square-root scale)."
        )
    if method == "multiplicative":
        return base + f" Limits widened by a factor of √{phi:.1f} (multiplicative)."
    if float(r["od_p"]) < 0.05:
        return base + (
            " The limits were not widened (analysis.funnel_adjustment is 'none'): "
            "most partnerships may fall outside them by chance and place alone."
        )
    return base + " No over-dispersion: continuous exact Poisson limits."
