"""The shared date rules (bot/date_rules.py), table-driven, in French and English."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.date_rules import add_months, find_dates, find_time, resolve_date, span_of_match

WED = dt.date(2026, 2, 25)  # the first seed article's day, a Wednesday
SAT = dt.date(2026, 2, 28)  # the second's, a Saturday


@pytest.mark.parametrize(
    ("text", "reference", "value", "rule"),
    [
        ("a adressé mardi 24 février un ultimatum", WED, "2026-02-24", "weekday-day-month"),
        ("Donald Trump a ordonné vendredi", SAT, "2026-02-27", "weekday"),
        ("a jusqu'à vendredi à 22h01 GMT pour s'exécuter", WED, "2026-02-27", "weekday"),
        ("son ultimatum expirant ce vendredi", SAT, "2026-02-27", "weekday"),
        ("mercredi soir, la préfète a réuni", SAT, "2026-02-25", "weekday"),
        ("vendredi dernier", SAT, "2026-02-27", "weekday"),
        ("mardi prochain", SAT, "2026-03-03", "weekday"),
        ("on Thursday", SAT, "2026-02-26", "weekday"),
        ("the vote will take place on Tuesday", SAT, "2026-03-03", "weekday"),
        ("hier", SAT, "2026-02-27", "relative-day"),
        ("yesterday", SAT, "2026-02-27", "relative-day"),
        ("le 21 mai", SAT, "2026-05-21", "day-month"),
        ("le 19 février 2026", SAT, "2026-02-19", "day-month-year"),
        ("au 1er juillet", SAT, "2026-07-01", "day-month"),
        ("on Jan. 1, 2027", SAT, "2027-01-01", "month-day-year"),
        ("is due on Nov. 12", SAT, "2026-11-12", "month-day"),
        ("qui a signé en juin un contrat", SAT, "2025-06", "month"),
        ("en janvier", SAT, "2026-01", "month"),
        ("à partir de septembre", SAT, "2026-09", "month"),
        ("to be put before voters in November", SAT, "2026-11", "month"),
        ("Début 2026, la start-up a publié", SAT, "2026", "qualified-year"),
        ("fin 2025", SAT, "2025", "qualified-year"),
        ("une loi votée en 1950", SAT, "1950", "year"),
        ("dans six mois", SAT, "2026-08", "in-duration"),
        ("il y a trois jours", SAT, "2026-02-25", "ago"),
        ("three days ago", SAT, "2026-02-25", "ago"),
        ("last year", SAT, "2025", "relative-year"),
        ("le mois dernier", SAT, "2026-01", "relative-month"),
        ("last week", SAT, "2026-02-16", "relative-week"),
        # the eve or the morrow of a day named with its occasion
        ("la veille de la manifestation de jeudi, le préfet", SAT, "2026-02-25", "eve-of"),
        ("the day before Thursday's hearing", SAT, "2026-02-25", "eve-of"),
        ("au lendemain du scrutin de mardi", SAT, "2026-02-25", "eve-of"),
        # a call, in the present, for what is to come: the coming day
        ("L'intersyndicale appelle à une grève générale mardi", SAT, "2026-03-03", "weekday"),
        ("The union calls for a march on Sunday", WED, "2026-03-01", "weekday"),
        ("L'intersyndicale a appelé à une grève mardi", SAT, "2026-02-24", "weekday"),
        ("Le préfet convoque les deux camps lundi", SAT, "2026-03-02", "weekday"),
        ("Le préfet a convoqué les deux camps lundi", SAT, "2026-02-23", "weekday"),
        # the words that look ahead are read in the date's own sentence only
        ("The vote will be held soon. The firm signed in June.", SAT, "2025-06", "month"),
        # a past perfect tells a past month, whatever the sentence before said
        ("He will resign. The firm had agreed in May to pay", SAT, "2025-05", "month"),
        # a verb in the future before the day, in its clause: the coming day
        ("Les syndicats manifesteront samedi devant la mairie", WED, "2026-02-28", "weekday"),
        ("Le juge recevra les deux parties lundi", WED, "2026-03-02", "weekday"),
        ("The union said it would meet with the mayor on Friday", WED, "2026-02-27", "weekday"),
        ("Sandra Lee said on Monday", WED, "2026-02-23", "weekday"),  # a name, not `-dra`
        # a call whose object comes before `à`: the coming day
        ("Le syndicat appelle les salariés à débrayer jeudi", WED, "2026-02-26", "weekday"),
        # `la rentrée de septembre`: the coming one, unless the clause tells a past
        ("On perd une classe à la rentrée de septembre", WED, "2026-09", "month"),
        ("Les effectifs ont chuté à la rentrée de septembre", WED, "2025-09", "month"),
    ],
)
def test_resolves_news_date_words(text: str, reference: dt.date, value: str, rule: str) -> None:
    found = find_dates(text, reference)
    assert [d.iso for d in found] == [value], found
    assert found[0].rule.startswith(f"{rule}:")
    assert found[0].text in text


def test_la_veille_counts_from_the_day_the_text_was_about() -> None:
    (found,) = find_dates("Anthropic a refusé la veille de céder", SAT, anchor=dt.date(2026, 2, 27))
    assert (found.iso, found.relative) == ("2026-02-26", True)
    assert find_dates("la veille de son départ", SAT) == []  # the eve of an event, not a day
    # nor `la veille de l'annonce` (an elided article): the eve of an occasion, not of a day
    anchor = dt.date(2026, 2, 27)
    assert find_dates("La veille de l'annonce, le préfet a reçu les élus", SAT, anchor=anchor) == []


def test_a_phrase_is_read_where_it_stands_as_if_alone() -> None:
    """The corpus check reads a record's own words (`vendredi`) in their sentence: the words
    after them are not read, the words before still make a deadline of the day."""
    text = "Il a jusqu'à vendredi 6 mars pour répondre"
    start = text.index("vendredi")
    (alone,) = find_dates(text, SAT, start=start, stop=start + len("vendredi"))
    assert (alone.text, alone.iso) == ("vendredi", "2026-03-06")  # a deadline: looks ahead
    (whole,) = find_dates(text, SAT)
    assert whole.text == "vendredi 6 mars"


@pytest.mark.parametrize(
    "text",
    ["this may be the end", "Barfleur Demain soutient le projet", "200 millions de dollars", ""],
)
def test_words_that_are_not_dates(text: str) -> None:
    assert find_dates(text, SAT) == []


def test_resolve_date_reads_a_whole_query_as_timeline_would() -> None:
    friday = resolve_date("vendredi", SAT)
    assert friday is not None and friday.iso == "2026-02-27" and friday.relative
    assert resolve_date("vendredi hegseth", SAT) is None  # not wholly a date
    june = resolve_date("en juin", SAT)
    assert june is not None and (june.iso, june.precision.value) == ("2025-06", "month")


def test_qualifiers_and_times() -> None:
    (early,) = find_dates("Début 2026", SAT)
    assert early.qualifier == "early"
    (soon,) = find_dates("dans six mois", SAT)
    assert soon.qualifier == "about"
    assert find_time("jusqu'à ce vendredi 22H01 GMT") == "22:01 GMT"
    assert find_time("at 10:30 GMT on Friday") == "10:30 GMT"
    assert find_time("le 19 février 2026") is None


@pytest.mark.parametrize(
    ("text", "last_day"),
    [
        ("fin février 2024", "2024-02-29"),  # a leap year
        ("fin février 2026", "2026-02-28"),
        ("fin février 2100", "2100-02-28"),  # a century: no leap day
        ("fin février 2000", "2000-02-29"),  # but every fourth one has it
        ("fin avril 2026", "2026-04-30"),
        ("en décembre 2025", "2025-12-31"),
    ],
)
def test_a_month_read_ends_on_its_last_day(text: str, last_day: str) -> None:
    (found,) = find_dates(text, SAT)
    assert span_of_match(found)[1].isoformat() == last_day


def test_a_month_later_stops_at_its_last_day() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 3, 31), 1) == dt.date(2026, 4, 30)
