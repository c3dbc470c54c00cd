"""Reads the dates and periods people type in a query, for a dossier frozen at its last dispatch.

`27 février`, `feb 27`, `2026-02-27`, `24/02/2026`, `février 2026`, `février` (that month in
each of the dossier's years), `1950`, `fin février` / `late february` (days 21 to the end;
`mi-` 11-20, `début` 1-10), `vendredi` (the Friday of each dispatch's week), `jeudi 26
février`, ranges (`2026-02-24..2026-02-26`, `du 24 au 26 février`, `from feb 24 to feb 26`,
`between 24 and 26 february`, `26-27 février`), open ones (`2026-02-19..`, `..2026-02-24`,
`avant le 24 février`, `since february 26`), `semaine du 23 février`, and the words that
count from a day (`hier`, `la veille`, `today`, `last week`), read from the dossier's
latest dispatch: a frozen dossier has no other "today". Weekdays, relative words and the
parts of a month follow the shared rules of `bot.date_rules`, as the dossier and
`dispute-bot draft` read the articles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from bot.corpus.model import Precision
from bot.matching.months import resolve_month
from bot.months import days_in_month

Span = tuple[dt.date, dt.date]  # first and last day, both included

# Words and units after which a number is a count, not a day (`6 mois`, `400 employés`).
_COUNTED = frozenset(
    "mois month months an ans year years jour jours day days semaine semaines week weeks "
    "heure heures hour hours million millions milliard milliards billion billions h % "
    "employes employees salaries".split()
)
_ARTICLES = frozenset(("le", "la", "l", "the", "on", "en", "in", "of", "de", "du"))
_RANGE_OPENERS = frozenset(("du", "from", "between", "entre", "de"))
_RANGE_JOINS = frozenset(("au", "to", "until", "till", "and", "et", "a", "-", "..", "through"))
_SINCE = frozenset(("since", "depuis", "from"))
_AFTER = frozenset(("after", "apres"))
_UNTIL = frozenset(("until", "till", "jusqu'au", "jusqu'a", "to", "through"))
_BEFORE = frozenset(("before", "avant"))
_WEEK = frozenset(("week", "semaine"))
_RELATIVE_RULES = (
    "relative-day",
    "relative-day-2",
    "anchor-day",
    "relative-week",
    "relative-month",
    "relative-year",
    "ago",
    "in-duration",
)
# English month names, as the shared rules read them (not the process's locale).
_MONTH_WORDS = dict(
    enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
)
# Words that make a weekday count from the latest dispatch (`vendredi dernier`, `next friday`).
_WEEKDAY_FROM = frozenset(
    "dernier derniere passe passee prochain prochaine last next this ce".split()
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_DAY = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th|e)?$")
_YEAR = re.compile(r"^\d{4}$")
_DAY_RANGE = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class DateError(ValueError):
    """A date that cannot be: `reason` (`not_a_date`, `no_such_day`, `weekday_mismatch`,
    `days_without_month`) names the sentence saying why (`date.<reason>` in the
    catalogue), `values` fill it."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """What a date query is read against: the days of the dossier's dispatches (the last
    one is the dossier's "today") and the years its records fall in."""

    dispatches: tuple[dt.date, ...]
    years: frozenset[int]

    @property
    def latest(self) -> dt.date | None:
        return self.dispatches[-1] if self.dispatches else None

    @property
    def first(self) -> dt.date | None:
        return dt.date(min(self.years), 1, 1) if self.years else None

    @property
    def dispatch_years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.dispatches})) or tuple(sorted(self.years))


class Reading:
    """How a query's date was read, for the answer to say so."""

    AS_TYPED = "as_typed"  # written in full: nothing to add
    ANY_YEAR = "any_year"  # no year given: that day or month in each of the dossier's years
    FROM_LATEST = "from_latest"  # counted from the latest dispatch (`hier`, `last week`)
    DISPATCH_WEEKS = "dispatch_weeks"  # a weekday, in the week of each dispatch
    SWAPPED = "swapped"  # a range typed end first
    NEAREST_YEAR = "nearest_year"  # a bound without its year, in the year nearest the last dispatch
    PART = "part"  # part of a month or year (`fin février`), or a week


@dataclass(frozen=True, slots=True, kw_only=True)
class When:
    """The days a date query means: a record lying inside one of `spans` matches."""

    spans: tuple[Span, ...]
    typed: str
    reading: str = Reading.AS_TYPED
    weekday: int | None = None  # the weekday typed, for DISPATCH_WEEKS
    yearless: bool = False  # typed without its year: `spans` has one a year of the dossier

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return any(first <= start and end <= last for first, last in self.spans)


def span_of(date: dt.date, precision: Precision, qualifier: str | None = None) -> Span:
    """The days a dated record covers at its precision (`early 2026`: January to April)."""
    from bot.date_rules import qualified_span

    return qualified_span(date, precision, qualifier)


@dataclass(frozen=True, slots=True)
class _Point:
    """A date as typed, any part of it missing (`27 février` has no year, `27` no month)."""

    year: int | None
    month: int | None
    day: int | None
    qualifier: str | None = None

    def valid_in(self, year: int, month: int | None = None) -> bool:
        month = month or self.month
        if month is None or self.day is None:
            return True
        return self.day <= days_in_month(year, month)

    def span(self, year: int, month: int | None = None) -> Span:
        from bot.date_rules import qualified_span

        month = month or self.month
        if month is None:
            return qualified_span(dt.date(year, 1, 1), Precision.YEAR, self.qualifier)
        if self.day is None:
            return qualified_span(dt.date(year, month, 1), Precision.MONTH, self.qualifier)
        day = dt.date(year, month, self.day)
        return day, day


@dataclass(frozen=True, slots=True)
class _Fixed:
    """Days already known (a weekday, `hier`), with how they were read."""

    spans: tuple[Span, ...]
    reading: str
    weekday: int | None = None


_Atom = _Point | _Fixed


@dataclass(slots=True)
class _Tokens:
    """The query's words as typed and folded (lower case, no accents), with where each one
    stands in the text, so a date is named as it was typed."""

    text: str
    raw: list[str] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from bot.date_rules import fold_same_length

        for word, start, end in _split(self.text):
            self.raw.append(word)
            self.places.append((start, end))
        self.folded = [fold_same_length(t).strip(",;!?") for t in self.raw]

    def at(self, n: int) -> str:
        return self.folded[n] if 0 <= n < len(self.folded) else ""

    def typed(self, first: int, end: int) -> str:
        """The text of tokens first..end-1, as typed."""
        return self.text[self.places[first][0] : self.places[end - 1][1]]


def _split(text: str) -> list[tuple[str, int, int]]:
    """Words as typed with where they stand, `..` and the dash of `26-27` standing alone."""
    tokens: list[tuple[str, int, int]] = []
    for chunk in re.finditer(r"\S+", text):
        at = chunk.start()
        for part in re.split(r"(\.\.)", chunk.group()):
            start, at = at, at + len(part)
            if not part:
                continue
            if match := _DAY_RANGE.match(part):
                dash = start + len(match[1])
                tokens += [(match[1], start, dash), ("-", dash, dash + 1), (match[2], dash + 1, at)]
            elif part.endswith(".") and part != ".." and not part[:-1].replace(".", "").isalpha():
                word = part.rstrip(".")
                tokens.append((word, start, start + len(word)))
            else:
                tokens.append((part, start, at))
    return tokens


def _day(word: str) -> int | None:
    match = _DAY.match(word)
    if match and 1 <= int(match[1]) <= 31:
        return int(match[1])
    return None


def _month(word: str) -> int | None:
    word = word.rstrip(".")
    if not word or word[0].isdigit():
        return None
    return resolve_month(word)


def _year(word: str) -> int | None:
    return int(word) if _YEAR.match(word) and 1000 <= int(word) <= 9999 else None


class _Reader:
    """Finds the first date or period among the tokens of a query."""

    def __init__(self, tokens: _Tokens, frame: Frame) -> None:
        self.t = tokens
        self.frame = frame
        self.relative = self._relative_words()

    def _relative_words(self) -> dict[int, tuple[int, _Fixed]]:
        """Words counting from a day (`hier`, `la semaine dernière`), read from the latest
        dispatch by the shared rules: token where they start -> (token after, days)."""
        latest = self.frame.latest
        if latest is None:
            return {}
        from bot.date_rules import find_dates, fold_same_length, span_of_match

        text = self.t.text
        starts = [start for start, _ in self.t.places]
        found: dict[int, tuple[int, _Fixed]] = {}
        for match in find_dates(text, latest):
            told = set(fold_same_length(match.text).split())
            if not match.rule.startswith(_RELATIVE_RULES) and not (
                match.rule.startswith("weekday:") and told & _WEEKDAY_FROM
            ):
                continue
            if match.start not in starts:
                continue
            first = starts.index(match.start)
            last = max(n for n, s in enumerate(starts) if s < match.end)
            spans = (span_of_match(match),)
            found[first] = (last + 1, _Fixed(spans, Reading.FROM_LATEST))
        return found

    def atom(self, n: int) -> tuple[_Atom, int] | None:
        """The date starting at token n, and the token after it."""
        word = self.t.at(n)
        if not word:
            return None
        if n in self.relative:
            end, fixed = self.relative[n]
            return fixed, end
        if word in _ARTICLES and (found := self.atom(n + 1)):
            return found
        from bot.date_rules import weekday_number

        if (weekday := weekday_number(word)) is not None:
            return self._weekday(weekday, n)
        return self._numeric(word, n) or self._qualified(word, n) or self._named(word, n)

    def _numeric(self, word: str, n: int) -> tuple[_Atom, int] | None:
        """`2026-02-27`, `2026-02`, `24/02/2026`, `02/24/2026` (24 is no month), `1950`."""
        if match := _ISO.match(word):
            day = int(match[3]) if match[3] else None
            point = _Point(int(match[1]), int(match[2]), day)
            if not 1 <= int(match[2]) <= 12 or int(match[1]) < 1000 or not _valid(point):
                raise DateError("not_a_date", typed=self.t.raw[n])
            return point, n + 1
        if match := _SLASHED.match(word):
            first, second = int(match[1]), int(match[2])
            day_first = not (first <= 12 < second)
            point = _Point(
                int(match[3]) if match[3] else None,
                second if day_first else first,
                first if day_first else second,
            )
            if not 1 <= (point.month or 0) <= 12 or (point.day or 0) < 1 or not _valid(point):
                raise DateError("not_a_date", typed=self.t.raw[n])
            return point, n + 1
        if (year := _year(word)) is not None:
            return _Point(year, None, None), n + 1
        return None

    def _qualified(self, word: str, n: int) -> tuple[_Atom, int] | None:
        """`fin février`, `late february 2026`, `mi-février`, `début 2026`, `mid-2026`."""
        from bot.date_rules import qualifier_of

        if word.startswith(("mi-", "mid-")):
            qualifier, after, rest = "mid", n + 1, word.split("-", 1)[1]
        elif (found := qualifier_of(word)) is not None:
            qualifier = found
            after = n + 1 + (self.t.at(n + 1) in ("de", "d", "of"))
            rest = self.t.at(after)
            after += 1
        else:
            return None
        if (month := _month(rest)) is not None:
            return self._month_on(month, after, qualifier)
        if (year := _year(rest)) is not None:
            return _Point(year, None, None, qualifier), after
        return None

    def _named(self, word: str, n: int) -> tuple[_Atom, int] | None:
        """`feb 24`, `february 27th, 2026`, `février 2026`, `feb`, `27 février`, `27th of
        february`, `1er mars 2026`, or a day alone (`24`, `le 27`)."""
        if (month := _month(word)) is not None:
            day = _day(self.t.at(n + 1))
            if day is not None and self.t.at(n + 2) not in _COUNTED:
                return self._year_on(_Point(None, month, day), n + 2, self.t.raw[n])
            return self._month_on(month, n + 1, None)
        if (day := _day(word)) is not None and self.t.at(n + 1) not in _COUNTED:
            after = n + 1 + (self.t.at(n + 1) in ("of", "de"))
            if (named := _month(self.t.at(after))) is not None:
                return self._year_on(_Point(None, named, day), after + 1, self.t.raw[n])
            return _Point(None, None, day), n + 1
        return None

    def _month_on(self, month: int, n: int, qualifier: str | None) -> tuple[_Point, int]:
        year = _year(self.t.at(n))
        return _Point(year, month, None, qualifier), n + (year is not None)

    def _year_on(self, point: _Point, n: int, typed: str) -> tuple[_Point, int]:
        year = _year(self.t.at(n))
        point = replace(point, year=year)
        if not _valid(point):
            raise DateError("no_such_day", day=point.day, month=point.month, typed=typed)
        return point, n + (year is not None)

    def _weekday(self, weekday: int, n: int) -> tuple[_Atom, int]:
        """A weekday alone is that day of each dispatch's week; before a date (`jeudi 26
        février`) it must be that date's weekday."""
        from bot.date_rules import in_week_of

        dated = self.atom(n + 1) if self.t.at(n + 1) not in _ARTICLES else None
        point = dated[0] if dated is not None else None
        if dated is not None and isinstance(point, _Point) and point.day is not None:
            end = dated[1]
            years = [point.year] if point.year else list(self.frame.dispatch_years)
            days = [point.span(y)[0] for y in years if point.valid_in(y)]
            fitting = tuple((d, d) for d in days if d.weekday() == weekday)
            if not fitting:
                shown = days[-1] if days else None
                actual = shown.weekday() if shown else None
                raise DateError("weekday_mismatch", date=shown, weekday=weekday, actual=actual)
            return _Fixed(fitting, Reading.AS_TYPED), end
        days = sorted({in_week_of(weekday, d) for d in self.frame.dispatches})
        return _Fixed(tuple((d, d) for d in days), Reading.DISPATCH_WEEKS, weekday), n + 1

    def when(self) -> tuple[When, int, int] | None:
        """The first date or period: (what it means, first token, token after it)."""
        n = 0
        while n < len(self.t.folded):
            found = self._period_at(n)
            if found is not None:
                when, end = found
                return when, n, end
            n += 1
        return None

    def _period_at(self, n: int) -> tuple[When, int] | None:
        word, typed = self.t.at(n), self._typed
        if word == ".." and (end := self.atom(n + 1)):
            return self._range(None, end[0], typed(n, end[1])), end[1]
        if word in _WEEK and self.t.at(n + 1) in ("of", "du", "de") and (at := self.atom(n + 2)):
            return self._week(at[0], typed(n, at[1])), at[1]
        if word in _RANGE_OPENERS and (start := self.atom(n + 1)):
            join = self.t.at(start[1])
            if join in _RANGE_JOINS and (end := self.atom(start[1] + 1)):
                return self._range(start[0], end[0], typed(n, end[1])), end[1]
            if word == "from":
                return self._range(start[0], None, typed(n, start[1])), start[1]
        opener = word
        skip = 1
        if word == "a" and self.t.at(n + 1) == "partir" and self.t.at(n + 2) in ("du", "de"):
            opener, skip = "since", 3
        if opener in _SINCE | _AFTER | _UNTIL | _BEFORE and (at := self.atom(n + skip)):
            span = typed(n, at[1])
            if opener in _SINCE:
                return self._range(at[0], None, span), at[1]
            if opener in _AFTER:
                return self._range(at[0], None, span, exclusive=True), at[1]
            if opener in _UNTIL:
                return self._range(None, at[0], span), at[1]
            return self._range(None, at[0], span, exclusive=True), at[1]
        start = self.atom(n)
        if start is None:
            return None
        join = self.t.at(start[1])
        if join in _RANGE_JOINS and (end := self.atom(start[1] + 1)):
            return self._range(start[0], end[0], typed(n, end[1])), end[1]
        if join == "..":
            return self._range(start[0], None, typed(n, start[1] + 1)), start[1] + 1
        return self._single(start[0], typed(n, start[1])), start[1]

    def _typed(self, first: int, end: int) -> str:
        return self.t.typed(first, end)

    def _years(self) -> list[int]:
        return sorted(self.frame.years) or list(self.frame.dispatch_years)

    def _single(self, atom: _Atom, typed: str) -> When:
        if isinstance(atom, _Fixed):
            return When(spans=atom.spans, typed=typed, reading=atom.reading, weekday=atom.weekday)
        part = atom.qualifier is not None
        if atom.year is not None:
            return When(
                spans=(atom.span(atom.year),),
                typed=typed,
                reading=Reading.PART if part else Reading.AS_TYPED,
            )
        if atom.month is None and atom.day is not None:
            spans = tuple(
                atom.span(year, month)
                for year in self._years()
                for month in range(1, 13)
                if atom.valid_in(year, month)
            )
        else:
            spans = tuple(atom.span(year) for year in self._years() if atom.valid_in(year))
        return When(spans=spans, typed=typed, reading=Reading.ANY_YEAR, yearless=True)

    def _week(self, atom: _Atom, typed: str) -> When:
        days = self._single(atom, typed).spans
        weeks = tuple(
            (first - dt.timedelta(days=first.weekday()), first + dt.timedelta(6 - first.weekday()))
            for first, _ in days
        )
        yearless = isinstance(atom, _Point) and atom.year is None
        reading = Reading.ANY_YEAR if yearless else Reading.PART
        return When(spans=weeks, typed=typed, reading=reading, yearless=yearless)

    def _range(
        self, start: _Atom | None, end: _Atom | None, typed: str, *, exclusive: bool = False
    ) -> When:
        """From `start` to `end` (either may be open), a missing month or year taken from
        the other end; `exclusive` leaves the named day out (`avant le 24`, `after feb 24`)."""
        if isinstance(start, _Point) and isinstance(end, _Point):
            if start.month is None and end.month is not None:
                start = replace(start, month=end.month, year=start.year or end.year)
            if end.month is None and start.month is not None:
                end = replace(end, month=start.month, year=end.year or start.year)
            if start.year is None and end.year is not None:
                start = replace(start, year=end.year)
            if end.year is None and start.year is not None:
                end = replace(end, year=start.year)
        for point in (start, end):
            if isinstance(point, _Point) and point.day is not None and point.month is None:
                raise DateError("days_without_month", typed=typed)
        inferred = False
        for fixed, point in ((start, end), (end, start)):  # `between feb 24 and yesterday`
            if isinstance(fixed, _Fixed) and isinstance(point, _Point) and point.year is None:
                known = self._bound(fixed, 0, low=True)
                if known is not None:
                    if point is start:
                        start = replace(point, year=known.year)
                    else:
                        end = replace(point, year=known.year)
        if start is None or end is None:  # an open range starts or ends in one year
            inferred = any(isinstance(p, _Point) and p.year is None for p in (start, end))
            start, end = self._nearest(start), self._nearest(end)
        yearless = [p for p in (start, end) if isinstance(p, _Point) and p.year is None]
        spans: list[Span] = []
        swapped = False
        for year in self._years() if yearless else [0]:
            if start is None:
                first: dt.date | None = dt.date.min
            elif exclusive:  # after: from the day after it
                after = self._bound(start, year, low=False)
                first = after + dt.timedelta(days=1) if after and after < dt.date.max else after
            else:
                first = self._bound(start, year, low=True)
            if end is None:
                last: dt.date | None = dt.date.max
            elif exclusive:  # before: up to the day before it
                before = self._bound(end, year, low=True)
                last = before - dt.timedelta(days=1) if before and before > dt.date.min else before
            else:
                last = self._bound(end, year, low=False)
                if (
                    yearless
                    and isinstance(start, _Point)
                    and isinstance(end, _Point)
                    and (end.month or 0) < (start.month or 0)
                ):
                    last = self._bound(end, year + 1, low=False)  # 28 déc. au 3 janv.
            if first is None or last is None:
                continue
            if first > last:
                first, last, swapped = last, first, True
            spans.append((first, last))
        if swapped:
            reading = Reading.SWAPPED
        elif inferred:
            reading = Reading.NEAREST_YEAR
        elif yearless:
            reading = Reading.ANY_YEAR
        elif isinstance(start, _Fixed) or isinstance(end, _Fixed):
            reading = Reading.FROM_LATEST
        else:
            reading = Reading.AS_TYPED
        return When(spans=tuple(spans), typed=typed, reading=reading, yearless=bool(yearless))

    def _nearest(self, atom: _Atom | None) -> _Atom | None:
        """A day or month without its year, in the year that puts it nearest the latest
        dispatch, as the shared rules read `le 21 mai` in an article."""
        latest = self.frame.latest
        if not isinstance(atom, _Point) or atom.year is not None or latest is None:
            return atom
        if atom.month is None:
            return atom
        from bot.date_rules import Direction, resolve_date

        if atom.day is not None:
            found = resolve_date(f"{atom.day} {_MONTH_WORDS[atom.month]}", latest)
            year = found.value.year if found else latest.year
        else:
            year = latest.year if atom.month <= latest.month else latest.year - 1
            found = resolve_date(f"en {_MONTH_WORDS[atom.month]}", latest, direction=Direction.PAST)
            year = found.value.year if found else year
        return replace(atom, year=year)

    @staticmethod
    def _bound(atom: _Atom | None, year: int, *, low: bool) -> dt.date | None:
        if atom is None:
            return dt.date.min if low else dt.date.max
        if isinstance(atom, _Fixed):
            days = [d for span in atom.spans for d in span]
            return min(days) if low else max(days)
        year = atom.year or year
        if year == 0 or not atom.valid_in(year):
            return None
        first, last = atom.span(year)
        return first if low else last


def _valid(point: _Point) -> bool:
    """Whether a day exists in some year: 29 February does, 31 February never."""
    if point.day is None or point.month is None:
        return True
    if point.year is not None:
        return point.day <= days_in_month(point.year, point.month)
    return point.day <= days_in_month(2000, point.month)  # 2000: a leap year


def read_when(text: str, frame: Frame) -> tuple[When | None, list[str]]:
    """The first date or period in a query, and the words it did not use, as typed.

    Raises DateError for a date that cannot be (`31 février`, `2026-02-30`), a weekday that
    is not that date's, or days given without a month (`24..26`).
    """
    tokens = _Tokens(text)
    found = _Reader(tokens, frame).when()
    if found is None:
        return None, [t for t in tokens.raw if t != ".."]
    when, first, end = found
    rest = tokens.raw[:first] + tokens.raw[end:]
    return when, [t for t in rest if t != ".."]
