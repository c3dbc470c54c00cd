"""Platform errors, through the real Slack and Discord posters against the fake chat.

A permanent error (channel gone) pauses that channel's subscription, says why in
/digest status and is not retried; the other channels get their digests all the same.
Temporary errors are retried with backoff within the catch-up window, then given up. A
Discord post that got no answer is sent again with its nonce, and lands once.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from bot.ops import metrics
from bot.platforms.discord.poster import DiscordPoster
from bot.reply import Reply
from tests.digest.conftest import DOSSIER, MakeReplica, Replica, paris
from tests.digest.fake_chat import DISCORD_TOKEN, FakeChat

CHANNELS = [("slack", "CGONE"), ("slack", "C2"), ("discord", "1001"), ("discord", "1002")]


def fields_of(reply: Reply) -> dict[str, str]:
    return {f.name: f.value for f in reply.items[0].fields}


async def test_a_gone_channel_pauses_itself_and_the_others_still_get_theirs(
    make_replica: MakeReplica, chat: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    chat.gone.update({"CGONE", "1002"})  # the bot was removed from one Slack, one Discord channel
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(real=True)
        for platform, channel in CHANNELS:
            assert bot.ask("/digest subscribe 08:00 paris", platform=platform, channel=channel).ok
        await bot.start()

        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        await bot.sweep()
        await bot.settled()
        assert {(p.platform, p.channel) for p in chat.posts} == {
            ("slack", "C2"),
            ("discord", "1001"),
        }
        assert (
            "digest of slack:CGONE (anthropic-pentagon-2026) paused after a permanent error"
            in caplog.text
        )

        slack_status = fields_of(bot.ask("/digest status", channel="CGONE", can_manage=False))
        assert "channel_not_found" in slack_status["Paused"]
        assert "/digest resume" in slack_status["Paused"]
        assert "Next digest" not in slack_status
        assert slack_status["Last scheduled run"].startswith("2 March 2026: failed: slack:")
        discord_status = bot.ask("/digest status", platform="discord", channel="1002")
        assert "Unknown Channel" in fields_of(discord_status)["Paused"]

        traveller.move_to(paris(2026, 3, 3, 8, 0, 1))  # the next day: no retry storm
        bot.wake()
        await bot.sweep()
        await bot.settled()
        assert chat.requests_to("CGONE") == 1
        assert chat.requests_to("1002") == 1
        assert [p.digest_date for p in chat.posts_to("C2")] == ["2 March 2026", "3 March 2026"]
        assert len(chat.posts_to("1001")) == 2

        chat.gone.clear()  # someone invited the bot back
        resumed = bot.ask("/digest resume", channel="CGONE")
        assert resumed.text.startswith("Resumed: the daily digest comes back at 08:00")
        traveller.move_to(paris(2026, 3, 4, 8, 0, 1))
        await bot.sweep()
        await bot.settled()
        assert [p.digest_date for p in chat.posts_to("CGONE")] == ["4 March 2026"]
        assert "Paused" not in fields_of(bot.ask("/digest status", channel="CGONE"))


async def test_temporary_errors_are_retried_without_holding_up_others(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    chat.flaky["CFLAKY"] = 2  # Slack answers internal_error twice
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(real=True)
        assert bot.ask("/digest subscribe 08:00 paris", channel="CFLAKY").ok
        assert bot.ask("/digest subscribe 08:00 paris", channel="C2").ok
        await bot.start()
        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        await bot.sweep()
        await bot.settled()
    assert [p.channel for p in chat.posts] == ["C2", "CFLAKY"]  # C2 did not wait
    assert chat.requests_to("CFLAKY") == 3
    row = bot.store.last_delivery("slack", "CFLAKY", DOSSIER)
    assert row is not None
    assert (row.status, row.attempts, row.error) == ("delivered", 3, None)
    assert bot.store.subscription("slack", "CFLAKY", DOSSIER) is not None
    assert fields_of(bot.ask("/digest status", channel="CFLAKY"))["Last scheduled run"] == (
        "2 March 2026: posted"
    )


async def test_each_attempt_is_one_request_counted_once_on_discord_too(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    chat.flaky["1001"] = 2  # Discord answers 503 twice: the poster retries nothing itself
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(real=True)  # the production posters
        assert bot.ask("/digest subscribe 08:00 paris", platform="discord", channel="1001").ok
        await bot.start()
        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        await bot.sweep()
        await bot.settled()
    assert [p.channel for p in chat.posts] == ["1001"]
    assert chat.requests_to("1001") == 3
    row = bot.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None
    assert (row.status, row.attempts) == ("delivered", 3)


async def test_temporary_errors_give_up_at_the_end_of_the_window(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    chat.flaky["C1"] = 1000
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        # A 2-second window, retries every 0.4 s: a handful of attempts, then it stops.
        bot = make_replica(
            real=True, digest_catch_up_hours=2 / 3600, digest_retry_backoff_seconds=(0.4,)
        )
        assert bot.ask("/digest subscribe 08:00 paris").ok
        await bot.start()
        traveller.move_to(paris(2026, 3, 2, 8, 0, 0.2))
        await bot.sweep()
        await bot.settled()
        attempts = chat.requests_to("C1")
        assert 3 <= attempts <= 6
        status = fields_of(bot.ask("/digest status", can_manage=False))
        assert status["Last scheduled run"] == (
            f"2 March 2026: failed: gave up after {attempts} attempts: "
            "slack: internal_error posting to C1"
        )
        assert "Paused" not in status  # temporary: tomorrow is another day

        chat.flaky.clear()
        traveller.move_to(paris(2026, 3, 3, 8, 0, 0.2))
        await bot.sweep()
        await bot.settled()
        assert [p.digest_date for p in chat.posts] == ["3 March 2026"]
        assert chat.requests_to("C1") == attempts + 1


def counted(name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            if (sample.name, sample.labels) == (name, labels):
                return float(sample.value)
    return 0.0


async def test_posted_failed_and_skipped_digests_are_counted_for_metrics(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    chat.gone.add("CGONE")
    series = {
        "posted": ("dispute_bot_digests_posted_total", {"platform": "slack"}),
        "failed": ("dispute_bot_digests_failed_total", {"platform": "slack", "permanent": "true"}),
        "skipped": (
            "dispute_bot_digests_skipped_total",
            {"platform": "slack", "reason": "quiet_day"},
        ),
    }
    before = {key: counted(name, **labels) for key, (name, labels) in series.items()}
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(real=True, digest_quiet_days="skip")
        assert bot.ask("/digest subscribe 08:00 paris", channel="C1").ok
        assert bot.ask("/digest subscribe 08:00 paris", channel="CGONE").ok
        await bot.start()
        for day in (2, 3):  # the 3rd has nothing new since the 2nd: skipped
            traveller.move_to(paris(2026, 3, day, 8, 0, 1))
            await bot.sweep()
            await bot.settled()
    grown = {key: counted(name, **labels) - before[key] for key, (name, labels) in series.items()}
    assert grown == {"posted": 1, "failed": 1, "skipped": 1}


async def discord_digest_sent(
    make_replica: MakeReplica,
    chat: FakeChat,
    traveller: time_machine.Traveller,
    *,
    timeout: float,
    **settings: object,
) -> Replica:
    """A replica with the production Discord poster (its requests given up after `timeout`
    seconds) whose digest of channel 1001 is due and whose first request has reached Discord."""
    bot = make_replica(real=True, **settings)
    bot.posters["discord"] = DiscordPoster(
        token=DISCORD_TOKEN, api_url=chat.discord_api_url, timeout=timeout
    )
    assert bot.ask("/digest subscribe 08:00 paris", platform="discord", channel="1001").ok
    await bot.start()
    traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
    await bot.sweep()
    await chat.wait_for_request("1001")
    return bot


@pytest.mark.parametrize("arrives", [True, False])
async def test_a_discord_post_that_got_no_answer_is_sent_again_the_same_and_lands_once(
    make_replica: MakeReplica, chat: FakeChat, arrives: bool
) -> None:
    """Discord took the post and its answer was lost (`arrives`), or the request got no
    answer and never arrived: the bot sends it again with the same nonce, within Discord's
    window, and the channel has the digest once either way."""
    if arrives:
        chat.mute.add("1001")
    else:
        chat.held.add("1001")
    outcome = "found" if arrives else "posted"
    before = counted("dispute_bot_digests_reconciled_total", platform="discord", outcome=outcome)
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = await discord_digest_sent(make_replica, chat, traveller, timeout=1.0)
        chat.held.clear()  # the first request stays unanswered; the next one is not held
        await bot.settled()
    [post] = chat.posts_to("1001")
    assert chat.requests_to("1001") == 2
    first, again = chat.discord_bodies
    assert first["nonce"] == again["nonce"] and again["enforce_nonce"] is True
    row = bot.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None
    assert (row.status, row.message_id, row.attempts) == ("delivered", post.message_id, 2)
    after = counted("dispute_bot_digests_reconciled_total", platform="discord", outcome=outcome)
    assert after == before + 1


async def test_stopping_while_a_discord_post_in_doubt_waits_to_be_sent_again_keeps_it_unknown(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    """Discord took the post and its answer was lost; the repeat got an answer, a 503; the
    bot is stopped while it waits to try again. The first post may be in the channel, so the
    digest is recorded as may not have arrived: not given back to be posted afresh by the
    next replica, maybe past Discord's window, which would post it twice."""
    chat.mute.add("1001")
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = await discord_digest_sent(
            make_replica, chat, traveller, timeout=1.0, digest_retry_backoff_seconds=(0.05, 30.0)
        )
        chat.mute.clear()
        chat.flaky["1001"] = 1  # the repeat is answered: 503, try again in 30 s
        for _ in range(250):
            if chat.requests_to("1001") == 2 and not chat.flaky["1001"]:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # the 503 read, the next try 30 s away
        await bot.stop()
    assert chat.requests_to("1001") == 2 and len(chat.posts_to("1001")) == 1
    row = bot.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None and row.status == "unknown", row


async def test_a_discord_repeat_too_close_to_the_end_of_the_window_is_not_sent(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    """The repeat of a Discord post in doubt would leave too close to the end of the window
    in which Discord recognises its nonce (it must get there, and clocks differ): it is not
    sent, and the digest is recorded as may not have arrived, never posted twice."""
    chat.mute.add("1001")
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = await discord_digest_sent(
            make_replica, chat, traveller, timeout=0.5, digest_retry_backoff_seconds=(1.0, 1.0)
        )
        await asyncio.sleep(0.7)  # no answer: the repeat waits its second
        traveller.shift(110)  # it would leave 111 s after the first request: 9 s to spare
        await bot.settled()
    assert chat.requests_to("1001") == 1
    row = bot.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None and row.status == "unknown", row
    assert "too late to send it again" in (row.error or "")
