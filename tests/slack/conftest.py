"""Fixtures for Slack: a fake Slack on loopback, settings pointing at it, and the bot running."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from msgspec import structs

from bot.app import build_core
from bot.config import Settings, load_settings
from bot.core import Core
from bot.dossier import Dossier
from bot.ops.inflight import REPLIES
from bot.platforms.slack.startup import RunningSlack, start_slack
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    DEFAULT_TEAM,
    SIGNING_SECRET,
    FakeSlack,
    fixture,
    signed_headers,
)

if TYPE_CHECKING:
    from tests.slack.oauth_bot import OAuthBot

# Two days after Trump's order, as in the core tests, so digests are stable.
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def dossier() -> Dossier:
    return build_core(load_settings(environ={})).dossier


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    yield slack
    await slack.close()


MakeSettings = Callable[..., Settings]
_TRIGGERS = itertools.count(5872004513441)


def trigger_id() -> str:
    """A fresh trigger_id, as Slack gives each command and click one of its own."""
    return f"{next(_TRIGGERS)}.4402216103.2f1c3e8d0a9b7c6d5e4f3a2b1c0d9e8f"


@pytest.fixture
def make_settings(fake: FakeSlack, tmp_path: Path) -> MakeSettings:
    """Settings loaded from an environment like production's, pointed at the fake, with the
    bot's state in a file of the test's own."""

    def make(*, socket_mode: bool = False, **overrides: Any) -> Settings:
        environ = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": fake.api_url,
            "PORT": "0",
            "DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / "state.sqlite3"),
        }
        if socket_mode:
            environ["SLACK_APP_TOKEN"] = APP_TOKEN
        else:
            environ["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
        return structs.replace(load_settings(environ=environ), **overrides)

    return make


def make_core(settings: Settings, dossier: Dossier) -> Core:
    return build_core(settings, dossier=dossier, clock=lambda: NOW)


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """Slack's view of our HTTP answer: status, body, and how long it took."""

    status: int
    body: str
    seconds: float


class SlackSender:
    """Sends requests to the bot's /slack/events the way Slack does: signed, form or JSON."""

    def __init__(self, session: aiohttp.ClientSession, url: str, fake: FakeSlack) -> None:
        self.session = session
        self.url = url
        self.fake = fake

    async def post(
        self,
        body: str | bytes,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: str | None = None,
        secret: str = SIGNING_SECRET,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """POST `body` signed with `secret` (or with `signature`, forged) at `timestamp`."""
        raw = body.encode() if isinstance(body, str) else body
        sent = signed_headers(secret, raw, content_type=content_type, timestamp=timestamp)
        if signature is not None:
            sent["X-Slack-Signature"] = signature  # forged
        sent.update(headers or {})
        started = time.perf_counter()
        async with self.session.post(self.url, data=raw, headers=sent) as response:
            text = await response.text()
        return Answer(status=response.status, body=text, seconds=time.perf_counter() - started)

    def command_body(self, command: str, text: str, **fields: str) -> tuple[str, str]:
        """A slash command form body from the recorded sample; returns (body, response_url)."""
        form = fixture("slash_command.json")
        url = self.fake.response_url("commands", fields.get("team_id", DEFAULT_TEAM))
        form.update(command=command, text=text, response_url=url, trigger_id=trigger_id())
        form.update(fields)
        return urllib.parse.urlencode(form), url

    async def command(self, command: str, text: str = "", **fields: str) -> Answer:
        body, _ = self.command_body(command, text, **fields)
        return await self.post(body)

    async def action(self, payload: dict[str, Any]) -> Answer:
        return await self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))

    async def event(self, envelope: dict[str, Any]) -> Answer:
        return await self.post(json.dumps(envelope), content_type="application/json")


RunBot = Callable[..., contextlib.AbstractAsyncContextManager[SlackSender]]


@pytest.fixture
def run_http_bot(fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier) -> RunBot:
    """`async with run_http_bot(**settings) as slack:` the bot in HTTP mode on a free port."""

    @contextlib.asynccontextmanager
    async def run(core: Core | None = None, **overrides: Any) -> AsyncIterator[SlackSender]:
        settings = make_settings(**overrides)
        core = core or make_core(settings, dossier)
        running: RunningSlack = await start_slack(
            core, settings, in_flight=REPLIES, host="127.0.0.1"
        )
        assert running.mode == "http" and running.port
        try:
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{running.port}/slack/events"
                yield SlackSender(session, url, fake)
        finally:
            await running.close()

    return run


@pytest.fixture
async def served(fake: FakeSlack, tmp_path: Path, dossier: Dossier) -> AsyncIterator[OAuthBot]:
    """The bot in OAuth mode, its state in a SQLite file, the clock at 06:00 UTC on 1 March."""
    from tests.slack.oauth_bot import Clock, oauth_settings, run_oauth_bot

    settings = oauth_settings(fake, database=str(tmp_path / "state.sqlite3"))
    clock = Clock(NOW.replace(hour=6))
    async with run_oauth_bot(fake, settings, dossier, clock=clock) as served:
        yield served
