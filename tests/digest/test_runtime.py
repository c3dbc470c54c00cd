"""The digest as the root wires it: posters from the platform credentials, readiness."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import time_machine

from bot.app import DisputeBot
from bot.config import load_settings
from bot.dossier import Dossier
from bot.ops.readiness import READINESS
from tests.digest.conftest import paris
from tests.digest.fake_chat import DISCORD_TOKEN, SLACK_TOKEN, FakeChat


def readiness_of(name: str) -> tuple[bool, str] | None:
    found = [c for c in READINESS.checks() if c.name == name]
    return (found[0].ok, found[0].detail) if found else None


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def test_serve_posts_through_slack_and_discord(
    tmp_path: Path, chat: FakeChat, dossier: Dossier
) -> None:
    settings = load_settings(
        environ={
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_SIGNING_SECRET": "5c3e1f0a9b8d7c6e5f4a3b2c1d0e9f8a",
            "SLACK_API_URL": chat.slack_api_url,
            "DISCORD_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_URL": chat.discord_api_url,
            "DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / "state.sqlite3"),
        }
    )
    bot = DisputeBot(settings, dossier=dossier)
    core = bot.core
    READINESS.reset()
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        for platform, channel in (("slack", "C1"), ("discord", "1001")):
            line = "/digest subscribe 08:00 paris"
            reply = core.handle_line(line, platform=platform, channel=channel, can_manage=True)
            assert reply.ok
        traveller.move_to(paris(2026, 3, 2, 8, 30))
        stop = asyncio.Event()
        serve = bot.services(["digest"], bot.posters())["digest"]
        running = asyncio.create_task(serve(stop))
        posts = await chat.wait_for(2)
        assert sorted((p.platform, p.channel) for p in posts) == [
            ("discord", "1001"),
            ("slack", "C1"),
        ]
        assert readiness_of("digest") == (True, "posting to discord, slack")
        assert bot.digest.service is not None
        await bot.digest.service.settled()
        stop.set()
        await asyncio.wait_for(running, 5)
    bot.digest.close()
    READINESS.reset()


async def test_an_unreachable_database_keeps_the_digest_unready_not_the_bot_down(
    dossier: Dossier,
) -> None:
    settings = load_settings(environ={"DATABASE_URL": "postgresql://bot:pw@127.0.0.1:1/none"})
    bot = DisputeBot(settings, dossier=dossier)
    core = bot.core
    READINESS.reset()
    stop = asyncio.Event()
    running = asyncio.create_task(bot.services(["digest"], bot.posters())["digest"](stop))
    await wait_until(lambda: readiness_of("digest") == (False, "database unreachable"))
    assert core.handle_line("/quote trump").ok  # commands still answer
    stop.set()
    await asyncio.wait_for(running, 5)  # stops at once, not after the retry wait
    READINESS.reset()
