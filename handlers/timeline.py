"""/timeline: dated events in order, filtered by actor, date or period, and keywords."""

from __future__ import annotations

from bot.core import Args, Command, Context, Option, empty, paginate
from bot.dates import find_period, span_of
from bot.i18n import every_language
from bot.items import actor_name, event_item
from bot.matching.folding import content_words, words
from bot.reply import Reply


def timeline(ctx: Context, args: Args) -> Reply:
    dossier = ctx.dossier
    events = list(dossier.corpus.events)
    period, rest = find_period(args.words)
    rest_words = words(" ".join(rest))
    filters: list[str] = []
    actor_span = dossier.actors.find(rest_words)
    if actor_span:
        actor = dossier.corpus.actor_by_id[actor_span.match.target]
        rest_words = rest_words[: actor_span.start] + rest_words[actor_span.end :]
        events = [e for e in events if actor.id in e.actors or actor.id in e.mentions]
        filters.append(actor_name(ctx, actor, start=True))
    if period:
        events = [e for e in events if period.covers(*span_of(e.date, e.precision))]
        filters.append(period.label)
    keywords = content_words(" ".join(rest_words)) if rest_words else []
    if keywords:
        positions = {e.id: n for n, e in enumerate(dossier.corpus.events)}
        wanted = {positions[e.id] for e in events}
        hits = dossier.event_text.search(" ".join(keywords), within=wanted)
        keep = {h.doc for h in hits if h.matched == len(keywords)}
        events = [e for e in events if positions[e.id] in keep]
        filters.append(ctx.t("any_word", query=" ".join(rest_words)))
    title = (
        ctx.t("timeline.title_filtered", filters=" · ".join(filters))
        if filters
        else ctx.t("timeline.title")
    )
    if not events:
        suggestions = [
            f"/timeline {w}" for k in keywords for w in dossier.event_text.suggest_words(k)
        ]
        if not actor_span and rest_words:
            suggestions += [
                f"/timeline {m.label}" for m in dossier.actors.suggest(" ".join(rest_words))
            ]
        return empty(
            ctx,
            command="timeline",
            title=title,
            text=ctx.t("timeline.empty", query=ctx.t("any_word", query=args.text)),
            suggestions=list(dict.fromkeys(suggestions))[:3],
        )
    return paginate(
        ctx,
        command="timeline",
        args=args,
        items=[event_item(ctx, e) for e in events],
        title=title,
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
        "/timeline feb 27",
        "/timeline février 2026",
        "/timeline ultimatum",
    ),
    options=(
        Option(
            name="actor", description="Who took part (Trump, Hegseth, Anthropic...)", kind="actor"
        ),
        Option(
            name="date",
            description="A day, month or year: 2026-02-27, 27 février, 2026",
            kind="date",
        ),
        Option(name="keywords", description="Words to look for in the events"),
        Option(name="page", description="Page number", kind="page"),
    ),
    run=timeline,
)
