"""/quote: who said what, verbatim, with a fuzzily resolved speaker and ranked keywords."""

from __future__ import annotations

from bot.core import Args, Command, Context, Option, empty, paginate
from bot.corpus.model import Quote
from bot.matching import words
from bot.reply import Reply
from handlers.items import quote_item


def quote(ctx: Context, args: Args) -> Reply:
    dossier = ctx.dossier
    quotes = dossier.corpus.quotes
    typed = words(args.text)
    span = dossier.speakers.find(typed)
    speaker = dossier.corpus.actor_by_id[span.match.target] if span else None
    keywords = typed[: span.start] + typed[span.end :] if span else typed
    candidates = [n for n, q in enumerate(quotes) if speaker is None or q.speaker == speaker.id]
    ranked: list[Quote]
    lead = ""
    if keywords:
        hits = dossier.quote_text.search(" ".join(keywords), within=set(candidates))
        ranked = [quotes[h.doc] for h in hits]
        if speaker is not None:
            if not ranked:
                lead = ctx.t(
                    "quote.empty_speaker",
                    speaker=speaker.name,
                    query=ctx.t("any_word", query=" ".join(keywords)),
                )
            hit_docs = {h.doc for h in hits}
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
        items=[quote_item(ctx, q) for q in ranked],
        title=title,
        text=lead,
    )


COMMAND = Command(
    name="quote",
    summary={
        "en": "Who said what: verbatim quotes with translation and source.",
        "fr": "Qui a dit quoi : citations exactes, traduites et sourcées.",
    },
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
