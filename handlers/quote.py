"""/quote: who said what, verbatim, with a fuzzily resolved speaker and ranked keywords."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from bot.core import Args, Command, Context, Option, empty, paginate
from bot.corpus.model import Quote
from bot.i18n import every_language
from bot.items import quote_item
from bot.matching.folding import words
from bot.reply import Item, Reply


class _QuoteItems(Sequence[Item]):
    """The ranked quotes as reply items, each built only when its page is shown."""

    def __init__(self, ctx: Context, quotes: list[Quote]) -> None:
        self._ctx = ctx
        self._quotes = quotes

    def __len__(self) -> int:
        return len(self._quotes)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        if isinstance(index, slice):
            return [quote_item(self._ctx, q) for q in self._quotes[index]]
        return quote_item(self._ctx, self._quotes[index])


def quote(ctx: Context, args: Args) -> Reply:
    dossier = ctx.dossier
    quotes = dossier.corpus.quotes
    typed = words(args.text)
    span = dossier.speakers.find(typed, keywords=dossier.quote_text)
    speaker = dossier.corpus.actor_by_id[span.match.target] if span else None
    keywords = typed[: span.start] + typed[span.end :] if span else typed
    candidates: Sequence[int] = (
        dossier.quotes_by_speaker.get(speaker.id, ()) if speaker else range(len(quotes))
    )
    ranked: list[Quote]
    lead = ""
    if keywords:
        within = set(candidates) if speaker else None  # None: every quote, without a set
        docs = dossier.quote_text.rank(" ".join(keywords), within=within)
        ranked = [quotes[d] for d in docs]
        if speaker is not None:
            if not ranked:
                lead = ctx.t(
                    "quote.empty_speaker",
                    speaker=speaker.name,
                    query=ctx.t("any_word", query=" ".join(keywords)),
                )
            hit_docs = set(docs)
            ranked += [quotes[n] for n in candidates if n not in hit_docs]
    else:
        ranked = [quotes[n] for n in candidates]
        ranked.sort(key=lambda q: q.said_on)
    title = ctx.t("quote.title_speaker", speaker=speaker.name) if speaker else ctx.t("quote.title")
    if not ranked:
        suggestions = [f"/quote {m.label}" for m in dossier.speakers.suggest(args.text, limit=2)]
        suggestions += [
            f"/quote {w}" for k in keywords for w in dossier.quote_text.suggest_words(k, limit=2)
        ]
        return empty(
            ctx,
            command="quote",
            title=title,
            text=ctx.t("quote.empty", query=ctx.t("any_word", query=args.text)),
            suggestions=list(dict.fromkeys(suggestions))[:3],
        )
    return paginate(
        ctx,
        command="quote",
        args=args,
        items=_QuoteItems(ctx, ranked),
        title=title,
        text=lead,
    )


COMMAND = Command(
    name="quote",
    summary=every_language("summary.quote"),
    usage="/quote [speaker] [keywords] [page N]",
    examples=(
        "/quote trump",
        "/quote trump woke",
        "/quote amodei surveillance",
        "/quote pentagone",
    ),
    options=(
        Option(
            name="speaker", description="Who said it (Trump, Hegseth, Amodei...)", kind="speaker"
        ),
        Option(name="keywords", description="Words the quote should contain"),
        Option(name="page", description="Page number", kind="page"),
    ),
    run=quote,
)
