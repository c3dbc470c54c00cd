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
from bot.i18n import every_language, t
from bot.reply import Item, Reply, ReplyKind

if TYPE_CHECKING:
    from bot.reload import ReloadResult

SHOWN_PROBLEMS = 10


_WHERE = re.compile(r"^(.*?:\d+): (.*)$", re.DOTALL)


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
            items.append(Item(title="…", body=t(locale, "reload.more", n=hidden)))
        return Reply(
            command="reload",
            kind=ReplyKind.ERROR,
            title=t(locale, "reload.title_refused"),
            text=t(locale, "reload.refused", n=len(result.problems)),
            items=tuple(items),
            locale=locale,
        )
    corpus = result.corpus
    counts = t(
        locale,
        "reload.counts",
        articles=t(locale, "count.articles", n=len(corpus.articles)),
        quotes=t(locale, "count.quotes", n=len(corpus.quotes)),
        events=t(locale, "count.events", n=len(corpus.events)),
    )
    if result.new_articles or result.new_quotes or result.new_events:
        news = t(
            locale,
            "reload.new",
            articles=t(locale, "count.articles", n=len(result.new_articles)),
            quotes=t(locale, "count.quotes", n=len(result.new_quotes)),
            events=t(locale, "count.events", n=len(result.new_events)),
        )
    else:
        news = t(locale, "reload.nothing_new")
    return Reply(
        command="reload",
        kind=ReplyKind.OK,
        title=t(locale, "reload.title_ok"),
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
                text=ctx.t("reload.not_allowed"),
                locale=ctx.locale,
            )
        return render_result(reload(), ctx.locale)

    return Command(
        name="reload",
        summary=every_language("summary.reload"),
        usage="/reload",
        examples=("/reload",),
        admin=True,
        run=run,
    )
