"""A loaded corpus with its search indexes, built once and swapped whole on reload."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar, cast

from bot.corpus.bulk import cycles_collected_after
from bot.corpus.model import Actor, Article, Corpus, Event, Issue, Quote, Text
from bot.corpus.verbatim import fold_for_verbatim
from bot.matching.folding import words
from bot.matching.keywords import TextIndex
from bot.matching.names import NameIndex

if TYPE_CHECKING:
    from bot.dates import Frame

T = TypeVar("T")
_SENTENCE_ENDS = (". ", "! ", "? ")


def _actor_names(actor: Actor) -> list[tuple[str, str]]:
    return [(name, actor.id) for name in actor.names]


def _actor_roles(actor: Actor) -> list[tuple[str, str]]:
    """What an actor is (`Chief executive of Anthropic`), up to its first comma."""
    return [
        (role.split(",")[0], actor.id) for role in dict.fromkeys((actor.role.en, actor.role.fr))
    ]


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding text[start:end] begins and ends, within its paragraph."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last < 0 else last
    ends_before = [at + 2 for mark in _SENTENCE_ENDS if (at := text.rfind(mark, first, start)) >= 0]
    ends_after = [at + 1 for mark in _SENTENCE_ENDS if (at := text.find(mark, end, last)) >= 0]
    return max(ends_before, default=first), min(ends_after, default=last)


def quote_contexts(articles: Iterable[Article], quotes: Iterable[Quote]) -> dict[str, str]:
    """For each quote, the words of the sentence around it in its articles, quotations cut out.

    People remember what a sentence says of a quote (`Les armes entièrement autonomes
    "doivent…", a estimé Dario Amodei`, `a tonné le président sur sa plateforme Truth
    Social`), so the sentence is searched with it; any quotation in it is cut out, so
    `trahison` is not found by words of the `caprices idéologiques…` said beside it. A
    quote is looked for as written, and in the folded form `corpus check` proves it by
    where the article typesets it otherwise (spaces, quote marks).
    """
    by_article: dict[str, list[Quote]] = {}
    for quote in quotes:
        for article_id in quote.articles:
            by_article.setdefault(article_id, []).append(quote)
    found: dict[str, list[str]] = {}
    for article in articles:
        those = [q for q in by_article.get(article.id, []) if q.text]
        if not those:
            continue
        body = article.body
        texts = [(q.id, q.text) for q in those]
        if any(text not in body for _, text in texts):
            body = "\n".join(fold_for_verbatim(line) for line in body.split("\n"))
            texts = [(quote_id, fold_for_verbatim(text)) for quote_id, text in texts]
        spans = sorted(
            (at, at + len(text), quote_id)
            for quote_id, text in texts
            if (at := body.find(text)) >= 0
        )
        for start, end, quote_id in spans:
            begins, ends = _sentence_around(body, start, end)
            kept, at = [], begins
            for other_start, other_end, _ in spans:
                if other_end <= begins or other_start >= ends or other_start < at:
                    continue
                kept.append(body[at:other_start])
                at = other_end
            kept.append(body[at:ends])
            found.setdefault(quote_id, []).append(" ".join(kept))
    return {quote_id: " ".join(dict.fromkeys(sentences)) for quote_id, sentences in found.items()}


def _once(text: Text) -> str:
    """Both languages of a short text, each word once (`to AFP` / `à l'AFP`: to afp a l): a
    word the two share would count twice for the quote, and keep a count per quote."""
    return " ".join(dict.fromkeys(words(f"{text.en} {text.fr}")))


def _years(corpus: Corpus) -> frozenset[int]:
    """The years the dossier's records fall in (no record spans two: a month or a year, or
    part of one, is its most)."""
    years = {event.date.year for event in corpus.events}
    years.update(article.date.year for article in corpus.articles)
    years.update(quote.said_on.year for quote in corpus.quotes)
    return frozenset(years)


def _issue_names(issue: Issue) -> list[tuple[str, str]]:
    return [(name, issue.id) for name in issue.names]


def _name_index(actors: Iterable[Actor]) -> NameIndex:
    names: list[tuple[str, str]] = []
    roles: list[tuple[str, str]] = []
    for actor in actors:
        names += _actor_names(actor)
        roles += _actor_roles(actor)
    return NameIndex(names, descriptions=roles)


@dataclass(frozen=True, slots=True)
class Dossier:
    corpus: Corpus
    actors: NameIndex = field(init=False)
    speakers: NameIndex = field(init=False)
    issues: NameIndex = field(init=False)
    quote_text: TextIndex = field(init=False)
    event_text: TextIndex = field(init=False)
    # Each speaker's quotes, as positions in corpus.quotes in dossier order.
    quotes_by_speaker: dict[str, tuple[int, ...]] = field(init=False)
    # The position in corpus.quotes of each quote a fragment is part of (it answers as it).
    wholes: dict[str, int] = field(init=False)
    # Each quote's place when quotes are listed by date (said_on, then dossier order).
    quote_dates: tuple[int, ...] = field(init=False)
    # What date queries are read against (`frame`): the dispatches' days, the records' years.
    dispatches: tuple[dt.date, ...] = field(init=False)
    years: frozenset[int] = field(init=False)
    # What engines derive from this dossier (the digest's index), by the function building it.
    _derived: dict[Callable[[Dossier], Any], Any] = field(init=False, repr=False, compare=False)
    _deriving: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_derived", {})
        object.__setattr__(self, "_deriving", threading.Lock())
        with cycles_collected_after():
            self._build()

    def __getstate__(self) -> dict[str, Any]:
        """The indexes (a snapshot pickles them), not what engines derived nor the lock."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_derived", {})
        object.__setattr__(self, "_deriving", threading.Lock())

    @property
    def frame(self) -> Frame:
        """What a date query is read against: made when one is, so that an answer with no
        date never loads the date rules (a cold `dispute-bot ask` pays for each import)."""
        from bot.dates import Frame

        return Frame(dispatches=self.dispatches, years=self.years)

    def derived(self, build: Callable[[Dossier], T]) -> T:
        """`build(self)`, made on first use and kept with this dossier (a reload drops it with
        the dossier it was made from), so an engine above prepares its view of the records
        once, and only if it runs: `dispute-bot ask` never builds the digest's index."""
        found = self._derived.get(build)
        if found is None:
            with self._deriving:
                found = self._derived.get(build)
                if found is None:
                    found = self._derived[build] = build(self)
        return cast(T, found)

    def _build(self) -> None:
        corpus = self.corpus
        set_ = object.__setattr__
        set_(self, "actors", _name_index(corpus.actors))
        set_(self, "speakers", _name_index(corpus.speakers()))
        set_(self, "issues", NameIndex(n for i in corpus.issues for n in _issue_names(i)))
        contexts = quote_contexts(corpus.articles, corpus.quotes)
        set_(
            self,
            "quote_text",
            TextIndex(self._quote_document(q, contexts.get(q.id, "")) for q in corpus.quotes),
        )
        set_(self, "event_text", TextIndex(self._event_document(e) for e in corpus.events))
        by_speaker: dict[str, list[int]] = {}
        for number, quote in enumerate(corpus.quotes):
            by_speaker.setdefault(quote.speaker, []).append(number)
        set_(self, "quotes_by_speaker", {s: tuple(n) for s, n in by_speaker.items()})
        parts = {q.part_of for q in corpus.quotes if q.part_of}
        set_(self, "wholes", {q.id: n for n, q in enumerate(corpus.quotes) if q.id in parts})
        by_date = sorted(range(len(corpus.quotes)), key=lambda n: corpus.quotes[n].said_on)
        places = [0] * len(by_date)
        for place, number in enumerate(by_date):
            places[number] = place
        set_(self, "quote_dates", tuple(places))
        dispatches = tuple(sorted({a.date for a in corpus.articles}))
        set_(self, "dispatches", dispatches)
        set_(self, "years", _years(corpus))

    def _quote_document(self, quote: Quote, around: str) -> str:
        """What a quote is searched by: its words, their translation, where it was said, the
        sentence around it in the article (`around`) and the English of what the dossier
        says it is about (`Les armes entièrement autonomes`: fully autonomous weapons)."""
        about = quote.context.translation if quote.context is not None else ""
        return f"{quote.text} {quote.translation} {_once(quote.where)} {around} {about}"

    def _event_document(self, event: Event) -> str:
        evidence = " ".join(e.sentence for e in event.evidence)
        names = " ".join((*event.tags, *event.translations, *event.search_terms))
        return f"{event.summary.en} {event.summary.fr} {names} {evidence}"
