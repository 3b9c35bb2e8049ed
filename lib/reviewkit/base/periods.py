"""Months, quarters and financial years (April to March), and reading them as partners write them.

Months are carried as pandas monthly Periods inside the library and as `YYYY-MM` text in tidy
tables. A quarter or financial year is a start month plus a length in months.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import pandas as pd

PeriodType = Literal["month", "quarter", "financial_year"]
PERIOD_TYPES: tuple[PeriodType, ...] = get_args(PeriodType)
PERIOD_MONTHS = {"month": 1, "quarter": 3, "financial_year": 12}

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is allowed for.
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class MonthRange:
    """An inclusive run of months, e.g. a review period or a baseline period."""

    start: pd.Period
    end: pd.Period

    @classmethod
    def of(cls, start: str | pd.Period, end: str | pd.Period) -> MonthRange:
        """The range from two months given as 'YYYY-MM' text or periods."""
        return cls(pd.Period(start, "M"), pd.Period(end, "M"))

    @property
    def months(self) -> list[pd.Period]:
        """Every month of the range, in order."""
        return list(pd.period_range(self.start, self.end, freq="M"))

    @property
    def n_months(self) -> int:
        """How many months the range covers, both ends included."""
        return (self.end - self.start).n + 1

    def labels(self) -> list[str]:
        """Every month of the range as 'YYYY-MM' text."""
        return [str(m) for m in self.months]

    def contains(self, month: pd.Period) -> bool:
        """Whether a month falls within the range, both ends included."""
        return self.start <= month <= self.end

    def shift(self, months: int) -> MonthRange:
        """The range moved by a number of months (negative: earlier)."""
        return MonthRange(self.start + months, self.end + months)

    def describe(self) -> str:
        """`October 2025 to September 2026`, as reports say it."""
        return f"{month_name(self.start)} to {month_name(self.end)}"


def month_name(month: pd.Period) -> str:
    """A month in words ('April 2025')."""
    return month.strftime("%B %Y")


def financial_year_start(month: pd.Period) -> pd.Period:
    """The April that starts the financial year holding `month`."""
    year = month.year if month.month >= 4 else month.year - 1
    return pd.Period(f"{year}-04", "M")


def financial_year_label(start: pd.Period) -> str:
    """A financial year starting at `start` as people write it ('2025/26')."""
    return f"{start.year}/{str(start.year + 1)[-2:]}"


def quarter_start(month: pd.Period) -> pd.Period:
    """First month of the calendar quarter holding `month` (Jan, Apr, Jul, Oct)."""
    return pd.Period(f"{month.year}-{(month.month - 1) // 3 * 3 + 1:02d}", "M")


def period_start(month: pd.Period, period_type: str) -> pd.Period:
    """The start month of the period of `period_type` that holds `month`."""
    if period_type == "month":
        return month
    if period_type == "quarter":
        return quarter_start(month)
    if period_type == "financial_year":
        return financial_year_start(month)
    raise ValueError(f"unknown period type {period_type!r}; use one of {', '.join(PERIOD_TYPES)}")


def expected_periods(rng: MonthRange, period_type: str) -> list[str]:
    """Start months (YYYY-MM) of the periods of `period_type` that lie wholly in `rng`: the
    periods a review period or baseline needs (a quarter half inside it is not one)."""
    length = PERIOD_MONTHS[period_type]
    return [
        str(m)
        for m in rng.months
        if period_start(m, period_type) == m and rng.contains(m + (length - 1))
    ]


def period_label(start: pd.Period, period_type: str) -> str:
    """How a period is named in tables: `2026-01`, `Jan-Mar 2026`, `2025/26`."""
    if period_type == "month":
        return str(start)
    if period_type == "quarter":
        return f"{start.strftime('%b')}-{(start + 2).strftime('%b %Y')}"
    return financial_year_label(start)


def _from_date(d: dt.date) -> pd.Period:
    return pd.Period(year=d.year, month=d.month, freq="M")


def parse_month(value: object) -> pd.Period:
    """Read one month as partners write it; raise ValueError naming what was wrong.

    Accepts `2026-01`, `2026/01`, `01/2026`, `Jan-26`, `Jan 2026`, `January 2026`,
    full dates (`2026-01-01`, `01/01/2026` as day/month/year), Excel serial day numbers
    and date objects from spreadsheets.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        raise ValueError("the period is empty")
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return _from_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(float(value))
    text = str(value).strip()
    if not text:
        raise ValueError("the period is empty")
    return _text_month(text)


# The ways partners write a month as numbers, tried in order: a pattern, and how its groups
# give (year, month, day): 2026-01 or 2026/01; 01/2026; 2026-01-31 (with a time or not);
# 31/01/2026 (day first, as in the UK).
_NUMERIC_MONTHS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[int, ...]]], ...] = (
    (re.compile(r"(\d{4})[-/](\d{1,2})"), lambda m: (int(m[1]), int(m[2]), 1)),
    (re.compile(r"(\d{1,2})[-/](\d{4})"), lambda m: (int(m[2]), int(m[1]), 1)),
    (
        re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?"),
        lambda m: (int(m[1]), int(m[2]), int(m[3])),
    ),
    (
        re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: [\d:]+)?"),
        lambda m: (int(m[3]), int(m[2]), int(m[1])),
    ),
)


def _text_month(text: str) -> pd.Period:
    """A month written as text: an Excel serial day, numbers (`_NUMERIC_MONTHS`), or a month's
    name and a year (`Jan-26`, `January 2026`)."""
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _excel_serial(float(text))
    for pattern, parts in _NUMERIC_MONTHS:
        m = pattern.fullmatch(text)
        if m:
            year, month, day = parts(m)
            return _ym(year, month, text, day=day)
    m = re.fullmatch(r"([A-Za-z]+)[-\s/']*(\d{2}|\d{4})", text)
    if m and m.group(1).lower() in _MONTHS:
        year = int(m.group(2))
        year = year + 2000 if year < 100 else year
        return _ym(year, _MONTHS[m.group(1).lower()], text)
    raise ValueError(f"'{text}' is not a month this tool can read (use YYYY-MM, e.g. 2026-01)")


def _ym(year: int, month: int, text: str, day: int = 1) -> pd.Period:
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real month or date") from None
    return pd.Period(year=year, month=month, freq="M")


def _excel_serial(serial: float) -> pd.Period:
    if not 20000 <= serial <= 80000:  # 1954 to 2119: anything else is not a plausible date
        raise ValueError(f"'{serial:g}' is not a month (a number, but not an Excel date)")
    return _from_date(_EXCEL_EPOCH + dt.timedelta(days=int(serial)))


def parse_period(value: object, period_type: str) -> pd.Period:
    """The start month of a period written as partners write it.

    Quarters: `2025/26 Q1` (financial: April-June 2025), `2025 Q1` or `Q1 2025` (calendar:
    January-March), `Jan-Mar 2025`, or any month inside the quarter. Financial years:
    `2025/26`, `2025-26`, `FY2025/26`, or any month inside the year.
    """
    if period_type == "month":
        return parse_month(value)
    text = "" if value is None else str(value).strip()
    if period_type == "quarter":
        return _quarter(value, text)
    if period_type == "financial_year":
        return _financial_year(value, text)
    raise ValueError(f"unknown period type {period_type!r}; use one of {', '.join(PERIOD_TYPES)}")


def _quarter(value: object, text: str) -> pd.Period:
    """A quarter's first month: `2025/26 Q1` (financial), `2025 Q1` or `Q1 2025`
    (calendar), `Jan-Mar 2025`, or the quarter of any month inside it."""
    m = re.fullmatch(r"(?:FY\s*)?(\d{4})[/-](\d{2}|\d{4})\s*Q([1-4])", text, re.I)
    if m:
        _check_fy(int(m.group(1)), m.group(2), text)
        return pd.Period(f"{m.group(1)}-04", "M") + 3 * (int(m.group(3)) - 1)
    m = re.fullmatch(r"(\d{4})\s*Q([1-4])|Q([1-4])\s*(\d{4})", text, re.I)
    if m:
        year = int(m.group(1) or m.group(4))
        q = int(m.group(2) or m.group(3))
        return pd.Period(f"{year}-{3 * (q - 1) + 1:02d}", "M")
    m = re.fullmatch(r"([A-Za-z]{3})[a-z]*\s*[-–]\s*[A-Za-z]{3}[a-z]*\s+(\d{4})", text)
    if m and m.group(1).lower() in _MONTHS:
        start = pd.Period(f"{m.group(2)}-{_MONTHS[m.group(1).lower()]:02d}", "M")
        if start != quarter_start(start):
            raise ValueError(f"'{text}' does not start a calendar quarter")
        return start
    return quarter_start(parse_month(value))


def _financial_year(value: object, text: str) -> pd.Period:
    """A financial year's first month (April): `2025/26`, `2025-26`, `FY2025/26`, or the
    year of any month inside it."""
    m = re.fullmatch(r"(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text, re.I)
    if m and int(m.group(2)) % 100 == (int(m.group(1)) + 1) % 100:
        return pd.Period(f"{m.group(1)}-04", "M")
    if m and text.upper().startswith("FY"):
        _check_fy(int(m.group(1)), m.group(2), text)
    try:
        return financial_year_start(parse_month(value))
    except ValueError:
        raise ValueError(
            f"'{text}' is neither a financial year (e.g. 2025/26) nor a month"
        ) from None


def _check_fy(first: int, second: str, text: str) -> None:
    if int(second) % 100 != (first + 1) % 100:
        raise ValueError(
            f"'{text}' is not a financial year (the second year must follow the first)"
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
