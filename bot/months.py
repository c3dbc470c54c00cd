"""The months' names, declared once: what the date rules read in the articles
(bot/date_rules.py), what queries may type (bot/matching/months.py, forgiving typos) and the
words the drafting engine knows are no one's name. Each language's name as the bot writes it
is a sentence of the catalogue (`month.1` ... `month.12`, bot/i18n); a test checks that it
is this table's name, folded.

Everything here is folded: lower case, no accents (`fevrier`, `aout`, `decembre`).
"""

from __future__ import annotations

# Each month's full names, French then English.
MONTH_NAMES: dict[int, tuple[str, str]] = {
    1: ("janvier", "january"),
    2: ("fevrier", "february"),
    3: ("mars", "march"),
    4: ("avril", "april"),
    5: ("mai", "may"),
    6: ("juin", "june"),
    7: ("juillet", "july"),
    8: ("aout", "august"),
    9: ("septembre", "september"),
    10: ("octobre", "october"),
    11: ("novembre", "november"),
    12: ("decembre", "december"),
}

# Each month's short forms, which a query may type with or without a full stop.
MONTH_ABBREVIATIONS: dict[int, tuple[str, ...]] = {
    1: ("jan", "janv"),
    2: ("feb", "fev", "fevr"),
    3: ("mar",),
    4: ("apr", "avr"),
    6: ("jun",),
    7: ("jul", "juil"),
    8: ("aug",),
    9: ("sep", "sept"),
    10: ("oct",),
    11: ("nov",),
    12: ("dec",),
}

# The short forms an article writes, with a full stop: AP style (`Jan.`, `Feb.`, `Aug.`,
# `Sept.`, `Oct.`, `Nov.`, `Dec.`; March to July are never shortened) and French (`janv.`,
# `févr.`, `avr.`, `juil.`). `mar.` is no month in a French text (`mardi`).
WRITTEN_WITH_STOP = frozenset(
    ("jan", "feb", "aug", "sep", "sept", "oct", "nov", "dec", "janv", "fevr", "fev", "avr", "juil")
)
# Those an article may also write without the stop and still mean the month.
WRITTEN_BARE = frozenset(("sept", "oct", "nov", "dec"))


def days_in_month(year: int, month: int) -> int:
    """How many days a month has (`calendar.monthrange(year, month)[1]`, without importing
    `calendar`: a cold `dispute-bot ask` pays for each import). ValueError for no month."""
    if not 1 <= month <= 12:
        raise ValueError(f"bad month number {month}; must be 1-12")
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31
