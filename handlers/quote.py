"""/quote: who said what, verbatim: speakers resolved forgivingly, then quotes holding each word.

A query names speakers (`trump`, `trump hegseth`, `ministre de la Défense`, or a word only
one actor's names have, `ministre`, `président`) and words. An organisation answers with
its own words, then those of the people who speak for it. The words filter: when some of
the speaker's quotes hold them all, only those are shown. Without a speaker, the quotes
holding every word are shown, best first. Quotes come in date order, then as the dossier
lists them; a fragment of a longer quote (`part_of`) answers as the quote it is part of,
once. An actor with no quote of its own (the Pentagon) gets the quotes that name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

from bot.core import (
    Args,
    Command,
    Context,
    Option,
    empty,
    only_little_words,
    paginate,
    split_query,
    unheard_of,
)
from bot.corpus.model import Actor, Quote
from bot.i18n import every_language
from bot.items import actor_name, quote_item
from bot.matching.folding import STOPWORDS, fold, words
from bot.matching.keywords import Reach
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


def listed(ctx: Context, numbers: Iterable[int]) -> list[int]:
    """Quotes as they are listed: a fragment answers as the quote it is part of, once."""
    dossier = ctx.dossier
    found: dict[int, None] = {}
    for number in numbers:
        whole = dossier.corpus.quotes[number].part_of
        found.setdefault(dossier.wholes.get(whole, number) if whole else number)
    return list(found)


def _by_date(ctx: Context, numbers: Iterable[int]) -> list[int]:
    """By the day said (or reported), then as the dossier lists them (the article's order)."""
    return sorted(listed(ctx, numbers), key=ctx.dossier.quote_dates.__getitem__)


def quotes_of(ctx: Context, actors: Sequence[Actor]) -> list[int]:
    """The quotes of these speakers (positions in the dossier), each speaker's own by date,
    then those of who speaks for it (an organisation's spokesperson, chief executive)."""
    dossier = ctx.dossier
    found: list[int] = []
    for actor in actors:
        found += _by_date(ctx, dossier.quotes_by_speaker.get(actor.id, ()))
        people = dossier.corpus.spokespeople.get(actor.id, ())
        found += _by_date(ctx, (n for p in people for n in dossier.quotes_by_speaker.get(p, ())))
    return list(dict.fromkeys(found))


def _speaks(ctx: Context, actor: Actor) -> bool:
    """Whether an actor has words of its own, or someone speaking for it, in the dossier."""
    dossier = ctx.dossier
    return bool(
        dossier.quotes_by_speaker.get(actor.id) or dossier.corpus.spokespeople.get(actor.id)
    )


def _quoted(ctx: Context, word: str) -> bool:
    """Whether a quote's own words (or their translation) hold a word, or its plural."""
    if word in STOPWORDS:
        return False
    dossier = ctx.dossier
    holding = dossier.quote_text.rank(word, every_word=True, reach=Reach.FORMS)
    forms = {word, word + "s", word.removesuffix("s")}
    for number in holding[:50]:
        quote = dossier.corpus.quotes[number]
        if forms & set(words(f"{quote.text} {quote.translation}")):
            return True
    return False


def naming(ctx: Context, actor: Actor) -> list[int]:
    """The quotes that name an actor with none of its own (its name or an alias, words as
    written, in the quote or the sentence around it), by date."""
    found: set[int] = set()
    for name in actor.names:
        found.update(ctx.dossier.quote_text.rank(name, every_word=True, reach=Reach.WORDS))
    return _by_date(ctx, found)


def _people(ctx: Context, speaker: Actor) -> str:
    corpus = ctx.dossier.corpus
    people = [corpus.actor_by_id[p] for p in corpus.spokespeople.get(speaker.id, ())]
    return ", ".join(
        f"{actor_name(ctx, p, start=True)} ({p.speaks_for.role.get(ctx.locale)})"
        for p in people
        if p.speaks_for is not None
    )


def _who(ctx: Context, typed: list[str]) -> list[Span]:
    """The spans of words naming the actors a query names.

    A later single word is a name only if the quotes of those named before do not hold it:
    in `anthropic responsable` it is a word of Anthropic's quotes, in `trump hegseth` a
    second speaker."""
    dossier = ctx.dossier
    found = dossier.actors.find_all(typed, keywords=dossier.quote_text)
    if not found:  # a word only one speaker's names have (`président`), unless the quotes
        part = dossier.actors.find_part(typed)  # themselves say it (`nos dirigeants`)
        speaks = part and _speaks(ctx, dossier.corpus.actor_by_id[part.match.target])
        said = part and any(_quoted(ctx, w) for w in typed[part.start : part.end])
        found = [part] if part and speaks and not said else []
    actors: list[Actor] = []
    spans: list[Span] = []
    for span in found:
        actor = dossier.corpus.actor_by_id[span.match.target]
        if actors and span.end - span.start == 1:
            before = set(quotes_of(ctx, actors))
            if before and dossier.quote_text.rank(
                typed[span.start], within=before, every_word=True, reach=Reach.WORDS
            ):
                continue
        if actor not in actors:
            actors.append(actor)
        spans.append(span)
    return spans


def _suggestions(ctx: Context, args: Args, keywords: Sequence[str]) -> list[str]:
    """What might have been meant, each checked to find something: a speaker's name close to
    the whole query, or a word corrected in the whole query."""
    dossier = ctx.dossier
    folded = fold(args.text)
    found = [
        f"/quote {m.label}"
        for m in dossier.actors.suggest(args.text, limit=2, score_cutoff=80)
        if _speaks(ctx, dossier.corpus.actor_by_id[m.target])
        # a few letters only suggest the names they begin (`tr`: Trump, not "ministre")
        and (len(folded) >= 4 or any(w.startswith(folded) for w in fold(m.label).split()))
    ]
    for word in keywords:
        if dossier.quote_text.corrections(word, reach=Reach.WORDS):
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
    split = split_query(args.text, lambda typed: _who(ctx, typed))
    nothing = ctx.t("quote.empty", query=ctx.t("any_word", query=args.text))
    if args.text and not split.words:  # only signs (an emoji): no quote holds them
        return empty(ctx, command="quote", title=ctx.t("quote.title"), text=nothing, suggestions=[])
    only_little_words(ctx, split.words, args.text)
    by_id = dossier.corpus.actor_by_id
    actors = list(dict.fromkeys(by_id[span.match.target] for span in split.spans))
    keywords = split.keywords
    speakers = [a for a in actors if _speaks(ctx, a)]
    silent = [a for a in actors if a not in speakers]
    lead = ""
    title = ctx.t("quote.title")
    candidates: list[int] | None = None  # None: every quote
    if speakers:
        names = ", ".join(actor_name(ctx, a) for a in speakers)
        title = ctx.t("quote.title_speaker", speaker=names)
        candidates = quotes_of(ctx, speakers)
        keywords += [w for a in silent for w in words(a.name.en) if w not in keywords]
        people = [a for a in speakers if dossier.corpus.spokespeople.get(a.id)]
        if len(speakers) == 1 and people and not keywords:
            lead = ctx.t(
                "quote.group_lead",
                speaker=actor_name(ctx, people[0]),
                people=_people(ctx, people[0]),
            )
    elif silent:
        actor = silent[0]
        title = ctx.t("quote.title_naming", actor=actor_name(ctx, actor))
        candidates = naming(ctx, actor)
        lead = ctx.t("quote.no_own_quote", actor=actor_name(ctx, actor, start=True))
        if not candidates:
            return empty(
                ctx,
                command="quote",
                title=title,
                text=ctx.t("quote.nobody_names", actor=actor_name(ctx, actor, start=True)),
                suggestions=[],
            )
    ranked: list[int]
    if keywords:
        query = " ".join(keywords)
        within = set(candidates) if candidates is not None else None
        found = dossier.quote_text.rank(
            query, within=within, every_word=True, order=dossier.quote_dates
        )
        ranked = listed(ctx, found)
        if not ranked and candidates is not None:
            # None holds every word: the speaker's quotes, those holding some of them first.
            who = ", ".join(actor_name(ctx, a) for a in speakers or silent)
            lead = ctx.t("quote.empty_speaker", speaker=who, query=ctx.t("any_word", query=query))
            pool = set(candidates)
            some = listed(
                ctx, dossier.quote_text.rank(query, within=within, order=dossier.quote_dates)
            )
            ranked = list(dict.fromkeys([*(n for n in some if n in pool), *candidates]))
    else:
        ranked = candidates if candidates is not None else _by_date(ctx, range(len(quotes)))
    if not ranked:
        suggestions = _suggestions(ctx, args, keywords)
        if not actors and not suggestions and unheard_of(ctx, keywords):
            # no speaker and no word of the dossier (`elon musk`): no one by that name
            nothing = ctx.t("quote.no_one", query=ctx.t("any_word", query=args.text))
        return empty(ctx, command="quote", title=title, text=nothing, suggestions=suggestions)
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
        Option(name="speaker", description=every_language("option.quote.speaker"), kind="speaker"),
        Option(name="keywords", description=every_language("option.quote.keywords")),
        Option(name="page", description=every_language("option.page"), kind="page"),
    ),
    run=quote,
)
