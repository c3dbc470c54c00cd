"""Frozen records of a loaded dossier; built once by the loader, then only read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bot.date_rules import (
    Precision as Precision,  # a record date's precision, read by the date rules
)
from bot.record import Record


class Text(Record, frozen=True, kw_only=True):
    """A short text in English and French; the dossier is bilingual."""

    en: str
    fr: str

    def get(self, locale: str) -> str:
        return self.fr if locale == "fr" else self.en


class Basis(StrEnum):
    """How a date was found; answers show anything but STATED as such."""

    STATED = "stated"  # the sentence writes it ("mardi 24 février", "Début 2026")
    INFERRED = "inferred"  # worked out from the article's date or another record ("vendredi")
    REPORTED = "reported"  # the text gives no date: only the day the article reported it


class When(Record, frozen=True, kw_only=True):
    """A record's date and what it rests on, so a reply never shows more than the text says.

    `phrase` is the article's words the date was read from, `rule` the date rule
    (bot/date_rules) that reads them, `via` the record whose sentence holds the phrase (or
    whose day this one shares), and `anchor` the record "la veille" counts from. `corpus
    check` reads the phrase again and must find the same date.
    """

    date: dt.date
    precision: Precision
    basis: Basis
    qualifier: str | None = None  # early | mid | late | about
    phrase: str | None = None
    rule: str | None = None
    via: str | None = None
    anchor: str | None = None  # the record `la veille` counts from

    @property
    def inferred(self) -> bool:
        return self.basis is Basis.INFERRED

    @property
    def reported(self) -> bool:
        return self.basis is Basis.REPORTED


class Period(Record, frozen=True, kw_only=True):
    """A length the text gives ("six mois"), and its end as we count it: never an event.

    The end is computed from the record's own date; it is approximate (month precision) and
    the digest never counts days to or from it.
    """

    phrase: str  # the article's words, e.g. "six mois"
    months: int
    start: dt.date  # the record's date it is counted from
    ends: dt.date  # first day of the month it ends in, about


class Article(Record, frozen=True, kw_only=True):
    id: str
    path: str  # relative to the seeds folder
    date: dt.date
    title: str
    body: str  # everything after the first line, verbatim
    credit: str
    added: dt.date  # when it entered the dossier


class SpeaksFor(Record, frozen=True, kw_only=True):
    """Who a person speaks for (the spokesperson, the chief executive), and as what."""

    actor: str  # an actor id
    role: Text  # "chief executive" / "patron"


class Actor(Record, frozen=True, kw_only=True):
    id: str
    # French names carry their article ("le ministère de la Défense"), so French sentences
    # can contract "de le" into "du" (bot.i18n); English names may too ("the US official").
    name: Text
    kind: str  # person | organisation | group | document
    role: Text
    aliases: tuple[str, ...]  # names the articles use
    translations: tuple[str, ...] = ()  # English forms of an article's words
    search_terms: tuple[str, ...] = ()  # found by a search, never shown as the articles' words
    plural: bool = False  # "the unions stand"
    speaks_for: SpeaksFor | None = None
    main: bool = False
    standing: Text | None = None  # one line on where they stand, for the digest

    @property
    def names(self) -> tuple[str, ...]:
        """Every form a search may resolve to this actor."""
        return (
            self.name.en,
            self.name.fr,
            *self.aliases,
            *self.translations,
            *self.search_terms,
        )


class Context(Record, frozen=True, kw_only=True):
    """The words around a quote that say what it is about ("Les armes entièrement autonomes")."""

    text: str  # verbatim, from the quote's paragraph
    translation: str


class Quote(Record, frozen=True, kw_only=True):
    id: str
    speaker: str  # actor id
    text: str  # verbatim, as printed in the articles
    translation: str  # English
    when: When
    where: Text
    articles: tuple[str, ...]
    issues: tuple[str, ...] = ()
    part_of: str | None = None  # the longer quote this one is a fragment of
    context: Context | None = None
    added: dt.date

    @property
    def said_on(self) -> dt.date:
        """The day it was said, or (when the text gives none) the day it was reported."""
        return self.when.date

    @property
    def precision(self) -> Precision:
        return self.when.precision


class EvidenceKind(StrEnum):
    NARRATION = "narration"  # the reporter's own sentence: "AFP reports: …", never in « »
    QUOTATION = "quotation"  # someone's words, quoted


class Evidence(Record, frozen=True, kw_only=True):
    article: str
    sentence: str  # verbatim from the article
    kind: EvidenceKind
    translation: str | None = None  # English, for narration shown to English readers
    inferred: bool = False  # that the sentence is about this record is our reading


class EventKind(StrEnum):
    EVENT = "event"
    CAPTION = "caption"  # a photo caption: kept for dates, not part of the dispute's chain
    BACKGROUND = "background"  # what came before the dispute (a law, a founding)


class Event(Record, frozen=True, kw_only=True):
    id: str
    when: When
    time: str | None = None  # "22:01 GMT" where the article gives one
    order: int = 0  # among events of the same day: the real order, then editorial
    kind: EventKind = EventKind.EVENT
    actors: tuple[str, ...]  # who acted
    mentions: tuple[str, ...] = ()  # who is only named
    summary: Text
    evidence: tuple[Evidence, ...]
    tags: tuple[str, ...] = ()  # the articles' words
    translations: tuple[str, ...] = ()  # English forms of them
    search_terms: tuple[str, ...] = ()  # searched, never shown
    period: Period | None = None  # "six mois": its end is computed, not an event
    decisive: bool = False  # counted in the digest's "days since"
    deadline: bool = False  # a date the text sets, by which something must happen
    added: dt.date

    @property
    def date(self) -> dt.date:
        return self.when.date

    @property
    def precision(self) -> Precision:
        return self.when.precision

    @property
    def qualifier(self) -> str | None:
        return self.when.qualifier

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(e.article for e in self.evidence)


def event_order(event: Event) -> tuple[dt.date, int, str, str]:
    """Events in date order; on one day, the dossier's explicit order, then the time."""
    return event.when.date, event.order, event.time or "", event.id


class Issue(Record, frozen=True, kw_only=True):
    id: str
    name: Text
    aliases: tuple[str, ...]
    summary: Text
    translations: tuple[str, ...] = ()
    search_terms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (
            self.name.en,
            self.name.fr,
            self.id.replace("-", " "),
            *self.aliases,
            *self.translations,
            *self.search_terms,
        )


class Position(Record, frozen=True, kw_only=True):
    actor: str
    issue: str
    stance: str  # see bot.corpus.loader.STANCES
    summary: Text
    quotes: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """One dossier, with lookups by id; queries never see a half-built one."""

    root: str
    title: Text
    summary: Text
    id: str = ""  # the dossier section's id, if it has one (bot.library names a dossier by it)
    articles: tuple[Article, ...]
    actors: tuple[Actor, ...]
    quotes: tuple[Quote, ...]
    events: tuple[Event, ...]  # in date order, same-day events in their order
    issues: tuple[Issue, ...]
    positions: tuple[Position, ...]
    drafts: int = 0  # drafted records awaiting review, checked but not served
    article_by_id: dict[str, Article] = field(init=False, repr=False, compare=False)
    actor_by_id: dict[str, Actor] = field(init=False, repr=False, compare=False)
    quote_by_id: dict[str, Quote] = field(init=False, repr=False, compare=False)
    issue_by_id: dict[str, Issue] = field(init=False, repr=False, compare=False)
    # Who speaks for each organisation: actor id -> the people, in dossier order.
    spokespeople: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "article_by_id", {a.id: a for a in self.articles})
        object.__setattr__(self, "actor_by_id", {a.id: a for a in self.actors})
        object.__setattr__(self, "quote_by_id", {q.id: q for q in self.quotes})
        object.__setattr__(self, "issue_by_id", {i.id: i for i in self.issues})
        speaking: dict[str, list[str]] = {}
        for actor in self.actors:
            if actor.speaks_for is not None:
                speaking.setdefault(actor.speaks_for.actor, []).append(actor.id)
        object.__setattr__(self, "spokespeople", {k: tuple(v) for k, v in speaking.items()})

    def speakers(self) -> tuple[Actor, ...]:
        """Actors with at least one quote, or whom someone speaks for, in dossier order."""
        quoted = {q.speaker for q in self.quotes}
        return tuple(a for a in self.actors if a.id in quoted or a.id in self.spokespeople)
