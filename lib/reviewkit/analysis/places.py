"""Where crime happens: the LSOAs where an indicator's crimes are concentrated and where they
changed most between the baseline and the review period.

Pure functions over the tidy police.uk table (month, lsoa_code, crime_type, outcome_category,
n). Changes in small areas are small counts: each LSOA's change is tested with the same change
test as the indicators and the scan of uncovered crime types (on its monthly counts, allowing
for over-dispersion), adjusted for the number of LSOAs (Holm).
"""

from __future__ import annotations

import math

import pandas as pd

from reviewkit.analysis.horizon import aligned, change_test, holm
from reviewkit.analysis.indicators import police_rows
from reviewkit.base.periods import MonthRange
from reviewkit.inputs.strategy import Filter


def by_lsoa(
    police: pd.DataFrame, flt: Filter, baseline: MonthRange, review: MonthRange
) -> pd.DataFrame:
    """Counts per LSOA in the baseline and the review period for the rows `flt` keeps, with
    each LSOA's share of the partnership's review-period total (%)."""
    rows = police_rows(police[police["lsoa_code"] != ""], flt)
    out = (
        pd.DataFrame(
            {
                "baseline": rows[rows["month"].between(str(baseline.start), str(baseline.end))]
                .groupby("lsoa_code")["n"]
                .sum(),
                "review": rows[rows["month"].between(str(review.start), str(review.end))]
                .groupby("lsoa_code")["n"]
                .sum(),
            }
        )
        .fillna(0)
        .astype("int64")
    )
    for name, rng in (("baseline_series", baseline), ("review_series", review)):
        months = [str(m) for m in rng.months]
        per = (
            rows[rows["month"].isin(months)]
            .groupby(["lsoa_code", "month"])["n"]
            .sum()
            .unstack(fill_value=0)
            .reindex(index=out.index, columns=months, fill_value=0)
        )
        out[name] = per.to_numpy(dtype=float).tolist()
    total = out["review"].sum()
    out["share_pct"] = out["review"] / total * 100 if total else math.nan
    # the baseline scaled to the review period's length, so the change compares like with like
    out["change"] = out["review"] - out["baseline"] * review.n_months / baseline.n_months
    return out.rename_axis("lsoa_code").reset_index()


def concentrated(table: pd.DataFrame, names: dict[str, str], top: int = 5) -> pd.DataFrame:
    """The `top` LSOAs by review-period count, with name, share and cumulative share."""
    t = table.sort_values(["review", "lsoa_code"], ascending=[False, True]).head(top).copy()
    t.insert(1, "lsoa_name", [names.get(c, "") for c in t["lsoa_code"]])
    t["cumulative_share_pct"] = t["share_pct"].cumsum()
    return t.reset_index(drop=True)


def changed(
    table: pd.DataFrame,
    names: dict[str, str],
    baseline: MonthRange,
    review: MonthRange,
    alpha: float,
    top: int = 5,
) -> pd.DataFrame:
    """The `top` LSOAs by size of change (either way), each with a Holm-adjusted p-value over
    all the partnership's LSOAs and whether the change is beyond chance."""
    t = table.copy()
    same = aligned(baseline, review)
    t["p_value"] = [
        change_test(bm, baseline.n_months, rm, review.n_months, alpha, same)[0]
        if b + r
        else math.nan
        for b, r, bm, rm in zip(
            t["baseline"], t["review"], t["baseline_series"], t["review_series"], strict=True
        )
    ]
    t["p_adjusted"] = holm(t["p_value"].tolist()) if len(t) else []
    t["real_change"] = t["p_adjusted"] < alpha
    t["size"] = t["change"].abs()
    t = t.sort_values(["size", "lsoa_code"], ascending=[False, True]).head(top)
    t.insert(1, "lsoa_name", [names.get(c, "") for c in t["lsoa_code"]])
    return t.drop(columns="size").reset_index(drop=True)
