"""/positions: where each actor stands on each issue, with a supporting quote.

An actor and an issue together ("hegseth surveillance") answer that pair, or say the dossier
records none; neither is dropped silently.
"""

from __future__ import annotations

from bot.core import Args, Command, Context, Option, empty, paginate, split_query
from bot.corpus.model import Position
from bot.i18n import every_language
from bot.items import actor_name, grammatical_number, position_item
from bot.matching.folding import words
from bot.matching.names import Match, Span
from bot.reply import Field, Item, Reply


def _overview_item(ctx: Context, issue_id: str, positions: list[Position]) -> Item:
    corpus = ctx.dossier.corpus
    issue = corpus.issue_by_id[issue_id]
    fields = tuple(
        Field(
            name=ctx.t(
                "label",
                name=actor_name(ctx, corpus.actor_by_id[p.actor], start=True),
                value=ctx.t(f"stance.{p.stance}"),
            ),
            value=p.summary.get(ctx.locale),
            inline=False,
        )
        for p in positions
    )
    quoted = next((p for p in positions if p.quotes), None)
    first = corpus.quote_by_id[quoted.quotes[0]] if quoted else None
    articles = [a for p in positions for q in p.quotes for a in corpus.quote_by_id[q].articles]
    articles += [e.article for p in positions for e in p.evidence]
    speaker = corpus.actor_by_id[first.speaker] if first else None
    return Item(
        title=issue.name.get(ctx.locale),
        body=issue.summary.get(ctx.locale),
        quote=first.text if first else None,
        translation=first.translation if first else None,
        fields=(
            *(
                (Field(name=ctx.t("field.speaker"), value=actor_name(ctx, speaker, start=True)),)
                if speaker
                else ()
            ),
            *fields,
        ),
        sources=tuple(ctx.source(a) for a in dict.fromkeys(articles)),
        refs=(f"issue:{issue_id}", *(f"position:{p.actor}/{p.issue}" for p in positions)),
    )


def _subject(ctx: Context, text: str) -> tuple[Match | None, Match | None]:
    """The actor and the issue a query names: both when it names a pair ("hegseth
    surveillance"), else the one the whole query names best, else one found inside it."""
    dossier = ctx.dossier
    typed = words(text)
    actor_span, issue_span = dossier.actors.find(typed), dossier.issues.find(typed)
    for span, other in ((actor_span, dossier.issues), (issue_span, dossier.actors)):
        rest = _besides(text, span)
        found = other.find(rest) if span and rest else None
        if span and found:
            pair = (span.match, found.match)
            return pair if span is actor_span else (pair[1], pair[0])
    actor, issue = dossier.actors.resolve(text), dossier.issues.resolve(text)
    if actor and issue:  # both named: keep the closer one
        return (actor, None) if actor.score >= issue.score else (None, issue)
    if actor or issue:
        return actor, issue
    corpus = dossier.corpus
    if actor_span and _only_its_words(
        text, actor_span, corpus.actor_by_id[actor_span.match.target].names
    ):
        return actor_span.match, None
    if issue_span and _only_its_words(
        text, issue_span, corpus.issue_by_id[issue_span.match.target].names
    ):
        return None, issue_span.match
    return None, None


def _besides(text: str, span: Span | None) -> list[str]:
    """The keywords of a query besides the words of a name found in it."""
    return split_query(text, lambda typed: [span] if span else []).keywords


def _only_its_words(text: str, span: Span, names: tuple[str, ...]) -> bool:
    """Whether the words around a name found in a query are only words of its other names
    or stopwords ("levée des restrictions", "le ministre"), not something else ("ltd")."""
    own = {w for name in names for w in words(name)}
    return all(w in own for w in _besides(text, span))


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
    actor, issue = _subject(ctx, args.text)
    if actor and issue:
        who = corpus.actor_by_id[actor.target]
        name = actor_name(ctx, who)
        about = corpus.issue_by_id[issue.target].name.get(ctx.locale)
        chosen = [p for p in corpus.positions if (p.actor, p.issue) == (who.id, issue.target)]
        n = grammatical_number(who)
        title = ctx.t("positions.title_pair", actor=name, issue=about, n=n)
        if not chosen:
            return empty(
                ctx,
                command="positions",
                title=title,
                text=ctx.t("positions.none_pair", actor=name, issue=about),
                suggestions=[f"/positions {actor.label}", f"/positions {issue.label}"],
            )
        items = [position_item(ctx, p, title=about) for p in chosen]
    elif actor:
        who = corpus.actor_by_id[actor.target]
        name = actor_name(ctx, who)
        chosen = [p for p in corpus.positions if p.actor == actor.target]
        title = ctx.t("positions.title_actor", actor=name, n=grammatical_number(who))
        items = [
            position_item(ctx, p, title=corpus.issue_by_id[p.issue].name.get(ctx.locale))
            for p in chosen
        ]
    elif issue:
        name = corpus.issue_by_id[issue.target].name.get(ctx.locale)
        chosen = [p for p in corpus.positions if p.issue == issue.target]
        title = ctx.t("positions.title_issue", issue=name)
        items = [
            position_item(ctx, p, title=actor_name(ctx, corpus.actor_by_id[p.actor], start=True))
            for p in chosen
        ]
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
        Option(
            name="subject", description=every_language("option.positions.subject"), kind="subject"
        ),
        Option(name="page", description=every_language("option.page"), kind="page"),
    ),
    run=positions,
)
