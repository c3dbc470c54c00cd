"""/digest: a preview of today's digest, and a channel's subscription to the daily one.

`compose_digest` is also what the scheduler (bot.digest) posts, once per subscribed channel:
it reads the dossier through a `DigestIndex` built once per dossier (records sorted by when
they were added, the key-date events, the main actors), so a channel's digest costs what it
shows, not what the dossier holds. The subcommands (subscribe, unsubscribe, status, now,
resume) reach the digest's state through `Context.digest`; the database opens only when one
of them runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from bot.core import Args, Command, Context, Option
from bot.corpus.loader import event_order
from bot.corpus.model import Actor, Article, Corpus, Event, EventKind, Precision, Quote
from bot.dates import span_of
from bot.digest.hub import DigestHub
from bot.digest.records import Delivery, Subscription
from bot.digest.when import (
    Schedule,
    default_schedule,
    read_subscribe_words,
    suggest_time_zones,
)
from bot.errors import DatabaseUnavailable, UsageError
from bot.i18n import every_language, format_day, format_weekdays, format_when
from bot.matching import best_command, fold
from bot.reply import Field, Item, Reply, ReplyKind, Source
from bot.schedule_words import PLATFORMS, ScheduleError
from handlers.items import actor_name, describe_period, event_when, quote_item

log = logging.getLogger("dispute_bot.digest")


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

    def __init__(self, records: Sequence[Record]) -> None:
        self._records = records
        # Dossier positions ordered by day added (a stable sort: dossier order within a day).
        self._positions = sorted(range(len(records)), key=lambda n: records[n].added)
        self._dates = [records[n].added for n in self._positions]

    def latest(self) -> dt.date | None:
        return self._dates[-1] if self._dates else None

    def added_after(self, since: dt.date) -> tuple[Record, ...]:
        """The records added after `since`, in dossier order."""
        start = bisect.bisect_right(self._dates, since)
        return tuple(self._records[n] for n in sorted(self._positions[start:]))


# Key-date texts kept per (locale, day); older days are dropped past this many.
_KEY_DATES_KEPT = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestIndex:
    """What a digest reads of one dossier, prepared once for every channel's digest.

    The key dates read the same in every channel of a language on a given day, so their
    text is computed once per (locale, day) and shared, as are the `Source`s.
    """

    corpus: Corpus
    events: AddedIndex[Event]
    quotes: AddedIndex[Quote]
    articles: AddedIndex[Article]
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
            events=AddedIndex(corpus.events),
            quotes=AddedIndex(corpus.quotes),
            articles=AddedIndex(corpus.articles),
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

    def has_news(self, since: dt.date) -> bool:
        latest = [d for d in (i.latest() for i in (self.events, self.quotes, self.articles)) if d]
        return any(day > since for day in latest)

    def in_dossier_order(self, article_ids: Iterable[str]) -> list[str]:
        """Article ids without repeats, in the order the dossier lists the articles."""
        rank = self.article_rank
        return sorted({a for a in article_ids if a in rank}, key=rank.__getitem__)


_last: DigestIndex | None = None  # the index of the dossier digested last
_building = threading.Lock()


def digest_index(corpus: Corpus) -> DigestIndex:
    """The index of `corpus`, built on its first digest (the previous dossier's is dropped)."""
    global _last
    found = _last
    if found is not None and found.corpus is corpus:
        return found
    with _building:
        found = _last
        if found is None or found.corpus is not corpus:
            found = _last = DigestIndex.of(corpus)
    return found


def has_news(corpus: Corpus, since: dt.date) -> bool:
    """Whether anything entered the dossier after `since` (a quiet day otherwise)."""
    return digest_index(corpus).has_news(since)


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
    ctx: Context, *, since: dt.date | None, quote: Quote | None, short: bool = False
) -> Reply:
    """The digest for `ctx.today`: what is new since `since`, the standings, key dates, a quote.

    `short` (a quiet day, with `digest_quiet_days: short`) keeps the "nothing new" line and
    the quote of the day only.
    """
    corpus = ctx.dossier.corpus
    index = digest_index(corpus)
    items: list[Item] = []
    if since is None:
        new_events, new_quotes, new_articles = corpus.events, corpus.quotes, corpus.articles
        heading = ctx.t("digest.new_all")
    else:
        new_events = index.events.added_after(since)
        new_quotes = index.quotes.added_after(since)
        new_articles = index.articles.added_after(since)
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


def preview(ctx: Context) -> Reply:
    """Today's digest as this channel would get it: new since its last digest (yesterday
    where it has had none, or where the state database cannot say)."""
    since = _last_digest_day(ctx) or ctx.today - dt.timedelta(days=1)
    return compose_digest(ctx, since=since, quote=quote_for_day(ctx.dossier.corpus, ctx.today))


def _last_digest_day(ctx: Context) -> dt.date | None:
    """The day of the channel's last digest; None on the console, or when the state
    database is unavailable (the preview never fails for that)."""
    if ctx.platform not in PLATFORMS or not ctx.request.channel or ctx.digest is None:
        return None
    try:
        last = ctx.digest().store.last_post(ctx.platform, ctx.request.channel)
    except DatabaseUnavailable as exc:
        log.info("/digest preview without the channel's last digest: %s", exc)
        return None
    return last.local_date if last else None


# The subcommands, with the French words that mean the same.
ACTIONS = ("subscribe", "unsubscribe", "status", "now", "resume")
_ACTION_WORDS = {
    **{a: a for a in ACTIONS},
    "abonner": "subscribe",
    "sabonner": "subscribe",
    "desabonner": "unsubscribe",
    "statut": "status",
    "etat": "status",
    "maintenant": "now",
    "reprendre": "resume",
}
_CHANGES = ("subscribe", "unsubscribe", "now", "resume")


def digest(ctx: Context, args: Args) -> Reply:
    words = args.words
    if not words:
        return preview(ctx)
    action = _ACTION_WORDS.get(fold(words[0]).replace(" ", ""))
    if action is None:
        guess = best_command(words[0], ACTIONS)
        text = ctx.t("digest.unknown_action", value=words[0])
        if guess:
            text += " " + ctx.t("did_you_mean", options=f"/digest {guess}")
        raise UsageError(text)
    if ctx.platform not in PLATFORMS or not ctx.request.channel or ctx.digest is None:
        raise UsageError(ctx.t("digest.console"))
    if action in _CHANGES and not ctx.request.can_manage:
        raise UsageError(ctx.t(f"digest.not_allowed.{ctx.platform}"))
    hub = ctx.digest()
    try:
        if action == "subscribe":
            return _subscribe(ctx, hub, words[1:])
        if action == "unsubscribe":
            return _unsubscribe(ctx, hub)
        if action == "status":
            return _status(ctx, hub)
        if action == "now":
            return _now(ctx, hub)
        return _resume(ctx, hub)
    except DatabaseUnavailable as exc:  # unreachable, not answering, read-only, full
        log.info("/digest %s: %s", action, exc)
        return _answer(ctx, ctx.t("digest.store_down"), kind=ReplyKind.ERROR)


def _answer(ctx: Context, text: str, *, kind: ReplyKind = ReplyKind.OK) -> Reply:
    return Reply(
        command="digest",
        kind=kind,
        title=ctx.t("digest.status.title"),
        text=text,
        locale=ctx.locale,
    )


def _language(ctx: Context, locale: str) -> str:
    return ctx.t(f"digest.language.{locale}")


def _schedule_values(ctx: Context, schedule: Schedule, locale: str) -> dict[str, str]:
    return {
        "time": schedule.time_text,
        "zone": schedule.zone,
        "days": format_weekdays(schedule.weekdays, ctx.locale),
        "language": _language(ctx, locale),
    }


def _next_text(ctx: Context, hub: DigestHub, schedule: Schedule) -> str:
    upcoming = schedule.next_after(hub.clock())
    return format_when(upcoming.at.astimezone(schedule.tz), schedule.zone, ctx.locale)


def _subscribe(ctx: Context, hub: DigestHub, words: list[str]) -> Reply:
    default = default_schedule(ctx.settings)
    try:
        asked = read_subscribe_words(words, default=default)
    except ScheduleError as exc:
        text = ctx.t(f"digest.{exc.key}", **exc.values)
        if exc.key == "unknown_zone" and (close := suggest_time_zones(exc.values["value"])):
            text += " " + ctx.t("did_you_mean", options=", ".join(close))
        raise UsageError(text) from exc
    platform, channel = ctx.platform, ctx.request.channel
    store = hub.store
    existing = store.subscription(platform, channel)
    if existing is not None and existing.source == "config":
        raise UsageError(ctx.t("digest.config_managed"))
    locale = asked.locale or (existing.locale if existing else ctx.locale)
    store.save_subscription(
        Subscription(
            platform=platform,
            channel=channel,
            schedule=asked.schedule,
            locale=locale,
            source="command",
            changed_by=ctx.request.user,
            effective_from=hub.clock(),
        )
    )
    hub.subscriptions_changed()
    key = "digest.updated" if existing else "digest.subscribed"
    text = ctx.t(key, **_schedule_values(ctx, asked.schedule, locale))
    text += " " + ctx.t("digest.next", when=_next_text(ctx, hub, asked.schedule))
    return _answer(ctx, text)


def _unsubscribe(ctx: Context, hub: DigestHub) -> Reply:
    store = hub.store
    existing = store.subscription(ctx.platform, ctx.request.channel)
    if existing is None:
        return _answer(ctx, ctx.t("digest.not_subscribed"), kind=ReplyKind.EMPTY)
    if existing.source == "config":
        raise UsageError(ctx.t("digest.config_managed"))
    store.remove_subscription(ctx.platform, ctx.request.channel)
    hub.subscriptions_changed()
    return _answer(ctx, ctx.t("digest.unsubscribed"))


def _delivery_text(ctx: Context, row: Delivery) -> str:
    date = format_day(row.local_date, ctx.locale)
    if row.status == "claimed":
        key = "digest.delivery.retrying" if row.error else "digest.delivery.claimed"
        return ctx.t(key, date=date, attempts=row.attempts, error=row.error or "")
    return ctx.t(f"digest.delivery.{row.status}", date=date, error=row.error or "")


def _status(ctx: Context, hub: DigestHub) -> Reply:
    store = hub.store
    sub = store.subscription(ctx.platform, ctx.request.channel)
    if sub is None:
        return _answer(ctx, ctx.t("digest.not_subscribed"), kind=ReplyKind.EMPTY)
    schedule = sub.schedule
    values = _schedule_values(ctx, schedule, sub.locale)
    summary = ctx.t("digest.status.schedule_value", **values)
    fields: list[Field] = []
    if sub.paused:
        since = (sub.paused_at or hub.clock()).astimezone(schedule.tz)
        fields.append(
            Field(
                name=ctx.t("digest.status.paused"),
                value=ctx.t(
                    "digest.status.paused_value",
                    when=format_when(since, schedule.zone, ctx.locale),
                    reason=sub.paused_reason or "",
                ),
                inline=False,
            )
        )
    else:
        fields.append(Field(name=ctx.t("digest.status.next"), value=_next_text(ctx, hub, schedule)))
    last = store.last_post(ctx.platform, ctx.request.channel)
    if last is None:
        last_text = ctx.t("digest.status.last_none")
    else:
        last_text = ctx.t(
            "digest.status.last_value",
            when=format_when(last.posted_at.astimezone(schedule.tz), schedule.zone, ctx.locale),
            message=last.message_id,
        )
    fields.append(Field(name=ctx.t("digest.status.last"), value=last_text))
    row = store.last_delivery(ctx.platform, ctx.request.channel)
    if row is not None:
        fields.append(
            Field(
                name=ctx.t("digest.status.scheduled"),
                value=_delivery_text(ctx, row),
                inline=False,
            )
        )
    if sub.source == "config":
        fields.append(
            Field(
                name=ctx.t("digest.status.managed"),
                value=ctx.t("digest.status.managed_value"),
            )
        )
    return Reply(
        command="digest",
        kind=ReplyKind.OK,
        title=ctx.t("digest.status.title"),
        items=(Item(title=summary, fields=tuple(fields)),),
        locale=ctx.locale,
    )


def _now(ctx: Context, hub: DigestHub) -> Reply:
    service = hub.service
    if service is None:
        return _answer(ctx, ctx.t("digest.no_service"), kind=ReplyKind.ERROR)
    if not service.can_post(ctx.platform):
        return _answer(ctx, ctx.t("digest.no_poster", platform=ctx.platform), kind=ReplyKind.ERROR)
    sub = hub.store.subscription(ctx.platform, ctx.request.channel)
    schedule = sub.schedule if sub else default_schedule(ctx.settings)
    locale = sub.locale if sub else ctx.locale
    day = hub.clock().astimezone(schedule.tz).date()
    service.post_now(platform=ctx.platform, channel=ctx.request.channel, locale=locale, day=day)
    return _answer(ctx, ctx.t("digest.now_posting", date=format_day(day, ctx.locale)))


def _resume(ctx: Context, hub: DigestHub) -> Reply:
    store = hub.store
    sub = store.subscription(ctx.platform, ctx.request.channel)
    if sub is None:
        return _answer(ctx, ctx.t("digest.not_subscribed"), kind=ReplyKind.EMPTY)
    if not store.resume(ctx.platform, ctx.request.channel, now=hub.clock()):
        return _answer(ctx, ctx.t("digest.not_paused"), kind=ReplyKind.EMPTY)
    hub.subscriptions_changed()
    values = _schedule_values(ctx, sub.schedule, sub.locale)
    text = ctx.t("digest.resumed", **values)
    text += " " + ctx.t("digest.next", when=_next_text(ctx, hub, sub.schedule))
    return _answer(ctx, text)


COMMAND = Command(
    name="digest",
    summary=every_language("summary.digest"),
    usage="/digest [subscribe [HH:MM] [time zone] [weekdays] | unsubscribe | status | now "
    "| resume]",
    examples=(
        "/digest",
        "/digest subscribe 08:00 paris",
        "/digest subscribe 7:30 new york mon-fri",
        "/digest status",
        "/digest now",
        "/digest unsubscribe",
    ),
    options=(
        Option(
            name="action",
            description="subscribe, unsubscribe, status, now or resume (none: a preview)",
        ),
        Option(name="time", description="For subscribe: HH:MM, e.g. 08:00"),
        Option(name="timezone", description="For subscribe: a time zone or city, e.g. paris"),
        Option(name="weekdays", description="For subscribe: daily, weekdays, mon-fri..."),
    ),
    run=digest,
)
