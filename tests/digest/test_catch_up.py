"""The catch-up window: a digest missed while the bot was down is posted once on start if it
is at most `digest_catch_up_hours` late; older ones are recorded, logged once, never posted.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
import time_machine

from bot.digest.supervisor import run_digests
from tests.digest.conftest import DOSSIER, MakeReplica, paris
from tests.digest.fake_chat import FakeChat


async def test_the_window_edge(
    make_replica: MakeReplica, chat: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris", channel="LATE").ok
        assert bot.ask("/digest subscribe 04:00 paris", channel="EDGE").ok
        assert bot.ask("/digest subscribe 03:59 paris", channel="TOOLATE").ok
        traveller.move_to(paris(2026, 3, 2, 9, 59, 30))  # the bot starts now
        await bot.start()
        await bot.settled()
    assert sorted(p.channel for p in chat.posts) == ["EDGE", "LATE"]  # 1 h 59, 5 h 59 late
    assert (
        "digest of slack:TOOLATE (anthropic-pentagon-2026) for 2026-03-02 skipped" in caplog.text
    )  # 6 h 00 min 30 s
    row = bot.store.last_delivery("slack", "TOOLATE", DOSSIER)
    assert row is not None and row.status == "missed"


async def test_days_of_downtime_give_one_digest_not_a_burst(
    make_replica: MakeReplica, chat: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    with time_machine.travel(paris(2026, 3, 2, 7, 0), tick=True) as traveller:
        first = make_replica()
        assert first.ask("/digest subscribe 08:00 paris").ok
        await first.start()
        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        await first.sweep()
        await first.settled()
        await first.stop()  # down from Monday to Thursday morning

        traveller.move_to(paris(2026, 3, 5, 10, 0))
        replicas = [make_replica() for _ in range(3)]  # three replicas come up at once
        await asyncio.gather(*(r.start() for r in replicas))
        await asyncio.gather(*(r.settled() for r in replicas))
    assert [p.digest_date for p in chat.posts] == ["2 March 2026", "5 March 2026"]
    for day in ("2026-03-03", "2026-03-04"):  # each miss logged once, by one replica
        assert (
            caplog.text.count(f"digest of slack:C1 (anthropic-pentagon-2026) for {day} skipped")
            == 1
        )
    fields = {f.name: f.value for f in replicas[0].ask("/digest status").items[0].fields}
    assert fields["Last scheduled run"] == "5 March 2026: posted"


async def test_run_digests_catches_up_on_start_and_stops_when_told(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    """The runtime's entry point: start, catch up, return once `stop` is set."""
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris").ok
        traveller.move_to(paris(2026, 3, 2, 8, 30))
        stop = asyncio.Event()
        running = asyncio.create_task(
            run_digests(bot.core, bot.hub, bot.settings, bot.posters, stop)
        )
        [post] = await chat.wait_for(1)
        assert post.digest_date == "2 March 2026"
        assert bot.hub.service is not None
        await bot.hub.service.settled()
        stop.set()
        await asyncio.wait_for(running, 5)
        assert bot.hub.service is None
        now = bot.ask("/digest now")  # nothing runs the digest any more in this process
        assert now.text.startswith("The digest service is not running")
