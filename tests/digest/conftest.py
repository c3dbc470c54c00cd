"""Fixtures for the digest: a fake chat on loopback, settings on a temporary SQLite file, and
replicas (a Core with its digest service) to start, stop and restart like the real bot.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
import zoneinfo
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from msgspec import structs

from bot.app import DisputeBot, state_database
from bot.config import Secret, Settings, load_settings
from bot.delivery import Poster
from bot.digest.service import DigestService
from bot.digest.store import DigestStore
from bot.dossier import Dossier
from bot.library import Library
from bot.ops import metrics
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.slack.poster import SlackPoster
from bot.reply import Reply
from tests.digest.chat_poster import ChatPoster
from tests.digest.fake_chat import DISCORD_TOKEN, SLACK_TOKEN, FakeChat

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DOSSIER = "anthropic-pentagon-2026"  # the shipped dossier's name, the default


def _at(zone: dt.tzinfo, y: int, mo: int, d: int, h: int, mi: int, s: float) -> dt.datetime:
    micro = round((s - int(s)) * 1_000_000)
    return dt.datetime(y, mo, d, h, mi, int(s), micro, tzinfo=zone)


def paris(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: float = 0
) -> dt.datetime:
    """A Paris wall-clock time: paris(2026, 3, 2, 7, 59, 59.8)."""
    return _at(PARIS, year, month, day, hour, minute, second)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: float = 0
) -> dt.datetime:
    return _at(dt.UTC, year, month, day, hour, minute, second)


def digest_settings(database: Path | None = None, **overrides: Any) -> Settings:
    """Production settings, with the digest's state in `database` and test-sized timings."""
    values: dict[str, Any] = {
        "digest_sync_seconds": 3600.0,  # tests sweep explicitly, or let the cron fire
        "digest_retry_backoff_seconds": (0.05, 0.1),
        "digest_claim_timeout_seconds": 60.0,
    }
    if database is not None:
        values["digest_database"] = str(database)
    values.update(overrides)
    return structs.replace(load_settings(environ={}), **values)


def open_store(settings: Settings, *, default_dossier: str = "") -> DigestStore:
    """The digest's store on a state database built as the root builds it (bot.app), which
    the caller closes: `store.database.close()`."""
    database = state_database(settings)
    try:
        return DigestStore.open(database.get(), default_dossier=default_dossier)
    except BaseException:
        database.close()
        raise


@pytest.fixture(scope="session")
def dossier() -> Dossier:
    return DisputeBot(load_settings(environ={})).core.dossier


@pytest.fixture
async def chat() -> AsyncIterator[FakeChat]:
    fake = await FakeChat().start()
    yield fake
    await fake.close()


def real_posters(chat: FakeChat) -> dict[str, Poster]:
    """The platforms' own posters, pointed at the fake chat."""
    return {
        "slack": SlackPoster(token=SLACK_TOKEN, api_url=chat.slack_api_url),
        "discord": DiscordPoster(token=DISCORD_TOKEN, api_url=chat.discord_api_url),
    }


def chat_posters(chat: FakeChat) -> dict[str, Poster]:
    """Test-side posters that send the Reply itself, for tests that read the content."""
    return {
        "slack": ChatPoster(platform="slack", base_url=chat.base),
        "discord": ChatPoster(platform="discord", base_url=chat.base),
    }


class Replica:
    """One bot process: its Core (commands) and, once started, its digest service."""

    def __init__(
        self, settings: Settings, dossier: Dossier | Library, posters: dict[str, Poster]
    ) -> None:
        self.settings = settings
        self.bot = DisputeBot(settings, dossier=dossier)
        self.core = self.bot.core
        self.hub = self.bot.digest
        self.posters = posters
        self.service: DigestService | None = None

    def ask(
        self,
        line: str,
        *,
        platform: str = "slack",
        channel: str = "C1",
        can_manage: bool = True,
        locale: str | None = None,
    ) -> Reply:
        return self.core.handle_line(
            line,
            platform=platform,
            channel=channel,
            can_manage=can_manage,
            user="U1",
            locale=locale,
        )

    @property
    def store(self) -> DigestStore:
        return self.hub.store

    async def start(self) -> DigestService:
        service = DigestService(
            core=self.core,
            settings=self.settings,
            store=self.store,
            posters=self.posters,
            counts=metrics,  # what the root gives it: /metrics
        )
        self.hub.attach(service)
        await service.start()
        self.service = service
        return service

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.shutdown()
            self.hub.detach(self.service)
            self.service = None

    def wake(self) -> None:
        assert self.service is not None
        self.service.wake()

    async def settled(self) -> None:
        """Until the deliveries in flight are recorded (before the test moves the clock)."""
        assert self.service is not None
        await self.service.settled()

    async def sweep(self) -> None:
        assert self.service is not None
        await self.service.sweep()


MakeReplica = Callable[..., Replica]


@pytest.fixture
async def make_replica(
    tmp_path: Path, dossier: Dossier, chat: FakeChat
) -> AsyncIterator[MakeReplica]:
    """Replicas sharing one SQLite file (a restart is a new replica on the same file)."""
    made: list[Replica] = []

    def make(
        *,
        real: bool = False,
        settings: Settings | None = None,
        dossiers: Dossier | Library | None = None,
        **overrides: Any,
    ) -> Replica:
        chosen = settings or digest_settings(tmp_path / "digest.sqlite3", **overrides)
        posters = real_posters(chat) if real else chat_posters(chat)
        replica = Replica(chosen, dossiers or dossier, posters)
        made.append(replica)
        return replica

    yield make
    for replica in made:
        await replica.stop()
        replica.hub.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """TEST_DATABASE_URL with a fresh schema of its own (dropped after), or skip."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = f"digest_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in base else "?"
    yield f"{base}{joiner}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def postgres_settings(url: str, **overrides: Any) -> Settings:
    return structs.replace(digest_settings(**overrides), database_url=Secret(url))
