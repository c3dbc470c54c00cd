"""The one catalogue of what the bot says, in English and French, and how dates read in each.

The sentences live in gettext catalogues, `locales/<language>/LC_MESSAGES/dispute_bot.po`,
compiled to the `.mo` files beside them and read here with the standard library's gettext:
Babel, which extracts, updates and compiles them (`make catalogue`), is a development tool
the bot never imports, so a cold `dispute-bot ask` pays only for reading two small files.
A sentence is looked up by its key (`quote.empty`); English is a catalogue like French, so
a key either one lacks is caught by the tests (tests/i18n), and docs/i18n.md says how to add
a sentence or a language.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
import unicodedata
from pathlib import Path

from bot.config_checks import LOCALES
from bot.corpus.model import Precision

DOMAIN = "dispute_bot"
LOCALE_DIR = Path(__file__).with_name("locales")
FALLBACK = "en"  # the language of a locale the catalogue lacks, and of a sentence it lacks
# A language as people name it, folded (`français` reads `francais`), in either language.
LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "french": "fr",
    "francais": "fr",
}


@functools.lru_cache(maxsize=16)
def catalogue(locale: str) -> gettext.NullTranslations:
    """The sentences of `locale`, English where it lacks one; English for an unknown locale."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale, FALLBACK])


def t(locale: str, key: str, **values: object) -> str:
    """The sentence `key` in `locale`, its `{names}` filled from `values`.

    A sentence that counts something is given the number as `n` (an int): the catalogue
    picks the form that agrees with it (1 day, 2 days; 0 jour, 1 jour, 2 jours), and the
    sentence reads it as `{n}`. The same `n` gives a name's grammatical number (the unions
    stand). In French, `de {actor}` / `de {speaker}` (and `à`) contract with the name filled
    in (`d'Anthropic`, `du ministère`, `des syndicats`, `aux employés`): see `contract`.
    """
    found, count = catalogue(locale), values.get("n")
    text = found.ngettext(key, key, count) if isinstance(count, int) else found.gettext(key)
    if locale == "fr" and ("de {" in text or "à {" in text):  # a cheap test first
        text = _PREPOSITION.sub(lambda m: _contracted(m, values), text)
    return text.format(**values)


# Only an actor's name contracts ("Lecture de {name}" keeps a file's name as it is).
_PREPOSITION = re.compile(r"(?<![\w'])(de|De|à|À) \{(actor|speaker)\}")
_ELIDING = frozenset("aeiouy")


def contract(preposition: str, name: str) -> str:
    """French `de`/`à` before a name: `d'Anthropic`, `du ministère`, `des employés`, `au`.

    Names that take an article carry it in the dossier ("le ministère de la Défense");
    a name starting with a vowel elides `de` (h is left alone: names like Hegseth do not).
    """
    lower = preposition.lower()
    capital = preposition[:1].isupper()
    for article, (after_de, after_a) in _CONTRACTIONS.items():
        if name.startswith(article):
            joined = (after_de if lower == "de" else after_a) + name[len(article) :]
            return joined[:1].upper() + joined[1:] if capital else joined
    first = unicodedata.normalize("NFKD", name[:1].lower())[:1]
    if lower == "de" and first in _ELIDING:
        return f"{preposition[0]}'{name}"
    return f"{preposition} {name}"


_CONTRACTIONS = {"le ": ("du ", "au "), "les ": ("des ", "aux ")}


def _contracted(match: re.Match[str], values: dict[str, object]) -> str:
    name = match[2]
    if name not in values:
        return match[0]
    filled = contract(match[1], str(values[name]))
    return filled.replace("{", "{{").replace("}", "}}")


def capitalised(text: str) -> str:
    """A name at the start of a title or a line: "Le ministère", "The US official"."""
    return text[:1].upper() + text[1:]


def languages() -> tuple[str, ...]:
    """The languages of replies, declared once (`LOCALES`, bot/config_checks.py); the
    catalogue has a folder for each (tests/i18n)."""
    return LOCALES


def every_language(key: str) -> dict[str, str]:
    """The sentence `key` in each language of the catalogue (locale -> sentence), for what
    a platform shows in every language at once, such as a command's description."""
    return {language: t(language, key) for language in languages()}


@functools.lru_cache(maxsize=4096)
def format_date(
    date: dt.date, precision: Precision, locale: str, qualifier: str | None = None
) -> str:
    """A date as people write it, no more precise than the dossier knows it.

    Kept once written: answers show the same few dates of the dossier again and again, and
    each is three lookups in the catalogue.
    """
    month = t(locale, f"month.{date.month}")
    if precision is Precision.YEAR:
        text = str(date.year)
    elif precision is Precision.MONTH:
        text = t(locale, "date.month", month=month, year=date.year)
    else:
        key = "date.first_day" if date.day == 1 else "date.day"
        text = t(locale, key, day=date.day, month=month, year=date.year)
    return t(locale, f"qualifier.{qualifier}", date=text) if qualifier else text


def format_day(date: dt.date, locale: str) -> str:
    return format_date(date, Precision.DAY, locale)


def format_span(first: dt.date, last: dt.date, locale: str) -> str:
    """Days from `first` to `last` as people write them: `27 February 2026`, `February
    2026`, `2026`, `21–28 February 2026`, `24 February 2026 to 1 March 2026`, and an open
    end (`dt.date.min`, `dt.date.max`) as `until …` or `from … on`."""
    if first == dt.date.min:
        return t(locale, "span.until", end=format_day(last, locale))
    if last == dt.date.max:
        return t(locale, "span.from", start=format_day(first, locale))
    if first == last:
        return format_day(first, locale)
    whole_months = first.day == 1 and (last + dt.timedelta(days=1)).day == 1
    if whole_months and (first.month, last.month) == (1, 12) and first.year == last.year:
        return str(first.year)
    if whole_months and (first.year, first.month) == (last.year, last.month):
        return format_date(first, Precision.MONTH, locale)
    if (first.year, first.month) == (last.year, last.month):
        return t(
            locale,
            "span.days",
            first=t(locale, "date.first_day_number") if first.day == 1 else first.day,
            last=last.day,
            month=t(locale, f"month.{first.month}"),
            year=first.year,
        )
    if whole_months and first.year == last.year:  # September to December 2025
        return t(
            locale,
            "span.months",
            first=t(locale, f"month.{first.month}"),
            last=t(locale, f"month.{last.month}"),
            year=first.year,
        )
    if whole_months:
        first_text = format_date(first, Precision.MONTH, locale)
        last_text = format_date(last, Precision.MONTH, locale)
    else:
        first_text, last_text = format_day(first, locale), format_day(last, locale)
    return t(locale, "span.range", start=first_text, end=last_text)


def format_weekdays(days: tuple[int, ...], locale: str) -> str:
    """`every day`, `Mon–Fri`, `Mon, Wed, Fri` (consecutive days read as a range)."""
    if len(days) == 7:
        return t(locale, "digest.days.every")
    ordered = sorted(days)
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        first, last = (t(locale, f"weekday.short.{d}") for d in (ordered[0], ordered[-1]))
        return f"{first}–{last}"
    return ", ".join(t(locale, f"weekday.short.{d}") for d in ordered)


def format_when(moment: dt.datetime, zone: str, locale: str) -> str:
    """`Monday 23 November 2026, 08:00 (Europe/Paris)` for an aware instant."""
    return t(
        locale,
        "digest.when",
        weekday=t(locale, f"weekday.{moment.weekday()}"),
        date=format_day(moment.date(), locale),
        time=moment.strftime("%H:%M"),
        zone=zone,
    )
