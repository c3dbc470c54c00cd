"""The dossier's provenance rules: nothing it states may go beyond its articles' words.

Run by the loader once every record reads well, so `corpus check` and start-up apply them
alike, each problem as `file:line: message`. Mechanical rules only (see docs/dossier.md):

- a date names the words it was read from, and reading them again gives the same date;
  a length ("six mois") is a `period`, never a dated event;
- an alias occurs in an article, or is declared as the English form of an article's words;
- a tag occurs in its event's evidence; a role's phrase in an article;
- a stance cites a quote, its paragraph or a sentence that names its issue;
- a position's quotes are the actor's own or those of someone who speaks for it;
- narration a position shows has an English translation;
- a quote inside another of the same speaker declares `part_of`;
- same-day events carry an explicit order.

Drafts are left to the review that accepts them. The articles are folded lazily and only
those a record links to are searched first, so a 100,000-quote dossier pays for what it
checks, not for every article times every name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, pairwise
from typing import Any, Generic, TypeVar

from msgspec import Struct, field

from bot.corpus.model import (
    Actor,
    Article,
    Basis,
    Event,
    EvidenceKind,
    Issue,
    Position,
    Precision,
    Quote,
    When,
)
from bot.corpus.verbatim import fold_for_verbatim
from bot.date_rules import DateMatch, add_months, find_dates, iso_at, read_duration
from bot.matching.folding import fold
from bot.record import Record

T = TypeVar("T")


class Spot(Struct, frozen=True):
    """Where a record stands: its file, its first line, and the line of each of its keys."""

    file: str
    line: int
    lines: Any  # the record's LinedMapping (line_of), kept rather than copied

    def at(self, key: str | None = None) -> str:
        line = self.lines.line_of(key, self.line) if key else self.line
        return f"{self.file}:{line}"


class Located(Record, Generic[T], frozen=True, kw_only=True):
    """A built record with what the rules need that the model does not keep."""

    record: T
    spot: Spot
    draft: bool = False
    translations: tuple[tuple[str, str], ...] = ()  # (English form, the article's words)
    phrase: str | None = None  # an actor's role as the article words it


class _Articles(Struct):
    """The articles' texts, folded on first use."""

    by_id: dict[str, Article]
    _words: dict[str, str] = field(default_factory=dict)
    _paragraphs: dict[str, list[str]] = field(default_factory=dict)

    def words(self, article_id: str) -> str:
        """Folded words of the article, space-framed for word-bounded search."""
        found = self._words.get(article_id)
        if found is None:
            found = self._words[article_id] = f" {fold(self.by_id[article_id].body)} "
        return found

    def occurs(self, phrase: str, first: Iterable[str] = ()) -> bool:
        """Whether `phrase` (folded, whole words) is in the articles `first`, else any."""
        folded = f" {fold(phrase)} "
        if folded == "  ":
            return False
        tried = set()
        for article_id in chain(first, self.by_id):
            if article_id in tried or article_id not in self.by_id:
                continue
            tried.add(article_id)
            if folded in self.words(article_id):
                return True
        return False

    def paragraphs(self, article_id: str) -> list[str]:
        """The article's paragraphs (one per line), folded for verbatim comparison."""
        found = self._paragraphs.get(article_id)
        if found is None:
            lines = self.by_id[article_id].body.splitlines()
            found = self._paragraphs[article_id] = [
                fold_for_verbatim(line) for line in lines if line.strip()
            ]
        return found

    def around(self, text: str, article_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(article id, paragraph) for each paragraph that holds `text` verbatim."""
        folded = fold_for_verbatim(text)
        return [
            (article_id, paragraph)
            for article_id in article_ids
            if article_id in self.by_id
            for paragraph in self.paragraphs(article_id)
            if folded in paragraph
        ]


def _has_term(terms: Sequence[str], texts: Iterable[str]) -> bool:
    folded_terms = [f" {t} " for t in map(fold, terms) if t]
    return any(term in f" {fold(text)} " for text in texts for term in folded_terms)


def check_rules(
    *,
    articles: dict[str, Article],
    actors: Sequence[Located[Actor]],
    issues: Sequence[Located[Issue]],
    quotes: Sequence[Located[Quote]],
    events: Sequence[Located[Event]],
    positions: Sequence[Located[Position]],
) -> list[str]:
    """Every breach of the rules, as `file:line: message`, in dossier order per rule."""
    texts = _Articles(articles)
    quote_of = {q.record.id: q.record for q in quotes}
    event_of = {e.record.id: e.record for e in events}
    actor_of = {a.record.id: a.record for a in actors}
    problems: list[str] = []
    problems += _names(texts, actors, issues, quotes, events, positions)
    problems += _roles(texts, actors, actor_of)
    problems += _tags(events)
    problems += _dates(texts, quotes, events, quote_of, event_of)
    problems += _periods(events)
    problems += _fragments(quotes, quote_of)
    problems += _same_day_order(events)
    problems += _positions(texts, positions, quote_of, actor_of, {i.record.id: i for i in issues})
    return problems


def _names(
    texts: _Articles,
    actors: Sequence[Located[Actor]],
    issues: Sequence[Located[Issue]],
    quotes: Sequence[Located[Quote]],
    events: Sequence[Located[Event]],
    positions: Sequence[Located[Position]],
) -> Iterator[str]:
    """An alias is the articles' word: it occurs in one (those citing the record first)."""
    linked: dict[str, list[str]] = defaultdict(list)
    for q in quotes:
        linked[q.record.speaker] += q.record.articles
        for issue in q.record.issues:
            linked[f"issue:{issue}"] += q.record.articles
    for e in events:
        for ident in (*e.record.actors, *e.record.mentions):
            linked[ident] += e.record.articles
    for p in positions:
        cited = [e.article for e in p.record.evidence]
        linked[p.record.actor] += cited
        linked[f"issue:{p.record.issue}"] += cited
    entries: list[tuple[str, Located[Any], tuple[str, ...], str]] = [
        (f"actor {a.record.id!r}", a, a.record.aliases, a.record.id) for a in actors
    ]
    entries += [
        (f"issue {i.record.id!r}", i, i.record.aliases, f"issue:{i.record.id}") for i in issues
    ]
    for what, located, aliases, key in entries:
        if located.draft:
            continue
        first = dict.fromkeys(linked.get(key, ()))
        for alias in aliases:
            if not texts.occurs(alias, first):
                yield (
                    f"{located.spot.at('aliases')}: {what}: alias {alias!r} occurs in no "
                    f"article: declare it as the English form of the article's words "
                    f"(translations: {{{alias}: <their words>}}) or as a search term"
                )
        for english, words in located.translations:
            if not texts.occurs(words, first):
                yield (
                    f"{located.spot.at('translations')}: {what}: {english!r} translates "
                    f"{words!r}, which occurs in no article"
                )


def _roles(
    texts: _Articles, actors: Sequence[Located[Actor]], actor_of: dict[str, Actor]
) -> Iterator[str]:
    for located in actors:
        actor = located.record
        if located.phrase and not any(
            fold_for_verbatim(located.phrase) in fold_for_verbatim(a.body)
            for a in texts.by_id.values()
        ):
            yield (
                f"{located.spot.at('role')}: actor {actor.id!r}: role phrase "
                f"{located.phrase!r} is not verbatim in any article"
            )
        if actor.speaks_for is not None and (
            actor.speaks_for.actor not in actor_of or actor.speaks_for.actor == actor.id
        ):
            yield (
                f"{located.spot.at('speaks_for')}: actor {actor.id!r}: speaks for "
                f"{actor.speaks_for.actor!r}, which is no other actor"
            )


def _tags(events: Sequence[Located[Event]]) -> Iterator[str]:
    """Tags are the evidence's words; English forms are declared as translations of them."""
    for located in events:
        if located.draft:
            continue
        event = located.record
        evidence = [e.sentence for e in event.evidence]
        for tag in event.tags:
            if not _has_term([tag], evidence):
                yield (
                    f"{located.spot.at('tags')}: event {event.id!r}: tag {tag!r} is not in "
                    "its evidence: cite the sentence that has it, declare it as a translation "
                    "or make it a search term"
                )
        for english, words in located.translations:
            if not _has_term([words], evidence):
                yield (
                    f"{located.spot.at('translations')}: event {event.id!r}: {english!r} "
                    f"translates {words!r}, which is not in its evidence"
                )


def _dates(
    texts: _Articles,
    quotes: Sequence[Located[Quote]],
    events: Sequence[Located[Event]],
    quote_of: dict[str, Quote],
    event_of: dict[str, Event],
) -> Iterator[str]:
    """Each date is read again from its phrase, as the dossier says it was, and must agree."""

    def when_of(ident: str) -> When | None:
        record = event_of.get(ident) or quote_of.get(ident)
        return record.when if record is not None else None

    def sentences_of(ident: str) -> list[tuple[str, str]]:
        """(article id, sentence) a record rests on: its evidence, or its quote's paragraphs."""
        if ident in event_of:
            return [(e.article, fold_for_verbatim(e.sentence)) for e in event_of[ident].evidence]
        if ident in quote_of:
            quote = quote_of[ident]
            return texts.around(quote.text, quote.articles)
        return []

    located_records: list[tuple[Located[Any], str, str]] = [
        (q, "said_on", "quote") for q in quotes
    ] + [(e, "date", "event") for e in events]
    for located, key, what in located_records:
        record = located.record
        when: When = record.when
        if located.draft or when.basis is Basis.REPORTED:
            continue
        where = located.spot.at(key)
        name = f"{what} {record.id!r}"
        for ident, role in ((when.via, "via"), (when.anchor, "anchor")):
            if ident is not None and when_of(ident) is None:
                yield f"{where}: {name}: {role} {ident!r} is no quote or event"
        anchor = when_of(when.anchor) if when.anchor else None
        if when.phrase is None:
            shared = when_of(when.via) if when.via else None
            if shared is not None and (shared.date, shared.precision) != (
                when.date,
                when.precision,
            ):
                yield (
                    f"{where}: {name}: dated as {when.via!r}, which is dated "
                    f"{iso_at(shared.date, shared.precision)}, "
                    f"not {iso_at(when.date, when.precision)}"
                )
            continue
        sentences = sentences_of(when.via) if when.via else sentences_of(record.id)
        phrase = fold_for_verbatim(when.phrase)
        holding = [(a, s) for a, s in sentences if phrase in s]
        if not holding:
            whose = f"the sentence of {when.via!r}" if when.via else "its own sentence"
            yield f"{where}: {name}: {when.phrase!r} is not in {whose}"
            continue
        article_id, sentence = holding[0]
        reference = texts.by_id[article_id].date
        start = sentence.find(phrase)
        found = find_dates(
            sentence,
            reference,
            anchor=anchor.date if anchor is not None else None,
            start=start,
            stop=start + len(phrase),
        )
        if not found:
            yield f"{where}: {name}: no date rule reads {when.phrase!r}"
            continue
        yield from _agree(where, name, when, found[0])


def _agree(where: str, name: str, when: When, match: DateMatch) -> Iterator[str]:
    declared = iso_at(when.date, when.precision)
    if match.name != when.rule:
        yield (
            f"{where}: {name}: {when.phrase!r} is read by the rule {match.name!r}, "
            f"not {when.rule!r}"
        )
    elif (match.value, match.precision) != (when.date, when.precision):
        yield f"{where}: {name}: {when.phrase!r} reads {match.iso} ({match.rule}), not {declared}"
    elif match.qualifier != when.qualifier:
        yield (
            f"{where}: {name}: {when.phrase!r} reads the qualifier {match.qualifier!r}, "
            f"not {when.qualifier!r}"
        )
    elif match.inferred != (when.basis is Basis.INFERRED) and when.via is None:
        yield f"{where}: {name}: {when.phrase!r} is {'inferred' if match.inferred else 'stated'}"


def _periods(events: Sequence[Located[Event]]) -> Iterator[str]:
    """A period's end is counted from its own record's date: never a date of its own."""
    for located in events:
        event, period = located.record, located.record.period
        if period is None or located.draft:
            continue
        where, name = located.spot.at("period"), f"event {event.id!r}"
        if not _has_term([period.phrase], [e.sentence for e in event.evidence]):
            yield f"{where}: {name}: period {period.phrase!r} is not in its evidence"
        length = read_duration(period.phrase)
        months = {"month": 1, "year": 12}.get(length[1], 0) * length[0] if length else 0
        if months != period.months:
            yield f"{where}: {name}: {period.phrase!r} is not {period.months} months"
            continue
        counted = add_months(period.start, months).replace(day=1)
        if counted != period.ends:
            yield (
                f"{where}: {name}: {period.phrase!r} from {period.start} ends about "
                f"{counted:%Y-%m}, not {period.ends:%Y-%m}"
            )


def _fragments(quotes: Sequence[Located[Quote]], quote_of: dict[str, Quote]) -> Iterator[str]:
    """The same words twice: a quote inside another of its speaker's declares `part_of`."""
    groups: dict[tuple[str, str], list[Located[Quote]]] = defaultdict(list)
    for located in quotes:
        for article in located.record.articles:
            groups[(located.record.speaker, article)].append(located)
    reported: set[str] = set()
    for located in quotes:
        quote = located.record
        whole = quote_of.get(quote.part_of) if quote.part_of else None
        if quote.part_of and (
            whole is None
            or whole.speaker != quote.speaker
            or f" {fold(quote.text)} " not in f" {fold(whole.text)} "
        ):
            yield (
                f"{located.spot.at('part_of')}: quote {quote.id!r}: not part of "
                f"{quote.part_of!r} (the same speaker's longer quote holding its words)"
            )
    for group in groups.values():
        if len(group) < 2:
            continue
        folded = [(q, f" {fold(q.record.text)} ") for q in group]
        for located, text in folded:
            quote = located.record
            if located.draft or quote.part_of or quote.id in reported:
                continue
            for other, other_text in folded:
                if other is not located and text in other_text and len(text) < len(other_text):
                    reported.add(quote.id)
                    yield (
                        f"{located.spot.at('text')}: quote {quote.id!r}: its words are part "
                        f"of {other.record.id!r}: declare part_of: {other.record.id}"
                    )
                    break


def _same_day_order(events: Sequence[Located[Event]]) -> Iterator[str]:
    """Events of one day keep their real order: an explicit `order`, the same for all."""
    days: dict[dt.date, list[Located[Event]]] = defaultdict(list)
    for located in events:
        event = located.record
        if not located.draft and event.precision is Precision.DAY:
            days[event.date].append(located)
    for day, group in days.items():
        if len(group) < 2:
            continue
        orders = [located.record.order for located in group]
        for located in group:
            event = located.record
            if event.order <= 0 or orders.count(event.order) > 1:
                others = ", ".join(o.record.id for o in group if o is not located)
                yield (
                    f"{located.spot.at('order' if event.order else None)}: event "
                    f"{event.id!r}: {day} is also the day of {others}: give each a "
                    "different 'order' (1, 2, ...), the text's order first"
                )
        timed = sorted((e.record for e in group if e.record.time), key=lambda e: e.order)
        for before, after in pairwise(timed):
            if (before.time or "") > (after.time or ""):
                yield (
                    f"{group[0].spot.file}: events {before.id!r} and {after.id!r}: "
                    "their order contradicts their times"
                )


def _positions(
    texts: _Articles,
    positions: Sequence[Located[Position]],
    quote_of: dict[str, Quote],
    actor_of: dict[str, Actor],
    issue_of: dict[str, Located[Issue]],
) -> Iterator[str]:
    for located in positions:
        position = located.record
        where, name = located.spot, f"position {position.actor}/{position.issue}"
        quoted = [quote_of[q] for q in position.quotes if q in quote_of]
        for quote in quoted:
            speaker = actor_of.get(quote.speaker)
            speaks_for = speaker.speaks_for.actor if speaker and speaker.speaks_for else None
            if quote.speaker != position.actor and speaks_for != position.actor:
                yield (
                    f"{where.at('quotes')}: {name}: {quote.id!r} is by {quote.speaker!r}, "
                    f"who does not speak for {position.actor!r} (speaks_for)"
                )
        for evidence in position.evidence:
            if evidence.kind is EvidenceKind.NARRATION and not evidence.translation:
                yield (
                    f"{where.at('evidence')}: {name}: narration needs its English "
                    f"'translation' (shown as the reporter's words, never as a quote): "
                    f"{evidence.sentence[:60]!r}"
                )
        issue = issue_of.get(position.issue)
        if issue is None:
            continue
        unique: dict[str, str] = {}
        for term in (*issue.record.aliases, issue.record.name.fr):
            unique.setdefault(fold(term), term)
        terms = list(unique.values())
        cited = [e.sentence for e in position.evidence]
        for quote in quoted:
            cited.append(quote.text)
            cited += [p for _, p in texts.around(quote.text, quote.articles)]
            if quote.context is not None:
                cited.append(quote.context.text)
        if not _has_term(terms, cited):
            yield (
                f"{where.at()}: {name}: neither its quotes, their paragraphs nor its evidence "
                f"name the issue ({', '.join(terms)}): cite the sentence that does, or drop "
                "the stance"
            )
