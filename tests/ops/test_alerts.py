"""A refused automatic reload is posted to the Slack admins and the alert channels."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.app import DisputeBot
from bot.config import load_settings
from bot.errors import ConfigError
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.ops.conftest import Clock, ops_settings
from tests.ops.test_reload import BROKEN, run_until


async def test_a_broken_edit_caught_by_the_watcher_reaches_the_admins(seeds_copy: Path) -> None:
    fake = await FakeSlack().start()
    try:
        settings = ops_settings(
            seeds_copy,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            DISPUTE_BOT_SLACK_ADMINS="U0ADMIN",
            DISPUTE_BOT_ADMIN_ALERTS="slack:C0OPS,discord:123",  # no Discord here: skipped
            DISPUTE_BOT_WATCH_SEEDS="true",
        )
        bot = DisputeBot(settings, clock=Clock())
        core = bot.core
        stop, done = asyncio.Event(), asyncio.Event()
        runtime = bot.service_runner(stop)

        async def break_the_seeds() -> None:
            await asyncio.sleep(0.3)  # the watcher is up
            (seeds_copy / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
            await fake.api_call("chat.postMessage", number=2, timeout=10)
            done.set()

        breaking = asyncio.create_task(break_the_seeds())
        await run_until(runtime, stop, done)
        await breaking
    finally:
        await fake.close()
    posts = fake.calls_to("chat.postMessage")
    assert sorted(p.params["channel"] for p in posts) == ["C0OPS", "U0ADMIN"]
    text = json.dumps(posts[0].params, ensure_ascii=False)
    assert "Dossier not reloaded" in text
    assert "zz-broken.yaml:" in text
    assert core.handle_line("/quote trump").ok  # the last good dossier still answers


def test_alert_targets_are_checked_at_start_up(seeds_copy: Path) -> None:
    with pytest.raises(ConfigError, match="admin_alerts entries are slack:CHANNEL"):
        load_settings(environ={"DISPUTE_BOT_ADMIN_ALERTS": "teams:general"})
