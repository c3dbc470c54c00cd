"""The whole bot as the composition root (bot/app.py) runs it: Slack, the digest, health,
and the digest counted on /metrics."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from bot.app import DisputeBot, enabled_services
from bot.config import load_settings
from bot.ops import metrics
from bot.ops.readiness import READINESS
from tests.digest.conftest import paris
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack


def test_the_digest_runs_beside_the_platforms_and_not_without_them() -> None:
    assert enabled_services(load_settings(environ={})) == []
    slack = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert enabled_services(load_settings(environ=slack)) == ["slack", "digest"]
    both = {**slack, "DISCORD_TOKEN": "d"}
    assert enabled_services(load_settings(environ=both)) == ["slack", "discord", "digest"]


def posted_digests(metrics_text: str, platform: str) -> float:
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if (sample.name, sample.labels) == (
                "dispute_bot_digests_posted_total",
                {"platform": platform},
            ):
                return float(sample.value)
    return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_run_posts_the_days_digest_through_slack_and_reports_ready(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    health_port = free_port()
    settings = load_settings(
        environ={
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "PORT": "0",
            "HEALTH_PORT": str(health_port),
            "DISPUTE_BOT_HEALTH_HOST": "127.0.0.1",
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
            before = posted_digests(metrics.render().decode(), "slack")
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
            # What an operator's Prometheus scrapes: the digest posted is counted, once.
            url = f"http://127.0.0.1:{health_port}/metrics"
            async with aiohttp.ClientSession() as http, http.get(url) as answer:
                scraped = await answer.text()
            assert posted_digests(scraped, "slack") - before == 1
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)
        await fake.close()
        bot.digest.close()
        READINESS.reset()
