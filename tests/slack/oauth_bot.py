"""The bot in Slack's OAuth mode on loopback, as production wires it, for the tests of many
workspaces: the root's DisputeBot (core, digest hub, reloads), the installations on the
state database (SQLite file, or PostgreSQL), the Slack platform in HTTP (or Socket) mode, and
the digest service posting through the root's posters. A browser installs the app as a
person would: install page, Slack's authorize page (the fake's), the redirect.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from msgspec import structs

from bot.app import DisputeBot
from bot.config import Secret, Settings, load_settings
from bot.digest.service import DigestService
from bot.dossier import Dossier
from bot.ops.inflight import REPLIES
from bot.platforms.slack.installations import Installations
from bot.platforms.slack.startup import RunningSlack, start_slack
from tests.fakes.slack import (
    APP_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    FakeSlack,
    OAuthApp,
    Workspace,
)
from tests.slack.bolt_oauth import browser_at, install_at, install_link_at
from tests.slack.conftest import Answer, SlackSender


class Clock:
    """The bot's clock, moved by the test (digests are due at set times)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def oauth_settings(
    fake: FakeSlack,
    *,
    database: str | None = None,
    database_url: str | None = None,
    socket_mode: bool = False,
    **overrides: Any,
) -> Settings:
    """Production settings for OAuth mode (from an environment as production's), the state
    in `database` (SQLite) or at `database_url` (PostgreSQL), digests timed for tests."""
    environ = {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORT": "0",
    }
    if socket_mode:
        environ["SLACK_APP_TOKEN"] = APP_TOKEN
    else:
        environ["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
    values: dict[str, Any] = {
        "digest_sync_seconds": 3600.0,  # the tests sweep themselves
        "digest_retry_backoff_seconds": (0.05, 0.1),
        "digest_claim_timeout_seconds": 60.0,
        "health_port": None,
    }
    if database_url is not None:
        values["database_url"] = Secret(database_url)
    if database is not None:
        values["digest_database"] = database
    values.update(overrides)
    return structs.replace(load_settings(environ=environ), **values)


@dataclass(kw_only=True)
class OAuthBot:
    """A running bot in OAuth mode, and what a test drives it with."""

    fake: FakeSlack
    bot: DisputeBot
    settings: Settings
    running: RunningSlack
    installations: Installations
    session: aiohttp.ClientSession
    clock: Clock
    digests: DigestService | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.running.port}"

    @property
    def sender(self) -> SlackSender:
        return SlackSender(self.session, f"{self.base}/slack/events", self.fake)

    def browser(self) -> aiohttp.ClientSession:
        return browser_at(self.base)

    async def install_link(self, browser: aiohttp.ClientSession) -> str:
        return await install_link_at(self.base, browser)

    async def install(self, workspace: Workspace, user: str | None = None) -> tuple[int, str]:
        """A person of `workspace` installs the app: install page, Allow, back to the bot."""
        async with self.browser() as browser:
            user = user or workspace.users[0]
            return await install_at(self.base, self.fake, browser, workspace.team_id, user)

    async def command(
        self, workspace: Workspace, command: str, text: str = "", **fields: str
    ) -> Answer:
        return await self.sender.command(command, text, **{**workspace.command_fields(), **fields})

    async def start_digests(self) -> DigestService:
        hub = self.bot.digest
        service = DigestService(
            core=self.bot.core,
            settings=self.settings,
            store=hub.store,
            posters=self.bot.posters(self.installations),
        )
        hub.attach(service)
        await service.start()
        self.digests = service
        return service

    async def sweep(self) -> None:
        assert self.digests is not None
        await self.digests.sweep()
        await self.digests.settled()


@contextlib.asynccontextmanager
async def run_oauth_bot(
    fake: FakeSlack,
    settings: Settings,
    dossier: Dossier,
    *,
    clock: Clock,
    rotation: bool = False,
    token_lifetime: float = 43200.0,
) -> AsyncIterator[OAuthBot]:
    """The bot serving OAuth mode on a free port; the fake's app has its redirect URL."""
    bot = DisputeBot(settings, dossier=dossier, clock=clock)
    installations = await bot.open_installations()  # as the root opens them
    running = await start_slack(
        bot.core,
        settings,
        in_flight=REPLIES,
        host="127.0.0.1",
        digest=bot.digest,
        reloads=bot.reloads,
        installations=installations,
    )
    assert running.oauth and running.port
    fake.oauth.app = OAuthApp(
        redirect_uri=f"http://127.0.0.1:{running.port}/slack/oauth_redirect",
        token_rotation=rotation,
        token_lifetime=token_lifetime,
    )
    session = aiohttp.ClientSession()
    served = OAuthBot(
        fake=fake,
        bot=bot,
        settings=settings,
        running=running,
        installations=installations,
        session=session,
        clock=clock,
    )
    try:
        yield served
    finally:
        await session.close()
        if served.digests is not None:
            await served.digests.shutdown()
            bot.digest.detach(served.digests)
        await running.close()
        bot.digest.close()
        bot.database.close()
