"""The dates and periods a query may hold (bot/dates.py), read against the shipped dossier.

The dossier is frozen at its latest dispatch (Saturday 28 February 2026; the other is
Wednesday 25 February): relative words count from it, a weekday is that day of each
dispatch's week, and a day or month without its year is looked for in the dossier's years.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import Core
from bot.corpus.model import Precision
from bot.date_rules import find_dates, qualified_span
from bot.dates import DateError, Reading, When, read_when, span_of
from bot.i18n import t
from bot.matching.months import resolve_month

D = dt.date


def read(core: Core, text: str) -> tuple[When, list[str]]:
    when, rest = read_when(text, core.dossier.frame)
    assert when is not None, text
    return when, rest


def in_2026(when: When) -> list[tuple[dt.date, dt.date]]:
    """The spans in the dispatches' year, or open-ended ones."""
    return [s for s in when.spans if 2026 in (s[0].year, s[1].year) or s[0] == dt.date.min]


@pytest.mark.parametrize(
    ("typed", "first", "last", "reading"),
    [
        ("27 février", D(2026, 2, 27), D(2026, 2, 27), Reading.ANY_YEAR),
        ("FEB 27", D(2026, 2, 27), D(2026, 2, 27), Reading.ANY_YEAR),
        ("February 27th", D(2026, 2, 27), D(2026, 2, 27), Reading.ANY_YEAR),
        ("27th of february", D(2026, 2, 27), D(2026, 2, 27), Reading.ANY_YEAR),
        ("2026-02-27", D(2026, 2, 27), D(2026, 2, 27), Reading.AS_TYPED),
        ("24/02/2026", D(2026, 2, 24), D(2026, 2, 24), Reading.AS_TYPED),
        ("02/24/2026", D(2026, 2, 24), D(2026, 2, 24), Reading.AS_TYPED),
        ("février", D(2026, 2, 1), D(2026, 2, 28), Reading.ANY_YEAR),
        ("feb", D(2026, 2, 1), D(2026, 2, 28), Reading.ANY_YEAR),
        ("Février 2026", D(2026, 2, 1), D(2026, 2, 28), Reading.AS_TYPED),
        ("fin février", D(2026, 2, 21), D(2026, 2, 28), Reading.ANY_YEAR),
        ("late february", D(2026, 2, 21), D(2026, 2, 28), Reading.ANY_YEAR),
        ("mi-février", D(2026, 2, 11), D(2026, 2, 20), Reading.ANY_YEAR),
        ("mid february", D(2026, 2, 11), D(2026, 2, 20), Reading.ANY_YEAR),
        ("début février", D(2026, 2, 1), D(2026, 2, 10), Reading.ANY_YEAR),
        ("early 2026", D(2026, 1, 1), D(2026, 4, 30), Reading.PART),
        ("vendredi", D(2026, 2, 27), D(2026, 2, 27), Reading.DISPATCH_WEEKS),
        ("thursday", D(2026, 2, 26), D(2026, 2, 26), Reading.DISPATCH_WEEKS),
        ("jeudi 26 février", D(2026, 2, 26), D(2026, 2, 26), Reading.AS_TYPED),
        ("hier", D(2026, 2, 27), D(2026, 2, 27), Reading.FROM_LATEST),
        ("la veille", D(2026, 2, 27), D(2026, 2, 27), Reading.FROM_LATEST),
        ("today", D(2026, 2, 28), D(2026, 2, 28), Reading.FROM_LATEST),
        ("demain", D(2026, 3, 1), D(2026, 3, 1), Reading.FROM_LATEST),
        ("la semaine dernière", D(2026, 2, 16), D(2026, 2, 22), Reading.FROM_LATEST),
        ("this week", D(2026, 2, 23), D(2026, 3, 1), Reading.FROM_LATEST),
        ("2026-02-24..2026-02-26", D(2026, 2, 24), D(2026, 2, 26), Reading.AS_TYPED),
        ("2026-02-26..2026-02-24", D(2026, 2, 24), D(2026, 2, 26), Reading.SWAPPED),
        ("du 24 au 26 février", D(2026, 2, 24), D(2026, 2, 26), Reading.ANY_YEAR),
        ("24 au 26 février", D(2026, 2, 24), D(2026, 2, 26), Reading.ANY_YEAR),
        ("from feb 24 to feb 26", D(2026, 2, 24), D(2026, 2, 26), Reading.ANY_YEAR),
        ("between 24 and 26 february", D(2026, 2, 24), D(2026, 2, 26), Reading.ANY_YEAR),
        ("26-27 février", D(2026, 2, 26), D(2026, 2, 27), Reading.ANY_YEAR),
        ("semaine du 23 février", D(2026, 2, 23), D(2026, 3, 1), Reading.ANY_YEAR),
        ("2026-02-19..", D(2026, 2, 19), dt.date.max, Reading.AS_TYPED),
        ("..2026-02-24", dt.date.min, D(2026, 2, 24), Reading.AS_TYPED),
        ("avant le 24 février", dt.date.min, D(2026, 2, 23), Reading.NEAREST_YEAR),
        ("since february 26", D(2026, 2, 26), dt.date.max, Reading.NEAREST_YEAR),
        ("after feb 26", D(2026, 2, 27), dt.date.max, Reading.NEAREST_YEAR),
    ],
)
def test_a_date_or_period_reads_as_its_days(
    core: Core, typed: str, first: dt.date, last: dt.date, reading: str
) -> None:
    when, rest = read(core, typed)
    assert rest == []  # every word was read as the date
    assert (first, last) in in_2026(when)
    assert when.reading == reading


def test_a_month_alone_is_that_month_in_each_year_of_the_dossier(core: Core) -> None:
    when, _ = read(core, "juin")
    assert (D(2025, 6, 1), D(2025, 6, 30)) in when.spans  # the contract, "en juin"
    assert {first.year for first, _ in when.spans} == set(core.dossier.frame.years)


def test_a_day_alone_is_that_day_of_every_month(core: Core) -> None:
    when, _ = read(core, "24")
    assert (D(2026, 2, 24), D(2026, 2, 24)) in when.spans
    assert all(first.day == 24 and first == last for first, last in when.spans)


def test_the_date_is_taken_out_of_the_words(core: Core) -> None:
    when, rest = read(core, "hegseth 27 février ultimatum")
    assert rest == ["hegseth", "ultimatum"]
    assert when.typed == "27 février"
    assert read_when("200 millions", core.dossier.frame) == (None, ["200", "millions"])
    assert read_when("22h01", core.dossier.frame) == (None, ["22h01"])
    assert read_when("six mois", core.dossier.frame)[0] is None
    assert read_when("mais tout", core.dossier.frame)[0] is None  # not May, not August


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31 février", "no_such_day"),
        ("2026-02-30", "not_a_date"),
        ("0000-00-00", "not_a_date"),
        ("13/13/2026", "not_a_date"),
        ("jeudi 27 février", "weekday_mismatch"),
        ("24..26", "days_without_month"),
    ],
)
def test_a_date_that_cannot_be_says_why(core: Core, typed: str, reason: str) -> None:
    with pytest.raises(DateError) as raised:
        read_when(typed, core.dossier.frame)
    assert raised.value.reason == reason


def test_a_weekday_reads_as_the_dossier_reads_its_articles(core: Core) -> None:
    """`/timeline vendredi` and the dossier (and `dispute-bot draft`) agree: each weekday
    an article names resolves, by the shared rules, to the day a query for it reads."""
    frame = core.dossier.frame
    checked = []
    for article in core.dossier.corpus.articles:
        for found in find_dates(article.body, article.date):
            if not found.rule.startswith("weekday:"):
                continue
            typed = found.text.split()[-1]  # "ce vendredi" -> "vendredi"
            when, _ = read_when(typed, frame)
            assert when is not None and (found.value, found.value) in when.spans, found
            checked.append(typed)
    assert len(checked) >= 5 and {"mardi", "vendredi"} <= set(checked)


def test_records_cover_their_part_of_a_month_or_year() -> None:
    assert span_of(D(2026, 1, 1), Precision.YEAR, "early") == (D(2026, 1, 1), D(2026, 4, 30))
    assert span_of(D(2026, 2, 1), Precision.MONTH, "late") == (D(2026, 2, 21), D(2026, 2, 28))
    assert span_of(D(2026, 8, 1), Precision.MONTH, "about") == (D(2026, 8, 1), D(2026, 8, 31))
    assert qualified_span(D(2025, 6, 1), Precision.MONTH) == (D(2025, 6, 1), D(2025, 6, 30))


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_month_the_bot_writes_reads_back_as_that_month(locale: str) -> None:
    """The months' names are declared once (bot/months.py): each one the bot writes in an
    answer (the catalogue's `month.N`) is the month a query or an article means by it."""
    for number in range(1, 13):
        name = t(locale, f"month.{number}")
        assert resolve_month(name) == number, name
        found = find_dates(f"Le 3 {name} 2026", D(2026, 2, 28))
        assert [m.value for m in found] == [D(2026, number, 3)], name


def test_articles_short_months_as_they_write_them() -> None:
    """AP style (`Sept. 3`) and French (`3 févr.`) short forms; `mar.` in French is Tuesday."""
    assert [m.value for m in find_dates("On Sept. 3, 2025, it said", D(2026, 2, 28))] == [
        D(2025, 9, 3)
    ]
    assert [m.value for m in find_dates("le 3 févr. 2026", D(2026, 2, 28))] == [D(2026, 2, 3)]
    assert find_dates("mar. 3 2026", D(2026, 2, 28)) == []
