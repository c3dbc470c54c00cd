"""The App Home tab as Block Kit: the dossiers a workspace follows, the digests of the
channels the user is in, and the commands.

`home_view` takes the list of dossiers followed, so a deployment serving several renders each
in turn, with its three latest events (those dated today or before: a deadline still ahead
is not news yet). Everything from a dossier or a channel's subscription goes through the renderer's
`escape` (nothing pings, links or formats); the one mention made here is of a channel, by an
id Slack gave (`<#C0123>`, which shows its name and notifies no one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from msgspec import structs

from bot.core import Context
from bot.digest.records import Subscription
from bot.dossier import Dossier
from bot.i18n import format_weekdays, format_when, t
from bot.items import event_when
from bot.platforms.slack.commands import SlashCommand
from bot.platforms.slack.mrkdwn import clip, escape
from bot.platforms.slack.render import (
    MAX_SECTION_TEXT,
    Block,
    context_block,
    header_block,
    section_block,
)

LATEST_EVENTS = 3
MAX_DOSSIERS = 10  # each takes four blocks; a Home tab holds 100
MAX_DIGEST_LINES = 25
MAX_SUMMARY = 600  # characters of a dossier's summary
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")


def home_view(
    ctx: Context,
    *,
    dossiers: Sequence[Dossier],
    digests: Sequence[Subscription] | None,
    commands: Sequence[SlashCommand],
    now: dt.datetime,
) -> dict[str, Any]:
    """The Home view (for views.publish). `digests` are the subscriptions of the channels the
    user is in; None when Slack would not say which those are (the note says so)."""
    locale = ctx.locale
    blocks: list[Block] = [header_block(t(locale, "home.title"))]
    for dossier in dossiers[:MAX_DOSSIERS]:
        blocks += _dossier_blocks(structs.replace(ctx, dossier=dossier))
        blocks.append({"type": "divider"})
    blocks += _digest_blocks(locale, digests)
    blocks.append({"type": "divider"})
    blocks.append(section_block(_commands_text(locale, commands)))
    updated = format_when(now.astimezone(dt.UTC), "UTC", locale)
    blocks.append(context_block(escape(t(locale, "home.updated", when=updated))))
    return {"type": "home", "callback_id": "dispute_home", "blocks": blocks}


def _dossier_blocks(ctx: Context) -> list[Block]:
    corpus = ctx.dossier.corpus
    summary = clip(escape(corpus.summary.get(ctx.locale)), MAX_SUMMARY)
    blocks = [section_block(f"*{escape(corpus.title.get(ctx.locale))}*\n{summary}")]
    # Events are in date order; a deadline still ahead is not among the latest events.
    happened = [event for event in corpus.events if event.date <= ctx.today] or corpus.events
    latest = happened[-LATEST_EVENTS:][::-1]
    if latest:
        lines = [
            f"• *{escape(event_when(ctx, event))}*: {escape(event.summary.get(ctx.locale))}"
            for event in latest
        ]
        blocks.append(context_block(escape(ctx.t("home.latest"))))
        blocks.append(section_block(clip("\n".join(lines), MAX_SECTION_TEXT)))
    return blocks


def _channel(channel: str) -> str:
    """A channel as Slack shows it (its name), if the id is one Slack gives; else as text."""
    return f"<#{channel}>" if _CHANNEL_ID.match(channel) else escape(channel)


def _digest_line(locale: str, sub: Subscription) -> str:
    schedule = sub.schedule
    plan = t(
        locale,
        "digest.status.schedule_value",
        time=schedule.time_text,
        zone=schedule.zone,
        days=format_weekdays(schedule.weekdays, locale),
        language=t(locale, f"digest.language.{sub.locale}"),
    )
    line = f"• {_channel(sub.channel)}: {escape(plan)}"
    if sub.paused:
        line += f" {escape(t(locale, 'home.paused'))}"
    return line


def _digest_blocks(locale: str, digests: Sequence[Subscription] | None) -> list[Block]:
    title = f"*{escape(t(locale, 'home.digests'))}*"
    if digests is None:
        return [section_block(f"{title}\n{escape(t(locale, 'home.channels_unknown'))}")]
    if not digests:
        return [section_block(f"{title}\n{escape(t(locale, 'home.no_digests'))}")]
    lines = [_digest_line(locale, sub) for sub in digests[:MAX_DIGEST_LINES]]
    if len(digests) > MAX_DIGEST_LINES:
        lines.append(escape(t(locale, "home.more", n=len(digests) - MAX_DIGEST_LINES)))
    return [section_block(clip(title + "\n" + "\n".join(lines), MAX_SECTION_TEXT))]


def _commands_text(locale: str, commands: Sequence[SlashCommand]) -> str:
    lines = [f"*{escape(t(locale, 'home.commands'))}*"]
    lines += [f"• {escape(c.slash)}: {escape(c.description)}" for c in commands]
    return clip("\n".join(lines), MAX_SECTION_TEXT)
