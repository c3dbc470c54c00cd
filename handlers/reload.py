"""/reload: the admin command that reads the seeds folder again, and what it answers.

The reload itself is the root's (`bot.reload.reload_dossier`, passed in by bot/app.py); this
says what happened, to the admin who asked or, through bot/ops/alerts.py, to the admins when
a reload nobody asked for is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core import Args, Command, Context
from bot.i18n import say_from
from bot.reply import Item, Reply, ReplyKind

if TYPE_CHECKING:
    from bot.reload import ReloadResult

SHOWN_PROBLEMS = 10


_TEXT = {
    "en": {
        "title_ok": "Dossier reloaded",
        "title_refused": "Dossier not reloaded",
        "counts": "Now serving {articles} articles, {quotes} quotes and {events} events.",
        "new": (
            "New since the previous load: {articles} articles, {quotes} quotes, "
            "{events} events; the next digest reports them."
        ),
        "nothing_new": "Nothing new since the previous load.",
        "refused": (
            "The seeds folder has {count} problem(s); the bot keeps serving the previous "
            "dossier. Fix them and reload again."
        ),
        "more": "…and {count} more: run `dispute-bot corpus check` or read the bot's log.",
        "not_allowed": "Only people who manage this channel can reload the dossier.",
    },
    "fr": {
        "title_ok": "Dossier rechargé",
        "title_refused": "Dossier non rechargé",
        "counts": "Le bot sert {articles} articles, {quotes} citations et {events} événements.",
        "new": (
            "Nouveau depuis le chargement précédent : {articles} articles, {quotes} "
            "citations, {events} événements ; le prochain résumé les signale."
        ),
        "nothing_new": "Rien de nouveau depuis le chargement précédent.",
        "refused": (
            "Le dossier de sources a {count} problème(s) ; le bot garde le dossier "
            "précédent. Corrigez-les puis rechargez."
        ),
        "more": "…et {count} autres : lancez `dispute-bot corpus check` ou lisez le journal.",
        "not_allowed": "Seules les personnes qui gèrent ce salon peuvent recharger le dossier.",
    },
}
_WHERE = re.compile(r"^(.*?:\d+): (.*)$", re.DOTALL)


def _t(locale: str, key: str, **values: object) -> str:
    return say_from(_TEXT, locale, key, **values)


def render_result(result: ReloadResult, locale: str) -> Reply:
    """What the admin who asked sees."""
    if not result.ok:
        items = []
        for problem in result.problems[:SHOWN_PROBLEMS]:
            match = _WHERE.match(problem)
            where, what = match.groups() if match else ("", problem)
            items.append(Item(title=where or "?", body=what))
        hidden = len(result.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            items.append(Item(title="…", body=_t(locale, "more", count=hidden)))
        return Reply(
            command="reload",
            kind=ReplyKind.ERROR,
            title=_t(locale, "title_refused"),
            text=_t(locale, "refused", count=len(result.problems)),
            items=tuple(items),
            locale=locale,
        )
    corpus = result.corpus
    counts = _t(
        locale,
        "counts",
        articles=len(corpus.articles),
        quotes=len(corpus.quotes),
        events=len(corpus.events),
    )
    if result.new_articles or result.new_quotes or result.new_events:
        news = _t(
            locale,
            "new",
            articles=len(result.new_articles),
            quotes=len(result.new_quotes),
            events=len(result.new_events),
        )
    else:
        news = _t(locale, "nothing_new")
    return Reply(
        command="reload",
        kind=ReplyKind.OK,
        title=_t(locale, "title_ok"),
        text=f"{counts} {news}",
        locale=locale,
    )


def reload_command(reload: Callable[[], ReloadResult]) -> Command:
    """The /reload command, reloading with `reload` (the root's)."""

    def run(ctx: Context, args: Args) -> Reply:
        if not ctx.request.can_manage:
            return Reply(
                command="reload",
                kind=ReplyKind.USAGE,
                title="/reload",
                text=_t(ctx.locale, "not_allowed"),
                locale=ctx.locale,
            )
        return render_result(reload(), ctx.locale)

    return Command(
        name="reload",
        summary={
            "en": "Reload the dossier from the seeds folder (channel managers only).",
            "fr": "Recharger le dossier depuis les sources (gestionnaires du salon).",
        },
        usage="/reload",
        examples=("/reload",),
        admin=True,
        run=run,
    )
