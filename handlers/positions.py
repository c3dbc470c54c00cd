"""/positions: where each actor stands on each issue, with a supporting quote."""

from __future__ import annotations

from bot.core import Args, Command, Context, Option, empty, paginate
from bot.corpus.model import Position
from bot.i18n import every_language
from bot.items import position_item
from bot.reply import Field, Item, Reply


def _overview_item(ctx: Context, issue_id: str, positions: list[Position]) -> Item:
    corpus = ctx.dossier.corpus
    issue = corpus.issue_by_id[issue_id]
    fields = tuple(
        Field(
            name=f"{corpus.actor_by_id[p.actor].name}: {ctx.t(f'stance.{p.stance}')}",
            value=p.summary.get(ctx.locale),
            inline=False,
        )
        for p in positions
    )
    quoted = next((p for p in positions if p.quotes), None)
    first = corpus.quote_by_id[quoted.quotes[0]] if quoted else None
    articles = [a for p in positions for q in p.quotes for a in corpus.quote_by_id[q].articles]
    articles += [e.article for p in positions for e in p.evidence]
    return Item(
        title=issue.name.get(ctx.locale),
        body=issue.summary.get(ctx.locale),
        quote=first.text if first else None,
        translation=first.translation if first else None,
        fields=(
            *(
                (Field(name=ctx.t("field.speaker"), value=corpus.actor_by_id[first.speaker].name),)
                if first
                else ()
            ),
            *fields,
        ),
        sources=tuple(ctx.source(a) for a in dict.fromkeys(articles)),
        ref=f"issue:{issue_id}",
    )


def positions(ctx: Context, args: Args) -> Reply:
    dossier = ctx.dossier
    corpus = dossier.corpus
    if not args.text:
        by_issue: dict[str, list[Position]] = {i.id: [] for i in corpus.issues}
        for p in corpus.positions:
            by_issue[p.issue].append(p)
        items = [_overview_item(ctx, i, ps) for i, ps in by_issue.items() if ps]
        return paginate(
            ctx, command="positions", args=args, items=items, title=ctx.t("positions.title")
        )
    actor = dossier.actors.resolve(args.text)
    issue = dossier.issues.resolve(args.text)
    if actor and issue:  # both named: keep the closer one
        actor, issue = (actor, None) if actor.score >= issue.score else (None, issue)
    if actor:
        name = corpus.actor_by_id[actor.target].name
        chosen = [p for p in corpus.positions if p.actor == actor.target]
        title = ctx.t("positions.title_actor", actor=name)
        items = [
            position_item(ctx, p, title=corpus.issue_by_id[p.issue].name.get(ctx.locale))
            for p in chosen
        ]
    elif issue:
        name = corpus.issue_by_id[issue.target].name.get(ctx.locale)
        chosen = [p for p in corpus.positions if p.issue == issue.target]
        title = ctx.t("positions.title_issue", issue=name)
        items = [position_item(ctx, p, title=corpus.actor_by_id[p.actor].name) for p in chosen]
    else:
        suggestions = [m.label for m in dossier.actors.suggest(args.text, limit=2)]
        suggestions += [m.label for m in dossier.issues.suggest(args.text, limit=2)]
        return empty(
            ctx,
            command="positions",
            title=ctx.t("positions.title"),
            text=ctx.t("positions.empty", query=ctx.t("any_word", query=args.text)),
            suggestions=[f"/positions {s}" for s in dict.fromkeys(suggestions)][:3],
        )
    if not items:
        return empty(
            ctx,
            command="positions",
            title=title,
            text=ctx.t("positions.none_for", name=name),
            suggestions=[],
        )
    return paginate(ctx, command="positions", args=args, items=items, title=title)


COMMAND = Command(
    name="positions",
    summary=every_language("summary.positions"),
    usage="/positions [actor | issue] [page N]",
    examples=(
        "/positions",
        "/positions anthropic",
        "/positions surveillance",
        "/positions armes autonomes",
    ),
    options=(
        Option(name="subject", description="An actor or an issue", kind="subject"),
        Option(name="page", description="Page number", kind="page"),
    ),
    run=positions,
)
