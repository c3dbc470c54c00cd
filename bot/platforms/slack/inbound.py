"""Slack payloads in, core Requests out: slash commands, mentions, DMs and button values."""

from __future__ import annotations

import re
from typing import Any

from bot.config import Settings
from bot.core import Request
from bot.platforms.slack.commands import SlashCommand
from bot.platforms.slack.mrkdwn import unescape

_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>\s*)+")
PLATFORM = "slack"


def can_manage(settings: Settings, user: str) -> bool:
    """Slack has no per-channel admin flag we can read: the configured admins, or everyone."""
    return not settings.slack_admins or user in settings.slack_admins


def from_line(line: str, *, settings: Settings, user: str, channel: str) -> Request:
    """A typed command line ("quote trump", "/quote trump"); empty means help."""
    text = line.strip() or "help"
    return Request.parse(
        "/" + text.removeprefix("/"),
        platform=PLATFORM,
        user=user,
        channel=channel,
        can_manage=can_manage(settings, user),
    )


def from_slash_command(body: dict[str, Any], slash: SlashCommand, *, settings: Settings) -> Request:
    """A slash command body: `/quote trump`, or the umbrella `/dispute quote trump`."""
    text = unescape(str(body.get("text") or "")).strip()
    user = str(body.get("user_id") or "")
    channel = str(body.get("channel_id") or "")
    if slash.command is None:
        return from_line(text, settings=settings, user=user, channel=channel)
    return Request(
        command=slash.command,
        args=text,
        platform=PLATFORM,
        user=user,
        channel=channel,
        can_manage=can_manage(settings, user),
    )


def mention_text(text: str) -> str:
    """A mention or DM as a command line: the leading bot mention dropped, entities undone."""
    return unescape(_LEADING_MENTIONS.sub("", text)).strip()
