"""Fixtures for the Discord platform: the fake Discord, settings pointing at it, a running bot."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_core
from bot.config import PROJECT_ROOT, Secret, Settings
from bot.core import Command, Core
from bot.corpus import load_corpus
from bot.dossier import Dossier
from bot.platforms.discord import serve
from bot.platforms.discord.client import run_client
from tests.fakes.discord import Answer, FakeDiscord, Interaction, fixture, mention_violations
from tests.wiring import WIRING

SEEDS = PROJECT_ROOT / "seeds"
TOKEN = "MTMxMjQ1OTg3MTAzNDgxNzYyMw.GkQ3xZ.tests-only-token-never-valid-on-discord"
# A fixed "now" two days after Trump's order, as in the core's tests.
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def dossier() -> Dossier:
    return Dossier(load_corpus(SEEDS))


@pytest.fixture(scope="session")
def offline_core(dossier: Dossier) -> Core:
    """The shipped dossier, for tests that need no Discord at all (rendering)."""
    return build_core(Settings(seeds=SEEDS), dossier=dossier, clock=lambda: NOW)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(token=TOKEN)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
    assert mention_violations(fake) == [], "a message could have pinged someone"
    if not fake.rejections_expected:
        assert fake.rejected == [], "the bot sent something Discord refuses"


@pytest.fixture
def make_settings(fake: FakeDiscord, tmp_path: Path) -> Callable[..., Settings]:
    def make(**changes: Any) -> Settings:
        values: dict[str, Any] = {
            "seeds": SEEDS,
            "discord_token": Secret(TOKEN),
            "discord_api_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
            "digest_database": str(tmp_path / "data" / "dispute-bot.sqlite3"),
        }
        values.update(changes)
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def core(settings: Settings, dossier: Dossier) -> Core:
    return build_core(settings, dossier=dossier, clock=lambda: NOW)


class Bot:
    """A bot connected to the fake Discord; `ask` runs a command as a user would."""

    def __init__(self, fake: FakeDiscord, core: Core) -> None:
        self.fake = fake
        self.core = core

    async def ask(self, name: str, **options: Any) -> tuple[Interaction, Answer]:
        interaction = await self.fake.invoke(name, **options)
        return interaction, await self.fake.next_answer(interaction)


@asynccontextmanager
async def running(
    fake: FakeDiscord, core: Core, settings: Settings, *, defer_after: float | None = None
) -> AsyncIterator[Bot]:
    """The bot, from `serve` (or `run_client` to tune deferral), until the block ends."""
    stop = asyncio.Event()
    if defer_after is None:
        task = asyncio.create_task(serve(core, settings, stop, **WIRING))
    else:
        task = asyncio.create_task(
            run_client(core, settings, stop, defer_after=defer_after, **WIRING)
        )
    shards = settings.discord_shard_count or 1
    connected = asyncio.create_task(
        fake.wait_for(lambda: len(fake.ready_sessions()) >= shards, timeout=10)
    )
    done, _ = await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        connected.cancel()
        task.result()
        raise AssertionError("the bot stopped before connecting")
    await connected
    try:
        yield Bot(fake, core)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


@pytest.fixture
async def bot(fake: FakeDiscord, core: Core, settings: Settings) -> AsyncIterator[Bot]:
    async with running(fake, core, settings) as bot:
        yield bot


async def answer_to_a_dropped_command(
    fake: FakeDiscord, core: Core, settings: Settings, command: Command
) -> Answer:
    """Run `command` once so it syncs, drop it from the bot, and invoke it as Discord still
    shows it (the sync that would remove it is refused)."""
    core.commands[command.name] = command
    async with running(fake, core, settings):
        pass
    del core.commands[command.name]
    fake.rejections_expected = True
    fake.sync_replies.append((403, fixture("error_missing_access")))  # so Discord keeps it
    async with running(fake, core, settings):
        return await fake.next_answer(await fake.invoke(command.name))
