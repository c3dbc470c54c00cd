"""A loaded corpus with its search indexes, built once and swapped whole on reload."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, cast

from bot.corpus.bulk import cycles_collected_after
from bot.corpus.model import Actor, Corpus, Event, Issue, Quote
from bot.matching.keywords import TextIndex
from bot.matching.names import NameIndex

T = TypeVar("T")


def _actor_names(actor: Actor) -> list[tuple[str, str]]:
    return [(name, actor.id) for name in actor.names]


def _issue_names(issue: Issue) -> list[tuple[str, str]]:
    return [(name, issue.id) for name in issue.names]


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
        set_(self, "actors", NameIndex(n for a in corpus.actors for n in _actor_names(a)))
        set_(self, "speakers", NameIndex(n for a in corpus.speakers() for n in _actor_names(a)))
        set_(self, "issues", NameIndex(n for i in corpus.issues for n in _issue_names(i)))
        set_(self, "quote_text", TextIndex(self._quote_document(q) for q in corpus.quotes))
        set_(self, "event_text", TextIndex(self._event_document(e) for e in corpus.events))
        by_speaker: dict[str, list[int]] = {}
        for number, quote in enumerate(corpus.quotes):
            by_speaker.setdefault(quote.speaker, []).append(number)
        set_(self, "quotes_by_speaker", {s: tuple(n) for s, n in by_speaker.items()})

    def _quote_document(self, quote: Quote) -> str:
        if quote.context is None:
            return f"{quote.text} {quote.translation}"
        # "Les armes entièrement autonomes \"doivent être déployées…\"": what the quote is
        # about stands in the sentence around it, and a search finds it there.
        context = quote.context
        return f"{quote.text} {quote.translation} {context.text} {context.translation}"

    def _event_document(self, event: Event) -> str:
        evidence = " ".join(e.sentence for e in event.evidence)
        names = " ".join((*event.tags, *event.translations, *event.search_terms))
        return f"{event.summary.en} {event.summary.fr} {names} {evidence}"
