"""Reply items for the dossier's records, shared by the commands and the digest that show them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core import Context
from bot.corpus.model import Event, Position, Quote
from bot.i18n import format_date
from bot.reply import Field, Item


def source_label(ctx: Context, article_id: str) -> str:
    source = ctx.source(article_id)
    return f"{source.credit}, {source.date}: {source.title}"


def quote_item(ctx: Context, quote: Quote) -> Item:
    corpus = ctx.dossier.corpus
    speaker = corpus.actor_by_id[quote.speaker]
    said = format_date(quote.said_on, quote.precision, ctx.locale)
    return Item(
        title=f"{speaker.name}, {said}",
        quote=quote.text,
        translation=quote.translation,
        fields=(
            Field(name=ctx.t("field.speaker"), value=speaker.name),
            Field(name=ctx.t("field.said"), value=said),
            Field(name=ctx.t("field.where"), value=quote.where.get(ctx.locale)),
            Field(
                name=ctx.t("field.source"),
                value="\n".join(source_label(ctx, a) for a in quote.articles),
                inline=False,
            ),
        ),
        sources=tuple(ctx.source(a) for a in quote.articles),
        ref=f"quote:{quote.id}",
    )


def event_when(ctx: Context, event: Event) -> str:
    when = format_date(event.date, event.precision, ctx.locale, event.qualifier)
    return f"{when}, {event.time}" if event.time else when


def event_item(ctx: Context, event: Event, notes: Mapping[str, int]) -> Item:
    """An event as one line: when, what, and the numbers of the notes citing its articles
    (`notes`: article id -> its number among the reply's sources)."""
    articles = tuple(dict.fromkeys(event.articles))
    return Item(
        title=event_when(ctx, event),
        body=event.summary.get(ctx.locale),
        sources=tuple(ctx.source(a) for a in articles),
        ref=f"event:{event.id}",
        notes=tuple(sorted(notes[a] for a in articles if a in notes)),
    )


def position_item(ctx: Context, position: Position, *, title: str) -> Item:
    corpus = ctx.dossier.corpus
    quotes = [corpus.quote_by_id[q] for q in position.quotes]
    articles = [a for q in quotes for a in q.articles] + [e.article for e in position.evidence]
    first = quotes[0] if quotes else None
    fields = [Field(name=ctx.t("field.stance"), value=ctx.t(f"stance.{position.stance}"))]
    if first:
        speaker = corpus.actor_by_id[first.speaker].name
        said = format_date(first.said_on, first.precision, ctx.locale)
        fields.append(Field(name=ctx.t("field.speaker"), value=f"{speaker}, {said}"))
    fields.append(
        Field(
            name=ctx.t("field.source"),
            value="\n".join(source_label(ctx, a) for a in dict.fromkeys(articles)),
            inline=False,
        )
    )
    return Item(
        title=title,
        body=position.summary.get(ctx.locale),
        quote=first.text
        if first
        else (position.evidence[0].sentence if position.evidence else None),
        translation=first.translation if first else None,
        fields=tuple(fields),
        sources=tuple(ctx.source(a) for a in dict.fromkeys(articles)),
        ref=f"position:{position.actor}/{position.issue}",
    )
