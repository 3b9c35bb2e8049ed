"""What an initiative delivered against its plan: its output measures (homes secured, sessions
run, patrols) counted from a partner's returns, beside the outcome indicators it is meant to move.

The Home Office guidance asks a review to collect the data each initiative is assessed on, its
own criteria, not only the crime figures. An output measure names a partner measure (a dataset in
the data request register and one of its measures), a planned figure and the date it is planned
by. The rule:

- delivered: the sum of the measure's returns from the output's start (by default the
  initiative's) to the end of the review period, or to the date planned by if that is earlier;
- expected by now: the plan spread evenly over its months, for the months counted so far;
- delivered (the plan is met) when delivered reaches the planned figure; on plan when it
  reaches at least `ON_PLAN_SHARE` of the figure expected by now (delivery is lumpy: a month's
  shortfall is not a problem, a quarter's is); behind plan otherwise;
- a return missing for a month or quarter in that span is never read as nothing delivered: the
  plan then reads "cannot tell" (unless what did arrive already meets the plan), and the
  missing periods are named; no return at all reads "no returns".

This is a count against a plan, not a statistical test: the report says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

import pandas as pd

from reviewkit.base.periods import PERIOD_MONTHS, MonthRange, expected_periods, period_label
from reviewkit.inputs.strategy import Initiative, OutputMeasure

OutputStatus = Literal["delivered", "on plan", "behind plan", "cannot tell", "not started"]
OUTPUT_STATUSES: tuple[OutputStatus, ...] = get_args(OutputStatus)
ON_PLAN_SHARE = 0.9  # at least 90% of the figure expected by now is on plan

COLUMNS = [
    "initiative",
    "output",
    "dataset",
    "measure",
    "planned",
    "by",
    "counted_from",
    "counted_to",
    "delivered",
    "expected_by_now",
    "status",
    "missing_periods",
]


@dataclass(frozen=True)
class OutputResult:
    """One output measure of one initiative, assessed against its plan."""

    initiative: str
    output: str
    dataset: str
    measure: str
    planned: float
    by: dt.date
    counted_from: str  # YYYY-MM
    counted_to: str  # YYYY-MM
    delivered: float | None  # None: nothing to count (no returns, or not started)
    expected_by_now: float | None
    status: OutputStatus
    missing_periods: tuple[str, ...] = ()

    def row(self) -> dict[str, object]:
        """The result as a row of the `initiative_outputs` table."""
        return {
            "initiative": self.initiative,
            "output": self.output,
            "dataset": self.dataset,
            "measure": self.measure,
            "planned": self.planned,
            "by": self.by.isoformat(),
            "counted_from": self.counted_from,
            "counted_to": self.counted_to,
            "delivered": self.delivered,
            "expected_by_now": self.expected_by_now,
            "status": self.status,
            "missing_periods": "; ".join(self.missing_periods),
        }

    @classmethod
    def from_row(cls, row: pd.Series | dict[str, object]) -> OutputResult:
        """Read a row of the `initiative_outputs` table back (the report step's side)."""
        status = str(row["status"])
        if status not in OUTPUT_STATUSES:
            raise ValueError(f"unknown output status {status!r}")
        missing = row.get("missing_periods")
        return cls(
            initiative=str(row["initiative"]),
            output=str(row["output"]),
            dataset=str(row["dataset"]),
            measure=str(row["measure"]),
            planned=float(row["planned"]),  # type: ignore[arg-type]
            by=dt.date.fromisoformat(str(row["by"])),
            counted_from=str(row["counted_from"]),
            counted_to=str(row["counted_to"]),
            delivered=_number(row["delivered"]),
            expected_by_now=_number(row["expected_by_now"]),
            status=status,
            missing_periods=tuple(str(missing).split("; ")) if _text(missing) else (),
        )


def _number(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def _text(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and pd.isna(x)) and str(x) != ""


def _months_between(first: pd.Period, last: pd.Period) -> int:
    """Months from `first` to `last`, both counted (0 when `last` is before `first`)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def output_span(
    output: OutputMeasure, initiative: Initiative, review_end: pd.Period
) -> tuple[pd.Period, pd.Period]:
    """The months counted: from the output's start (else the initiative's) to the end of the
    review period or the month planned by, whichever comes first."""
    start = pd.Period(output.start or initiative.start, "M")
    return start, min(review_end, pd.Period(output.by, "M"))


def expected_by_now(output: OutputMeasure, start: pd.Period, counted_to: pd.Period) -> float:
    """The plan spread evenly over its months, for the months counted so far."""
    total = _months_between(start, pd.Period(output.by, "M"))
    done = _months_between(start, counted_to)
    return output.planned * min(done, total) / total if total else output.planned


def _returns(measures: pd.DataFrame, output: OutputMeasure) -> pd.DataFrame:
    """The returns of the output's measure: one row per period, summed over areas."""
    rows = measures[
        (measures["dataset"] == output.dataset) & (measures["measure"] == output.measure)
    ]
    return rows.groupby(["period_type", "period_start", "period"], as_index=False)["value"].sum()


def assess_output(
    output: OutputMeasure,
    initiative: Initiative,
    measures: pd.DataFrame,
    review_end: pd.Period,
) -> OutputResult:
    """One output measure against its plan (the rule in this module's docstring)."""
    start, counted_to = output_span(output, initiative, review_end)

    def result(
        delivered: float | None,
        expected: float | None,
        status: OutputStatus,
        missing: tuple[str, ...] = (),
    ) -> OutputResult:
        return OutputResult(
            initiative.id,
            output.name,
            output.dataset,
            output.measure,
            float(output.planned),
            output.by,
            str(start),
            str(counted_to),
            delivered,
            expected,
            status,
            missing,
        )

    if counted_to < start:
        return result(None, None, "not started")
    expected = expected_by_now(output, start, counted_to)
    returns = _returns(measures, output)
    if returns.empty:
        return result(None, expected, "cannot tell", ("no returns",))
    period_type = str(returns["period_type"].iloc[0])
    wanted = expected_periods(MonthRange(start, counted_to), period_type)
    months = pd.PeriodIndex(returns["period_start"], freq="M")
    ends = months + (PERIOD_MONTHS[period_type] - 1)
    inside = returns[(months >= start) & (ends <= counted_to)]  # periods wholly in the span
    present = set(inside["period_start"])
    missing = tuple(
        period_label(pd.Period(p, "M"), period_type) for p in wanted if p not in present
    )
    delivered = float(inside["value"].sum())
    if delivered >= output.planned:
        return result(delivered, expected, "delivered", missing)
    if missing:
        return result(delivered, expected, "cannot tell", missing)
    if delivered >= ON_PLAN_SHARE * expected:
        return result(delivered, expected, "on plan")
    return result(delivered, expected, "behind plan")


def assess_outputs(
    initiatives: list[Initiative], measures: pd.DataFrame, review_end: pd.Period
) -> list[OutputResult]:
    """Every output measure of every initiative, in the strategy's order."""
    return [assess_output(o, ini, measures, review_end) for ini in initiatives for o in ini.outputs]


def outputs_table(results: list[OutputResult]) -> pd.DataFrame:
    """The `initiative_outputs` table (one row per output measure)."""
    return pd.DataFrame([r.row() for r in results], columns=COLUMNS)
