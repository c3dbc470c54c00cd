"""Reply items for the dossier's records, shared by the commands and the digest that show them.

What the articles do not say is never shown as if they did: a date read from "vendredi"
says it was inferred, a quote with no day says when it was reported, a period's end says it
was computed, and the reporter's own sentences are shown as narration, never as a quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.core import Context
from bot.corpus.model import (
    Actor,
    Basis,
    Event,
    Evidence,
    EvidenceKind,
    Period,
    Position,
    Precision,
    Quote,
)
from bot.corpus.model import When as RecordDate
from bot.i18n import capitalised, format_date, format_day
from bot.reply import Field, Item


def source_label(ctx: Context, article_id: str) -> str:
    return ctx.source(article_id).label


def actor_name(ctx: Context, actor: Actor, *, start: bool = False) -> str:
    """The actor's name in the reader's language; `start` when it opens a title or a line."""
    name = actor.name.get(ctx.locale)
    return capitalised(name) if start else name


def grammatical_number(actor: Actor) -> int:
    """The `n` a sentence about the actor agrees with: "the unions stand"."""
    return 2 if actor.plural else 1


def describe_when(ctx: Context, when: RecordDate, time: str | None = None) -> str:
    """A date as the text supports it: stated, inferred (with its words) or reported."""
    if when.basis is Basis.REPORTED:
        return ctx.t("when.reported", date=format_day(when.date, ctx.locale))
    text = format_date(when.date, when.precision, ctx.locale, when.qualifier)
    if time:
        text = f"{text}, {time}"
    if when.basis is Basis.INFERRED:
        if when.phrase:
            return ctx.t("when.inferred", date=text, phrase=when.phrase)
        return ctx.t("when.inferred_via", date=text)
    return text


def describe_period(ctx: Context, period: Period) -> str:
    """The end of a length the text gives, as we count it: about, and computed."""
    end = format_date(period.ends, Precision.MONTH, ctx.locale, "about")
    start = format_day(period.start, ctx.locale)
    return ctx.t("when.period", end=end, phrase=period.phrase, start=start)


def speaks_for_text(ctx: Context, actor: Actor) -> str | None:
    """ "Anthropic (chief executive)" for who speaks for an organisation."""
    if actor.speaks_for is None:
        return None
    organisation = ctx.dossier.corpus.actor_by_id.get(actor.speaks_for.actor)
    if organisation is None:
        return None
    name = actor_name(ctx, organisation, start=True)
    return f"{name} ({actor.speaks_for.role.get(ctx.locale)})"


def narration_notes(ctx: Context, evidence: Iterable[Evidence]) -> tuple[str, ...]:
    """The reporter's sentences, as narration: translated for English readers, no « »."""
    notes: list[str] = []
    for entry in evidence:
        if entry.kind is not EvidenceKind.NARRATION:
            continue
        credit = ctx.source(entry.article).credit
        if ctx.locale == "fr":
            who = f"l'{credit}" if credit[:1] in "AEIOUH" and credit.isupper() else credit
            notes.append(ctx.t("narration", credit=who, text=entry.sentence))
        else:
            notes.append(ctx.t("narration", credit=credit, text=entry.translation or ""))
            notes.append(ctx.t("label", name=ctx.t("field.original"), value=entry.sentence))
    return tuple(notes)


def quote_item(ctx: Context, quote: Quote) -> Item:
    corpus = ctx.dossier.corpus
    speaker = corpus.actor_by_id[quote.speaker]
    said = describe_when(ctx, quote.when)
    name = actor_name(ctx, speaker, start=True)
    fields = [Field(name=ctx.t("field.speaker"), value=name)]
    if (behalf := speaks_for_text(ctx, speaker)) is not None:
        fields.append(Field(name=ctx.t("field.speaks_for"), value=behalf))
    if quote.context is not None:
        about = quote.context.text if ctx.locale == "fr" else quote.context.translation
        fields.append(Field(name=ctx.t("field.context"), value=about))
    fields += [
        Field(name=ctx.t("field.said"), value=said),
        Field(name=ctx.t("field.where"), value=quote.where.get(ctx.locale)),
        Field(
            name=ctx.t("field.source"),
            value="\n".join(source_label(ctx, a) for a in quote.articles),
            inline=False,
        ),
    ]
    return Item(
        title=f"{name}, {said}",
        quote=quote.text,
        translation=quote.translation,
        fields=tuple(fields),
        sources=tuple(ctx.source(a) for a in quote.articles),
        refs=(f"quote:{quote.id}",),
    )


def event_when(ctx: Context, event: Event) -> str:
    return describe_when(ctx, event.when, event.time)


def event_item(ctx: Context, event: Event, notes: Mapping[str, int]) -> Item:
    """An event as one line: when (and how the date is known), what happened, when a period
    it opens ends by our count, and the numbers of the source notes citing its articles
    (`notes`: article id -> its number among the reply's sources)."""
    articles = tuple(dict.fromkeys(event.articles))
    body = event.summary.get(ctx.locale)
    if event.period is not None:
        ends = ctx.t("label", name=ctx.t("field.ends"), value=describe_period(ctx, event.period))
        body = f"{body} {ends}."
    return Item(
        title=event_when(ctx, event),
        body=body,
        sources=tuple(ctx.source(a) for a in articles),
        refs=(f"event:{event.id}",),
        cites=tuple(sorted(notes[a] for a in articles if a in notes)),
    )


def position_item(ctx: Context, position: Position, *, title: str) -> Item:
    """A stance: its summary, its first quote (the speaker's words, in « »), and the
    reporter's narration that supports it, which is never shown as a quote."""
    corpus = ctx.dossier.corpus
    quotes = [corpus.quote_by_id[q] for q in position.quotes]
    articles = [a for q in quotes for a in q.articles] + [e.article for e in position.evidence]
    first = quotes[0] if quotes else None
    fields = [Field(name=ctx.t("field.stance"), value=ctx.t(f"stance.{position.stance}"))]
    if first:
        speaker = corpus.actor_by_id[first.speaker]
        said = describe_when(ctx, first.when)
        fields.append(
            Field(
                name=ctx.t("field.speaker"), value=f"{actor_name(ctx, speaker, start=True)}, {said}"
            )
        )
        if (behalf := speaks_for_text(ctx, speaker)) is not None:
            fields.append(Field(name=ctx.t("field.speaks_for"), value=behalf))
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
        quote=first.text if first else None,
        translation=first.translation if first else None,
        notes=narration_notes(ctx, position.evidence),
        fields=tuple(fields),
        sources=tuple(ctx.source(a) for a in dict.fromkeys(articles)),
        refs=(f"position:{position.actor}/{position.issue}",),
    )
