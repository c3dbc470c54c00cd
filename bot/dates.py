"""Reads the dates and periods people type (`27 février`, `feb 27`, `2026-02`, `1950`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.corpus.model import Precision
from bot.matching.folding import fold
from bot.matching.months import resolve_month

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
# Words between the two ends of a range, folded ("..", "-" fold to nothing).
_RANGE_WORDS = frozenset(("to", "au", "until", "jusqu au", "a", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """A span of days; a date query matches the records that lie inside it."""

    start: dt.date
    end: dt.date  # inclusive
    label: str
    year_known: bool = True

    def covers(self, start: dt.date, end: dt.date) -> bool:
        """Whether a record spanning start..end lies inside this period."""
        if self.year_known:
            return self.start <= start and end <= self.end
        # "27 février" with no year: the same month and day in any year.
        for year in range(start.year, end.year + 1):
            if _valid(year, self.start.month, self.start.day) and _valid(
                year, self.end.month, self.end.day
            ):
                inside = Period(
                    start=self.start.replace(year=year), end=self.end.replace(year=year), label=""
                )
                if inside.covers(start, end):
                    return True
        return False


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def span_of(date: dt.date, precision: Precision) -> tuple[dt.date, dt.date]:
    """The days a dated record covers at its precision."""
    if precision is Precision.YEAR:
        return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
    if precision is Precision.MONTH:
        last = calendar.monthrange(date.year, date.month)[1]
        return date.replace(day=1), date.replace(day=last)
    return date, date


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _year(token: str) -> int | None:
    return int(token) if re.fullmatch(r"(1[89]|2[01])\d\d", token) else None


def _day(token: str) -> int | None:
    token = token.removesuffix("er").removesuffix("st").removesuffix("nd").removesuffix("rd")
    token = token.removesuffix("th")
    return int(token) if token.isdigit() and 1 <= int(token) <= 31 else None


def _period(year: int | None, month: int | None, day: int | None, label: str) -> Period | None:
    known = year is not None
    y = year if year is not None else 2000  # a leap year, so 29 February stays valid
    try:
        if month is None:
            return Period(start=dt.date(y, 1, 1), end=dt.date(y, 12, 31), label=label)
        if day is None:
            start, end = span_of(dt.date(y, month, 1), Precision.MONTH)
            return Period(start=start, end=end, label=label, year_known=known)
        date = dt.date(y, month, day)
    except ValueError:
        return None
    return Period(start=date, end=date, label=label, year_known=known)


def find_period(tokens: list[str]) -> tuple[Period | None, list[str]]:
    """The first date or period in raw tokens, and the tokens it did not use."""
    used: set[int] = set()
    found: list[Period] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].strip(",.")
        low = token.lower()
        period: Period | None = None
        take = 1
        if (m := _ISO.match(low)) and 1800 <= int(m[1]) <= 2199:
            period = _period(int(m[1]), _int(m[2]), _int(m[3]), token)
        elif m := _SLASHED.match(low):
            period = _period(_int(m[3]), int(m[2]), int(m[1]), token)
        elif (month := resolve_month(low)) is not None:
            # "27 février", "feb 27", "février 2026", "february 27, 2026"
            start, day, year = i, None, None
            before = _day(tokens[i - 1].lower()) if i > 0 and (i - 1) not in used else None
            after = tokens[i + 1].strip(",").lower() if i + 1 < len(tokens) else ""
            if before is not None:
                start, day = i - 1, before
            elif _day(after) is not None and _year(after) is None:
                day, take = _day(after), 2
            following = tokens[i + take].strip(",") if i + take < len(tokens) else ""
            if (year := _year(following)) is not None:
                take += 1
            period = _period(year, month, day, " ".join(tokens[start : i + take]))
            if period and start == i - 1:
                used.add(i - 1)
        elif _year(low) is not None:
            period = _period(_year(low), None, None, token)
        if period:
            used.update(range(i, i + take))
            found.append(period)
        i += take
    rest = [t for n, t in enumerate(tokens) if n not in used]
    if not found:
        return None, rest
    if len(found) >= 2:  # "24 février au 27 février", "2026-02-24 to 2026-02-27"
        first, last = found[0], found[-1]
        rest = [t for t in rest if fold(t) not in _RANGE_WORDS]
        label = f"{first.label} – {last.label}"
        if first.year_known and not last.year_known:  # "2001 fév": February of that year
            last = _in_year(last, first.start.year)
        # Typed the wrong way round ("27 février au 24 février"): the days between, still.
        since, until = min(first.start, last.start), max(first.end, last.end)
        if first.year_known and last.year_known:
            return Period(start=since, end=until, label=label), rest
        return Period(start=since, end=until, label=label, year_known=False), rest
    return found[0], rest


def _in_year(period: Period, year: int) -> Period:
    """A period typed without its year, in `year` (29 February becomes the 28th elsewhere)."""

    def moved(day: dt.date) -> dt.date:
        try:
            return day.replace(year=year)
        except ValueError:
            return day.replace(year=year, day=28)

    return Period(start=moved(period.start), end=moved(period.end), label=period.label)
