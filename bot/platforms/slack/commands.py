"""Slash command names: the core's commands plus the umbrella `/dispute`, renamable in config.

The app registers exactly these and the manifest declares exactly these, so a rename in
`slack_commands` changes both at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import Settings
from bot.core import Command
from bot.errors import ConfigError
from bot.i18n import t

UMBRELLA = "dispute"
# Slack's rule for command names: a slash, then up to 32 lowercase letters, digits, - or _.
_VALID_NAME = re.compile(r"^/[a-z0-9_\-]{1,32}$")
# Slack's built-in commands: an app cannot register these, and a manifest naming one is refused.
RESERVED = frozenset(
    "/" + name
    for name in (
        "active archive away collapse dm dnd expand feed invite join leave me msg mute open "
        "pro remind search shortcuts shrug status topic who"
    ).split()
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SlashCommand:
    """One slash command: its name in Slack and the core command it runs (None: umbrella)."""

    slash: str  # "/quote"
    command: str | None
    description: str
    usage_hint: str


def _umbrella_hint(names: list[str]) -> str:
    return f"<{' | '.join(names)}> [arguments]"


def slash_commands(commands: Mapping[str, Command], settings: Settings) -> tuple[SlashCommand, ...]:
    """Every slash command the app answers, named as configured; raises ConfigError if wrong."""
    renames = settings.slack_commands
    unknown = [key for key in renames if key not in commands and key != UMBRELLA]
    if unknown:
        raise ConfigError(
            f"slack_commands: unknown command(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join([*commands, UMBRELLA])}"
        )
    # Admin commands (reload, use, settings) and common names (list) get no slash command of
    # their own: `/dispute reload` reaches them, and the core checks who may (can_manage,
    # is_operator).
    public = [
        name
        for name, command in commands.items()
        if not command.admin and not command.umbrella_only
    ]
    found: list[SlashCommand] = []
    for name in [*public, UMBRELLA]:
        chosen = renames.get(name, name)
        if not chosen:  # an empty name turns the command off in Slack
            continue
        slash = "/" + str(chosen).strip().lower().removeprefix("/")
        if not _VALID_NAME.match(slash):
            raise ConfigError(
                f"slack_commands: {name!r} -> {chosen!r} is not a valid Slack command name "
                "(lowercase letters, digits, - and _, at most 32)"
            )
        if slash in RESERVED:
            raise ConfigError(
                f"slack_commands: {slash} is one of Slack's built-in commands; choose another "
                f"name for {name!r}"
            )
        if name == UMBRELLA:
            description = t(settings.locale, "slack.umbrella", slash=slash)
            found.append(
                SlashCommand(
                    slash=slash,
                    command=None,
                    description=description,
                    usage_hint=_umbrella_hint(
                        [*public, *(n for n, c in commands.items() if c.umbrella_only)]
                    ),
                )
            )
        else:
            command = commands[name]
            found.append(
                SlashCommand(
                    slash=slash,
                    command=name,
                    description=command.summary.get(settings.locale, command.summary["en"]),
                    usage_hint=command.usage.removeprefix(f"/{name}").strip(),
                )
            )
    taken: dict[str, str] = {}
    for entry in found:
        owner = entry.command or UMBRELLA
        if entry.slash in taken:
            raise ConfigError(
                f"slack_commands: {entry.slash} is used for both {taken[entry.slash]!r} "
                f"and {owner!r}"
            )
        taken[entry.slash] = owner
    return tuple(found)
