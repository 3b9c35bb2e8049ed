"""The board report's method annex and glossary: how each figure was worked out, its
caveats, and the statistical words in plain terms."""

from __future__ import annotations

from markupsafe import Markup

from reviewkit.report import html
from reviewkit.report.context import ReportContext
from reviewkit.report.gaps import scan_method
from reviewkit.report.narrative import multiple_testing_note
from reviewkit.report.sources import OGL, sources_sentence, sources_used


def method_annex(ctx: ReportContext) -> Markup:
    """The board report's method annex: the statistics used, with the settings of this
    cycle and their caveats."""
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
        multiple_testing_note(ctx.scorecard, ctx.verdicts, o.significance_level)
        or "No indicator could be tested.",
        scan_method(o.significance_level),
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
            "guide)."
        )
    if any(not police for _name, _provider, police in used):
        items.append(
            "Partner data are counted as supplied by each agency; rows that could not "
            "be used are quarantined with a reason and listed in the data quality "
            "report."
        )
    items.append(sources_sentence(used))
    items.append(OGL)
    return (
        html.section(html.h(2, "Annex D: Method and caveats", "method") + html.ul(items))
        + glossary()
    )


GLOSSARY = [
    ("Baseline", "the period the strategy measures change against."),
    (
        "Rate ratio and 95% interval",
        "the review period's rate divided by the baseline's; the "
        "interval is the range of ratios the data are consistent with.",
    ),
    (
        "Beyond chance",
        "a change larger than the usual month-to-month ups and downs would "
        "explain (significant at the stated level); it does not say what caused it.",
    ),
    (
        "Cannot tell yet",
        "the change is not beyond chance, but the interval still allows a "
        "meaningful rise or fall; more data are needed.",
    ),
    (
        "Over-dispersion",
        "counts that vary more than pure chance would give, as clustered "
        "crime does; tests and funnel limits allow for it.",
    ),
    (
        "Common cause variation",
        "the normal ups and downs of a stable process; no point stands out on the SPC chart.",
    ),
    (
        "Special cause variation",
        "a point or pattern on the SPC chart unlikely under the "
        "normal ups and downs: outside the process limits, a run of points on one side of the "
        "mean, a trend, or two of three points near a limit.",
    ),
    (
        "Process limits",
        "the lines on an SPC chart, mean ± 2.66 × the average moving range, "
        "within which nearly all points of a stable process fall.",
    ),
    (
        "Funnel plot and limits",
        "each similar partnership's rate against its population; "
        "the limits show how far from the group rate an area of that size can be by chance.",
    ),
    (
        "Trajectory",
        "a straight line from the baseline to the target; on track means at or "
        "better than the line at the end of the review period.",
    ),
    (
        "Percentage points",
        "the difference between two percentages (9.0% to 8.7% is 0.3 "
        "points), not a percentage change.",
    ),
]


def glossary() -> Markup:
    """Plain meanings of the statistical words the board report uses."""
    items = [html.safe(f"<strong>{html.esc(t)}</strong>: {html.esc(d)}") for t, d in GLOSSARY]
    return html.section(html.h(2, "Annex E: Glossary", "glossary") + html.ul(items))
