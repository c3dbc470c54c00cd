"""/timeline: dated events in order, one line each, filtered by actor, date or period, and words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
from bot.corpus.model import Actor, Event
from bot.errors import UsageError
from bot.i18n import every_language, format_day, format_span
from bot.items import actor_name, describe_period, event_item
from bot.matching.folding import words
from bot.matching.keywords import Reach
from bot.matching.names import Span as Named
from bot.reply import Layout, Reply

if TYPE_CHECKING:  # bot.dates is read when a timeline is asked for: `ask /quote` skips it
    from bot.dates import DateError, Span, When

# At most this many spans are named when saying how a date was read.
SPANS_SAID = 4


def date_problem(ctx: Context, problem: DateError) -> str:
    """Why a typed date cannot be, in the reply's language."""
    values = dict(problem.values)
    if isinstance(values.get("month"), int):
        values["month"] = ctx.t(f"month.{values['month']}")
    for name in ("weekday", "actual"):
        if isinstance(values.get(name), int):
            values[name] = ctx.t(f"weekday.{values[name]}")
    if isinstance(day := values.get("date"), dt.date):
        values["date"] = format_day(day, ctx.locale)
    return ctx.t(f"date.{problem.reason}", **values)


def matching(
    ctx: Context, *, actor: Actor | None, when: When | None, keywords: Sequence[str]
) -> list[Event]:
    """The dossier's events (in its order: date, then the order the dossier gives a day's
    events, then time) that involve `actor`, lie within `when` and hold every keyword.

    A secondary actor's events include those that only name it (the unions' appeal names
    Google); a main actor's are those it takes part in, or `/timeline anthropic` would be
    the whole dossier. Events holding the words as typed (or in their plural) come before
    those reached only through a longer word or a slip (`refusal`: the refusal, then the
    events saying `refus`)."""
    from bot.dates import span_of

    dossier = ctx.dossier
    events = list(dossier.corpus.events)
    if actor is not None:
        named = () if actor.main else (actor.id,)
        events = [e for e in events if actor.id in e.actors or any(n in e.mentions for n in named)]
    if when is not None:
        events = [e for e in events if when.covers(*span_of(e.date, e.precision, e.qualifier))]
    if keywords and events:
        position = {e.id: n for n, e in enumerate(dossier.corpus.events)}
        wanted = {position[e.id] for e in events}
        query = " ".join(keywords)
        kept = set(dossier.event_text.rank(query, within=wanted, every_word=True))
        exact = set(
            dossier.event_text.rank(query, within=wanted, every_word=True, reach=Reach.FORMS)
        )
        first = [e for e in events if position[e.id] in exact]
        events = first + [e for e in events if position[e.id] in kept - exact]
    return events


def read_as(ctx: Context, when: When, events: Sequence[Event]) -> str:
    """How a date was read, naming its days (and the day it counts from), or "" when it was
    written in full."""
    from bot.dates import Reading, span_of

    frame = ctx.dossier.frame
    spans: list[Span] = list(when.spans)
    if when.reading == Reading.AS_TYPED:
        return ""
    if when.yearless:
        days = [span_of(e.date, e.precision, e.qualifier) for e in events]
        holding = [s for s in spans if any(s[0] <= a and b <= s[1] for a, b in days)]
        spans = holding or [s for s in spans if s[0].year in frame.dispatch_years]
    if not spans:  # no such day in the dossier's years (29 February)
        return ""
    said = [format_span(first, last, ctx.locale) for first, last in spans[:SPANS_SAID]]
    dates = ", ".join(said) + (", …" if len(spans) > SPANS_SAID else "")
    if when.reading == Reading.FROM_LATEST and frame.latest is not None:
        return ctx.t("when.from_latest", dates=dates, latest=format_day(frame.latest, ctx.locale))
    if when.reading == Reading.DISPATCH_WEEKS and when.weekday is not None:
        dispatches = ", ".join(format_day(d, ctx.locale) for d in frame.dispatches[-SPANS_SAID:])
        weekday = ctx.t(f"weekday.{when.weekday}")
        return ctx.t("when.dispatch_weeks", dates=dates, weekday=weekday, dispatches=dispatches)
    if when.reading == Reading.SWAPPED:
        return ctx.t("when.swapped", dates=dates)
    return ctx.t("when.read_as", dates=dates)


def _periods_ending(ctx: Context, when: When) -> list[str]:
    """For a period with no event: the lengths the articles give ("six mois") that end in
    it by our count, each with the event that opened it, said to be computed."""
    found = []
    for event in ctx.dossier.corpus.events:
        period = event.period
        if period is None:
            continue
        last = period.ends.replace(day=28) + dt.timedelta(days=4)
        last -= dt.timedelta(days=last.day)  # the end of its month
        if any(first <= period.ends and last <= end for first, end in when.spans):
            what = event.summary.get(ctx.locale)
            found.append(
                ctx.t("timeline.period_ends", what=what, ends=describe_period(ctx, period))
            )
    return found


def _coverage(ctx: Context) -> str:
    frame = ctx.dossier.frame
    if frame.first is None or frame.latest is None:
        return ""
    return ctx.t(
        "when.coverage", first=frame.first.year, latest=format_day(frame.latest, ctx.locale)
    )


def _suggestions(
    ctx: Context, args: Args, actor: Actor | None, when: When | None, keywords: Sequence[str]
) -> list[str]:
    """Spelling corrections of the words nothing holds, each shown only if it finds events:
    in the whole query if it can, else on its own."""
    index = ctx.dossier.event_text
    found: list[str] = []
    for word in keywords:
        if index.corrections(word, reach=Reach.WORDS):
            continue  # the word is there: nothing to correct
        for better in index.suggest_words(word, limit=2):
            others = [better if k == word else k for k in keywords]
            if matching(ctx, actor=actor, when=when, keywords=others):
                typed = [better if words(t) == [word] else t for t in args.text.split()]
                found.append(f"/timeline {' '.join(typed)}")
            elif matching(ctx, actor=None, when=None, keywords=[better]):
                found.append(f"/timeline {better}")
    return list(dict.fromkeys(found))[:3]


def _actor(ctx: Context, typed: list[str]) -> list[Named]:
    """The words naming the one actor a timeline is filtered by, if any."""
    actors = ctx.dossier.actors
    span = next(iter(actors.find_all(typed)), None) or actors.find_part(typed)
    return [span] if span else []


def timeline(ctx: Context, args: Args) -> Reply:
    from bot.dates import DateError

    dossier = ctx.dossier
    try:
        split = split_query(args.text, lambda typed: _actor(ctx, typed), frame=dossier.frame)
    except DateError as problem:
        raise UsageError(date_problem(ctx, problem)) from None
    when, typed = split.when, split.words
    if when is None and args.text and not typed:  # only signs (an emoji): nothing holds them
        return empty(
            ctx,
            command="timeline",
            title=ctx.t("timeline.title"),
            text=ctx.t("timeline.empty", query=ctx.t("any_word", query=args.text)),
            suggestions=[],
        )
    if when is None:
        only_little_words(ctx, typed, args.text)
    actor = dossier.corpus.actor_by_id[split.spans[0].match.target] if split.spans else None
    keywords = split.keywords
    filters: list[str] = []
    if actor is not None:
        filters.append(actor_name(ctx, actor, start=True))
    if when is not None:
        filters.append(when.typed)
    if keywords:
        filters.append(ctx.t("any_word", query=" ".join(keywords)))
    title = (
        ctx.t("timeline.title_filtered", filters=" · ".join(filters))
        if filters
        else ctx.t("timeline.title")
    )
    events = matching(ctx, actor=actor, when=when, keywords=keywords)
    said = read_as(ctx, when, events) if when is not None else ""
    if not events:
        suggestions = _suggestions(ctx, args, actor, when, keywords)
        nothing = ctx.t("timeline.empty", query=ctx.t("any_word", query=args.text))
        if actor is None and when is None and not suggestions and unheard_of(ctx, keywords):
            # no actor, date or word of the dossier (`elon musk`): no one by that name
            nothing = ctx.t("timeline.no_one", query=ctx.t("any_word", query=args.text))
        lead = [nothing, said]
        if when is not None:
            lead += [*_periods_ending(ctx, when), _coverage(ctx)]
        return empty(
            ctx,
            command="timeline",
            title=title,
            text=" ".join(p for p in lead if p),
            suggestions=suggestions,
        )
    cited = {a for e in events for a in e.articles}
    notes = [ctx.source(a.id) for a in dossier.corpus.articles if a.id in cited]
    numbers = {source.article_id: n for n, source in enumerate(notes, 1)}
    return paginate(
        ctx,
        command="timeline",
        args=args,
        items=[event_item(ctx, e, numbers) for e in events],
        title=title,
        text=said,
        layout=Layout.LINES,
        notes=notes,
    )


COMMAND = Command(
    name="timeline",
    summary=every_language("summary.timeline"),
    usage="/timeline [actor | date | period | keywords] [page N]",
    examples=(
        "/timeline",
        "/timeline hegseth",
        "/timeline 2026-02-27",
        "/timeline 27 février",
        "/timeline fin février",
        "/timeline vendredi",
        "/timeline du 24 au 26 février",
        "/timeline ultimatum",
    ),
    words=("chronologie", "historique", "chrono"),
    options=(
        Option(name="actor", description=every_language("option.timeline.actor"), kind="actor"),
        Option(name="date", description=every_language("option.timeline.date"), kind="date"),
        Option(name="keywords", description=every_language("option.timeline.keywords")),
        Option(name="page", description=every_language("option.page"), kind="page"),
    ),
    run=timeline,
)
