"""Posts paced per workspace (`bot.delivery.Pacer`, as the Slack poster uses it): a burst, then a
steady rate, lanes independent, and a 429's Retry-After holding the whole lane."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery import Pacer, RetryPolicy, Team
from bot.errors import DeliveryError
from bot.platforms.slack.poster import WORKSPACE_BURST, SlackPoster


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_workspace_gets_a_burst_then_a_steady_rate_and_others_are_not_held_up() -> None:
    clock = Clock()
    pacer = Pacer(rate=4.0, burst=5, clock=clock)
    waits = [pacer.wait("T1") for _ in range(8)]
    assert waits == pytest.approx([0, 0, 0, 0, 0, 0.25, 0.5, 0.75])
    assert pacer.wait("T2") == 0  # another workspace posts at once
    clock.now += 2.0  # idle: the slots come back, up to the burst
    assert [pacer.wait("T1") for _ in range(6)] == pytest.approx([0, 0, 0, 0, 0.0, 0.25])


def test_a_retry_after_holds_the_whole_workspace_then_slots_come_one_at_a_time() -> None:
    clock = Clock()
    pacer = Pacer(rate=4.0, burst=5, clock=clock)
    assert pacer.wait("T1") == 0
    pacer.hold("T1", 3.0)  # Slack answered 429, Retry-After: 3
    assert [pacer.wait("T1") for _ in range(3)] == pytest.approx([3.25, 3.5, 3.75])
    assert pacer.wait("T2") == 0
    clock.now += 10.0
    assert pacer.wait("T1") == 0


def test_the_retry_waits_what_a_rate_limit_asked_and_the_backoff_otherwise() -> None:
    policy = RetryPolicy(backoff=(30, 60))
    limited = DeliveryError("slack: rate limited", permanent=False, retry_after=2.0)
    failed = DeliveryError("slack: HTTP 503", permanent=False)
    assert policy.wait(1, limited) == 2.0  # not 30: a rate limit is not a failure
    assert policy.wait(1, failed) == 30.0
    assert policy.wait(2, failed) == 60.0
    assert policy.wait(5, failed) == 60.0


async def test_the_slack_poster_paces_each_workspace_by_its_subscriptions_team_id() -> None:
    """A workspace is its team id: another workspace of the same org posts at once, while the
    same workspace's next post waits its turn, whether or not its subscription knew the org."""
    poster = SlackPoster(token="xoxb-test", api_url="http://127.0.0.1:9/api/")  # nothing sent
    clock = asyncio.get_running_loop().time
    for number in range(WORKSPACE_BURST):
        await poster.ready(f"C{number}", team=Team(team_id="T1", enterprise_id="E1"))
    started = clock()
    await poster.ready("C9", team=Team(team_id="T2", enterprise_id="E1"))
    assert clock() - started < 0.2  # its own burst
    await poster.ready("C8", team=Team(team_id="T1"))
    assert clock() - started >= 0.2  # T1's burst is spent: a quarter of a second
    await poster.close()
