"""The core's commands as discord.py application commands: typed options, autocomplete.

Options are read from `core.commands`, so a command added to the core shows up on Discord
with no change here; each invocation maps back to the command line the core parses.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Optional, Protocol

import discord
from discord import app_commands

from bot.core import Command
from bot.platforms.discord.render import clip

# Option kinds that name something the dossier knows, so Discord autocompletes them.
NAMED_KINDS = frozenset(
    {"speaker", "actor", "issue", "subject", "date", "command", "dossier", "setting"}
)
FILE = "file"  # an option that takes an attachment (/draft's article)
DESCRIPTION_LIMIT = 100  # Discord's limit for command and option descriptions
TEXT_OPTION_LIMIT = 100  # typed text, like autocomplete values, stays within 100 characters
PAGE_LIMIT = 1000

AppCommand = app_commands.Command[Any, ..., None]
Completer = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


class CommandRunner(Protocol):
    """What answers the commands built here (bot.platforms.discord.answers.Answers)."""

    async def answer_command(
        self, interaction: discord.Interaction, command: Command, values: Mapping[str, Any]
    ) -> None: ...

    async def complete(
        self, interaction: discord.Interaction, kind: str, current: str
    ) -> list[app_commands.Choice[str]]: ...


def options_to_args(command: Command, values: Mapping[str, Any]) -> str:
    """Option values as the core's argument text: speaker, keywords, then `page N` (a file
    option is no text: it reaches the core as the request's attachment)."""
    words: list[str] = []
    page = None
    for option in command.options:
        value = values.get(option.name)
        if option.kind == FILE or value is None or str(value).strip() == "":
            continue
        if option.kind == "page":
            page = int(value)
        else:
            words.append(" ".join(str(value).split()))
    if page is not None:
        words += ["page", str(page)]
    return " ".join(words)


def _completer(runner: CommandRunner, kind: str) -> Completer:
    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await runner.complete(interaction, kind, current)

    return complete


def build_app_command(command: Command, runner: CommandRunner) -> AppCommand:
    """One application command whose options mirror the core command's."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await runner.answer_command(interaction, command, values)

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for option in command.options:
        if option.kind == "page":
            annotation: Any = app_commands.Range[int, 1, PAGE_LIMIT]
        elif option.kind == FILE:
            annotation = discord.Attachment
        else:
            annotation = app_commands.Range[str, 1, TEXT_OPTION_LIMIT]
        parameters.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation if option.required else Optional[annotation],  # noqa: UP045
                default=inspect.Parameter.empty if option.required else None,
            )
        )
    # discord.py reads options from the callback's signature and these two attributes,
    # as its @describe and @autocomplete decorators would set them.
    setattr(callback, "__signature__", inspect.Signature(parameters))  # noqa: B010
    setattr(  # noqa: B010
        callback,
        "__discord_app_commands_param_description__",
        {o.name: _localised(o.description, o.name) for o in command.options},
    )
    setattr(  # noqa: B010
        callback,
        "__discord_app_commands_param_autocomplete__",
        {o.name: _completer(runner, o.kind) for o in command.options if o.kind in NAMED_KINDS},
    )
    description = _localised(command.summary, command.name)
    app_command: AppCommand = app_commands.Command(
        name=command.name, description=description, callback=callback
    )
    if command.admin:
        # Discord shows it only to members with Manage Channels, or Manage Server for the
        # server's settings (a server may change that in Server Settings > Integrations),
        # and not in DMs; the core checks can_manage, can_configure and is_operator anyway.
        if command.team_admin:
            app_command.default_permissions = discord.Permissions(manage_guild=True)
        else:
            app_command.default_permissions = discord.Permissions(manage_channels=True)
        app_command.guild_only = True
    return app_command


def _localised(texts: dict[str, str], fallback: str) -> app_commands.locale_str:
    """A description in English, with its French (the catalogue's) for SummaryTranslator."""
    return app_commands.locale_str(
        clip(texts.get("en", fallback), DESCRIPTION_LIMIT),
        fr=clip(texts.get("fr", ""), DESCRIPTION_LIMIT),
    )


class SummaryTranslator(app_commands.Translator):
    """French command and option descriptions for French Discord clients, from the
    catalogue's sentences (the commands' summaries, their options' descriptions)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is discord.Locale.french:
            french = string.extras.get("fr")
            return str(french) if french else None
        return None
