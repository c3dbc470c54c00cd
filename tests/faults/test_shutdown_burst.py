"""SIGTERM in the middle of a burst of slash commands, to a real `dispute-bot serve` in Slack's
HTTP mode: every command acknowledged gets its answer; the others are refused in a way Slack
retries (503, or the connection refused), never acknowledged and then dropped."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import aiohttp

from tests.fakes.slack import FakeSlack
from tests.faults.bot_process import BotProcess
from tests.slack.conftest import SlackSender

SENDERS = 8
GRACE = 6


async def keep_sending(
    slack: SlackSender, acknowledged: list[str], refused: list[str], stop: asyncio.Event
) -> None:
    """Slash commands one after another until the bot refuses one."""
    while not stop.is_set():
        body, url = slack.command_body("/quote", "trump")
        try:
            answer = await slack.post(body)
        except aiohttp.ClientError as exc:  # connection refused or closed: Slack retries
            refused.append(type(exc).__name__)
            return
        if answer.status != 200:
            refused.append(str(answer.status))
            return
        acknowledged.append(url)


async def test_every_command_acknowledged_before_sigterm_gets_its_answer(
    fake: FakeSlack, tmp_path: Path
) -> None:
    fake.hook_delay = 0.3  # Slack is slow to take replies: many are in flight at SIGTERM
    bot = await BotProcess.start(fake, tmp_path, DISPUTE_BOT_SHUTDOWN_GRACE=str(GRACE))
    acknowledged: list[str] = []
    refused: list[str] = []
    stop = asyncio.Event()
    try:
        async with bot.slack(fake) as slack:
            senders = [
                asyncio.create_task(keep_sending(slack, acknowledged, refused, stop))
                for _ in range(SENDERS)
            ]
            await fake.wait_until(lambda: len(fake.hook_posts) >= 10, timeout=20)
            bot.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(bot.process.wait(), GRACE + 10)
            stop.set()
            await asyncio.wait_for(asyncio.gather(*senders), 10)
        assert bot.process.returncode == 0, bot.text
    finally:
        stop.set()
        await bot.kill()
    answered = set(fake.hook_urls)
    missing = [url for url in acknowledged if url not in answered]
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged got no answer"
    assert len(fake.hook_urls) == len(acknowledged)  # one answer each
    assert all("Quotes by Donald Trump" in json.dumps(p) for p in fake.hook_posts)
    assert "Session is closed" not in bot.text
    assert "cut short by the shutdown" not in bot.text
    assert len(refused) == SENDERS, refused  # each sender was turned away in the end
    assert set(refused) <= {"503", "ClientConnectorError", "ServerDisconnectedError"}, refused
