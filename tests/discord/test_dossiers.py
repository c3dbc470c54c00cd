"""Two dossiers and two servers over Discord: /use (with its autocomplete) makes a channel
follow a dossier, every command and autocomplete answers from it, and /settings (Manage
Server) changes one server's language and visibility and not another's."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import DisputeBot, build_core
from bot.config import Settings
from bot.core import Args, Command, Context, Request
from bot.platforms.discord.custom_ids import PAGE_PREFIX
from bot.reply import Reply, ReplyKind
from tests.discord.conftest import NOW, Bot, running
from tests.dossiers import ANTHROPIC, MAYOR_SAYS, STADIUM_TITLE, TRUMP_SAYS, two_dossiers
from tests.fakes.discord import ALL_PERMISSIONS, EPHEMERAL, MANAGE_GUILD, Answer, FakeDiscord

STADIUM_CHANNEL, OTHER_CHANNEL = "1290573849201748040", "1290573849201748041"
OTHER_GUILD = "1290573849201748099"
GUILD = "1290573849201748029"  # the server of the recorded interactions


@pytest.fixture
def settings(make_settings: Callable[..., Settings], tmp_path: Path) -> Settings:
    return make_settings(seeds=two_dossiers(tmp_path))


@pytest.fixture
async def bot(fake: FakeDiscord, settings: Settings) -> AsyncIterator[Bot]:
    core = build_core(settings, clock=lambda: NOW, eager=True)
    async with running(fake, core, settings) as bot:
        yield bot


def shown(answer: Answer) -> str:
    """What the user reads: the content and the embeds, as one string."""
    return json.dumps([answer.data.get("content"), answer.data.get("embeds")], ensure_ascii=False)


async def ask(bot: Bot, command: str, **options: Any) -> Answer:
    return await bot.fake.next_answer(await bot.fake.invoke(command, **options))


async def choices(bot: Bot, command: str, option: str, typed: str, **where: Any) -> list[str]:
    answer = await bot.fake.next_answer(await bot.fake.type_option(command, option, typed, **where))
    assert answer.type == 8
    return [c["value"] for c in answer.data["choices"]]


async def test_two_dossiers_answer_in_their_own_channels(bot: Bot) -> None:
    assert await choices(bot, "use", "dossier", "sta") == ["stadium"]
    names = await choices(bot, "use", "dossier", "")
    assert names == [ANTHROPIC, "stadium"]

    chose = await ask(bot, "use", dossier="stadium", channel_id=STADIUM_CHANNEL)
    assert f"This channel now follows {STADIUM_TITLE} (stadium)" in shown(chose)

    mayor = await ask(bot, "quote", speaker="maire", channel_id=STADIUM_CHANNEL)
    assert MAYOR_SAYS in shown(mayor)
    trump = await ask(bot, "quote", speaker="trump", channel_id=OTHER_CHANNEL)
    assert TRUMP_SAYS in shown(trump)
    here = await choices(bot, "quote", "speaker", "", channel_id=STADIUM_CHANNEL)
    assert here == ["mayor", "Le club"]
    there = await choices(bot, "quote", "speaker", "tru", channel_id=OTHER_CHANNEL)
    assert there[0] == "Donald Trump"

    listed = await ask(bot, "list", channel_id=STADIUM_CHANNEL)
    assert f"This channel follows {STADIUM_TITLE}." in shown(listed)
    assert "/use NAME" in shown(listed)


async def test_use_is_for_members_who_manage_the_channel(bot: Bot) -> None:
    members = ALL_PERMISSIONS & ~(1 << 4) & ~(1 << 3)  # no Manage Channels, no Administrator
    refused = await ask(bot, "use", dossier="stadium", permissions=members)
    assert "Only members who can manage this channel" in shown(refused)
    assert refused.data["flags"] & EPHEMERAL
    listed = await ask(bot, "use")  # no name: the list
    assert "Dossiers" in shown(listed) and "followed here" in shown(listed)


async def test_server_settings_change_one_server_and_not_another(bot: Bot) -> None:
    changed = await ask(bot, "settings", setting="language", value="fr")
    assert "Changé pour ce serveur : les réponses sont maintenant en français" in shown(changed)
    await ask(bot, "settings", setting="replies", value="public")

    here = await ask(bot, "quote", speaker="trump")
    assert "Citations de Donald Trump" in shown(here)
    assert not here.data.get("flags", 0) & EPHEMERAL  # public, with no Share button
    assert "dbot:share" not in json.dumps(here.data.get("components"))
    there = await ask(bot, "quote", speaker="trump", guild_id=OTHER_GUILD)
    assert "Quotes by Donald Trump" in shown(there)
    assert there.data["flags"] & EPHEMERAL

    no_server_rights = ALL_PERMISSIONS & ~MANAGE_GUILD & ~(1 << 3)
    refused = await ask(
        bot, "settings", setting="language", value="en", permissions=no_server_rights
    )
    assert "Seuls les membres qui peuvent gérer ce serveur" in shown(refused)
    assert await choices(bot, "settings", "setting", "rep") == ["replies"]


async def test_a_slow_answer_in_a_public_server_goes_public_though_deferred_privately(
    fake: FakeDiscord, settings: Settings
) -> None:
    """The deferral cannot wait for the server's settings: it follows the config (ephemeral),
    and the answer, public in this server, replaces the private "thinking…" placeholder."""
    gate = threading.Event()

    def slow(ctx: Context, args: Args) -> Reply:
        gate.wait(5)
        return Reply(command="slow", kind=ReplyKind.OK, title="Done at last")

    bot = DisputeBot(settings, clock=lambda: NOW)
    server = Request(command="settings", platform="discord", team=GUILD, user="1")
    bot.preferences.change_team(server, "visibility", "public")  # as /settings would
    core = bot.core
    core.commands["slow"] = Command(
        name="slow", summary={"en": "Test-only /slow."}, usage="/slow", examples=(), run=slow
    )
    async with running(fake, core, settings, defer_after=0.05):
        interaction = await fake.invoke("slow")
        deferred = await fake.next_answer(interaction)
        assert deferred.type == 5 and deferred.data["flags"] & EPHEMERAL
        gate.set()
        removed = await fake.next_answer(interaction, kind="delete")
        followup = await fake.next_answer(interaction, kind="followup")
    assert removed.message is not None and removed.message["id"] == deferred.message["id"]
    assert followup.body["embeds"][0]["title"] == "Done at last"
    assert followup.message is not None and not followup.message["flags"] & EPHEMERAL


async def test_what_the_platform_says_itself_is_in_the_servers_language(bot: Bot) -> None:
    """A server set to French gets the expired-button notice in French, whatever language
    the member's Discord speaks."""
    await ask(bot, "settings", setting="language", value="fr")
    stale = PAGE_PREFIX + "#0123456789abcdef01234567"
    old = bot.fake.add_message(
        {
            "embeds": [{"title": "A long list", "footer": {"text": "Page 1 of 3"}}],
            "components": [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 2, "label": "Next ▶", "custom_id": stale}],
                }
            ],
        },
        flags=EPHEMERAL,
    )
    answer = await bot.fake.next_answer(await bot.fake.click(old, stale, locale="en-US"))
    assert "Ce bouton a expiré" in answer.data["content"]
