"""/digest: today's digest of the dispute; the scheduler posts the same composition."""

from __future__ import annotations

import datetime as dt

from bot.core import Args, Command, Context
from bot.corpus.model import Corpus, Precision, Quote
from bot.dates import span_of
from bot.i18n import format_day
from bot.reply import Field, Item, Reply, ReplyKind
from handlers.items import event_when, quote_item


def quote_for_day(corpus: Corpus, day: dt.date) -> Quote:
    """The preview's quote of the day: a stable rotation through every quote."""
    return corpus.quotes[day.toordinal() % len(corpus.quotes)]


def _key_dates(ctx: Context) -> list[str]:
    lines = []
    for event in ctx.dossier.corpus.events:
        if not (event.decisive or event.deadline):
            continue
        start, end = span_of(event.date, event.precision)
        what, when = event.summary.get(ctx.locale), event_when(ctx, event)
        if event.deadline and start > ctx.today:
            lines.append(
                ctx.t("digest.in_days", days=(start - ctx.today).days, what=what, date=when)
            )
        elif start <= ctx.today <= end and event.precision is Precision.DAY:
            lines.append(ctx.t("digest.today", what=what))
        elif event.deadline:
            lines.append(ctx.t("digest.passed", days=(ctx.today - end).days, what=what, date=when))
        else:
            days = (ctx.today - end).days
            key = "digest.day_since" if days == 1 else "digest.days_since"
            lines.append(ctx.t(key, days=days, what=what, date=when))
    return lines


def compose_digest(ctx: Context, *, since: dt.date | None, quote: Quote | None) -> Reply:
    """The digest for `ctx.today`: what is new since `since`, the standings, key dates, a quote."""
    corpus = ctx.dossier.corpus
    items: list[Item] = []
    if since is None:
        new_events, new_quotes, new_articles = corpus.events, corpus.quotes, corpus.articles
        heading = ctx.t("digest.new_all")
    else:
        new_events = tuple(e for e in corpus.events if e.added > since)
        new_quotes = tuple(q for q in corpus.quotes if q.added > since)
        new_articles = tuple(a for a in corpus.articles if a.added > since)
        heading = ctx.t("digest.new", date=format_day(since, ctx.locale))
    if new_events or new_quotes or new_articles:
        lines = [f"• {a.title} ({a.credit}, {a.date.isoformat()})" for a in new_articles]
        lines += [f"• {event_when(ctx, e)}: {e.summary.get(ctx.locale)}" for e in new_events[-5:]]
        if new_quotes:
            lines.append(
                f"• {len(new_quotes)} " + ("quotes" if ctx.locale == "en" else "citations")
            )
        items.append(Item(title=heading, body="\n".join(lines)))
    else:
        text = ctx.t("digest.nothing_new", date=format_day(since or ctx.today, ctx.locale))
        items.append(Item(title=heading, body=text))
    standing = [
        Field(name=a.name, value=a.standing.get(ctx.locale), inline=False)
        for a in corpus.actors
        if a.main and a.standing
    ]
    items.append(Item(title=ctx.t("digest.standing"), fields=tuple(standing)))
    items.append(
        Item(title=ctx.t("digest.key_dates"), body="\n".join(f"• {k}" for k in _key_dates(ctx)))
    )
    if quote is not None:
        shown = quote_item(ctx, quote)
        items.append(
            Item(
                title=f"{ctx.t('digest.quote_of_day')}: {shown.title}",
                quote=shown.quote,
                translation=shown.translation,
                fields=shown.fields,
                sources=shown.sources,
            )
        )
    sources = tuple(ctx.source(a.id) for a in corpus.articles)
    return Reply(
        command="digest",
        kind=ReplyKind.OK,
        title=ctx.t("digest.title", date=format_day(ctx.today, ctx.locale)),
        text=corpus.title.get(ctx.locale),
        items=tuple(items),
        sources=sources,
        locale=ctx.locale,
    )


def digest(ctx: Context, args: Args) -> Reply:
    since = ctx.today - dt.timedelta(days=1)
    return compose_digest(ctx, since=since, quote=quote_for_day(ctx.dossier.corpus, ctx.today))


COMMAND = Command(
    name="digest",
    summary={
        "en": "A preview of today's digest of the dispute.",
        "fr": "Un aperçu du résumé du jour.",
    },
    usage="/digest",
    examples=("/digest",),
    run=digest,
)
