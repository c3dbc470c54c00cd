"""/reload: the operators' command that reads the seeds folder again, and what it answers.

The reload itself is the root's (`bot.reload.reload_dossiers`, passed in by bot/app.py);
this says what happened to each dossier, to the operator who asked or, through
bot/ops/alerts.py, to the admins when a reload nobody asked for is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core import Args, Command, Context
from bot.i18n import every_language, t
from bot.reply import Item, Reply, ReplyKind

if TYPE_CHECKING:
    from bot.reload import ReloadReport, ReloadResult

SHOWN_PROBLEMS = 10


_WHERE = re.compile(r"^(.*?:\d+): (.*)$", re.DOTALL)


def _problem_items(problems: tuple[str, ...], locale: str) -> list[Item]:
    items = []
    for problem in problems[:SHOWN_PROBLEMS]:
        match = _WHERE.match(problem)
        where, what = match.groups() if match else ("", problem)
        items.append(Item(title=where or "?", body=what))
    hidden = len(problems) - SHOWN_PROBLEMS
    if hidden > 0:
        items.append(Item(title="…", body=t(locale, "reload.more", n=hidden)))
    return items


def _counts(result: ReloadResult, locale: str) -> str:
    """What a dossier serves after a good reload, and what is new in it."""
    corpus = result.corpus
    if corpus is None:
        return t(locale, "reload.dropped")
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
    return f"{counts} {news}"


def render_result(report: ReloadReport, locale: str) -> Reply:
    """What the admin who asked sees: each dossier reloaded or refused, and why."""
    if len(report.results) == 1:
        return _render_one(report.results[0], locale)
    items: list[Item] = []
    for result in report.results:
        if result.ok:
            items.append(Item(title=result.dossier, body=_counts(result, locale)))
            continue
        kept = "reload.kept" if result.corpus is not None else "reload.not_served"
        body = t(locale, "reload.dossier_problems", n=len(result.problems)) + " " + t(locale, kept)
        items.append(
            Item(title=t(locale, "reload.dossier_refused", name=result.dossier), body=body)
        )
        items += _problem_items(result.problems, locale)
    text = t(locale, "reload.several", n=len(report.results))
    if report.refused:
        text += " " + t(locale, "reload.several_refused", n=len(report.refused))
    return Reply(
        command="reload",
        kind=ReplyKind.OK if report.ok else ReplyKind.ERROR,
        title=t(locale, "reload.title_ok" if report.ok else "reload.title_some_refused"),
        text=text,
        items=tuple(items),
        locale=locale,
    )


def _render_one(result: ReloadResult, locale: str) -> Reply:
    if not result.ok:
        return Reply(
            command="reload",
            kind=ReplyKind.ERROR,
            title=t(locale, "reload.title_refused"),
            text=t(locale, "reload.refused", n=len(result.problems)),
            items=tuple(_problem_items(result.problems, locale)),
            locale=locale,
        )
    return Reply(
        command="reload",
        kind=ReplyKind.OK,
        title=t(locale, "reload.title_ok"),
        text=_counts(result, locale),
        locale=locale,
    )


def reload_command(reload: Callable[[], ReloadReport]) -> Command:
    """The /reload command, reloading with `reload` (the root's)."""

    def run(ctx: Context, args: Args) -> Reply:
        return render_result(reload(), ctx.locale)  # the core lets operators only this far

    return Command(
        name="reload",
        summary=every_language("summary.reload"),
        usage="/reload",
        examples=("/reload",),
        admin=True,
        operator=True,
        reads_dossier=False,
        acts=True,
        run=run,
    )
