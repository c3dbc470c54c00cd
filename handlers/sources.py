"""/sources: the articles the dossier is built from, with date and title."""

from __future__ import annotations

from bot.core import Args, Command, Context, paginate
from bot.i18n import every_language, format_day
from bot.reply import Field, Item, Reply


def sources(ctx: Context, args: Args) -> Reply:
    corpus = ctx.dossier.corpus
    items = []
    for article in corpus.articles:
        quotes = sum(article.id in q.articles for q in corpus.quotes)
        events = sum(article.id in e.articles for e in corpus.events)
        items.append(
            Item(
                title=article.title,
                body=f"{article.credit}, {format_day(article.date, ctx.locale)}",
                fields=(
                    Field(name=ctx.t("field.date"), value=article.date.isoformat()),
                    Field(name=ctx.t("field.quotes"), value=str(quotes)),
                    Field(name=ctx.t("field.events"), value=str(events)),
                ),
                sources=(ctx.source(article.id),),
            )
        )
    return paginate(
        ctx,
        command="sources",
        args=args,
        items=items,
        title=ctx.t("sources.title"),
        text=corpus.title.get(ctx.locale),
    )


COMMAND = Command(
    name="sources",
    summary=every_language("summary.sources"),
    usage="/sources",
    examples=("/sources",),
    run=sources,
)
