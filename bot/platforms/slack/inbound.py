"""Slack payloads in, core Requests out: slash commands, mentions, DMs and button values."""

from __future__ import annotations

import re
from typing import Any

from bot.config import Settings
from bot.core import Request
from bot.platforms.slack.commands import SlashCommand
from bot.platforms.slack.mrkdwn import unescape

_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>\s*)+")
# JSON may carry half a UTF-16 pair ("\ud800"): Python keeps it, and no encoder takes it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
PLATFORM = "slack"


def readable(text: str) -> str:
    """`text` with each unpaired surrogate replaced by U+FFFD, so any encoder accepts it."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def can_manage(settings: Settings, user: str) -> bool:
    """Slack has no per-channel admin flag we can read: the configured admins, or everyone
    (bot.platforms.slack.admins adds the workspace's own). They manage the workspace's
    settings too."""
    return not settings.slack_admins or user in settings.slack_admins


def is_operator(settings: Settings, user: str) -> bool:
    """The bot's operators, who may run /reload and /draft (acting on the whole deployment):
    the members `slack_admins` lists. An empty list keeps the single-token mode's historical
    "every member", the one workspace being the operator's own; in OAuth mode, where anyone
    may install the app, it means nobody. The workspace's own admins are not operators."""
    if settings.slack_admins:
        return bool(user) and user in settings.slack_admins
    return not settings.slack_oauth


def from_line(
    line: str,
    *,
    settings: Settings,
    user: str,
    channel: str,
    team: str | None = None,
    enterprise: str | None = None,
) -> Request:
    """A typed command line ("quote trump", "/quote trump"); empty means help. `team` and
    `enterprise` say which workspace it came from (Bolt's context has them)."""
    text = readable(line).strip() or "help"
    admin = can_manage(settings, user)
    return Request.parse(
        "/" + text.removeprefix("/"),
        platform=PLATFORM,
        user=readable(user),
        channel=readable(channel),
        can_manage=admin,
        can_configure=admin,
        is_operator=is_operator(settings, user),
        team=readable(team or ""),
        enterprise=readable(enterprise or ""),
    )


def from_slash_command(body: dict[str, Any], slash: SlashCommand, *, settings: Settings) -> Request:
    """A slash command body: `/quote trump`, or the umbrella `/dispute quote trump`."""
    text = readable(unescape(str(body.get("text") or ""))).strip()
    user = readable(str(body.get("user_id") or ""))
    channel = readable(str(body.get("channel_id") or ""))
    team = readable(str(body.get("team_id") or ""))
    enterprise = readable(str(body.get("enterprise_id") or ""))
    if slash.command is None:
        return from_line(
            text, settings=settings, user=user, channel=channel, team=team, enterprise=enterprise
        )
    admin = can_manage(settings, user)
    return Request(
        command=slash.command,
        args=text,
        platform=PLATFORM,
        user=user,
        channel=channel,
        can_manage=admin,
        can_configure=admin,
        is_operator=is_operator(settings, user),
        team=team,
        enterprise=enterprise,
    )


def mention_text(text: str) -> str:
    """A mention or DM as a command line: the leading bot mention dropped, entities undone."""
    return unescape(_LEADING_MENTIONS.sub("", text)).strip()
