""" "Once" through faults: a database outage during a post (one replica, PostgreSQL behind a
proxy that drops it), and a post whose outcome is unknown (Slack took it, its answer was lost).
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import time_machine

from bot.dossier import Dossier
from bot.platforms.slack.poster import SlackPoster
from bot.reply import Reply
from tests.digest.conftest import (
    DOSSIER,
    MakeReplica,
    Replica,
    digest_settings,
    paris,
    postgres_settings,
)
from tests.digest.fake_chat import SLACK_TOKEN, FakeChat
from tests.digest.test_delivery_errors import counted
from tests.faults.proxy import TcpProxy

FAST = {"database_connect_timeout_seconds": 2.0, "database_statement_timeout_seconds": 1.0}


def status_fields(bot: Replica, channel: str = "C1") -> dict[str, str]:
    reply = bot.ask("/digest status", channel=channel, can_manage=False)
    return {f.name: f.value for f in reply.items[0].fields}


async def in_thread(bot: Replica, line: str) -> Reply:
    """A command as a platform runs it: off the loop (where the proxy runs too)."""
    return await asyncio.to_thread(bot.ask, line)


@pytest.mark.postgres
async def test_a_database_outage_during_a_post_does_not_post_it_twice(
    postgres_url: str,
    proxy: TcpProxy,
    make_replica: MakeReplica,
    chat: FakeChat,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="dispute_bot")
    settings = postgres_settings(proxy.url(postgres_url), digest_claim_timeout_seconds=5.0, **FAST)
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(real=True, settings=settings)
        assert (await in_thread(bot, "/digest subscribe 08:00 paris")).ok
        await bot.start()
        chat.held.add("C1")  # Slack is slow to take the post
        traveller.move_to(paris(2026, 3, 2, 8, 0, 30))
        await bot.sweep()
        await chat.wait_for_request("C1")

        proxy.drop()  # the database goes away while the post is on its way
        chat.release()  # Slack takes the post
        await chat.wait_for(1)
        await asyncio.sleep(0.5)  # recording it fails meanwhile
        traveller.move_to(paris(2026, 3, 2, 8, 0, 42))  # 12 s later: the claim looks stale
        proxy.pass_through()
        await bot.sweep()  # the only replica must not take its own claim over
        await asyncio.wait_for(bot.settled(), 15)
        await bot.sweep()
        await bot.settled()

        [post] = chat.posts_to("C1")
        assert post.digest_date == "2 March 2026"
        row = await asyncio.to_thread(bot.store.last_delivery, "slack", "C1", DOSSIER)
        assert row is not None
        assert (row.status, row.attempts) == ("delivered", 1)
        assert row.message_id == post.ts
        status = await asyncio.to_thread(status_fields, bot)
        assert status["Last scheduled run"] == "2 March 2026: posted"
    assert "taken over" not in caplog.text
    assert "recording it waits for the database" in caplog.text


async def test_a_post_whose_answer_is_lost_is_not_posted_again(
    tmp_path: object, dossier: Dossier, chat: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    """At most once: Slack took the post and its answer was lost, so the bot cannot know it
    arrived. It does not post again (that could post twice) and /digest status says so."""
    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    chat.mute.add("C1")
    unknown = ("dispute_bot_digests_unknown_total", {"platform": "slack", "reason": "no_answer"})
    before = counted(unknown[0], **unknown[1])
    settings = digest_settings(tmp_path / "digest.sqlite3")  # type: ignore[operator]
    poster = SlackPoster(token=SLACK_TOKEN, api_url=chat.slack_api_url, timeout=1)
    bot = Replica(settings, dossier, {"slack": poster})
    try:
        with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
            assert bot.ask("/digest subscribe 08:00 paris").ok
            await bot.start()
            traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
            await bot.sweep()
            await asyncio.wait_for(bot.settled(), 10)
            await asyncio.sleep(0.3)  # any retry would have gone out by now
            traveller.move_to(paris(2026, 3, 2, 9, 0))  # later sweeps leave it alone too
            await bot.sweep()
            await bot.settled()
            assert len(chat.posts_to("C1")) == 1
            assert chat.requests_to("C1") == 1
            scheduled = status_fields(bot)["Last scheduled run"]
            assert scheduled.startswith(
                "2 March 2026: may not have arrived (slack: no answer from Slack posting to C1"
            )
            assert scheduled.endswith("type /digest now if it is missing")
            assert counted(unknown[0], **unknown[1]) == before + 1  # on /metrics, to check
            chat.mute.clear()
            assert bot.ask("/digest now").ok  # the remedy the status names
            await chat.wait_for(2)
            assert "Daily digest, 2 March 2026" in json.dumps(chat.posts_to("C1")[-1].body)
            await bot.settled()
    finally:
        await bot.stop()
        bot.hub.close()
    assert "not posted again, so that it cannot appear twice" in caplog.text
