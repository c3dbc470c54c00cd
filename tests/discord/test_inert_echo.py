"""On Discord too, what a user typed comes back as text: no markdown, link or mention."""

from __future__ import annotations

import re

from bot.config import Settings
from bot.core import Args, Command, Context, Core
from bot.reply import Reply, ReplyKind
from tests.discord.conftest import Bot, answer_to_a_dropped_command
from tests.fakes.discord import FakeDiscord

TYPED = "**zzqx** __wwvv__ `qqkk` <@1234567890> https://zzqx.invalid/login"


async def test_typed_markdown_urls_and_mentions_are_echoed_inert(bot: Bot) -> None:
    _, answer = await bot.ask("quote", keywords=TYPED)
    [embed] = answer.data["embeds"]
    description = embed["description"]
    assert "No quote matches" in description
    for live in ("**zzqx**", "__wwvv__", "`qqkk`", "https://zzqx"):
        assert live not in description
    assert "https\\://zzqx.invalid/login" in description  # reads as typed, links nowhere
    assert re.search(r"(?<!\\)<@", description) is None  # `\<@1234567890>`: text, no pill
    assert answer.data["allowed_mentions"] == {"parse": []}


def _stale(ctx: Context, args: Args) -> Reply:
    return Reply(command="__stale__", kind=ReplyKind.OK, title="Stale")


async def test_an_unknown_commands_name_is_escaped_in_the_embed_title(
    fake: FakeDiscord, core: Core, settings: Settings
) -> None:
    stale = Command(
        name="__stale__", summary={"en": "Gone soon."}, usage="/__stale__", examples=(), run=_stale
    )
    answer = await answer_to_a_dropped_command(fake, core, settings, stale)
    [embed] = answer.data["embeds"]
    assert embed["title"] == "/\\_\\_stale\\_\\_"  # not "/stale" underlined
    assert embed["description"].startswith("Unknown command /\\_\\_stale\\_\\_.")
