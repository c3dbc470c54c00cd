"""The whole bot as the composition root (bot/app.py) runs it: Slack, the digest, health."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import time_machine

from bot.app import DisputeBot, enabled_services
from bot.config import load_settings
from bot.ops.readiness import READINESS
from tests.digest.conftest import paris
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack


def test_the_digest_runs_beside_the_platforms_and_not_without_them() -> None:
    assert enabled_services(load_settings(environ={})) == []
    slack = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert enabled_services(load_settings(environ=slack)) == ["slack", "digest"]
    both = {**slack, "DISCORD_TOKEN": "d"}
    assert enabled_services(load_settings(environ=both)) == ["slack", "discord", "digest"]


async def test_run_posts_the_days_digest_through_slack_and_reports_ready(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    settings = load_settings(
        environ={
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "PORT": "0",
            "HEALTH_PORT": "0",
            "DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / "state.sqlite3"),
            "DISPUTE_BOT_WATCH_SEEDS": "false",
        }
    )
    bot = DisputeBot(settings)
    core = bot.core
    READINESS.reset()
    stop = asyncio.Event()
    try:
        with time_machine.travel(paris(2026, 3, 2, 7, 59, 58), tick=True):
            reply = core.handle_line(
                "/digest subscribe 08:00 paris", platform="slack", channel="C42", can_manage=True
            )
            assert reply.ok, reply.text
            running = asyncio.create_task(bot.serve(enabled_services(settings), stop))
            post = await fake.api_call("chat.postMessage", timeout=15)
            assert post.params["channel"] == "C42"
            assert "Daily digest, 2 March 2026" in json.dumps(post.params, ensure_ascii=False)
            for _ in range(100):
                checks = {c.name: c.ok for c in READINESS.checks()}
                if checks.get("slack") and checks.get("digest"):
                    break
                await asyncio.sleep(0.05)
            assert checks.get("slack") and checks.get("digest"), checks
            assert bot.digest.service is not None
            await bot.digest.service.settled()
            status = core.handle_line("/digest status", platform="slack", channel="C42")
            fields = {f.name: f.value for f in status.items[0].fields}
            assert fields["Last digest"].startswith("Monday 2 March 2026, 08:00"), fields
            assert fields["Last scheduled run"] == "2 March 2026: posted"
            assert fields["Next digest"] == "Tuesday 3 March 2026, 08:00 (Europe/Paris)"
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)
        await fake.close()
        bot.digest.close()
        READINESS.reset()
