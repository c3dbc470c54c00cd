"""Start-up and shutdown: login, gateway handshake, command sync when changed, sharding."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import PROJECT_ROOT, Secret, Settings, load_settings
from bot.core import Args, Command, Context, Core
from bot.errors import ConfigError
from bot.platforms.discord import serve
from bot.reply import Reply, ReplyKind
from tests.discord.conftest import TOKEN, Bot, answer_to_a_dropped_command, running
from tests.fakes.discord import FakeDiscord, fixture
from tests.wiring import WIRING

MESSAGE_CONTENT_INTENT = 1 << 15
GUILDS_INTENT = 1 << 0


async def test_logs_in_and_identifies_with_minimal_intents(bot: Bot) -> None:
    fake = bot.fake
    [session] = fake.ready_sessions()
    identify = session.identify or {}
    assert identify["token"] == TOKEN
    assert identify["intents"] == GUILDS_INTENT  # nothing privileged: no message content
    assert not identify["intents"] & MESSAGE_CONTENT_INTENT
    assert "shard" not in identify  # a plain client when no shard count is configured
    assert session.query["v"] == "10" and session.query["encoding"] == "json"
    assert session.query["compress"] == "zlib-stream"  # and the fake answered compressed
    await fake.wait_for(lambda: fake.heartbeats >= 1)  # first heartbeat right after HELLO
    calls = [(s.method, s.path) for s in fake.requests]
    app = fake.application_id
    assert calls[:3] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{app}/commands"),
    ]
    assert all(s.authorization == f"Bot {TOKEN}" for s in fake.requests[:3])
    # READY was sequence 1, GUILD_CREATE 2: the next dispatch carries 3 and is answered.
    _, answer = await bot.ask("help")
    assert session.sequence == 3 and answer.type == 4


def _extra(ctx: Context, args: Args) -> Reply:
    return Reply(command="extra", kind=ReplyKind.OK, title="Extra")


async def test_commands_sync_only_when_the_set_changed(
    fake: FakeDiscord, core: Core, settings: Settings, tmp_path: Path
) -> None:
    puts = lambda: [s for s in fake.requests if s.method == "PUT"]  # noqa: E731
    async with running(fake, core, settings):
        pass
    assert len(puts()) == 1
    state = tmp_path / "data" / f"discord-commands-{fake.application_id}-global.sha256"
    assert state.exists()  # next to the database file

    async with running(fake, core, settings) as bot:  # a restart: same commands
        _, answer = await bot.ask("quote", speaker="Donald Trump")
    assert len(puts()) == 1, "an unchanged command set must not be synced again"
    assert answer.type == 4

    core.commands["extra"] = Command(
        name="extra", summary={"en": "One more."}, usage="/extra", examples=(), run=_extra
    )
    async with running(fake, core, settings):
        pass
    assert len(puts()) == 2
    assert "extra" in {c["name"] for c in puts()[-1].body}


async def test_a_refused_sync_keeps_serving_and_retries_on_next_start(
    fake: FakeDiscord, core: Core, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(fake, core, settings):
        pass
    core.commands["extra"] = Command(
        name="extra", summary={"en": "One more."}, usage="/extra", examples=(), run=_extra
    )
    fake.rejections_expected = True
    fake.sync_replies.append((403, fixture("error_missing_access")))
    async with running(fake, core, settings) as bot:
        _, answer = await bot.ask("sources")  # the commands Discord already has still work
    assert answer.type == 4
    assert "applications.commands" in caplog.text
    async with running(fake, core, settings):
        pass
    assert [s.status for s in fake.requests if s.method == "PUT"] == [200, 403, 200]


async def test_guild_sync_registers_the_commands_in_that_server_only(
    fake: FakeDiscord, core: Core, make_settings: Any
) -> None:
    settings = make_settings(discord_guild_id=int(fake.guild_id))
    async with running(fake, core, settings) as bot:
        _, answer = await bot.ask("timeline", actor="Pete Hegseth")
    paths = [s.path for s in fake.requests if s.method == "PUT"]
    assert paths == [f"/applications/{fake.application_id}/guilds/{fake.guild_id}/commands"]
    assert "global" not in fake.commands
    assert answer.data["embeds"][0]["title"] == "Timeline: Pete Hegseth"


async def test_a_shard_count_starts_the_auto_sharded_client(
    fake: FakeDiscord, core: Core, make_settings: Any
) -> None:
    settings = make_settings(discord_shard_count=1)
    async with running(fake, core, settings) as bot:
        [session] = fake.ready_sessions()
        _, answer = await bot.ask("digest")
    assert (session.identify or {})["shard"] == [0, 1]
    assert answer.data["embeds"][0]["title"] == "Daily digest, 1 March 2026"


async def test_serve_returns_once_stop_is_set(
    fake: FakeDiscord, core: Core, settings: Settings
) -> None:
    async with running(fake, core, settings):
        assert fake.api_url == Route.BASE  # discord.py talks to the fake while serving
    await fake.wait_for(lambda: fake.closed_codes)
    # The client closed the socket itself (discord.py 2.7 with aiohttp 3.1x sends 1000 or,
    # when its reader was waiting, 4000; either way Discord sees the bot leave).
    assert len(fake.closed_codes) == 1 and fake.closed_codes[0] in (1000, 4000)
    assert fake.ready_sessions() == []
    assert Route.BASE == "https://discord.com/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"


async def test_a_refused_token_stops_start_up_with_a_clear_message(
    fake: FakeDiscord, core: Core, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(discord_token=Secret("not-the-token"))
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        await asyncio.wait_for(serve(core, settings, asyncio.Event(), **WIRING), timeout=10)
    assert fake.sessions == []
    assert "not-the-token" not in caplog.text


def test_importing_the_package_does_not_load_discord_py() -> None:
    code = (
        "import sys, bot.platforms, bot.platforms.discord, bot.platforms.discord.poster, "
        "bot.platforms.discord.render; print('discord' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_no_token_is_a_config_error(core: Core) -> None:
    settings = Settings(seeds=PROJECT_ROOT / "seeds")
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        asyncio.run(serve(core, settings, asyncio.Event(), **WIRING))


async def test_a_command_discord_still_shows_but_the_bot_dropped_says_unknown(
    fake: FakeDiscord, core: Core, settings: Settings
) -> None:
    extra = Command(
        name="extra", summary={"en": "One more."}, usage="/extra", examples=(), run=_extra
    )
    answer = await answer_to_a_dropped_command(fake, core, settings, extra)
    assert answer.type == 4 and answer.data["flags"] & 64
    [embed] = answer.data["embeds"]
    assert embed["description"].startswith("Unknown command /extra.")


async def test_the_environment_points_the_bot_at_other_urls(
    fake: FakeDiscord, core: Core, tmp_path: Path
) -> None:
    settings = load_settings(
        environ={
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / "state" / "bot.sqlite3"),
        }
    )
    async with running(fake, core, settings) as bot:
        _, answer = await bot.ask("help", command="timeline")
    assert answer.data["embeds"][0]["title"] == "Help: /timeline"
    assert (tmp_path / "state" / f"discord-commands-{fake.application_id}-global.sha256").exists()


async def test_readiness_follows_the_gateway_connection(
    fake: FakeDiscord, core: Core, settings: Settings
) -> None:
    from bot.ops.readiness import READINESS

    def discord_check() -> bool | None:
        return next((c.ok for c in READINESS.checks() if c.name == "discord"), None)

    READINESS.forget("discord")
    async with running(fake, core, settings):
        for _ in range(200):  # discord.py dispatches "ready" once the guilds have arrived
            if discord_check():
                break
            await asyncio.sleep(0.025)
        assert discord_check() is True
    assert discord_check() is False  # closing the gateway makes the bot unready
    READINESS.forget("discord")
