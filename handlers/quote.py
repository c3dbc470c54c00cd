"""/quote: who said what, verbatim, with a fuzzily resolved speaker and ranked keywords.

An organisation answers with its own words, then those of the people who speak for it;
a fragment of a longer quote is never listed beside it; keywords keep only the quotes they
match, when some do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

from bot.core import Args, Command, Context, Option, empty, paginate
from bot.corpus.model import Actor, Corpus, Quote
from bot.i18n import every_language
from bot.items import actor_name, quote_item
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


def _listed(corpus: Corpus, numbers: Iterable[int]) -> list[int]:
    """Quotes as they are listed: a fragment answers as the quote it is part of, once."""
    quotes = corpus.quotes
    position = {q.id: n for n, q in enumerate(quotes)}
    found: dict[int, None] = {}
    for number in numbers:
        whole = quotes[number].part_of
        found.setdefault(position.get(whole, number) if whole else number)
    return list(found)


def _in_date_order(corpus: Corpus, numbers: Iterable[int]) -> list[int]:
    """By the day said (or reported), then in the order of the dossier (of the article)."""
    return sorted(numbers, key=lambda n: (corpus.quotes[n].said_on, n))


def _people(ctx: Context, speaker: Actor) -> str:
    corpus = ctx.dossier.corpus
    people = [corpus.actor_by_id[p] for p in corpus.spokespeople.get(speaker.id, ())]
    return ", ".join(
        f"{actor_name(ctx, p, start=True)} ({p.speaks_for.role.get(ctx.locale)})"
        for p in people
        if p.speaks_for is not None
    )


def quote(ctx: Context, args: Args) -> Reply:
    dossier = ctx.dossier
    corpus = dossier.corpus
    quotes = corpus.quotes
    typed = words(args.text)
    span = dossier.speakers.find(typed, keywords=dossier.quote_text)
    speaker = corpus.actor_by_id[span.match.target] if span else None
    keywords = typed[: span.start] + typed[span.end :] if span else typed
    lead = ""
    # An organisation's own quotes first, then those of the people who speak for it.
    groups: list[Sequence[int]] = [range(len(quotes))]  # no speaker: every quote
    if speaker is not None:
        groups = []
        groups.append(dossier.quotes_by_speaker.get(speaker.id, ()))
        spokespeople = corpus.spokespeople.get(speaker.id, ())
        groups.append(tuple(n for p in spokespeople for n in dossier.quotes_by_speaker.get(p, ())))
        if spokespeople and not keywords:
            lead = ctx.t(
                "quote.group_lead", speaker=actor_name(ctx, speaker), people=_people(ctx, speaker)
            )
    ranked: list[int]
    if keywords:
        within = {n for g in groups for n in g} if speaker else None  # None: every quote
        ranked = _listed(corpus, dossier.quote_text.rank(" ".join(keywords), within=within))
        if speaker is not None and not ranked:  # none of theirs matches: say so, show theirs
            lead = ctx.t(
                "quote.empty_speaker",
                speaker=actor_name(ctx, speaker),
                query=ctx.t("any_word", query=" ".join(keywords)),
            )
            ranked = [n for g in groups for n in _in_date_order(corpus, _listed(corpus, g))]
    else:
        ranked = [n for g in groups for n in _in_date_order(corpus, _listed(corpus, g))]
    title = (
        ctx.t("quote.title_speaker", speaker=actor_name(ctx, speaker))
        if speaker
        else ctx.t("quote.title")
    )
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
