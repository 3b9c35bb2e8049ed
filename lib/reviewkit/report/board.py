"""The two reports' sections as HTML: the board report and the community update.

Everything is built from the tables the earlier steps wrote (scorecard, initiative status,
completeness, difficulties log, indicator series), so the narrative and the tables cannot
disagree. Every string from data or params is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewkit.analysis import horizon, places
from reviewkit.analysis.indicators import Change, recording_changes
from reviewkit.base.formatting import (
    fmt_change,
    fmt_change_for,
    fmt_p,
    fmt_pct,
    fmt_value,
    series_unit,
    unit_suffix,
)
from reviewkit.base.paths import relative, resolve
from reviewkit.inputs.own import own_title
from reviewkit.inputs.params import CycleParams, load_params
from reviewkit.inputs.register import load_register, street_dataset
from reviewkit.inputs.strategy import AllExcept, Filter, Strategy, load_strategy
from reviewkit.methods.spc import ASSURANCE_TEXT, VARIATION_TEXT
from reviewkit.report import html as H
from reviewkit.report import icons, indicator_chart, maps
from reviewkit.report import quality as Q
from reviewkit.report.charts import (
    Chart,
    ChartContext,
    funnel_chart,
    trend_chart,
    xmr_chart,
)
from reviewkit.report.narrative import (
    executive_summary,
    indicator_sentence,
    load_narrative,
    multiple_testing_note,
    render_narrative,
)
from reviewkit.report.suppression import (
    disclosed,
    is_small,
    suppress_count,
    suppress_table,
    table_relations,
)
from reviewkit.store.layout import CycleLayout
from reviewkit.store.spreadsheet import read_csv
from reviewkit.store.tidy import read_tidy

DIRECTION_BADGE = {"improved": ("good", "▲", "Improved"),
                   "worsened": ("bad", "▼", "Worsened"),
                   "no real change": ("neutral", "●", "About the same"),
                   "cannot tell": ("none", "?", "Cannot tell yet"),
                   "not comparable": ("warn", "!", "Not comparable"),
                   "not assessable": ("none", "?", "Not assessable")}
TARGET_BADGE = {"met": ("good", "✔", "Met"), "on track": ("good", "▲", "On track"),
                "off track": ("bad", "✖", "Off track"),
                "not assessable": ("none", "?", "Not assessable"),
                "no target": ("none", "–", "No target")}
STATUS_BADGE = {"complete": ("good", "✔", "Complete"), "on track": ("good", "▲", "On track"),
                "at risk": ("warn", "!", "At risk"), "off track": ("bad", "✖", "Off track"),
                "not started": ("none", "○", "Not started")}
VARIATION_BADGE = {"common_cause": ("neutral", "●", "Common cause"),
                   "improvement_high": ("good", "▲", "Improvement"),
                   "improvement_low": ("good", "▼", "Improvement"),
                   "concern_high": ("bad", "▲", "Concern"),
                   "concern_low": ("bad", "▼", "Concern"),
                   "neutral_high": ("neutral", "▲", "Special cause (high)"),
                   "neutral_low": ("neutral", "▼", "Special cause (low)")}
ASSURANCE_BADGE = {"consistent_pass": ("good", "P", "Will meet target"),
                   "consistent_fail": ("bad", "F", "Will miss target"),
                   "inconsistent": ("neutral", "?", "Hit or miss")}
PLAIN_STATUS = {"complete": "finished", "on track": "going to plan",
                "at risk": "some delays", "off track": "behind schedule",
                "not started": "starting soon"}
OGL = ("Contains public sector information licensed under the Open Government Licence v3.0 "
       "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).")


def _badge(mapping: dict[str, tuple[str, str, str]], key: object) -> str:
    kind, sym, text = mapping.get(str(key), ("none", "", str(key) if key else "–"))
    return H.badge(kind, text, sym)


@dataclass
class ReportContext:
    """Everything the report step reads, loaded once."""

    params: CycleParams
    run_dir: Path
    strategy: Strategy
    scorecard: pd.DataFrame
    initiatives: pd.DataFrame
    completeness: pd.DataFrame
    reconciliation: pd.DataFrame
    difficulties: pd.DataFrame
    series: dict[str, pd.DataFrame]
    intake: dict
    narrative: dict[str, str]
    police: pd.DataFrame | None
    previous: dict[str, pd.DataFrame] = field(default_factory=dict)
    benchmarking: pd.DataFrame | None = None
    recording: dict[str, Change] = field(default_factory=dict)
    street_dataset: str | None = None  # the register's police.uk street data request
    partner: pd.DataFrame | None = None
    grid: pd.DataFrame | None = None  # police.uk counts per month, crime type and grid cell
    lsoa_names: dict[str, str] = field(default_factory=dict)
    # (month, label) marked on an indicator's XmR chart, e.g. a suspected change in recording
    # practice, by indicator id ("*": every chart)
    markers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def review_desc(self) -> str:
        return self.params.review.describe()

    @property
    def baseline_desc(self) -> str:
        return self.params.baseline.describe()

    def chart(self, key: str, make: Callable[[], Chart]) -> Chart:
        """A chart drawn once per run: the progress step draws it, the report reuses it."""
        folder = CycleLayout(self.run_dir).chart_cache_dir
        png, alt = folder / f"{key}.png", folder / f"{key}.txt"
        if png.exists() and alt.exists():
            return Chart(png.read_bytes(), alt.read_text(encoding="utf-8"))
        chart = make()
        folder.mkdir(parents=True, exist_ok=True)
        png.write_bytes(chart.png)
        alt.write_text(chart.alt, encoding="utf-8")
        return chart

    def narrative_html(self, key: str) -> str:
        text = self.narrative.get(key)
        if not text:
            return ""
        source = relative(self.params.path("narrative")) if self.params.path("narrative") else ""
        return ('<div class="analyst-note">' + render_narrative(text, self.scorecard, source)
                + "</div>")


def _read_csv(path: Path) -> pd.DataFrame:
    return read_csv(path, keep_default_na=False, na_values=[""], dtype={"received": str})


def load_context(params_file: str | Path, run_dir: str | Path) -> ReportContext:
    params = load_params(params_file)
    run = resolve(run_dir)
    layout = CycleLayout(run)
    scorecard = _read_csv(layout.table("scorecard"))
    scorecard["assessable"] = scorecard["assessable"].astype(bool)
    scorecard["reason"] = scorecard["reason"].fillna("")
    for col in ("variation", "assurance", "direction", "target_status", "notes", "target_by",
                "not_comparable", "seasonal"):
        if col not in scorecard:
            scorecard[col] = ""
        scorecard[col] = scorecard[col].fillna("")
    initiatives = _read_csv(layout.table("initiative_status")).fillna("")
    if len(initiatives):
        initiatives["reassess"] = initiatives["reassess"].astype(str) == "True"
    completeness = _read_csv(layout.table("completeness")).fillna("")
    reconciliation = _read_csv(layout.table("reconciliation")).fillna("")
    difficulties = read_csv(layout.difficulties_log, dtype=str, keep_default_na=False)
    series_path = layout.tidy("indicator_series")
    long = read_tidy(series_path) if series_path.exists() else pd.DataFrame(columns=["indicator"])
    series = {k: g.reset_index(drop=True) for k, g in long.groupby("indicator")}
    intake = json.loads(layout.intake_summary.read_text(encoding="utf-8"))
    strategy = load_strategy(params.path("strategy"))
    street = street_dataset(load_register(params.path("data_requests")))
    police_path = layout.tidy(street) if street else None
    police = read_tidy(police_path) if police_path and police_path.exists() else None
    previous: dict[str, pd.DataFrame] = {}
    if params.previous_cycle:
        prev = CycleLayout(resolve(params.previous_cycle))
        for name, path in (("scorecard", prev.table("scorecard")),
                           ("completeness", prev.table("completeness")),
                           ("difficulties", prev.difficulties_log)):
            if path.exists():
                previous[name] = read_csv(path, dtype=str, keep_default_na=False)
        prev_series = prev.tidy("indicator_series")
        if prev_series.exists():
            previous["series"] = read_tidy(prev_series)
    bench_path = layout.table("benchmarking")
    bench = None
    if bench_path.exists():
        bench = read_csv(bench_path)
        bench["is_self"] = bench["is_self"].astype(str) == "True"
    found_path = layout.table("recording_changes")
    found = pd.read_csv(found_path, dtype=str) if found_path.exists() else None
    partner_path = layout.tidy("partner_measures")
    grid_path = layout.tidy(f"grid_{street}")
    names_path = layout.tidy(f"lsoa_names_{street}")
    names = read_tidy(names_path) if names_path.exists() else None
    return ReportContext(params, run, strategy, scorecard, initiatives, completeness,
                         reconciliation, difficulties, series, intake,
                         load_narrative(params.path("narrative")), police, previous, bench,
                         recording_changes(found, params), street_dataset=street,
                         partner=read_tidy(partner_path) if partner_path.exists() else None,
                         grid=read_tidy(grid_path) if grid_path.exists() else None,
                         lsoa_names=dict(zip(names["lsoa_code"], names["lsoa_name"],
                                             strict=True)) if names is not None else {})


# Board report -----------------------------------------------------------------------------------
def board_title(ctx: ReportContext) -> str:
    p = ctx.params
    return (f'<header class="title">{H.h(1, f"{p.partnership}: strategy review")}'
            f'<p class="subtitle">Review period {H.esc(ctx.review_desc)} · compared with '
            f"{H.esc(ctx.baseline_desc)} · review carried out {p.review_date:%d %B %Y}</p>"
            f'<p class="status">{H.esc(p.report.status_line())}</p></header>')


def board_summary(ctx: ReportContext) -> str:
    bullets = executive_summary(ctx.scorecard, ctx.initiatives, ctx.completeness,
                                ctx.params.analysis.significance_level)
    return H.section(H.h(2, "Executive summary", "summary") + ctx.narrative_html(
        "executive_summary") + H.ul(bullets, raw=True))


def scorecard_table(ctx: ReportContext) -> str:
    groups = []
    for pr in ctx.strategy.priorities:
        rows = []
        for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows():
            s = ctx.series.get(r["id"], pd.DataFrame())
            trend = ctx.chart(f"{r['id']}-trend", lambda r=r, s=s: trend_chart(
                r["name"], s, r["measure"], str(ctx.params.review.start)))
            img = f'<img class="spark" src="{trend.data_uri}" alt="{H.esc(trend.alt)}">'
            unit = unit_suffix(r["measure"]).replace(" a year", "").strip()
            name = r["name"] if (not unit or "per 1,000" in r["name"]) else (
                f"{r['name']} ({unit})")
            target = r["target_status"] if r["target_by"] or r["target_status"] != (
                "not assessable") else "no target"
            rows.append([
                name,
                fmt_value(r["review_value"], r["measure"]),
                fmt_value(r["baseline_value"], r["measure"]),
                "not comparable" if r["direction"] == "not comparable" else
                fmt_change_for(r["change"], r["change_pct"], r["measure"]),
                _badge(DIRECTION_BADGE, r["direction"] or "not assessable"),
                icons.with_words(r["variation"], VARIATION_BADGE[r["variation"]][2])
                if r["variation"] in VARIATION_BADGE else "–",
                icons.with_words(r["assurance"], ASSURANCE_BADGE[r["assurance"]][2])
                if r["assurance"] in ASSURANCE_BADGE else "–",
                _badge(TARGET_BADGE, target),
                img,
            ])
        if rows:
            groups.append((f"Priority: {pr.name}", rows))
    caption = (f"Scorecard: each indicator over {ctx.review_desc} against the baseline "
               f"({ctx.baseline_desc})")
    return H.section(H.h(2, "Scorecard", "scorecard") + H.grouped_table(
        ["Indicator", "Review period", "Baseline", "Change", "Beyond chance?",
         "Variation (SPC)", "Assurance", "Target", "Trend"], groups, caption,
        raw_columns=(4, 5, 6, 7, 8), numeric=(1, 2, 3), cls="scorecard") + _icon_key())


def _icon_key() -> str:
    """What the Making Data Count icons mean, under the scorecard."""
    items = [icons.with_words(k) for k in ("common_cause", "improvement_low", "improvement_high",
                                            "concern_high", "concern_low", "neutral_high")]
    items += [icons.with_words(k) for k in ("consistent_pass", "consistent_fail",
                                            "inconsistent")]
    return ('<div class="icon-key"><p><strong>Variation</strong> (is the latest point unusual? '
            "H or L: high or low) and <strong>assurance</strong> (will the target be met, "
            "judged against the process limits) in the Making Data Count style:</p>"
            + H.ul(items, raw=True) + "</div>")


def _indicator_block(ctx: ReportContext, r: pd.Series) -> str:
    parts = [H.h(3, r["name"]),
             f"<p>{indicator_sentence(r, ctx.review_desc, ctx.baseline_desc)}</p>"]
    facts = []
    if r["assessable"] and r["test"]:
        facts.append(f"Test: {r['test']}.")
    if r["assessable"]:
        if not math.isnan(r["last_year_change_pct"]):
            facts.append(f"Same period last year: {fmt_value(r['last_year_value'], r['measure'])}"
                         f" ({fmt_pct(r['last_year_change_pct'])} since).")
        if not math.isnan(r["rolling_change_pct"]):
            facts.append(f"Latest 12 months against the previous 12: "
                         f"{fmt_pct(r['rolling_change_pct'])}"
                         f"{' (beyond chance variation)' if r['rolling_significant'] else ''}.")
        if r["target_status"] != "not assessable" and r["target_by"]:
            facts.append(f"Target {fmt_value(r['target_value'], r['measure'])} by "
                         f"{r['target_by']}: {r['target_status']} (trajectory at the end of the "
                         f"review period {fmt_value(r['trajectory_value'], r['measure'])})"
                         + ("; met on a change within normal variation, so it may not last"
                            if r["target_status"] == "met" and r["direction"] != "improved"
                            else "") + ".")
        elif not r["target_by"]:
            facts.append("No target is set for this indicator.")
        facts += _test_and_chart(r)
    elif r["target_by"]:
        facts.append(f"The strategy sets a target by {r['target_by']}; it cannot be assessed "
                     f"this review ({r['reason'].removeprefix('not assessable: ')}).")
    peer = _peer_row(ctx, r["id"])
    if peer is not None:
        facts.append(_peer_sentence(peer))
    if r["notes"]:
        facts.append(f"Note: {r['notes']}.")
    counted = what_is_counted(ctx.strategy, str(r["id"]))
    if counted:
        facts.insert(0, counted)
    parts.append(H.ul(facts))
    s = ctx.series.get(r["id"])
    if s is not None and len(s) >= 2 and "point_type" in s:
        chart = ctx.chart(f"{r['id']}-xmr", lambda: xmr_chart(
            r["name"], s, r["measure"], r["variation"], r["assurance"] or None,
            context=chart_context(ctx, r, s)))
        label = VARIATION_TEXT.get(r["variation"], "")
        if r["assurance"]:
            label += ". " + ASSURANCE_TEXT[r["assurance"]]
        caption = (f"{r['name']}, {series_unit(r['measure'], r['period'])} (the headline "
                   f"figure above is for the whole review period): {label}.")
        if bool(s["provisional"].iloc[-1]):
            caption += " Limits are provisional (few points)."
        if r.get("seasonal") == "adjusted":
            caption += (" Points are seasonally adjusted (each divided by its month-of-year "
                        "index) so that winter and summer are not read as signals; the dotted "
                        "line shows the values as recorded.")
        elif r.get("seasonal") == "too short":
            caption += (" Fewer than two years of data: flags may reflect the season rather "
                        "than a change.")
        legend = [icons.with_words(r["variation"])] if r["variation"] else []
        if r["assurance"]:
            legend.append(icons.with_words(r["assurance"]))
        parts.append(H.figure(chart, caption, legend=" ".join(legend)))
    return "".join(parts)


def _test_and_chart(r: pd.Series) -> list[str]:
    """A plain explanation when the two-period test and the SPC chart seem to disagree."""
    beyond = r["direction"] in ("improved", "worsened")
    common = r["variation"] == "common_cause"
    if beyond and common:
        return ["The test and the chart answer different questions: the test compares the "
                "whole review period with the baseline, the chart asks whether the latest "
                "point is unusual for the series. A change between two periods can be "
                "larger than chance while no single point stands out."]
    if not beyond and r["variation"] and not common:
        return ["The test and the chart answer different questions: the chart flags a "
                "recent unusual point or run, the test compares the whole review period with "
                "the baseline and finds no difference beyond chance. Watch the next points."]
    return []


def _peer_sentence(peer: pd.Series) -> str:
    """Where the partnership sits among its peers, against the limits actually drawn."""
    text = (f"Against {int(peer['of']) - 1} similar partnerships: rank {int(peer['rank'])} of "
            f"{int(peer['of'])} (1 = lowest rate), {peer['position']} around the group rate "
            f"of {peer['group_rate']:.1f}")
    method = str(peer.get("od_method", "none"))
    if method != "none":
        text += (f" (limits widened for over-dispersion between areas, dispersion factor "
                 f"{float(peer['od_phi']):.1f})")
    elif str(peer.get("od_p", "")) not in ("", "nan") and float(peer["od_p"]) < 0.05:
        text += (" (Poisson limits, although the areas differ by more than chance: "
                 "treat a position outside the limits with caution)")
    return text + "."


def what_is_counted(strategy: Strategy, indicator: str) -> str:
    """The police.uk crime types (and outcomes) an indicator counts, stated in the report."""
    ind = next((i for i in strategy.indicators if i.id == indicator), None)
    if ind is None or ind.filter.crime_types is None:
        return ""
    given = ind.filter.crime_types
    if given == "all":
        text = "Counts every police.uk crime type, anti-social behaviour included."
    elif isinstance(given, AllExcept):
        text = f"Counts every police.uk crime type except {', '.join(given.all_except)}."
    else:
        text = f"Counts the police.uk crime type{'s' if len(given) > 1 else ''} " \
               f"{', '.join(given)}."
    if ind.numerator is not None and ind.numerator.outcome_categories:
        text += (" The share is of those whose last outcome is "
                 + " or ".join(ind.numerator.outcome_categories) + ".")
    return text


def chart_context(ctx: ReportContext, r: pd.Series, s: pd.DataFrame) -> ChartContext:
    """The periods, target trajectory and markers around an indicator's XmR chart."""
    return indicator_chart.chart_context(
        ctx.params, ctx.strategy.indicator(r["id"]), r, s,
        ctx.recording if ctx.police is not None else {}, ctx.street_dataset,
        ctx.markers.get("*", []) + ctx.markers.get(r["id"], []))


def _initiative_rows(df: pd.DataFrame) -> list[list[object]]:
    return [[r["name"], r["lead_agency"], _badge(STATUS_BADGE, r["status"]), r["milestones"],
             r["next_milestone"] or "–", r["indicator_movement"] or "–",
             "Yes: " + r["reassess_reasons"] if r["reassess"] else "No"]
            for _, r in df.iterrows()]


def priority_sections(ctx: ReportContext) -> str:
    out = []
    for pr in ctx.strategy.priorities:
        parts = [H.h(2, f"Priority: {pr.name}", f"priority-{pr.id}")]
        if pr.description:
            parts.append(H.p(pr.description))
        parts.append(ctx.narrative_html(f"priority_{pr.id}"))
        for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows():
            parts.append(_indicator_block(ctx, r))
        ini = ctx.initiatives[ctx.initiatives["priority"] == pr.id] if len(
            ctx.initiatives) else ctx.initiatives
        if len(ini):
            parts.append(H.h(3, f"Initiatives for {pr.name.lower()}"))
            parts.append(H.table(["Initiative", "Lead agency", "Status", "Milestones",
                                  "Next milestone", "Its indicators against the baseline",
                                  "Re-assess?"],
                                 _initiative_rows(ini), f"Initiatives: {pr.name}",
                                 raw_columns=(2,)))
            parts.append(H.p("What an initiative's indicators did is shown beside it, not "
                             "measured as its effect: a before-and-after comparison with no "
                             "comparison area cannot separate the initiative from everything "
                             "else that changed, and a baseline year that was unusually high "
                             "tends to be followed by a lower one (regression to the mean)."))
        out.append(H.section("".join(parts)))
    return "".join(out)


def _peer_row(ctx: ReportContext, indicator: str) -> pd.Series | None:
    b = ctx.benchmarking
    if b is None or b.empty:
        return None
    mine = b[(b["indicator"] == indicator) & b["is_self"]]
    return mine.iloc[0] if len(mine) else None


def benchmarking_section(ctx: ReportContext) -> str:
    """Funnel plots against the most-similar group, when a peer table is given."""
    b = ctx.benchmarking
    if b is None or b.empty:
        return ""
    parts = [H.h(2, "Benchmarking against similar partnerships", "benchmarking"),
             H.p("Rates for the 12 months to the end of the review period, against the group "
                 "of most similar partnerships, with 95% and 99.8% funnel limits. Areas often "
                 "differ by more than chance (Spiegelhalter's dispersion test); where they do, "
                 "the limits are widened for that over-dispersion, so only a partnership "
                 "outside the widened limits is called different from its peers.")]
    for ind_id, peers in b.groupby("indicator", sort=False):
        row = ctx.scorecard[ctx.scorecard["id"] == ind_id]
        name = row["name"].iloc[0] if len(row) else ind_id
        label = "Rate per 1,000 in 12 months" if not len(row) else (
            "Rate per 1,000 households in 12 months"
            if row["measure"].iloc[0] == "rate_per_1000_households"
            else "Rate per 1,000 residents in 12 months")
        chart = ctx.chart(f"{ind_id}-funnel", lambda peers=peers, label=label: funnel_chart(
            peers, ctx.params.partnership, label))
        parts.append(H.h(3, name))
        parts.append(H.figure(chart, f"{name}: funnel plot against similar partnerships."))
        parts.append(H.p(_dispersion_sentence(peers)))
        rows = [[p["partnership"], f"{p['rate']:.1f}", int(p["rank"]), p["position"]]
                for _, p in peers.iterrows()]
        parts.append(H.table(["Partnership", label, "Rank (1 = lowest)", "Against the group"],
                             rows, f"{name}: similar partnerships", numeric=(1, 2)))
    return H.section("".join(parts))


def _dispersion_sentence(peers: pd.DataFrame) -> str:
    """The dispersion test's result and the adjustment chosen, in words."""
    r = peers.iloc[0]
    if "od_phi" not in peers or pd.isna(r["od_phi"]):
        return "Too few partnerships to test for over-dispersion; exact Poisson limits."
    phi, method = float(r["od_phi"]), str(r["od_method"])
    base = (f"Dispersion factor {phi:.1f} across {len(peers)} partnerships (1 would mean they "
            "differ only by chance; Winsorised z-scores, Spiegelhalter 2005).")
    if method == "additive":
        return base + (f" Limits widened by an additive random effect (between-area variance "
                       f"τ² = {float(r['od_tau2']):.4f} on the square-root scale).")
    if method == "multiplicative":
        return base + f" Limits widened by a factor of √{phi:.1f} (multiplicative)."
    if float(r["od_p"]) < 0.05:
        return base + (" The limits were not widened (analysis.funnel_adjustment is 'none'): "
                       "most partnerships may fall outside them by chance and place alone.")
    return base + " No over-dispersion: exact Poisson limits."


def reassessment_section(ctx: ReportContext) -> str:
    ini = ctx.initiatives
    flagged = ini[ini["reassess"]] if len(ini) else ini
    body = [H.h(2, "Recommendations for re-assessment", "reassessment")]
    body.append(H.p("An initiative is recommended for re-assessment when it is off track, when "
                    "an indicator it is meant to move shows special-cause concern, when it has "
                    f"run {ctx.params.analysis.reassess_after_months} months or more with no "
                    "improvement beyond chance in its indicators, or when it cannot be judged "
                    "because its data is missing."))
    if len(flagged):
        body.append(H.ul(f"{r['name']} ({r['lead_agency']}): {r['reassess_reasons']}."
                         for _, r in flagged.iterrows()))
    else:
        body.append(H.p("No initiative needs re-assessment this cycle."))
    return H.section("".join(body))


def recording_notes(ctx: ReportContext) -> str:
    """Possible recording changes, as the data quality page lists them."""
    notes = [n for ns in ctx.intake.get("notes", {}).values() for n in ns
             if n.startswith("Possible recording change")]
    decided = [f"{d.crime_type} from {d.month}: {d.decision}"
               + (f" ({d.reason})" if d.reason else "")
               for d in ctx.params.analysis.recording_changes]
    items = notes + [f"The analyst's decision on a recording change: {x}." for x in decided]
    return H.ul(items) if items else ""


def _area_map(ctx: ReportContext, key: str, crime_types: list[str] | None, what: str,
              title: str, community: bool) -> str:
    """A map of the review period's records: LSOAs when boundaries are given, else grid
    cells. '' when there is nothing to draw."""
    review = ctx.params.review
    t = ctx.params.report.suppression_threshold
    boundaries = ctx.params.path("lsoa_boundaries")
    if boundaries is not None and ctx.police is not None:
        rows = ctx.police[ctx.police["month"].between(str(review.start), str(review.end))]
        if crime_types is not None:
            rows = rows[rows["crime_type"].isin(crime_types)]
        counts = rows[rows["lsoa_code"] != ""].groupby("lsoa_code")["n"].sum()
        chart = ctx.chart(key, lambda: maps.choropleth(
            counts, maps.load_boundaries(boundaries), title, what, review.describe(), t,
            community))
    elif ctx.grid is not None and len(ctx.grid):
        g = ctx.grid[ctx.grid["month"].between(str(review.start), str(review.end))]
        if crime_types is not None:
            g = g[g["crime_type"].isin(crime_types)]
        cells = g.groupby(["cell_row", "cell_col"], as_index=False)["n"].sum()
        chart = ctx.chart(key, lambda: maps.density_map(cells, title, what, review.describe(),
                                                        t, community))
    else:
        return ""
    if not chart.png:
        return H.p(chart.alt)
    how = ("by LSOA" if boundaries is not None else
           "in squares of about 500 metres, from police.uk's approximate locations")
    return H.figure(chart, f"{title}: {review.describe()}, {how}.", cls="chart map")


def where_section(ctx: ReportContext) -> str:
    """For each police indicator: the LSOAs where it is concentrated and where it changed
    most, and a map of the review period."""
    if ctx.police is None or ctx.police.empty:
        return ""
    alpha = ctx.params.analysis.significance_level
    base, review = ctx.params.baseline, ctx.params.review
    body = [H.h(2, "Where crime happens", "where"),
            H.p(f"For each police indicator: the five LSOAs (small areas of about 1,500 "
                f"residents) with the most records in {ctx.review_desc}, with their share of "
                f"the partnership's total, and the five where the number changed most since "
                f"the baseline ({ctx.baseline_desc}; scaled to the same length). Police.uk "
                "places each record at an approximate location, so counts near an LSOA's edge "
                "can fall in its neighbour.")]
    for _, r in ctx.scorecard.iterrows():
        ind = ctx.strategy.indicator(r["id"])
        if ind.dataset != ctx.street_dataset or ind.measure == "proportion":
            continue
        table = places.by_lsoa(ctx.police, ind.filter, base, review)
        if table.empty or not table["review"].sum():
            continue
        conc = places.concentrated(table, ctx.lsoa_names)
        moved = places.changed(table, ctx.lsoa_names, base, review, alpha)
        body.append(H.h(3, ind.name))
        body.append(H.table(
            ["LSOA", "Name", "Records", "Share of the partnership", "Top LSOAs together"],
            [[c["lsoa_code"], c["lsoa_name"] or "–", f"{c['review']:,}",
              f"{c['share_pct']:.1f}%", f"{c['cumulative_share_pct']:.1f}%"]
             for _, c in conc.iterrows()],
            f"{ind.name}: where it is most concentrated, {ctx.review_desc}",
            numeric=(2, 3, 4)))
        body.append(H.table(
            ["LSOA", "Name", "Baseline", "Review period", "Change", "Beyond chance?"],
            [[c["lsoa_code"], c["lsoa_name"] or "–", f"{c['baseline']:,}",
              f"{c['review']:,}", f"{c['change']:+,.0f}",
              "Yes" if c["real_change"] else "No"] for _, c in moved.iterrows()],
            f"{ind.name}: where it changed most since the baseline", numeric=(2, 3, 4)))
        if ind.filter.outcome_categories is None:
            body.append(_area_map(ctx, f"{ind.id}-map", ind.filter.crime_type_set(),
                                  "records", f"{ind.name}", community=False))
    body.append(H.p(
        "“Beyond chance” uses the indicators' change test on each LSOA's monthly counts "
        "(exact Poisson, or quasi-Poisson when they vary more than chance would), with "
        "p-values adjusted for the number of LSOAs compared (Holm). Small areas have small "
        "counts: "
        "most changes there are within chance, and a change says nothing about its cause.",
        cls="method-note"))
    return H.section("".join(body))


def _spread_sentence(table: pd.DataFrame) -> str:
    """How unevenly records are spread over the neighbourhoods, from the counts."""
    counts = table["review"].sort_values(ascending=False).to_numpy()
    total = counts.sum()
    if not total:
        return "No crime or anti-social behaviour with a location was reported this year."
    half = int((counts.cumsum() < total / 2).sum()) + 1
    return (f"Half of all the crime and anti-social behaviour reported to the police came from "
            f"{half} of the area's {int((counts > 0).sum())} neighbourhoods (LSOAs, small "
            "areas of about 1,500 residents) that had any. The map shows where reports were "
            "made; the table names the five neighbourhoods with the most.")


def community_where(ctx: ReportContext) -> str:
    """Where crime and anti-social behaviour were reported, for residents: a map in classes
    and the busiest neighbourhoods, small numbers hidden as in the tables."""
    if ctx.police is None or ctx.police.empty:
        return ""
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    table = places.by_lsoa(ctx.police, Filter(), ctx.params.baseline, review)
    top = places.concentrated(table, ctx.lsoa_names)
    rows = []
    for _, c in top.iterrows():
        shown = suppress_count(float(c["review"]), t)
        rows.append([c["lsoa_name"] or c["lsoa_code"], shown or f"fewer than {t}",
                     f"{c['share_pct']:.0f}%" if shown else "not shown"])
    body = [H.h(2, "Where crime happens", "c-where"),
            H.p(_spread_sentence(table)),
            _area_map(ctx, "community-map", None, "crimes and incidents",
                      "Crime and anti-social behaviour reported to the police", community=True),
            H.table(["Neighbourhood", "Crimes and incidents", "Share of the area"], rows,
                    f"The five neighbourhoods with the most crime and anti-social behaviour "
                    f"reported, {review.describe()}", numeric=(1, 2)),
            H.p(f"Numbers from 1 to {t - 1} are not shown, to protect people's privacy; the "
                "map shows them as the lightest shade.")]
    return H.section("".join(body))


def strategy_gaps_section(ctx: ReportContext) -> str:
    """Real rises in crime types and partner measures no indicator covers: for the next
    strategic assessment to consider."""
    alpha = ctx.params.analysis.significance_level
    minimum = ctx.params.analysis.scan_min_rise_pct
    police = {ctx.street_dataset: ctx.police} if ctx.police is not None else {}
    changes = {c.crime_type: c.month for c in ctx.recording.values() if c.decision != "real"}
    found = horizon.scan(ctx.strategy, ctx.params.baseline, ctx.params.review, police,
                         ctx.partner if ctx.partner is not None else pd.DataFrame(), alpha,
                         minimum, changes)
    body = [H.h(2, "What the strategy does not cover", "strategy-gaps"),
            H.p(f"Every police.uk crime type and every partner measure received that no "
                f"indicator of the strategy follows ({len(found)} in all, "
                f"{int(found['p_value'].notna().sum())} of them comparable) was compared "
                f"between the baseline ({ctx.baseline_desc}) and the review period "
                f"({ctx.review_desc}).")]
    rises = found[found["real_rise"]]
    if len(rises):
        body.append(H.p("Consider for the next strategic assessment: these rose by "
                        f"{minimum:g}% or more, by more than chance would explain."))
        rows = [[r["what"], "police.uk" if r["source"] == "police.uk" else r["dataset"],
                 f"{int(r['baseline_count']):,}", f"{int(r['review_count']):,}",
                 fmt_pct(r["change_pct"]), fmt_p(r["p_adjusted"])]
                for _, r in rises.iterrows()]
        body.append(H.table(["Crime type or measure", "Source", ctx.baseline_desc,
                             ctx.review_desc, "Change", "p (adjusted)"], rows,
                            "Rises not covered by any indicator: consider for the next "
                            "strategic assessment", numeric=(2, 3, 4, 5)))
    else:
        body.append(H.p(f"None rose by {minimum:g}% or more by more than chance would explain."))
    apart = found[found["not_comparable"] != ""]
    if len(apart):
        body.append(H.p("Not compared: " + "; ".join(
            f"{r['what']} ({r['not_comparable']})" for _, r in apart.iterrows())
            + ". A change in how a type is recorded moves its figures whatever happened to "
            "crime; see the data section."))
    body.append(H.p(
        f"Method: {horizon.METHOD}, two-sided at {alpha:g}; a rise is listed when the adjusted "
        f"p-value is below {alpha:g} and the rise is at least {minimum:g}%. Because many types "
        "are tested at once, some rises would pass an unadjusted test by chance alone; the "
        "adjustment guards against that at the cost of missing smaller rises. The test allows "
        "for counts that vary more from month to month than chance would (over-dispersion) "
        "and, when the two periods are the same months of the year, for the seasons. A rise "
        "says nothing about its cause: a change in recording or reporting can produce one.",
        cls="method-note"))
    return H.section("".join(body))


def data_section(ctx: ReportContext) -> str:
    return H.section(H.h(2, "Data completeness and difficulties", "data")
                     + recording_notes(ctx)
                     + Q.completeness_table(ctx.completeness)
                     + Q.reconciliation_summary(ctx.reconciliation)
                     + Q.difficulties_tables(ctx.difficulties, ctx.params.cycle))


def since_last_review(ctx: ReportContext) -> str:
    body = [H.h(2, "Since the last review", "since")]
    if not ctx.params.previous_cycle:
        body.append(H.p("This is the first review with this tool: there is no earlier review "
                        "to compare with. Set previous_cycle in the params file next time."))
        return H.section("".join(body))
    prev = ctx.previous.get("scorecard")
    items = []
    if prev is not None:
        old = {r["id"]: r for _, r in prev.iterrows()}
        for _, r in ctx.scorecard.iterrows():
            o = old.get(r["id"])
            if o is None:
                items.append(f"{r['name']}: new indicator.")
                continue
            for col, label in (("target_status", "target status"), ("variation", "SPC signal"),
                               ("direction", "change against baseline")):
                if str(o.get(col, "")) != str(r[col]):
                    items.append(f"{r['name']}: {label} was {plain_code(col, o.get(col))}, "
                                 f"now {plain_code(col, r[col])}.")
    pc = ctx.previous.get("completeness")
    if pc is not None:
        was = dict(zip(pc["dataset"], pc["status"], strict=True))
        for _, r in ctx.completeness.iterrows():
            if r["status"] == "complete" and was.get(r["dataset"]) not in (None, "complete"):
                items.append(f"{r['description']}: now received complete "
                             f"(was {was[r['dataset']]}).")
    for _, r in ctx.difficulties[ctx.difficulties["resolved_cycle"] == ctx.params.cycle].iterrows():
        items.append(f"Difficulty {r['id']} resolved: {r['description']}.")
    for _, r in ctx.difficulties[ctx.difficulties["raised_cycle"] == ctx.params.cycle].iterrows():
        items.append(f"Difficulty {r['id']} raised: {r['description']}.")
    items += restatements(ctx)
    body.append(H.ul(items) if items else H.p("Nothing has changed since the last review."))
    return H.section("".join(body))


def plain_code(column: str, value: object) -> str:
    """A scorecard code as readers say it: SPC and assurance codes (`concern_high`) become
    their words; '–' for none. Codes never reach a report."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(
        value)
    if not text:
        return "–"
    if column == "variation":
        return VARIATION_TEXT.get(text, text).lower().replace(": ", " (", 1) + ")"
    if column == "assurance":
        return ASSURANCE_TEXT.get(text, text).lower()
    return text.replace("_", " ")


def restatements(ctx: ReportContext) -> list[str]:
    """Indicator figures for periods both reviews cover that changed (e.g. a partner re-sent
    corrected data), with the size of the change."""
    prev = ctx.previous.get("series")
    if prev is None or prev.empty:
        return []
    out = []
    names = dict(zip(ctx.scorecard["id"], ctx.scorecard["name"], strict=True))
    measures = dict(zip(ctx.scorecard["id"], ctx.scorecard["measure"], strict=True))
    for ind, now in ctx.series.items():
        before = prev[prev["indicator"] == ind]
        if before.empty or now.empty:
            continue
        both = before.merge(now, on="period_start", suffixes=("_old", "_new"))
        changed = both[(both["value_old"] - both["value_new"]).abs() > 1e-9]
        for _, r in changed.iterrows():
            m = measures.get(ind, "count")
            size = fmt_change(r["value_new"] - r["value_old"], m)
            out.append(f"Restated: {names.get(ind, ind)} for {r['period_new']} was "
                       f"{fmt_value(r['value_old'], m)} at the last review and is now "
                       f"{fmt_value(r['value_new'], m)} ({size}), because the data were "
                       "re-sent or corrected.")
    return out


def own_analyses(ctx: ReportContext) -> str:
    """Links to the analyst's own notebooks run in this cycle (empty when there are none)."""
    items = []
    for own in ctx.params.own_notebooks:
        href = CycleLayout(ctx.run_dir).analysis_html(own.file).relative_to(ctx.run_dir)
        items.append(f'<a href="{H.esc(href.as_posix())}">{H.esc(own_title(own))}</a>')
    if not items:
        return ""
    return H.section(H.h(2, "Further analysis", "further-analysis")
                     + "<p>The analyst's own analyses for this review cycle, run with the same "
                     "data and parameters (files beside this report):</p>" + H.ul(items, raw=True))


def method_annex(ctx: ReportContext) -> str:
    o = ctx.params.analysis
    items = [
        f"Review period {ctx.review_desc}; baseline {ctx.baseline_desc}. Counts are totals for "
        "the period (scaled to 12 months where a period is not a year); rates are per 1,000 "
        "residents or households a year, using the mid-year estimate for the year of the "
        "period's middle month.",
        f"Is the change beyond chance? Counts and rates compare the review period with the "
        f"baseline as a rate ratio with its 95% interval. Crime is clustered, so monthly "
        f"counts often vary more than chance alone (over-dispersion): the dispersion is "
        f"estimated from the monthly counts (allowing for the month of the year when both "
        f"periods cover the same months) and, where above 1, the quasi-Poisson test widens "
        f"the interval accordingly; otherwise the exact Poisson test (conditional binomial) "
        f"is used. Proportions use Fisher's exact test, which does not allow for "
        f"over-dispersion. Two-sided at {o.significance_level:g}. A change that is not "
        f"significant is 'about the same' only when its interval rules out a change of "
        f"{o.meaningful_change_pct:g}% either way; otherwise the figures cannot tell yet.",
        multiple_testing_note(ctx.scorecard, o.significance_level)
        or "No indicator could be tested.",
        "These comparisons describe what happened, not why: they are not evaluations of any "
        "initiative, and a baseline year that was unusually high or low tends to be followed "
        "by a more ordinary one (regression to the mean).",
        f"SPC (XmR) charts follow NHS England's Making Data Count rules: process limits at the "
        f"mean ± 2.66 × the mean moving range"
        f"{' (moving ranges above 3.267 × their mean left out)' if o.spc.screen_outliers else ''}"
        f"; special cause is a point outside the limits, a run of {o.spc.shift_length} points "
        f"on one side of the mean, a trend of {o.spc.trend_length} points rising or falling, or "
        f"two of three points beyond two sigma on one side. Charts with fewer than "
        f"{o.spc.minimum_points} points have provisional limits.",
        "Target status compares the review value with a straight line from the baseline "
        "value (at the end of the baseline period) to the target (at the target date): met, "
        "on track (at or better than the line), or off track.",
    ]
    used = sources_used(ctx, community=False)
    if any(police for _name, _provider, police in used):
        items.append(
            "Police data come from data.police.uk street-level files. Locations are "
            "approximate and anonymised; records with no location cannot be placed in an area "
            "and are counted as unassigned (force-wide, not this partnership's). Crime type "
            "names changed over the years and are mapped to today's names (see the method "
            "guide).")
    if any(not police for _name, _provider, police in used):
        items.append("Partner data are counted as supplied by each agency; rows that could not "
                     "be used are quarantined with a reason and listed in the data quality "
                     "report.")
    items.append(_sources_sentence(used))
    items.append(OGL)
    return H.section(H.h(2, "Method and caveats", "method") + H.ul(items)) + glossary()


GLOSSARY = [
    ("Baseline", "the period the strategy measures change against."),
    ("Rate ratio and 95% interval", "the review period's rate divided by the baseline's; the "
     "interval is the range of ratios the data are consistent with."),
    ("Beyond chance", "a change larger than the usual month-to-month ups and downs would "
     "explain (significant at the stated level); it does not say what caused it."),
    ("Cannot tell yet", "the change is not beyond chance, but the interval still allows a "
     "meaningful rise or fall; more data are needed."),
    ("Over-dispersion", "counts that vary more than pure chance would give, as clustered "
     "crime does; tests and funnel limits allow for it."),
    ("Common cause variation", "the normal ups and downs of a stable process; no point "
     "stands out on the SPC chart."),
    ("Special cause variation", "a point or pattern on the SPC chart unlikely under the "
     "normal ups and downs: outside the process limits, a run of points on one side of the "
     "mean, a trend, or two of three points near a limit."),
    ("Process limits", "the lines on an SPC chart, mean ± 2.66 × the average moving range, "
     "within which nearly all points of a stable process fall."),
    ("Funnel plot and limits", "each similar partnership's rate against its population; "
     "the limits show how far from the group rate an area of that size can be by chance."),
    ("Trajectory", "a straight line from the baseline to the target; on track means at or "
     "better than the line at the end of the review period."),
    ("Percentage points", "the difference between two percentages (9.0% to 8.7% is 0.3 "
     "points), not a percentage change."),
]


def glossary() -> str:
    """Plain meanings of the statistical words the board report uses."""
    items = [f"<strong>{H.esc(t)}</strong>: {H.esc(d)}" for t, d in GLOSSARY]
    return H.section(H.h(2, "Glossary", "glossary") + H.ul(items, raw=True))


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
    return [(r.description, r.provider, r.is_police) for r in register.data_requests
            if r.dataset in used]


def _sources_sentence(used: list[tuple[str, str, bool]]) -> str:
    if not used:
        return "No dataset gave figures this review."
    return "Figures in this report come from: " + "; ".join(
        f"{description}, from {provider}" for description, provider, _p in used) + "."


# Community update ---------------------------------------------------------------------------------
def community_title(ctx: ReportContext) -> str:
    area = ", ".join(ctx.params.area.local_authorities) or ctx.params.partnership
    return (f'<header class="title">{H.h(1, f"Keeping {area} safe: an update for residents")}'
            f'<p class="subtitle">{H.esc(ctx.params.partnership)} · '
            f"{H.esc(ctx.review_desc)}</p></header>")


def _plain_change(r: pd.Series, threshold: int,
                  allowed: set[tuple[str, str]] | None = None) -> str | None:
    """One plain sentence about an indicator for residents, or None if it cannot be said.
    Counts not in `allowed` (see `community_numbers`) are left out of the sentence."""
    if not r["assessable"]:
        return None
    what = r["plain_name"]
    if r["direction"] == "not comparable":
        return (f"The figures for {what} cannot be compared with the year before our plan "
                "started: the way they are recorded appears to have changed in between.")
    now = suppress_count(float(r["review_count"]), threshold)
    before = suppress_count(float(r["baseline_count"]), threshold)
    if allowed is not None:
        now = now if (r["id"], "review_count") in allowed else None
        before = before if (r["id"], "baseline_count") in allowed else None
    if r["direction"] == "improved":
        trend = "went down" if r["better"] == "lower" else "went up"
        verdict = "This is more than the normal ups and downs from month to month."
    elif r["direction"] == "worsened":
        trend = "went up" if r["better"] == "lower" else "went down"
        verdict = ("This is more than the normal ups and downs from month to month, and we "
                   "are working on it.")
    elif r["direction"] == "cannot tell":
        trend = "may have changed"
        verdict = ("The figures cannot tell yet whether it went up or down: the change is "
                   "within the normal ups and downs.")
    else:
        trend = "stayed about the same"
        verdict = "The change is within the normal ups and downs from month to month."
    if r["measure"] == "proportion":
        if now is None or before is None:
            return f"The number of {what} {trend}. {verdict}"
        return (f"The share of {what} {trend}: {fmt_value(r['review_value'], 'proportion')} "
                f"this year, compared with {fmt_value(r['baseline_value'], 'proportion')} "
                "before our plan. " + verdict)
    if now is None or before is None:
        return f"The number of {what} {trend}. {verdict}"
    return (f"The number of {what} {trend}: {now} in the last year, compared with {before} "
            f"in the year before our plan started. {verdict}")


def _crime_table(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(numbers, shown, hidden) of the community update's crime table, or None."""
    if ctx.police is None or ctx.police.empty:
        return None
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    prev = review.shift(-12)
    pol = ctx.police
    this = pol[pol["month"].between(str(review.start), str(review.end))].groupby(
        "crime_type")["n"].sum()
    last = pol[pol["month"].between(str(prev.start), str(prev.end))].groupby(
        "crime_type")["n"].sum()
    table = pd.DataFrame({"this": this, "last": last}).fillna(0).astype(int).sort_index()
    table["change"] = table["this"] - table["last"]
    table.loc["All types"] = table.sum()
    shown, hidden = suppress_table(table, ["this", "last"], t, total_row="All types",
                                   differences={"change": ("this", "last")})
    return table, shown, hidden


def community_numbers(ctx: ReportContext) -> set[tuple[str, str]]:
    """(indicator, field) counts the community update may print.

    One disclosure check over the page: the crime table's cells and relations, plus each
    key-message count written as the sum of the table cells it covers (a police indicator
    over the review year or the year before). A count is left out when printing it would let
    a hidden small count be worked out by addition or subtraction, or when it is small.
    """
    t = ctx.params.report.suppression_threshold
    built = _crime_table(ctx)
    hidden: set = set()
    relations: list = []
    primary: set = set()
    rows: list[str] = []
    if built is not None:
        table, _shown, mask = built
        cols = ["this", "last", "change"]
        hidden = {(i, c) for i in table.index for c in cols if mask.at[i, c]}
        relations = table_relations(table, ["this", "last"], "All types",
                                    {"change": ("this", "last")})
        primary = {(i, c) for i in table.index for c in ("this", "last")
                   if is_small(float(table.at[i, c]), t)}
        rows = [i for i in table.index if i != "All types"]
    indicators = {i.id: i for i in ctx.strategy.indicators}
    prev = ctx.params.review.shift(-12)
    allowed: set[tuple[str, str]] = set()
    for _, r in ctx.scorecard.iterrows():
        ind = indicators.get(r["id"])
        for fld in ("review_count", "baseline_count"):
            value = float(r[fld]) if not pd.isna(r[fld]) else math.nan
            if math.isnan(value) or is_small(value, t):
                continue
            rel = None
            baseline = ind.baseline.range if ind is not None and ind.baseline else (
                ctx.params.baseline)
            col = "this" if fld == "review_count" else (
                "last" if (baseline.start, baseline.end) == (prev.start, prev.end) else None)
            if (ind is not None and built is not None and col and ind.dataset == ctx.street_dataset
                    and ind.filter.outcome_categories is None and ind.numerator is None):
                types = ind.filter.crime_type_set()
                cells = [("All types", col)] if types is None else [
                    (x, col) for x in types if x in rows]
                rel = (("message", r["id"], fld), cells, [])
            trial = relations + ([rel] if rel else [])
            if disclosed(hidden, trial) & primary:
                continue
            relations = trial
            allowed.add((r["id"], fld))
    return allowed


def community_messages(ctx: ReportContext) -> str:
    t = ctx.params.report.suppression_threshold
    sc = ctx.scorecard
    allowed = community_numbers(ctx)
    msgs = []
    for mask in (sc["direction"] == "improved", sc["direction"] == "worsened"):
        for _, r in sc[mask].iterrows():
            s = _plain_change(r, t, allowed)
            if s:
                msgs.append(s)
    if not msgs:
        msgs.append("Most things stayed about the same as before our plan started.")
    return H.section(H.h(2, "Key messages", "key-messages") + ctx.narrative_html(
        "community_intro") + H.ul(msgs[:6]))


def community_priorities(ctx: ReportContext) -> str:
    t = ctx.params.report.suppression_threshold
    allowed = community_numbers(ctx)
    out = []
    for pr in ctx.strategy.priorities:
        parts = [H.h(2, pr.name, f"c-{pr.id}")]
        if pr.community_message:
            parts.append(H.p(pr.community_message))
        parts.append(ctx.narrative_html(f"community_priority_{pr.id}"))
        facts = [s for _, r in ctx.scorecard[ctx.scorecard["priority"] == pr.id].iterrows()
                 if (s := _plain_change(r, t, allowed))]
        if facts:
            parts.append(H.h(3, "What the figures show"))
            parts.append(H.ul(facts))
        ini = ctx.initiatives[ctx.initiatives["priority"] == pr.id] if len(
            ctx.initiatives) else ctx.initiatives
        if len(ini):
            parts.append(H.h(3, "What we are doing"))
            parts.append(H.ul(f"{r['name']} (led by {r['lead_agency']}): "
                              f"{PLAIN_STATUS.get(r['status'], r['status'])}."
                              for _, r in ini.iterrows()))
        out.append(H.section("".join(parts)))
    return "".join(out)


def crime_by_type(ctx: ReportContext) -> str:
    """Police-recorded crime and ASB by type: this year, last year, change; suppressed."""
    built = _crime_table(ctx)
    if built is None:
        return ""
    t = ctx.params.report.suppression_threshold
    review = ctx.params.review
    prev = review.shift(-12)
    _table, shown, _hidden = built
    apart = {c.crime_type: c for c in ctx.recording.values()
             if c.decision != "real" and str(prev.start) < c.month <= str(review.end)}
    shown["change"] = shown["change"].astype(object)
    for name in shown.index:
        if name in apart or (name == "All types" and apart):
            shown.at[name, "change"] = "not comparable"
    rows = []
    for name, r in shown.iterrows():
        rows.append([name] + [v if isinstance(v, str) else (
            f"{v:+,}" if col == "change" else f"{v:,}") for col, v in r.items()])
    note = H.p(f"To protect people's privacy, numbers from 1 to {t - 1} are shown as "
               f"“fewer than {t}”. Some other numbers are marked “not shown” so that a hidden "
               "number cannot be worked out from the total.")
    if apart:
        note += H.p("“Not comparable”: the way the police record "
                    + ", ".join(c.crime_type.lower() for c in apart.values())
                    + " appears to have changed between the two years, so the change would "
                    "mislead.")
    return H.section(H.h(2, "Crime and anti-social behaviour reported to the police",
                         "crime-types") + H.table(
        ["Type", f"{review.describe()}", f"{prev.describe()}", "Change"], rows,
        "Crimes and incidents reported to the police in the area, by type",
        numeric=(1, 2, 3)) + note)


def community_help(ctx: ReportContext) -> str:
    r = ctx.params.report
    return H.section(H.h(2, "How you can help", "help") + H.ul([
        r.report_crime, r.contact,
        "Come to a community meeting or join Neighbourhood Watch to tell us what matters "
        "where you live."]))


def community_about(ctx: ReportContext) -> str:
    return H.section(H.h(2, "About these figures", "about") + H.ul([
        "“More than the normal ups and downs” means the change is bigger than we would "
        "expect by chance from month to month. It does not tell us what caused it.",
        _sources_sentence(sources_used(ctx, community=True)),
        OGL]))



# Planning pack ------------------------------------------------------------------------------------
def planning_title(ctx: ReportContext) -> str:
    months = ctx.params.cycle_months
    nxt = ctx.params.review.shift(months)
    return (f'<header class="title">'
            f'{H.h(1, f"{ctx.params.partnership}: planning pack for the next review")}'
            f'<p class="subtitle">For the core audit team · next review period '
            f"{H.esc(nxt.describe())} · prepared after the review of "
            f"{H.esc(ctx.review_desc)}</p></header>")


def planning_requests(ctx: ReportContext) -> str:
    """What information is needed next time, who provides, gathers and analyses it, when."""
    from reviewkit.base.periods import add_months
    from reviewkit.inputs.register import load_register

    months = ctx.params.cycle_months
    register = load_register(ctx.params.path("data_requests"))
    status = dict(zip(ctx.completeness["dataset"], ctx.completeness["status"], strict=True))
    rows = [[r.description, r.provider, r.gatherer, r.analyst, r.frequency,
             add_months(r.due, months).strftime("%d %b %Y"), r.expected_format or "–",
             status.get(r.dataset, "–")] for r in register.data_requests]
    return H.section(H.h(2, "Information required for the next review", "requests")
                     + H.table(["Dataset", "Provided by", "Gathered by", "Analysed by",
                                "Frequency", "Due", "Format", "This review"], rows,
                               "Data requests for the next review, with due dates"))


def planning_difficulties(ctx: ReportContext) -> str:
    log = ctx.difficulties
    open_ = log[log["status"] == "open"]
    rows = [[r["id"], r["agency"], r["dataset"], r["category"], r["description"], r["action"],
             r["owner"], r["raised_cycle"]] for _, r in open_.iterrows()]
    gaps = ctx.completeness[ctx.completeness["status"] != "complete"]
    gap_items = [f"{r['description']} ({r['provider']}): {r['status']}"
                 + (f", missing {r['missing_periods']}" if r["missing_periods"] else "")
                 for _, r in gaps.iterrows()]
    return H.section(
        H.h(2, "Open difficulties", "open-difficulties")
        + H.table(["Id", "Agency", "Dataset", "Category", "Difficulty", "Action", "Owner",
                   "Raised"], rows, "Difficulties still open, with their owners and actions")
        + H.h(2, "Data gaps still open", "gaps")
        + (H.ul(gap_items) if gap_items else H.p("None: every requested dataset arrived "
                                                 "complete.")))


def planning_milestones(ctx: ReportContext) -> str:
    """Milestones overdue or falling due before the next review."""
    from reviewkit.base.periods import add_months

    months = ctx.params.cycle_months
    start = ctx.params.review_date
    end = add_months(start, months)
    rows = []
    for ini in ctx.strategy.initiatives:
        for m in ini.milestones:
            if m.done is None and m.due <= end:
                when = "overdue" if m.due < start else "due"
                rows.append([ini.name, ini.lead_agency, m.name, m.due.strftime("%d %b %Y"),
                             when])
    rows.sort(key=lambda r: pd.to_datetime(r[3], format="%d %b %Y"))
    return H.section(H.h(2, "Initiative milestones falling due", "milestones") + H.table(
        ["Initiative", "Lead agency", "Milestone", "Due", "State"], rows,
        f"Milestones not done that are overdue or due by {end:%d %B %Y}"))
