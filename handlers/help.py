"""/help: every command with an example, or one command in detail."""

from __future__ import annotations

import re

from bot.core import Args, Command, Context, Option, empty, slash_of
from bot.i18n import every_language
from bot.matching.folding import fold
from bot.matching.names import best_command
from bot.reply import Field, Item, Reply, ReplyKind

# The words of a command's usage line that name what to type, said in the reader's language
# ("/timeline [acteur | date | période | mots-clés]"); subcommands and "page N" stay as typed.
USAGE_WORDS = (
    "actor",
    "speaker",
    "keywords",
    "date",
    "period",
    "issue",
    "command",
    "time zone",
    "weekdays",
)
_USAGE_WORD = re.compile(r"(?<![\w-])(" + "|".join(USAGE_WORDS) + r")(?![\w-])")


def typed_here(ctx: Context, command: Command, line: str) -> str:
    """`line` (a usage line, an example: `/quote trump`) with the command as typed here."""
    prefix = f"/{command.name}"
    if line == prefix or line.startswith(prefix + " "):
        return slash_of(ctx, command) + line[len(prefix) :]
    return line


def usage(ctx: Context, command: Command) -> str:
    """The command's usage line as typed here (on Slack, by its configured name or through
    the umbrella command), with its argument names in the reader's language."""
    line = _USAGE_WORD.sub(lambda m: ctx.t(f"usage.{m[1].replace(' ', '_')}"), command.usage)
    return typed_here(ctx, command, line)


def examples(ctx: Context, command: Command, count: int | None = None) -> list[str]:
    return [typed_here(ctx, command, line) for line in command.examples[:count]]


def help_(ctx: Context, args: Args) -> Reply:
    by_name = {name: c for name, c in ctx.commands.items() if not c.admin}
    wanted = fold(args.text).removeprefix("/").strip()
    if wanted:
        command = by_name.get(wanted)
        if command is None:
            guess = best_command(wanted, by_name)
            return empty(
                ctx,
                command="help",
                title=ctx.t("help.title"),
                text=ctx.t("unknown_command", command=wanted),
                suggestions=[f"/help {guess}"] if guess else [],
            )
        item = Item(
            title=usage(ctx, command),
            body=command.summary.get(ctx.locale, command.summary["en"]),
            fields=(
                Field(
                    name=ctx.t("help.examples"),
                    value="\n".join(examples(ctx, command)),
                    inline=False,
                ),
                *(
                    Field(name=o.name, value=o.description.get(ctx.locale, o.description["en"]))
                    for o in command.options
                    if o.kind != "page"
                ),
            ),
        )
        return Reply(
            command="help",
            kind=ReplyKind.OK,
            title=ctx.t("help.title_command", command=wanted),
            items=(item,),
            locale=ctx.locale,
        )
    items = tuple(
        Item(
            title=usage(ctx, c),
            body=c.summary.get(ctx.locale, c.summary["en"]),
            fields=(Field(name=ctx.t("help.examples"), value="  ".join(examples(ctx, c, 3))),),
        )
        for c in by_name.values()
    )
    return Reply(
        command="help",
        kind=ReplyKind.OK,
        title=ctx.t("help.title"),
        text=ctx.t("help.intro", dossier=ctx.dossier.corpus.title.get(ctx.locale)),
        items=items,
        locale=ctx.locale,
    )


COMMAND = Command(
    name="help",
    summary=every_language("summary.help"),
    usage="/help [command]",
    examples=("/help", "/help quote"),
    words=("aide", "help me"),
    options=(
        Option(name="command", description=every_language("option.help.command"), kind="command"),
    ),
    run=help_,
)
