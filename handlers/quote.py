"""/quote: who said what, verbatim: speakers resolved forgivingly, then quotes holding each word.

A query names speakers (`trump`, `trump hegseth`, `ministre de la Défense`, or a word only
one actor's names have, `ministre`, `président`) and words. The words filter: when some of
the speaker's quotes hold them all, only those are shown. Without a speaker, the quotes
holding every word are shown, best first. Quotes come in date order, then as the dossier
lists them; a fragment of a longer quote of the same speaker is never listed beside it. An
actor with no quote of its own (the Pentagon) gets the quotes that name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from bot.core import Args, Command, Context, Option, empty, only_little_words, paginate
from bot.corpus.model import Actor, Quote
from bot.i18n import every_language
from bot.items import quote_item
from bot.matching.folding import STOPWORDS, words
from bot.matching.names import Span
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


def quotes_of(ctx: Context, actors: Sequence[Actor]) -> list[int]:
    """The quotes of these speakers (positions in the dossier), by date, fragments left out."""
    dossier = ctx.dossier
    found = {n for a in actors for n in dossier.quotes_by_speaker.get(a.id, ())}
    return sorted(found - dossier.fragments, key=dossier.quote_dates.__getitem__)


def naming(ctx: Context, actor: Actor) -> list[int]:
    """The quotes that name an actor with none of its own (its name or an alias, words as
    written, in the quote or the sentence around it), by date."""
    dossier = ctx.dossier
    found: set[int] = set()
    for name in (actor.name, *actor.aliases):
        found.update(dossier.quote_text.rank(name, every_word=True, slips=False))
    return sorted(found - dossier.fragments, key=dossier.quote_dates.__getitem__)


def _who(ctx: Context, typed: list[str]) -> tuple[list[Actor], list[Span]]:
    """The actors a query names, and the spans of words naming them.

    A later single word is a name only if the quotes of those named before do not hold it:
    in `anthropic responsable` it is a word of Anthropic's quotes, in `trump hegseth` a
    second speaker."""
    dossier = ctx.dossier
    found = dossier.actors.find_all(typed, keywords=dossier.quote_text)
    if not found:  # a word only one actor's names have, if it speaks (`ministre`); never
        part = dossier.actors.find_part(typed)  # a common noun of an organisation's (`armée`)
        found = [part] if part and dossier.quotes_by_speaker.get(part.match.target) else []
    actors: list[Actor] = []
    spans: list[Span] = []
    for span in found:
        actor = dossier.corpus.actor_by_id[span.match.target]
        if actors and span.end - span.start == 1:
            before = set(quotes_of(ctx, actors))
            if before and dossier.quote_text.rank(
                typed[span.start], within=before, every_word=True, slips=False
            ):
                continue
        if actor not in actors:
            actors.append(actor)
        spans.append(span)
    return actors, spans


def _suggestions(ctx: Context, args: Args, keywords: Sequence[str]) -> list[str]:
    """What might have been meant, each checked to find something: a speaker's name close to
    the whole query, or a word corrected in the whole query."""
    dossier = ctx.dossier
    found = [
        f"/quote {m.label}"
        for m in dossier.actors.suggest(args.text, limit=2, score_cutoff=80)
        if dossier.quotes_by_speaker.get(m.target)
    ]
    for word in keywords:
        if dossier.quote_text.corrections(word, slips=False):
            continue  # the word is there; the others are the trouble
        for better in dossier.quote_text.suggest_words(word, limit=2):
            others = " ".join(better if k == word else k for k in keywords)
            if dossier.quote_text.rank(others, every_word=True):
                typed = [better if words(t) == [word] else t for t in args.text.split()]
                found.append(f"/quote {' '.join(typed)}")
    return list(dict.fromkeys(found))[:3]


def quote(ctx: Context, args: Args) -> Reply:
    dossier = ctx.dossier
    quotes = dossier.corpus.quotes
    typed = words(args.text)
    nothing = ctx.t("quote.empty", query=ctx.t("any_word", query=args.text))
    if args.text and not typed:  # only signs (an emoji): no quote holds them
        return empty(ctx, command="quote", title=ctx.t("quote.title"), text=nothing, suggestions=[])
    only_little_words(ctx, typed, args.text)
    actors, spans = _who(ctx, typed)
    taken = {n for s in spans for n in range(s.start, s.end)}
    keywords = [w for n, w in enumerate(typed) if n not in taken and w not in STOPWORDS]
    keywords = list(dict.fromkeys(keywords))
    speakers = [a for a in actors if dossier.quotes_by_speaker.get(a.id)]
    silent = [a for a in actors if a not in speakers]
    lead = ""
    title = ctx.t("quote.title")
    candidates: list[int] | None = None  # None: every quote
    if speakers:
        names = ", ".join(a.name for a in speakers)
        title = ctx.t("quote.title_speaker", speaker=names)
        candidates = quotes_of(ctx, speakers)
        keywords += [w for a in silent for w in words(a.name) if w not in keywords]
    elif silent:
        actor = silent[0]
        title = ctx.t("quote.title_naming", actor=actor.name)
        candidates = naming(ctx, actor)
        lead = ctx.t("quote.no_own_quote", actor=actor.name)
        if not candidates:
            return empty(
                ctx,
                command="quote",
                title=title,
                text=ctx.t("quote.nobody_names", actor=actor.name),
                suggestions=[],
            )
    ranked: list[int]
    if keywords:
        query = " ".join(keywords)
        within = set(candidates) if candidates is not None else None
        ranked = dossier.quote_text.rank(
            query, within=within, every_word=True, order=dossier.quote_dates
        )
        ranked = [n for n in ranked if n not in dossier.fragments]
        if not ranked and candidates is not None:
            # None holds every word: the speaker's quotes, those holding some of them first.
            who = ", ".join(a.name for a in speakers or silent)
            lead = ctx.t("quote.empty_speaker", speaker=who, query=ctx.t("any_word", query=query))
            pool = set(candidates)
            some = dossier.quote_text.rank(query, within=pool, order=dossier.quote_dates)
            ranked = list(dict.fromkeys([*(n for n in some if n in pool), *candidates]))
    else:
        ranked = candidates if candidates is not None else quotes_of(ctx, dossier.corpus.actors)
    if not ranked:
        return empty(
            ctx,
            command="quote",
            title=title,
            text=nothing,
            suggestions=_suggestions(ctx, args, keywords),
        )
    return paginate(
        ctx,
        command="quote",
        args=args,
        items=_QuoteItems(ctx, [quotes[n] for n in ranked]),
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
        "/quote ministre de la Défense",
        "/quote pentagone",
    ),
    words=("citation", "citations", "citer", "quotes", "cite"),
    options=(
        Option(
            name="speaker", description="Who said it (Trump, Hegseth, Amodei...)", kind="speaker"
        ),
        Option(name="keywords", description="Words the quote should contain"),
        Option(name="page", description="Page number", kind="page"),
    ),
    run=quote,
)
