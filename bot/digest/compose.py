"""What a digest says: what is new since the last one, the standings, key dates, a quote.

The scheduler (bot.digest.posting) posts `compose_digest` once per subscribed channel, and
`/digest` shows it as a preview. It reads the dossier through a `DigestIndex` built once per
loaded dossier (records sorted by when they were added, the key-date events, the main
actors), kept with the dossier itself, so a channel's digest costs what it shows, not what
the dossier holds. What is new is read from `News`: the records by the day the state
database says they were first seen (bot.digest.first_seen), the same on every replica; the
index's own `news` (the days the loaded dossier says) stands in where no database answers.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from bot.core import Context
from bot.corpus.model import (
    Actor,
    Article,
    Corpus,
    Event,
    EventKind,
    Precision,
    Quote,
    event_order,
)
from bot.dates import span_of
from bot.dossier import Dossier
from bot.i18n import format_day
from bot.items import actor_name, describe_period, event_when, quote_item
from bot.reply import Field, Item, Reply, ReplyKind, Source


def quote_for_day(corpus: Corpus, day: dt.date) -> Quote:
    """The preview's quote of the day: a stable rotation through every quote."""
    return corpus.quotes[day.toordinal() % len(corpus.quotes)]


class _Added(Protocol):
    @property
    def added(self) -> dt.date: ...


Record = TypeVar("Record", bound=_Added)


class AddedIndex(Generic[Record]):
    """One kind of record by the day it was added: the ones added after a day, in O(new)."""

    __slots__ = ("_dates", "_positions", "_records")

    def __init__(self, records: Sequence[Record], days: Sequence[dt.date] | None = None) -> None:
        """`days`: the day each record was added, in dossier order (default: its `added`)."""
        self._records = records
        added = [r.added for r in records] if days is None else days
        # Dossier positions ordered by day added (a stable sort: dossier order within a day).
        self._positions = sorted(range(len(records)), key=added.__getitem__)
        self._dates = [added[n] for n in self._positions]

    def latest(self) -> dt.date | None:
        return self._dates[-1] if self._dates else None

    def added_after(self, since: dt.date) -> tuple[Record, ...]:
        """The records added after `since`, in dossier order."""
        start = bisect.bisect_right(self._dates, since)
        return tuple(self._records[n] for n in sorted(self._positions[start:]))


def record_ref(kind: str, ident: str) -> str:
    """How the state database names a record of a dossier: "quote:<id>"."""
    return f"{kind}:{ident}"


def record_days(corpus: Corpus) -> dict[str, dt.date]:
    """Every record that can be news, by ref, with the day its dossier says it was added."""
    days: dict[str, dt.date] = {}
    for kind, records in (
        ("event", corpus.events),
        ("quote", corpus.quotes),
        ("article", corpus.articles),
    ):
        for record in records:
            days[record_ref(kind, record.id)] = record.added
    return days


@dataclass(frozen=True, slots=True, kw_only=True)
class News:
    """The records that can be news, each kind by the day it entered the dossier."""

    events: AddedIndex[Event]
    quotes: AddedIndex[Quote]
    articles: AddedIndex[Article]

    @classmethod
    def of(cls, corpus: Corpus, seen: Mapping[str, dt.date] | None = None) -> News:
        """By the days of `seen` (ref -> first seen), else the days the dossier says."""

        def days(kind: str, records: Sequence[_Record]) -> list[dt.date] | None:
            if seen is None:
                return None
            return [seen.get(record_ref(kind, r.id), r.added) for r in records]

        return cls(
            events=AddedIndex(corpus.events, days("event", corpus.events)),
            quotes=AddedIndex(corpus.quotes, days("quote", corpus.quotes)),
            articles=AddedIndex(corpus.articles, days("article", corpus.articles)),
        )

    def has_news(self, since: dt.date) -> bool:
        """Whether anything entered the dossier after `since` (a quiet day otherwise)."""
        latest = [d for d in (i.latest() for i in (self.events, self.quotes, self.articles)) if d]
        return any(day > since for day in latest)


class _Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def added(self) -> dt.date: ...


# Key-date texts kept per (locale, day); older days are dropped past this many.
_KEY_DATES_KEPT = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestIndex:
    """What a digest reads of one dossier, prepared once for every channel's digest.

    The key dates read the same in every channel of a language on a given day, so their
    text is computed once per (locale, day) and shared, as are the `Source`s.
    """

    corpus: Corpus
    news: News  # by the days the loaded dossier says (no database: the console)
    key_events: tuple[Event, ...]  # decisive, deadline or with a period, in dossier order
    key_articles: tuple[str, ...]  # the articles the key events cite, in dossier order
    standing: tuple[Actor, ...]  # main actors with a standing line
    article_rank: dict[str, int]  # article id -> position in the dossier
    key_dates_text: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)  # by article id

    @classmethod
    def of(cls, corpus: Corpus) -> DigestIndex:
        key_events = tuple(e for e in corpus.events if e.decisive or e.deadline or e.period)
        rank = {a.id: n for n, a in enumerate(corpus.articles)}
        cited = {a for e in key_events for a in e.articles if a in rank}
        return cls(
            corpus=corpus,
            news=News.of(corpus),
            key_events=key_events,
            key_articles=tuple(sorted(cited, key=rank.__getitem__)),
            standing=tuple(a for a in corpus.actors if a.main and a.standing),
            article_rank=rank,
        )

    def key_dates(self, ctx: Context) -> str:
        """The key dates' text for `ctx.locale` on `ctx.today`, the same in every channel."""
        key = (ctx.locale, ctx.today)
        text = self.key_dates_text.get(key)
        if text is None:
            text = "\n".join(f"• {k}" for k in _key_dates(ctx, self.key_events))
            if len(self.key_dates_text) >= _KEY_DATES_KEPT:
                self.key_dates_text.clear()
            self.key_dates_text[key] = text
        return text

    def cited_sources(self, ctx: Context, cited: Iterable[str], *, key_dates: bool) -> list[Source]:
        """The sources of `cited` articles (plus the key dates' when shown), in dossier order."""
        extra = set(cited).difference(self.key_articles if key_dates else ())
        ids = list(self.key_articles) if key_dates else []
        if extra:
            ids = self.in_dossier_order([*ids, *extra])
        found = []
        for article in ids:
            source = self.sources.get(article)
            if source is None:
                source = self.sources[article] = ctx.source(article)
            found.append(source)
        return found

    def in_dossier_order(self, article_ids: Iterable[str]) -> list[str]:
        """Article ids without repeats, in the order the dossier lists the articles."""
        rank = self.article_rank
        return sorted({a for a in article_ids if a in rank}, key=rank.__getitem__)


def digest_index(dossier: Dossier) -> DigestIndex:
    """The index of `dossier`, built on its first digest and kept with it."""
    return dossier.derived(_index_of)


def _index_of(dossier: Dossier) -> DigestIndex:
    return DigestIndex.of(dossier.corpus)


def has_news(dossier: Dossier, since: dt.date) -> bool:
    """Whether anything entered the dossier after `since`, by the days it says."""
    return digest_index(dossier).news.has_news(since)


def _key_dates(ctx: Context, key_events: Sequence[Event]) -> list[str]:
    """One line per key date, counted in days only where the text gives the day.

    A count is never negative and never runs to or from a date the text does not give: an
    approximate or month-precision date is shown as such, and a period's end (computed
    from "six mois") has no count at all.
    """
    lines = []
    for event in key_events:
        start, end = span_of(event.date, event.precision)
        what, when = event.summary.get(ctx.locale), event_when(ctx, event)
        if event.period is not None:
            lines.append(
                ctx.t("digest.period", what=what, date=when, end=describe_period(ctx, event.period))
            )
        elif event.precision is not Precision.DAY or event.qualifier:
            lines.append(ctx.t("digest.dated", what=what, date=when))
        elif start > ctx.today:
            lines.append(ctx.t("digest.in_days", n=(start - ctx.today).days, what=what, date=when))
        elif start <= ctx.today <= end:
            lines.append(ctx.t("digest.today", what=what))
        elif event.deadline:
            lines.append(ctx.t("digest.passed", n=(ctx.today - end).days, what=what, date=when))
        else:
            days = (ctx.today - end).days
            lines.append(ctx.t("digest.days_since", n=days, what=what, date=when))
    return lines


# "New since" lists at most this many events; the rest are counted, for /timeline.
NEW_EVENTS_SHOWN = 8


def _by_importance(events: Iterable[Event]) -> list[Event]:
    """What entered the dossier, most important first: decisive events, then the others,
    then photo captions and background; each group in the dossier's (date) order."""
    rank = {EventKind.EVENT: 1, EventKind.BACKGROUND: 2, EventKind.CAPTION: 2}
    return sorted(events, key=lambda e: (0 if e.decisive else rank[e.kind], event_order(e)))


def compose_digest(
    ctx: Context,
    *,
    since: dt.date | None,
    quote: Quote | None,
    short: bool = False,
    news: News | None = None,
) -> Reply:
    """The digest for `ctx.today`: what is new since `since`, the standings, key dates, a quote.

    `short` (a quiet day, with `digest_quiet_days: short`) keeps the "nothing new" line and
    the quote of the day only. `news`: the records by the day they were first seen (the
    state database's, bot.digest.first_seen); None: by the days the dossier says.
    """
    corpus = ctx.dossier.corpus
    index = digest_index(ctx.dossier)
    news = news if news is not None else index.news
    items: list[Item] = []
    if since is None:
        new_events, new_quotes, new_articles = corpus.events, corpus.quotes, corpus.articles
        heading = ctx.t("digest.new_all")
    else:
        new_events = news.events.added_after(since)
        new_quotes = news.quotes.added_after(since)
        new_articles = news.articles.added_after(since)
        heading = ctx.t("digest.new", date=format_day(since, ctx.locale))
    ranked = _by_importance(new_events)
    shown_events = ranked[:NEW_EVENTS_SHOWN]
    if new_events or new_quotes or new_articles:
        lines = [f"• {event_when(ctx, e)}: {e.summary.get(ctx.locale)}" for e in shown_events]
        if len(ranked) > len(shown_events):
            lines.append(f"• {ctx.t('digest.more_events', n=len(ranked) - len(shown_events))}")
        if new_quotes:
            lines.append(f"• {ctx.t('count.quotes', n=len(new_quotes))}")
        lines += [f"• {a.title} ({a.credit}, {a.date.isoformat()})" for a in new_articles]
        refs = tuple(f"event:{e.id}" for e in shown_events)
        items.append(Item(title=heading, body="\n".join(lines), refs=refs))
    else:
        text = ctx.t("digest.nothing_new", date=format_day(since or ctx.today, ctx.locale))
        items.append(Item(title=heading, body=text))
    if not short:
        standing = [
            Field(
                name=actor_name(ctx, a, start=True), value=a.standing.get(ctx.locale), inline=False
            )
            for a in index.standing
            if a.standing
        ]
        items.append(Item(title=ctx.t("digest.standing"), fields=tuple(standing)))
        items.append(Item(title=ctx.t("digest.key_dates"), body=index.key_dates(ctx)))
    if quote is not None:
        shown = quote_item(ctx, quote)
        items.append(
            Item(
                title=ctx.t("label", name=ctx.t("digest.quote_of_day"), value=shown.title),
                quote=shown.quote,
                translation=shown.translation,
                fields=shown.fields,
                sources=shown.sources,
                refs=shown.refs,
            )
        )
    # The sources of what the digest shows: new articles, the events and key dates listed, the
    # quote of the day (the whole dossier's articles would grow with it, unread).
    cited = list(quote.articles) if quote else []
    if not short:
        cited += [a.id for a in new_articles]
        cited += [a for e in shown_events for a in e.articles]
    sources = tuple(index.cited_sources(ctx, cited, key_dates=not short))
    return Reply(
        command="digest",
        kind=ReplyKind.OK,
        title=ctx.t("digest.title", date=format_day(ctx.today, ctx.locale)),
        text=corpus.title.get(ctx.locale),
        items=tuple(items),
        sources=sources,
        locale=ctx.locale,
    )
