"""The scan of what the strategy does not cover never compares a period lacking a month as if
the month were zero: it says which crime types and measures it could not test, and why."""

from __future__ import annotations

import dataclasses

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.analysis import horizon
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Strategy

BASE, REV = MonthRange.of("2024-01", "2024-12"), MonthRange.of("2025-01", "2025-12")
MONTHS = [str(m) for m in (*BASE.months, *REV.months)]
TYPES = ["Anti-social behaviour", "Robbery", "Drugs", "Burglary"]  # Burglary is covered


def _strategy() -> Strategy:
    return Strategy.model_validate(
        {
            "partnership": "P",
            "priorities": [{"id": "p", "name": "P"}],
            "indicators": [
                {
                    "id": "burglary",
                    "priority": "p",
                    "name": "Burglary",
                    "dataset": "police_street",
                    "filter": {"crime_types": ["Burglary"]},
                    "better": "lower",
                },
                {
                    "id": "asb",
                    "priority": "p",
                    "name": "ASB",
                    "dataset": "council",
                    "filter": {"measure": "asb_reports"},
                    "better": "lower",
                },
            ],
        }
    )


def _police(counts: dict[str, list[int]]) -> pd.DataFrame:
    rows = [
        {"month": m, "lsoa_code": "E1", "crime_type": t, "outcome_category": "", "n": n}
        for t, per in counts.items()
        for m, n in zip(MONTHS, per, strict=True)
        if n
    ]
    return pd.DataFrame(rows)


def _partner(measure: str, quarters: list[str], value: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": "council",
            "measure": measure,
            "period_type": "quarter",
            "period_start": quarters,
            "period": quarters,
            "area": "X",
            "value": value,
        }
    )


def test_a_missing_review_month_is_said_not_compared_as_zero():
    """Case 1: with one month of the review period missing, a 51% rise in an uncovered type
    used to vanish ("None rose by 10% or more"); it is now named as not tested."""
    full = _police({"Robbery": [10] * 12 + [15] * 12, "Burglary": [5] * 24})
    out = horizon.scan(_strategy(), BASE, REV, {"police_street": full}, None)
    assert out.set_index("what").loc["Robbery", "real_rise"]  # the full data show the rise
    cut = full[full["month"] != "2025-03"]
    assert horizon.scan(_strategy(), BASE, REV, {"police_street": cut}, None).empty
    (n,) = horizon.not_tested(_strategy(), BASE, REV, {"police_street": cut}, None)
    assert (n.source, n.dataset, n.what) == ("police.uk", "police_street", ("Robbery",))
    assert n.missing_review == ("2025-03",) and n.missing_baseline == () and n.received
    assert n.reason() == (
        "March 2025 missing from the review period (a missing month is not a zero, so no "
        "change is worked out)"
    )


def test_missing_baseline_months_and_no_data_at_all():
    full = _police({"Robbery": [10] * 24})
    cut = full[~full["month"].isin(["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"])]
    (n,) = horizon.not_tested(_strategy(), BASE, REV, {"police_street": cut}, None)
    assert n.missing_baseline == ("2024-02", "2024-03", "2024-04", "2024-05", "2024-06")
    assert "February 2024, March 2024, April 2024, May 2024 and 1 more missing from the " in (
        n.reason()
    )
    # after new-cycle, before the new extracts: nothing of the review period at all
    old = full[full["month"] < "2025-01"]
    (n,) = horizon.not_tested(_strategy(), BASE, REV, {"police_street": old}, None)
    assert len(n.missing_review) == 12 and n.received
    for nothing in (None, full.iloc[0:0]):
        (n,) = horizon.not_tested(_strategy(), BASE, REV, {"police_street": nothing}, None)
        assert not n.received and n.what == () and "no data was received" in n.reason()


def test_partner_measures_lacking_a_period_or_never_received():
    quarters = ["2024-01", "2024-04", "2024-07", "2024-10", "2025-01", "2025-04", "2025-10"]
    partner = _partner("noise", quarters)  # 2025-07 quarter missing
    assert horizon.scan(_strategy(), BASE, REV, {}, partner).empty
    (n,) = horizon.not_tested(_strategy(), BASE, REV, {}, partner)
    assert n.what == ("noise",) and n.missing_review == ("2025-07", "2025-08", "2025-09")
    # a covered measure is never listed; a dataset not received is, unless wholly covered
    covered = _partner("asb_reports", quarters)
    assert horizon.not_tested(_strategy(), BASE, REV, {}, covered) == []
    (n,) = horizon.not_tested(_strategy(), BASE, REV, {}, None, unreceived=["fire"])
    assert (n.dataset, n.received) == ("fire", False)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=24, max_size=24),
    gone=st.sets(st.sampled_from(MONTHS), min_size=1, max_size=6),
)
def test_no_way_a_month_goes_missing_gives_a_figure_as_if_it_were_zero(counts, gone):
    """For every set of months that can go missing: no compared figure is published for the
    dataset (the scan's rows are exactly those of the full data with the police rows gone),
    and every missing month is named in the right period."""
    full = _police({t: [c + i for c in counts] for i, t in enumerate(TYPES)})
    cut = full[~full["month"].isin(gone)]
    out = horizon.scan(_strategy(), BASE, REV, {"police_street": cut}, None)
    assert out.empty  # never a total, change or p-value over a period lacking a month
    (n,) = horizon.not_tested(_strategy(), BASE, REV, {"police_street": cut}, None)
    assert set(n.missing_baseline) | set(n.missing_review) == gone
    assert set(n.missing_review) == {m for m in gone if m >= "2025-01"}
    assert set(n.what) <= {"Anti-social behaviour", "Robbery", "Drugs"}


def test_a_zero_in_a_month_the_dataset_has_is_a_real_zero():
    """Robbery has no crimes in March 2025, but the dataset has rows that month: a true zero,
    tested as such."""
    police = _police({"Robbery": [10] * 14 + [0] + [10] * 9, "Drugs": [10] * 24})
    out = horizon.scan(_strategy(), BASE, REV, {"police_street": police}, None).set_index("what")
    assert out.loc["Robbery", "review_count"] == 110
    assert horizon.not_tested(_strategy(), BASE, REV, {"police_street": police}, None) == []


def test_the_board_section_says_what_could_not_be_tested(cycle_run):
    """The board's "What the strategy does not cover", rendered from the shared run's
    context with one month of the street data gone: it names the types not tested and why,
    and never says none rose."""
    from reviewkit.report.context import load_context
    from reviewkit.report.gaps import strategy_gaps_section

    ctx = load_context(cycle_run["params"], cycle_run["cycle"])
    last = str(ctx.params.review.end)
    # the month never arrived: no rows, and no file for it at intake
    arrived = {k: [m for m in v if m != last] for k, v in ctx.intake.get("months", {}).items()}
    cut = dataclasses.replace(
        ctx,
        police=ctx.police[ctx.police["month"] != last],
        intake={**ctx.intake, "months": arrived},
    )
    html = strategy_gaps_section(cut)
    month = pd.Period(last, "M").strftime("%B %Y")
    assert "Could not be tested" in html and f"{month} missing from the review period" in html
    assert "Criminal damage and arson" in html  # an uncovered type, named
    assert "None rose by" not in html and "None of those compared rose" in html
    assert "police_street" not in html  # no dataset id in a board paper
    full = strategy_gaps_section(ctx)
    assert "police.uk crime data" not in full  # every month there: every type tested
    # the demo's youth justice data was not received: said, not dropped
    assert "First-time entrants to the youth justice system: its measures could not be" in full
