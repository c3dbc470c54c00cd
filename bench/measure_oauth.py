"""Slack's OAuth mode: what authorizing one request costs, the bot's way against Bolt's.

Every request in OAuth mode is authorized with its workspace's installation before a listener
runs (it is part of each command's acknowledgement). The bot's `WorkspaceAuthorize` reads the
workspace's bot from the store (kept a minute in memory) and makes no Web API call; Bolt's
default `AsyncInstallationStoreAuthorize` reads the store and calls auth.test on every request
(once per token with `cache_enabled`). Measured in one process against the fake Slack on
loopback, with 20 workspaces installed, on a SQLite file and, when TEST_DATABASE_URL (or
DATABASE_URL) names one, on PostgreSQL.

    PYTHONPATH=. .venv/bin/python -m bench.measure_oauth [calls]
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from msgspec import structs
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.web.async_client import AsyncWebClient

from bench.stats import median, percentile
from bot.app import DisputeBot
from bot.config import Secret, load_settings
from bot.delivery import Team
from bot.platforms.slack.installations import Installations
from bot.platforms.slack.oauth import WorkspaceAuthorize
from tests.fakes.slack import CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, FakeSlack


class Unwrapped(AsyncInstallationStore):
    """slack_sdk's store as Bolt reads it by default: every lookup from the database (on the
    bot's database threads), nothing kept in memory."""

    def __init__(self, installations: Installations) -> None:
        self.installations = installations

    async def async_find_bot(self, **ids: Any) -> Bot | None:
        found: Bot | None = await self.installations.database.run(
            self.installations.store.find_bot, **ids
        )
        return found

    async def async_find_installation(self, **ids: Any) -> Installation | None:
        found: Installation | None = await self.installations.database.run(
            self.installations.store.find_installation, **ids
        )
        return found


WORKSPACES = 20


async def _installed(fake: FakeSlack, installations: Installations) -> list[str]:
    teams = []
    for number in range(WORKSPACES):
        team_id = f"T{number:04d}BENCH"
        fake.add_workspace(team_id, f"Desk {number}")
        answer = fake.install(team_id)
        await installations.async_save(
            Installation(
                app_id=answer["app_id"],
                team_id=team_id,
                bot_token=answer["access_token"],
                bot_user_id=answer["bot_user_id"],
                bot_scopes=answer["scope"],
                user_id=answer["authed_user"]["id"],
            )
        )
        teams.append(team_id)
    return teams


async def _timed(
    calls: int, teams: list[str], authorize: Callable[[str], Awaitable[Any]]
) -> dict[str, float]:
    spent = []
    for number in range(calls):
        team = teams[number % len(teams)]
        started = time.perf_counter()
        result = await authorize(team)
        spent.append((time.perf_counter() - started) * 1000)
        assert result is not None and result.bot_token, "not authorized"
    return {"p50_ms": median(spent), "p99_ms": percentile(spent, 0.99)}


def _context(fake: FakeSlack) -> AsyncBoltContext:
    context = AsyncBoltContext()
    context["client"] = AsyncWebClient(base_url=fake.api_url)
    return context


async def measure_on(database: dict[str, Any], calls: int) -> dict[str, Any]:
    fake = await FakeSlack().start()
    environ = {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    settings = structs.replace(load_settings(environ=environ), **database)
    bot = DisputeBot(settings)
    installations = await bot.open_installations()
    try:
        teams = await _installed(fake, installations)
        ours = WorkspaceAuthorize(installations)

        async def ours_cached(team: str) -> Any:
            return await ours(
                context=_context(fake), enterprise_id=None, team_id=team, user_id="U1"
            )

        async def ours_store(team: str) -> Any:
            installations.forget(Team(team_id=team))
            return await ours_cached(team)

        def bolt(cache: bool) -> Callable[[str], Awaitable[Any]]:
            authorize = AsyncInstallationStoreAuthorize(
                logger=logging.getLogger("bench"),
                installation_store=Unwrapped(installations),  # slack_sdk's store, unwrapped
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                cache_enabled=cache,
            )

            async def call(team: str) -> Any:
                return await authorize(
                    context=_context(fake), enterprise_id=None, team_id=team, user_id="U1"
                )

            return call

        results: dict[str, Any] = {}
        for name, authorize in (
            ("bot, bot kept a minute in memory", ours_cached),
            ("bot, read from the store each time", ours_store),
            ("Bolt's default (store + auth.test)", bolt(False)),
            ("Bolt's default, cache_enabled", bolt(True)),
        ):
            await _timed(WORKSPACES, teams, authorize)  # warm: connections, caches
            before = len(fake.calls_to("auth.test"))
            results[name] = await _timed(calls, teams, authorize)
            results[name]["web_api_calls_per_request"] = (
                len(fake.calls_to("auth.test")) - before
            ) / calls
        results["store_reads"] = installations.lookups
        return results
    finally:
        bot.database.close()
        await fake.close()


async def measure(calls: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = {"digest_database": str(Path(folder) / "state.sqlite3")}
        found["sqlite"] = await measure_on(sqlite, calls)
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        found["postgresql"] = await measure_on({"database_url": Secret(url)}, calls)
    return {"calls": calls, "workspaces": WORKSPACES, **found}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 400))))
