"""Frozen records of a loaded dossier; built once by the loader, then only read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    """A short text in English and French; the dossier is bilingual."""

    en: str
    fr: str

    def get(self, locale: str) -> str:
        return self.fr if locale == "fr" else self.en


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    id: str
    path: str  # relative to the seeds folder
    date: dt.date
    title: str
    body: str  # everything after the first line, verbatim
    credit: str
    added: dt.date  # when it entered the dossier


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    id: str
    name: str
    kind: str  # person | organisation | group
    role: Text
    aliases: tuple[str, ...]
    main: bool = False
    standing: Text | None = None  # one line on where they stand, for the digest


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    id: str
    speaker: str  # actor id
    text: str  # verbatim, as printed in the articles
    translation: str  # English
    said_on: dt.date
    precision: Precision
    where: Text
    articles: tuple[str, ...]
    issues: tuple[str, ...] = ()
    added: dt.date


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    article: str
    sentence: str  # verbatim from the article


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    id: str
    date: dt.date
    precision: Precision
    qualifier: str | None = None  # "early" for "début 2026"
    time: str | None = None  # "22:01 GMT" where the article gives one
    actors: tuple[str, ...]
    summary: Text
    evidence: tuple[Evidence, ...]
    tags: tuple[str, ...] = ()
    decisive: bool = False  # counted in the digest's "days since"
    deadline: bool = False  # a date by which something must happen or ends
    added: dt.date

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(e.article for e in self.evidence)


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    id: str
    name: Text
    aliases: tuple[str, ...]
    summary: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    actor: str
    issue: str
    stance: str  # supports | opposes | demands | refuses | denies | mixed
    summary: Text
    quotes: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """One dossier, with lookups by id; queries never see a half-built one."""

    root: str
    title: Text
    summary: Text
    articles: tuple[Article, ...]
    actors: tuple[Actor, ...]
    quotes: tuple[Quote, ...]
    events: tuple[Event, ...]  # in date order, then time, then dossier order
    issues: tuple[Issue, ...]
    positions: tuple[Position, ...]
    drafts: int = 0  # drafted records awaiting review, checked but not served
    article_by_id: dict[str, Article] = field(init=False, repr=False, compare=False)
    actor_by_id: dict[str, Actor] = field(init=False, repr=False, compare=False)
    quote_by_id: dict[str, Quote] = field(init=False, repr=False, compare=False)
    issue_by_id: dict[str, Issue] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "article_by_id", {a.id: a for a in self.articles})
        object.__setattr__(self, "actor_by_id", {a.id: a for a in self.actors})
        object.__setattr__(self, "quote_by_id", {q.id: q for q in self.quotes})
        object.__setattr__(self, "issue_by_id", {i.id: i for i in self.issues})

    def speakers(self) -> tuple[Actor, ...]:
        """Actors with at least one quote, in dossier order."""
        quoted = {q.speaker for q in self.quotes}
        return tuple(a for a in self.actors if a.id in quoted)
