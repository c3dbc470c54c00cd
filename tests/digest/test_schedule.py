"""Time travel: a day, a week, both daylight-saving changes and restarts, on the real scheduler.

The clock is moved with time-machine (ticking); APScheduler's cron triggers then fire in
real time a fraction of a second later, and the digest arrives at the fake chat over HTTP.
The periodic sweep is set to an hour so that, between jumps, only the cron triggers act.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest
import time_machine

from tests.digest.conftest import MakeReplica, paris, utc
from tests.digest.fake_chat import FakeChat, Posted


def close_to(post: Posted, expected: dt.datetime, *, seconds: float = 1.5) -> bool:
    return abs((post.at - expected).total_seconds()) <= seconds


async def test_a_day_posts_once_at_eight_in_paris(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    with time_machine.travel(paris(2026, 3, 2, 7, 59, 58.5), tick=True) as traveller:
        bot = make_replica()
        reply = bot.ask("/digest subscribe 08:00 paris")
        assert reply.ok, reply.text
        assert "08:00 (Europe/Paris), every day" in reply.text
        await bot.start()
        assert chat.posts == []  # nothing before 08:00

        [post] = await chat.wait_for(1, timeout=4)
        assert close_to(post, paris(2026, 3, 2, 8, 0), seconds=0.8)
        assert post.body["title"] == "Daily digest, 2 March 2026"
        await bot.settled()

        traveller.move_to(paris(2026, 3, 2, 23, 59))
        bot.wake()
        await bot.sweep()
        await asyncio.sleep(0.3)
        assert len(chat.posts) == 1  # once a day

        status = bot.ask("/digest status", can_manage=False)
        fields = {f.name: f.value for f in status.items[0].fields}
        assert fields["Next digest"] == "Tuesday 3 March 2026, 08:00 (Europe/Paris)"
        assert fields["Last digest"] == "Monday 2 March 2026, 08:00 (Europe/Paris) (message 1)"
        assert fields["Last scheduled run"] == "2 March 2026: posted"


async def test_a_week_daily_and_weekdays(make_replica: MakeReplica, chat: FakeChat) -> None:
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris", channel="C1").ok
        assert bot.ask("/digest subscribe 8h paris mon-fri", platform="discord", channel="900").ok
        await bot.start()
        expected = 0
        for day in range(2, 9):  # Monday 2 to Sunday 8 March 2026
            traveller.move_to(paris(2026, 3, day, 7, 59, 59.8))
            bot.wake()
            weekday = dt.date(2026, 3, day).weekday() < 5
            expected += 2 if weekday else 1
            posts = await chat.wait_for(expected, timeout=4)
            today = posts[expected - (2 if weekday else 1) :]
            assert all(close_to(p, paris(2026, 3, day, 8, 0)) for p in today)
            assert {p.digest_date for p in today} == {f"{day} March 2026"}
            await bot.settled()
        await asyncio.sleep(0.3)
        counts = chat.per_channel_day()
        assert set(counts.values()) == {1}
        assert len(chat.posts_to("C1")) == 7
        assert [p.digest_date for p in chat.posts_to("900")] == [
            f"{d} March 2026" for d in (2, 3, 4, 5, 6)
        ]


async def test_spring_forward_stays_at_local_time(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    """29 March 2026: Paris skips 02:00-03:00. 08:00 moves from 07:00 to 06:00 UTC, and
    02:30 (which does not exist that night) is posted once, at 03:30 local."""
    with time_machine.travel(paris(2026, 3, 27, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris", channel="C1").ok
        assert bot.ask("/digest subscribe 02:30 paris", channel="C3").ok
        await bot.start()
        steps = [
            (utc(2026, 3, 28, 1, 30), "C3", "28 March 2026"),
            (utc(2026, 3, 28, 7, 0), "C1", "28 March 2026"),  # 08:00 CET
            (utc(2026, 3, 29, 1, 30), "C3", "29 March 2026"),  # 03:30 CEST: 02:30 is skipped
            (utc(2026, 3, 29, 6, 0), "C1", "29 March 2026"),  # 08:00 CEST
            (utc(2026, 3, 30, 0, 30), "C3", "30 March 2026"),  # 02:30 CEST
            (utc(2026, 3, 30, 6, 0), "C1", "30 March 2026"),
        ]
        for number, (due, channel, date) in enumerate(steps, 1):
            traveller.move_to(due - dt.timedelta(seconds=0.2))
            bot.wake()
            post = (await chat.wait_for(number, timeout=4))[-1]
            assert (post.channel, post.digest_date) == (channel, date)
            assert close_to(post, due, seconds=0.8), (post.at, due)
            await bot.settled()
        traveller.move_to(utc(2026, 3, 30, 7, 0, 1))  # the old 08:00 CET: nothing more
        bot.wake()
        await bot.sweep()
        await asyncio.sleep(0.3)
        assert len(chat.posts) == len(steps)


async def test_fall_back_posts_the_repeated_hour_once(
    make_replica: MakeReplica, chat: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    """25 October 2026: Paris lives 02:00-03:00 twice. The cron trigger fires at both 02:30s;
    the claim on (channel, local date) lets only the first post."""
    caplog.set_level(logging.INFO, logger="apscheduler")
    with time_machine.travel(paris(2026, 10, 23, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris", channel="C1").ok
        assert bot.ask("/digest subscribe 02:30 paris", channel="C3").ok
        await bot.start()
        steps = [
            (utc(2026, 10, 24, 0, 30), "C3", "24 October 2026"),  # 02:30 CEST
            (utc(2026, 10, 24, 6, 0), "C1", "24 October 2026"),  # 08:00 CEST
            (utc(2026, 10, 25, 0, 30), "C3", "25 October 2026"),  # first 02:30 (CEST)
            (utc(2026, 10, 25, 7, 0), "C1", "25 October 2026"),  # 08:00 CET
            (utc(2026, 10, 26, 1, 30), "C3", "26 October 2026"),  # 02:30 CET
            (utc(2026, 10, 26, 7, 0), "C1", "26 October 2026"),
        ]
        for number, (due, channel, date) in enumerate(steps, 1):
            if due == utc(2026, 10, 25, 7, 0):
                # The second 02:30 (CET, 01:30 UTC): the trigger fires again, nothing is posted.
                caplog.clear()
                traveller.move_to(utc(2026, 10, 25, 1, 29, 59.8))
                bot.wake()
                await asyncio.sleep(0.8)
                assert 'Running job "digests at 02:30 Europe/Paris' in caplog.text
                assert len(chat.posts) == number - 1
            traveller.move_to(due - dt.timedelta(seconds=0.2))
            bot.wake()
            post = (await chat.wait_for(number, timeout=4))[-1]
            assert (post.channel, post.digest_date) == (channel, date)
            assert close_to(post, due, seconds=0.8), (post.at, due)
            await bot.settled()
        assert [p.digest_date for p in chat.posts_to("C3")] == [
            "24 October 2026",
            "25 October 2026",
            "26 October 2026",
        ]


async def test_restart_catches_up_once_and_keeps_subscriptions(
    make_replica: MakeReplica, chat: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    with time_machine.travel(paris(2026, 3, 2, 7, 59, 59.5), tick=True) as traveller:
        first = make_replica()
        assert first.ask("/digest subscribe 08:00 paris").ok
        await first.start()
        await chat.wait_for(1)
        await first.settled()
        await first.stop()  # the bot is down before Tuesday's digest

        traveller.move_to(paris(2026, 3, 3, 9, 30))  # 1 h 30 late: within the 6 h window
        second = make_replica()  # a new process: nothing subscribes again
        await second.start()
        posts = await chat.wait_for(2)
        assert posts[1].digest_date == "3 March 2026"
        assert close_to(posts[1], paris(2026, 3, 3, 9, 30))
        await second.settled()
        await second.stop()

        third = make_replica()  # restarting again the same morning posts nothing more
        await third.start()
        await asyncio.sleep(0.3)
        assert len(chat.posts) == 2
        await third.stop()

        traveller.move_to(paris(2026, 3, 4, 15, 0))  # 7 h late: beyond the window
        fourth = make_replica()
        await fourth.start()
        await asyncio.sleep(0.3)
        assert len(chat.posts) == 2
        assert "digest of slack:C1 (anthropic-pentagon-2026) for 2026-03-04 skipped" in caplog.text
        status = fourth.ask("/digest status", can_manage=False)
        fields = {f.name: f.value for f in status.items[0].fields}
        assert fields["Last scheduled run"] == (
            "4 March 2026: missed, the bot was down past the catch-up window"
        )

        traveller.move_to(paris(2026, 3, 5, 7, 59, 59.8))  # and the next day, on time
        fourth.wake()
        posts = await chat.wait_for(3)
        assert posts[2].digest_date == "5 March 2026"
        assert close_to(posts[2], paris(2026, 3, 5, 8, 0))
    assert {p.channel for p in chat.posts} == {"C1"}
