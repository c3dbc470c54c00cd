"""Date words of news and queries (`vendredi`, `la veille`, `en juin`, `on Thursday`), resolved.

Pure functions, shared by `dispute-bot draft` and meant for the `/timeline` query parser, so
that the dossier, a draft and a query read "vendredi" the same way. Each answer carries the
value, its precision (day, month or year), an optional qualifier (early, mid, late, about)
and the rule that fired, so a reviewer or a reply can say how a day was inferred.

How relative words are read, against a reference day (an article's date, or today):

- A weekday alone (`mardi`, `on Thursday`, `mercredi soir`) is the most recent such day on or
  before the reference, as the dossier does (seeds/dispute.yaml, header). After a word that
  looks ahead (`jusqu'à`, `d'ici`, `until`, `by`) or with `prochain`/`next` it is the next
  one on or after; `ce vendredi` / `this Friday` is the one in the reference's week
  (Monday to Sunday, `in_week_of`). A query has no tense to lean on: `/timeline vendredi`
  reads the Friday of each dispatch's week, the day the dossier gave every `vendredi` of
  its articles.
- A day and month with no year (`le 21 mai`, `au 1er juillet`) takes the year that puts it
  nearest the reference (a tie goes to the past); `dernier`/`last` and `prochain`/`next`
  force the past or the future. A weekday written with it (`mardi 24 février`) picks the
  year where that day is that weekday, when only one nearby year fits.
- A month alone (`en janvier`, `début mars`) is the last such month on or before the
  reference, or the next one after a word that looks ahead.
- `la veille` / `the day before` and `le lendemain` / `the next day` count from an anchor:
  the day the text was last talking about (the caller passes it), else the reference.
  Before a day (`la veille de la réunion de mercredi`, `the day before Thursday's hearing`)
  they are the day before or after that day (rule `eve-of`).
- A present-tense call (`appelle à un rassemblement samedi`, `calls for a march on Sunday`)
  looks ahead; a past perfect (`had offered in June`) looks back. The words that make a date
  look ahead are read in its own sentence only.
- A qualified month or year covers part of it (`qualified_span`): early/`début` the days 1
  to 10 (January to April of a year), mid/`mi-` 11 to 20 (May to August), late/`fin` 21 to
  its end (September to December); `about`/`vers` the whole of it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum

from bot.months import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    WRITTEN_BARE,
    WRITTEN_WITH_STOP,
    days_in_month,
)
from bot.record import Record


class Precision(StrEnum):
    """How precisely a date is known: the dossier's dates and the rules' answers alike."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Direction(StrEnum):
    """Which way a date with a missing part is looked for from the reference day."""

    PAST = "past"  # on or before
    FUTURE = "future"  # on or after
    NEAREST = "nearest"  # whichever is closer; a tie goes to the past


class DateMatch(Record, frozen=True, kw_only=True):
    """One date expression found in a text and what it resolves to."""

    value: dt.date  # the first day of the span at its precision
    precision: Precision
    rule: str  # which rule fired and how, e.g. "weekday: last vendredi on or before 2026-02-28"
    text: str  # the words read, as written
    start: int  # where they stand in the text searched
    end: int
    relative: bool  # True when the reference day or an anchor was needed to resolve it
    qualifier: str | None = None  # early | mid | late | about

    @property
    def name(self) -> str:
        """The rule's name alone ("weekday"), as the dossier records it."""
        return self.rule.split(":", 1)[0]

    @property
    def inferred(self) -> bool:
        """Whether the day or month was worked out rather than written.

        `vendredi`, `la veille` and `en juin` need the article's date to mean a day or a
        month; `mardi 24 février` writes the day and month, and only its year comes from
        the article's date, which a reader takes as written.
        """
        return self.relative and self.name not in _DAY_AND_MONTH_WRITTEN

    @property
    def iso(self) -> str:
        """The date in the seeds' forms: YYYY-MM-DD, YYYY-MM or YYYY."""
        return iso_at(self.value, self.precision)


def iso_at(date: dt.date, precision: Precision | str) -> str:
    """A date no more precise than known, in the seeds' forms: YYYY-MM-DD, YYYY-MM or YYYY."""
    if precision == Precision.YEAR:
        return f"{date.year:04d}"
    if precision == Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


_DAY_AND_MONTH_WRITTEN = frozenset(
    ("day-month", "month-day", "weekday-day-month", "weekday-month-day")
)


def fold_same_length(text: str) -> str:
    """Lower case without accents, one character for one, so offsets stay valid."""
    out = []
    for char in text.lower():
        if char.isascii():
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)[:1]
        out.append(base if base.isascii() and base else char)
    return "".join(out).replace("’", "'")


_MONTHS = {name: number for number, names in MONTH_NAMES.items() for name in names}
_WEEKDAYS = {
    "lundi": 0,
    "monday": 0,
    "mardi": 1,
    "tuesday": 1,
    "mercredi": 2,
    "wednesday": 2,
    "jeudi": 3,
    "thursday": 3,
    "vendredi": 4,
    "friday": 4,
    "samedi": 5,
    "saturday": 5,
    "dimanche": 6,
    "sunday": 6,
}
_NUMBERS = {
    "un": 1,
    "une": 1,
    "a": 1,
    "an": 1,
    "one": 1,
    "deux": 2,
    "two": 2,
    "trois": 3,
    "three": 3,
    "quatre": 4,
    "four": 4,
    "cinq": 5,
    "five": 5,
    "six": 6,
    "sept": 7,
    "seven": 7,
    "huit": 8,
    "eight": 8,
    "neuf": 9,
    "nine": 9,
    "dix": 10,
    "ten": 10,
    "onze": 11,
    "eleven": 11,
    "douze": 12,
    "twelve": 12,
    "quinze": 15,
    "fifteen": 15,
    "trente": 30,
    "thirty": 30,
}
_UNITS = {
    "jour": "day",
    "jours": "day",
    "day": "day",
    "days": "day",
    "semaine": "week",
    "semaines": "week",
    "week": "week",
    "weeks": "week",
    "mois": "month",
    "month": "month",
    "months": "month",
    "an": "year",
    "ans": "year",
    "annee": "year",
    "annees": "year",
    "year": "year",
    "years": "year",
}
_QUALIFIERS = {
    "debut": "early",
    "early": "early",
    "fin": "late",
    "late": "late",
    "mi": "mid",
    "mid": "mid",
    "courant": "about",
    "vers": "about",
    "around": "about",
}

# Short forms as articles write them (`Sept. 3`, `3 févr.`), and those also written bare.
_ABBREVIATED = {
    f"{short}.": number
    for number, shorts in MONTH_ABBREVIATIONS.items()
    for short in shorts
    if short in WRITTEN_WITH_STOP
} | {
    short: number
    for number, shorts in MONTH_ABBREVIATIONS.items()
    for short in shorts
    if short in WRITTEN_BARE
}
_MONTH = (
    "(?P<month>"
    + "|".join(re.escape(m) for m in sorted([*_MONTHS, *_ABBREVIATED], key=len, reverse=True))
    + ")"
)
_WEEKDAY = "(?P<weekday>" + "|".join(_WEEKDAYS) + ")"
_DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20|21)\d\d)"
_NUMBER = r"(?P<number>\d{1,3}|" + "|".join(_NUMBERS) + ")"
_UNIT = "(?P<unit>" + "|".join(_UNITS) + ")"
_QUALIFIER = r"(?:(?P<qualifier>debut|fin|courant|vers|early|late|around)\s+|(?P<mi>mi|mid)-)"
_B = r"(?<![\w-])"  # a word starts here
_E = r"(?![\w-])"  # a word ends here
_TIME_OF_DAY = r"(?:\s+(?:soir|matin|apres-midi|midi|night|morning|afternoon|evening))?"
_PAST_WORD = r"(?:\s+(?P<past>dernier|derniere|passe|passee))?"
_NEXT_WORD = r"(?:\s+(?P<next>prochain|prochaine))?"

# What a pattern needs in the text before it can match: each group, a word of it (a run of
# letters of the folded text; "#" stands for a digit, "####" for four in a row). A text
# without them is not searched with it, and a pattern is compiled the first time a text may
# hold it: compiling all of them was a fifth of a cold start, and most texts need a few.
_DIGIT = frozenset("#")
_FOUR_DIGITS = frozenset(("####",))  # a year
_MONTH_WORDS = frozenset(word.rstrip(".") for word in (*_MONTHS, *_ABBREVIATED))
_WEEKDAY_WORDS = frozenset(_WEEKDAYS)
_NEEDS: dict[str, tuple[frozenset[str], ...]] = {
    "iso": (_FOUR_DIGITS,),
    "weekday-day-month-year": (_WEEKDAY_WORDS, _MONTH_WORDS, _FOUR_DIGITS),
    "day-month-year": (_MONTH_WORDS, _FOUR_DIGITS),
    "month-day-year": (_MONTH_WORDS, _FOUR_DIGITS),
    "weekday-day-month": (_WEEKDAY_WORDS, _MONTH_WORDS, _DIGIT),
    "weekday-month-day": (_WEEKDAY_WORDS, _MONTH_WORDS, _DIGIT),
    "day-month": (_MONTH_WORDS, _DIGIT),
    "month-day": (_MONTH_WORDS, _DIGIT),
    "qualified-year": (_FOUR_DIGITS, frozenset("debut fin courant early late mi mid".split())),
    "qualified-month": (
        _MONTH_WORDS,
        frozenset("debut fin courant vers early late around mi mid".split()),
    ),
    "month-year": (_MONTH_WORDS, _FOUR_DIGITS),
    "month": (_MONTH_WORDS,),
    "month-after": (_MONTH_WORDS,),
    "year": (_FOUR_DIGITS,),
    "relative-day-2": (frozenset(("hier", "demain", "yesterday")),),
    "anchor-day": (frozenset(("veille", "lendemain", "day")),),
    "relative-day": (
        frozenset(
            "hier aujourd demain yesterday today tomorrow matin soir nuit morning tonight "
            "evening".split()
        ),
    ),
    "relative-week": (frozenset(("semaine", "week")),),
    "relative-month": (frozenset(("mois", "month")),),
    "relative-year": (frozenset(("an", "annee", "year")),),
    "ago": (frozenset(("il", "ago")),),
    "in-duration": (frozenset(("dans", "ici", "in", "within")),),
    "weekday": (_WEEKDAY_WORDS,),
}
_LETTERS = re.compile(r"[a-z]+")
_YEAR_DIGITS = re.compile(r"\d{4}")


class _Rule:
    """A named pattern, compiled the first time a text may hold it."""

    __slots__ = ("_compiled", "name", "needs", "source")

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.source = source
        self.needs = _NEEDS[name]
        self._compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    def may_match(self, words: set[str]) -> bool:
        return all(not group.isdisjoint(words) for group in self.needs)


def _words_of(folded: str) -> set[str]:
    found = set(_LETTERS.findall(folded))
    if any(char.isdigit() for char in folded):
        found.add("#")
        if _YEAR_DIGITS.search(folded):
            found.add("####")
    return found


# Each pattern with the name of its rule, longest forms first; the first match at a place wins.
_RULES: tuple[_Rule, ...] = tuple(
    _Rule(name, _B + pattern + _E)
    for name, pattern in (
        ("iso", r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
        (
            "weekday-day-month-year",
            _WEEKDAY + r",?\s+" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR,
        ),
        ("day-month-year", _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR),
        ("month-day-year", _MONTH + r"\s+" + _DAY + r",\s+" + _YEAR),
        ("weekday-day-month", _WEEKDAY + r",?\s+" + _DAY + r"\s+" + _MONTH + _PAST_WORD),
        ("weekday-month-day", _WEEKDAY + r",?\s+" + _MONTH + r"\s+" + _DAY),
        ("day-month", _DAY + r"\s+" + _MONTH + _PAST_WORD + _NEXT_WORD),
        ("month-day", r"(?:(?P<last>last|next)\s+)?" + _MONTH + r"\s+" + _DAY + r"(?!\d)"),
        (
            "qualified-year",
            r"(?:(?P<qualifier>debut|fin|courant|early|late)\s+|(?P<mi>mi|mid)-)"
            r"(?:l'annee\s+)?" + _YEAR,
        ),
        ("qualified-month", _QUALIFIER + r"(?:(?:de\s+|d')?)" + _MONTH + r"(?:\s+" + _YEAR + ")?"),
        ("month-year", r"(?:(?:en|in|depuis|since|de|d'|from|of)\s+)?" + _MONTH + r",?\s+" + _YEAR),
        (
            "month",
            r"(?:(?P<prep>en|in|depuis|since|jusqu'en|d'ici|until|by|au mois de|a partir de"
            r"|starting in|from|last|next|this|rentree de|rentree d')"
            r"\s+)" + _MONTH + _PAST_WORD + _NEXT_WORD,
        ),
        ("month-after", _MONTH + r"\s+(?:(?P<past>dernier)|(?P<next>prochain))"),
        (
            "year",
            r"(?P<prep>en|in|depuis|since|de|from|des|avant|before|apres|after|jusqu'en|until|by"
            r"|of|d'ici|vers)\s+" + _YEAR,
        ),
        ("relative-day-2", r"(?P<word>avant-hier|apres-demain|the day before yesterday)"),
        (
            "anchor-day",
            r"(?P<word>la veille|le lendemain|the day before|the previous day"
            r"|the next day|the following day)"
            r"(?!\s+(?:(?:du|des|au|aux|de\s+(?:la|son|sa|ses|leur|leurs|ce|cette|cet|une?)"
            r"|of|the|his|her|its|their|an?)(?![\w-])|d'|de\s+l'))",
        ),
        (
            "relative-day",
            r"(?P<word>hier|aujourd'hui|demain|yesterday|today|tomorrow|ce matin|ce soir"
            r"|cette nuit|this morning|tonight|this evening)",
        ),
        (
            "relative-week",
            r"(?P<word>la semaine derniere|la semaine passee|la semaine prochaine|cette semaine"
            r"|last week|next week|this week)",
        ),
        (
            "relative-month",
            r"(?P<word>le mois dernier|le mois passe|le mois prochain|ce mois-ci|last month"
            r"|next month|this month)",
        ),
        (
            "relative-year",
            r"(?P<word>l'an dernier|l'annee derniere|l'an passe|l'annee passee|l'an prochain"
            r"|l'annee prochaine|cette annee|last year|next year|this year)",
        ),
        (
            "ago",
            r"(?:il y a\s+"
            + _NUMBER
            + r"\s+"
            + _UNIT
            + r"|"
            + _NUMBER.replace("number", "number2")
            + r"\s+"
            + _UNIT.replace("unit", "unit2")
            + r"\s+ago)",
        ),
        (
            "in-duration",
            r"(?P<prep>dans|d'ici|in|within)\s+(?:(?:the\s+)?next\s+)?" + _NUMBER + r"\s+" + _UNIT,
        ),
        (
            "weekday",
            r"(?:(?P<this>ce|this|on|last|next)\s+)?"
            + _WEEKDAY
            + _TIME_OF_DAY
            + _PAST_WORD
            + _NEXT_WORD,
        ),
    )
)

# Words just before an expression that make it look ahead: a deadline, a plan.
_FUTURE_CUES = re.compile(
    r"(?:jusqu'(?:a|au|en)|d'ici|avant|des|a partir d[eu]|au plus tard|prevue? pour|doit"
    r"|devra|devront|until|by|before|due|no later than|from|starting|scheduled for|will)"
    r"\s+(?:le\s+|la\s+|ce\s+|the\s+|on\s+)?$"
)
_FUTURE_CLAUSE = re.compile(
    r"(?<!\w)(?:will|shall|is due|are due|is set to|are set to|is scheduled|are scheduled"
    r"|plans to|doit|doivent|devra|devront|va|vont|sera|seront|aura lieu|prevue?s?|prevoit"
    r"|se tiendra|expire|expires)(?!\w)"
)
# A month alone looks ahead in a clause about what is to come ("to be put to voters in November").
_FUTURE_MONTH_CLAUSE = re.compile(
    r"(?<!\w)(?:to be|would|will|passera|passeront|entrera|entreront|devrait|devraient)(?!\w)"
)
_TIME_RE = re.compile(
    r"(?<![\w:])(?P<h>[01]?\d|2[0-3])(?:h(?P<m>[0-5]\d)?|:(?P<m2>[0-5]\d))"
    r"(?:\s*(?P<zone>gmt|utc|cet|cest|est|edt|pst|pdt))?(?![\w:])"
)


def find_dates(
    text: str,
    reference: dt.date,
    *,
    anchor: dt.date | None = None,
    direction: Direction | None = None,
    start: int = 0,
    stop: int | None = None,
) -> list[DateMatch]:
    """Every date expression in `text`, in order, resolved against `reference`.

    `anchor` is the day the text was last talking about (for `la veille`); `direction`
    overrides how a date with a missing part is looked for (default: by the rules above).
    With `start` and `stop`, only text[start:stop] is read, as if it stood alone, though the
    words before it still tell a deadline from a past day: the corpus check reads a record's
    own phrase where it stands.
    """
    folded = fold_same_length(text)
    stop = len(folded) if stop is None else stop
    found: list[DateMatch] = []
    words = _words_of(folded[start:stop])
    candidates = [rule for rule in _RULES if rule.may_match(words)]
    taken = start  # matches never overlap: scan on from the end of the last one
    while taken < stop:
        best: tuple[int, int, str, re.Match[str]] | None = None
        for candidate in candidates:
            name = candidate.name
            match = candidate.pattern.search(folded, taken, stop)
            if match and (
                best is None
                or match.start() < best[0]
                or (match.start() == best[0] and match.end() > best[1])
            ):
                best = (match.start(), match.end(), name, match)
                if best[:2] == (taken, stop):
                    break  # nothing starts sooner or ends later: the later rules need not run
        if best is None or best[0] >= stop:
            break
        begins, end, name, match = best
        wide = _this_sentence(folded[max(0, begins - 80) : begins])
        written = text[begins - len(wide) : begins]  # as written: `Sandra` is no verb
        eve = _late_pattern("eve").search(wide) if _may_be_eve(wide) else None
        if eve is not None:  # the day itself is read from the words before the eve's
            resolved = _resolve(
                name, match, reference, anchor, direction, *_context(wide, eve), written
            )
        if eve is None or resolved is None or resolved[1] is not Precision.DAY:
            eve = None
            resolved = _resolve(
                name, match, reference, anchor, direction, wide[-30:], wide, written
            )
        if resolved is not None and _capitalised_where_needed(match, text):
            value, precision, rule, qualifier, relative = resolved
            if eve is not None:  # `la veille de la réunion de mercredi`: the eve of that day
                shift = 1 if eve["word"] in _MORROW_WORDS else -1
                rule = f"the day {'after' if shift > 0 else 'before'} {value} ({rule})"
                value += dt.timedelta(days=shift)
                name, begins, relative = "eve-of", begins - len(wide) + eve.start(), True
                found = [f for f in found if f.end <= begins]  # `la veille` read alone before
            found.append(
                DateMatch(
                    value=value,
                    precision=precision,
                    rule=f"{name}: {rule}",
                    text=text[begins:end],
                    start=begins,
                    end=end,
                    relative=relative,
                    qualifier=qualifier,
                )
            )
        taken = end if end > begins else begins + 1
    return found


_MORROW_WORDS = frozenset(("le lendemain", "au lendemain", "the day after"))
# Patterns of the rules below, compiled the first time they are needed (not at import: `ask`
# imports this module and pays for every module-level compile at its cold start).
_LATE_SOURCES = {
    # `la veille de la réunion de mercredi`, `the day before Wednesday's`, `au lendemain du
    # vote de mardi`: the words before a day that make it the eve or the morrow of that day.
    "eve": r"(?<![\w-])(?P<word>la veille|le lendemain|au lendemain|the day before|the day after)"
    r"\s+(?:(?:de la|de l'|du|des|de|d'|of the|of)\s*(?:[\w'-]+\s+){0,4}?"
    r"(?:(?:de|du|d'|of|on)\s*)?)?$",
    # A call, in the present, for what is to come: `appelle à un nouveau rassemblement samedi`,
    # `calls for a rally on Saturday` (the coming Saturday), in the same clause as the day.
    "call": r"(?<![\w-])(?<!a )(?<!ont )(?<!avait )(?<!avaient )"
    r"(?:(?:appellent|appelle|invitent|invite|exhortent|exhorte)\s+(?:[\w'-]+\s+){0,4}?"
    r"(?:a|au|aux)|convoque|convoquent|calls?(?:\s+on\s+[\w'-]+(?:\s+[\w'-]+)?\s+to)?"
    r"|calls? for|is calling for|are calling for|urges)\s[^,.;:!?]*$",
    # A verb in the future before the day, in its clause: `se réuniront jeudi`, `recevra les
    # salariés lundi`, `said it would meet with them on Monday`.
    "future": r"(?<![\w-])(?:(?!(?:front|affront|camera|opera)\s)[\w'-]{2,}"
    r"(?:ront|era|ira|dra|vra|rra)|will|would|shall)\s+(?:[\w'-]+\s+){0,6}$",
    # `la rentrée de septembre`: the coming one unless the clause tells a past.
    "past-clause": r"(?<![\w-])(?:a|ont|avait|avaient|etait|etaient|fut|furent)\s+(?:[\w'-]+\s+)?"
    r"[\w-]+(?:e|es|ee|ees|i|is|u|us|it|ert)(?![\w-])",
    # A past perfect just before a month: `had offered in June`, `avait proposé en juin`.
    "pluperfect": r"(?<![\w-])(?:had|avait|avaient)\s+(?:[\w'-]+\s+){1,2}$",
}
_LATE: dict[str, re.Pattern[str]] = {}


def _late_pattern(name: str) -> re.Pattern[str]:
    if name not in _LATE:
        _LATE[name] = re.compile(_LATE_SOURCES[name])
    return _LATE[name]


def _may_be_eve(wide: str) -> bool:
    return "veille" in wide or "lendemain" in wide or "day " in wide


def _context(wide: str, eve: re.Match[str]) -> tuple[str, str]:
    head = wide[: eve.start()]
    return head[-30:], head


def _this_sentence(folded: str) -> str:
    """The end of `folded` from where its last sentence starts: words of the sentence before
    (`"… would not walk away." Tran said the company had offered in June`) tell nothing."""
    at = len(folded) - 1
    while at > 0:
        if folded[at] in ".!?\n":
            after = at + 1
            while after < len(folded) and folded[after] in '"»”\u00a0\u202f ':
                after += 1
            if folded[at] == "\n" or " " in folded[at + 1 : after]:
                return folded[after:]
        at -= 1
    return folded


def resolve_date(
    expression: str,
    reference: dt.date,
    *,
    anchor: dt.date | None = None,
    direction: Direction | None = None,
) -> DateMatch | None:
    """The date an expression means when it is nothing but a date (`vendredi`, `en juin`).

    For a query such as `/timeline vendredi`: None when the words are not wholly a date.
    """
    stripped = expression.strip()
    found = find_dates(stripped, reference, anchor=anchor, direction=direction)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0]
    return None


_DURATION = re.compile(_B + _NUMBER + r"\s+" + _UNIT + _E)


def read_duration(text: str) -> tuple[int, str] | None:
    """The length a text gives (`six mois`, `3 weeks`) as (count, unit), or None.

    The unit is day, week, month or year; the first length in the text is read.
    """
    match = _DURATION.search(fold_same_length(text))
    if match is None:
        return None
    number = match["number"]
    count = int(number) if number.isdigit() else _NUMBERS[number]
    return count, _UNITS[match["unit"]]


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    return _add_months(date, months)


def find_time(text: str) -> str | None:
    """The first clock time in a text (`à 22h01 GMT`, `22H01`, `at 10:30 GMT`) as `22:01 GMT`."""
    match = _TIME_RE.search(fold_same_length(text))
    if match is None:
        return None
    time = f"{int(match['h']):02d}:{match['m'] or match['m2'] or '00'}"
    return f"{time} {match['zone'].upper()}" if match["zone"] else time


def _capitalised_where_needed(match: re.Match[str], text: str) -> bool:
    """English "may" is a month only when written "May" (not "this may be"); "Demain" or
    "Today" inside a sentence is a name ("Barfleur Demain"), not a day."""
    if match.groupdict().get("month") == "may":
        return text[match.start("month")] == "M"
    if "word" in match.groupdict() and text[match.start()].isupper():
        before = text[: match.start()].rstrip()
        return not before or before[-1] in '.!?:«"“—–-('
    return True


def _resolve(
    name: str,
    match: re.Match[str],
    reference: dt.date,
    anchor: dt.date | None,
    direction: Direction | None,
    before: str,
    wide: str,
    written: str = "",
) -> tuple[dt.date, Precision, str, str | None, bool] | None:
    """(value, precision, how, qualifier, relative) for one match, or None if not a date.

    `written`: the words of `wide` as written (same length), to tell a verb from a name."""
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    ahead = bool(_FUTURE_CUES.search(before) or _FUTURE_CLAUSE.search(before))
    if name in ("weekday", "month") and " " in wide.strip():
        ahead = ahead or bool(_late_pattern("call").search(wide))
        future = _late_pattern("future").search(wide)
        if future is not None and len(written) == len(wide):
            word = written[future.start() : future.end()].lstrip()
            future = future if word[:1].islower() else None  # `Sandra Lee said on Monday`
        ahead = ahead or future is not None
    if name == "iso":
        try:
            value = dt.date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        except ValueError:
            return None
        return value, Precision.DAY, "written in full", None, False
    month_word = groups.get("month", "")
    month = _MONTHS.get(month_word) or _ABBREVIATED.get(month_word, 0)
    day = int(groups["day"]) if "day" in groups else 0
    year = int(groups["year"]) if "year" in groups else 0
    if name in ("weekday-day-month-year", "day-month-year", "month-day-year"):
        value_or_none = _date(year, month, day)
        if value_or_none is None:
            return None
        return value_or_none, Precision.DAY, "day, month and year written", None, False
    if name in ("weekday-day-month", "weekday-month-day", "day-month", "month-day"):
        if not 1 <= day <= 31:
            return None
        way = _way(direction, groups, ahead, Direction.NEAREST)
        weekday = _WEEKDAYS.get(groups.get("weekday", ""))
        picked = _year_for(month, day, reference, way, weekday)
        if picked is None:
            return None
        value, how = picked
        return value, Precision.DAY, how, None, True
    if name == "qualified-year":
        early_or_late = _QUALIFIERS[groups.get("qualifier") or groups["mi"]]
        how = f"{early_or_late} {year}"
        return dt.date(year, 1, 1), Precision.YEAR, how, early_or_late, False
    if name in ("qualified-month", "month-year", "month", "month-after"):
        qualifier: str | None = None
        if "qualifier" in groups or "mi" in groups:
            qualifier = _QUALIFIERS[groups.get("qualifier") or groups["mi"]]
        if year:
            return (
                dt.date(year, month, 1),
                Precision.MONTH,
                "month and year written",
                qualifier,
                False,
            )
        prep = groups.get("prep", "")
        looks_ahead = ahead or prep in (
            "d'ici",
            "until",
            "by",
            "jusqu'en",
            "next",
            "a partir de",
            "starting in",
            "from",
        )
        looks_ahead = looks_ahead or bool(
            _FUTURE_CLAUSE.search(wide) or _FUTURE_MONTH_CLAUSE.search(wide)
        )
        if prep.startswith("rentree") and not _late_pattern("past-clause").search(wide):
            looks_ahead = True  # `à la rentrée de septembre`: the coming one
        if _late_pattern("pluperfect").search(before):
            looks_ahead = False  # `had offered in June`: a past perfect tells a past month
        default = Direction.FUTURE if looks_ahead else Direction.PAST
        way = _way(direction, groups, False, default)
        if prep == "last":
            way = Direction.PAST
        value = _month_from(month, reference, way)
        where = "on or before" if way is Direction.PAST else "on or after"
        return value, Precision.MONTH, f"{where} {reference:%Y-%m}", qualifier, True
    if name == "year":
        return dt.date(year, 1, 1), Precision.YEAR, "year written", None, False
    if name in ("relative-day", "relative-day-2", "anchor-day"):
        return _relative_day(groups["word"], reference, anchor)
    if name == "relative-week":
        word = groups["word"]
        monday = reference - dt.timedelta(days=reference.weekday())
        shift = -7 if ("derniere" in word or "passee" in word or "last" in word) else 0
        shift = 7 if ("prochaine" in word or "next" in word) else shift
        value = monday + dt.timedelta(days=shift)
        return value, Precision.DAY, f"the Monday of that week ({word})", "about", True
    if name == "relative-month":
        word = groups["word"]
        shift = -1 if ("dernier" in word or "passe" in word or "last" in word) else 0
        shift = 1 if ("prochain" in word or "next" in word) else shift
        value = _add_months(reference.replace(day=1), shift)
        return value, Precision.MONTH, f"{word} from {reference:%Y-%m}", None, True
    if name == "relative-year":
        word = groups["word"]
        shift = -1 if ("dernier" in word or "passe" in word or "last" in word) else 0
        shift = 1 if ("prochain" in word or "next" in word) else shift
        value = dt.date(reference.year + shift, 1, 1)
        return value, Precision.YEAR, f"{word} from {reference.year}", None, True
    if name in ("ago", "in-duration"):
        number_word = groups.get("number") or groups.get("number2", "")
        unit = _UNITS[groups.get("unit") or groups["unit2"]]
        count = int(number_word) if number_word.isdigit() else _NUMBERS[number_word]
        sign = -1 if name == "ago" else 1
        return _shifted(reference, sign * count, unit)
    if name == "weekday":
        return _weekday(groups, reference, direction, ahead)
    return None


def _way(
    direction: Direction | None, groups: dict[str, str], ahead: bool, default: Direction
) -> Direction:
    if direction is not None:
        return direction
    if "past" in groups or groups.get("last") == "last":
        return Direction.PAST
    if "next" in groups or groups.get("last") == "next":
        return Direction.FUTURE
    return Direction.FUTURE if ahead else default


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(
    month: int, day: int, reference: dt.date, way: Direction, weekday: int | None
) -> tuple[dt.date, str] | None:
    candidates = [
        d
        for y in (reference.year - 1, reference.year, reference.year + 1)
        if (d := _date(y, month, day))
    ]
    if weekday is not None:
        fitting = [d for d in candidates if d.weekday() == weekday]
        if len(fitting) == 1:
            return fitting[0], "the nearby year where that day is that weekday"
    if way is Direction.PAST:
        past = [d for d in candidates if d <= reference]
        return (past[-1], f"last one on or before {reference}") if past else None
    if way is Direction.FUTURE:
        future = [d for d in candidates if d >= reference]
        return (future[0], f"next one on or after {reference}") if future else None
    if not candidates:
        return None
    best = min(candidates, key=lambda d: (abs((d - reference).days), d > reference))
    return best, f"the year nearest {reference}"


def _month_from(month: int, reference: dt.date, way: Direction) -> dt.date:
    if way is Direction.FUTURE:
        year = reference.year if month >= reference.month else reference.year + 1
    else:
        year = reference.year if month <= reference.month else reference.year - 1
    return dt.date(year, month, 1)


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    last = days_in_month(year, month + 1)
    return dt.date(year, month + 1, min(date.day, last))


def _shifted(
    reference: dt.date, count: int, unit: str
) -> tuple[dt.date, Precision, str, str | None, bool]:
    how = f"{count:+d} {unit}(s) from {reference}"
    if unit == "day":
        return reference + dt.timedelta(days=count), Precision.DAY, how, None, True
    if unit == "week":
        return reference + dt.timedelta(weeks=count), Precision.DAY, how, "about", True
    if unit == "month":
        return _add_months(reference, count).replace(day=1), Precision.MONTH, how, "about", True
    return dt.date(reference.year + count, 1, 1), Precision.YEAR, how, "about", True


def _relative_day(
    word: str, reference: dt.date, anchor: dt.date | None
) -> tuple[dt.date, Precision, str, str | None, bool]:
    offsets = {
        "hier": -1,
        "yesterday": -1,
        "avant-hier": -2,
        "the day before yesterday": -2,
        "demain": 1,
        "tomorrow": 1,
        "apres-demain": 2,
    }
    if word in ("la veille", "the day before", "the previous day"):
        base = anchor or reference
        return base - dt.timedelta(days=1), Precision.DAY, f"the day before {base}", None, True
    if word in ("le lendemain", "the next day", "the following day"):
        base = anchor or reference
        return base + dt.timedelta(days=1), Precision.DAY, f"the day after {base}", None, True
    offset = offsets.get(word, 0)
    return (
        reference + dt.timedelta(days=offset),
        Precision.DAY,
        f"{offset:+d} day(s) from {reference}",
        None,
        True,
    )


def _weekday(
    groups: dict[str, str], reference: dt.date, direction: Direction | None, ahead: bool
) -> tuple[dt.date, Precision, str, str | None, bool]:
    target = _WEEKDAYS[groups["weekday"]]
    name = groups["weekday"]
    this = groups.get("this")
    if direction is None and this in ("ce", "this"):
        value = in_week_of(target, reference)
        return value, Precision.DAY, f"the {name} of the week of {reference}", None, True
    way = direction or _way(None, groups, ahead, Direction.PAST)
    if this == "last":
        way = Direction.PAST
    if this == "next":
        way = Direction.FUTURE
    if way is Direction.FUTURE:
        value = reference + dt.timedelta(days=(target - reference.weekday()) % 7)
        return value, Precision.DAY, f"next {name} on or after {reference}", None, True
    value = reference - dt.timedelta(days=(reference.weekday() - target) % 7)
    return value, Precision.DAY, f"last {name} on or before {reference}", None, True


def qualifier_of(word: str) -> str | None:
    """`early`, `mid`, `late` or `about` for the word that qualifies a date (`fin`, `début`,
    `mid`, `vers`), else None."""
    return _QUALIFIERS.get(fold_same_length(word).strip())


def weekday_number(word: str) -> int | None:
    """0 (Monday) to 6 (Sunday) for a weekday's name in French or English, else None."""
    return _WEEKDAYS.get(fold_same_length(word).strip())


def in_week_of(weekday: int, reference: dt.date) -> dt.date:
    """That weekday (0 is Monday) in the week of `reference`, Monday to Sunday: `ce vendredi`."""
    return reference + dt.timedelta(days=weekday - reference.weekday())


# Which days of a month, and which months of a year, a qualifier covers.
_QUALIFIED_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
_QUALIFIED_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


def qualified_span(
    value: dt.date, precision: Precision, qualifier: str | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day a date covers at its precision, a qualifier narrowing a month
    or a year to a part of it (`fin février`: 21 to 28 February; `début 2026`: January to
    April); `about` and no qualifier cover the whole month or year."""
    if precision is Precision.DAY:
        return value, value
    if precision is Precision.MONTH:
        last = days_in_month(value.year, value.month)
        first_day, last_day = _QUALIFIED_DAYS.get(qualifier or "", (1, last))
        return value.replace(day=first_day), value.replace(day=min(last_day, last))
    first_month, last_month = _QUALIFIED_MONTHS.get(qualifier or "", (1, 12))
    last = days_in_month(value.year, last_month)
    return dt.date(value.year, first_month, 1), dt.date(value.year, last_month, last)


def span_of_match(match: DateMatch) -> tuple[dt.date, dt.date]:
    """The days a date expression covers: a week read as `la semaine dernière` is its Monday
    to Sunday; otherwise as `qualified_span` says."""
    if match.rule.startswith("relative-week:"):
        return match.value, match.value + dt.timedelta(days=6)
    return qualified_span(match.value, match.precision, match.qualifier)
