"""A request Slack delivered once is answered once: replays and retries are acked, not rerun."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from typing import Any

from bot.dossier import Dossier
from bot.platforms.slack.replays import Served, delivery_key
from tests.fakes.slack import SIGNING_SECRET, WAIT, FakeSlack, fixture, sign
from tests.slack.conftest import MakeSettings, RunBot, trigger_id
from tests.slack.test_socket_mode import envelope, serving

SETTLE = 0.3  # seconds for a second answer to show up, if one were coming


async def test_a_replayed_slash_command_is_answered_once(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        body, _ = slack.command_body("/quote", "trump")
        stamp = str(int(time.time()))
        signature = sign(SIGNING_SECRET, stamp, body)
        first = await slack.post(body, timestamp=stamp, signature=signature)
        replayed = [
            (await slack.post(body, timestamp=stamp, signature=signature)).status for _ in range(3)
        ]
        await fake.hook_post()
        other = await slack.command("/quote", "trump")  # the same line typed again
        await fake.hook_post(2)
        await asyncio.sleep(SETTLE)
    assert first.status == 200 and replayed == [200, 200, 200] and other.status == 200
    assert len(fake.hook_posts) == 2


async def test_a_retried_event_is_acknowledged_and_not_answered_again(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    mention = json.dumps(fixture("app_mention.json"))
    async with run_http_bot() as slack:
        first = await slack.post(mention, content_type="application/json")
        await fake.api_call("chat.postMessage")
        retries = [
            await slack.post(
                mention,
                content_type="application/json",
                headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
            )
            for n in (1, 2, 3)
        ]
        await asyncio.sleep(SETTLE)
    assert first.status == 200 and [r.status for r in retries] == [200, 200, 200]
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_a_replayed_button_click_is_answered_once(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    click = fixture("block_actions_ephemeral.json")
    click["response_url"] = fake.response_url("actions")
    body = urllib.parse.urlencode({"payload": json.dumps(click)})
    async with run_http_bot() as slack:
        answers = [(await slack.post(body)).status for _ in range(2)]
        await fake.hook_post()
        click["trigger_id"] = trigger_id()  # a second click of the same button
        await slack.action(click)
        await fake.hook_post(2)
        await asyncio.sleep(SETTLE)
    assert answers == [200, 200]
    assert len(fake.hook_posts) == 2


async def test_a_socket_mode_envelope_delivered_twice_is_acked_twice_and_answered_once(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    sent = envelope("socket_slash_commands.json", fake)
    again = {**sent, "envelope_id": "e0f1a2b3-redelivered", "retry_attempt": 1}
    async with serving(make_settings(socket_mode=True), dossier):
        await fake.send_envelope(sent)
        await fake.send_envelope(again)
        acks = {(await asyncio.wait_for(fake.acks.get(), WAIT))["envelope_id"] for _ in range(2)}
        await fake.hook_post()
        await asyncio.sleep(SETTLE)
    assert acks == {sent["envelope_id"], again["envelope_id"]}
    assert len(fake.hook_posts) == 1


def test_served_requests_are_forgotten_after_the_window_and_never_exceed_the_cap() -> None:
    now = [0.0]
    served = Served(remember=600, capacity=1_000, clock=lambda: now[0])
    commands: list[dict[str, Any]] = [
        {"command": "/quote", "trigger_id": f"{n}.1.x"} for n in range(5_000)
    ]
    assert all(served.first_time(c) for c in commands)  # each delivery once
    assert len(served) == 1_000  # a flood keeps only the newest
    assert not served.first_time(commands[-1])
    now[0] = 601.0
    assert served.first_time(commands[-1])  # past the window: Slack would refuse it anyway


def test_each_kind_of_delivery_is_keyed_on_what_slack_gives() -> None:
    click = fixture("block_actions_ephemeral.json")
    assert delivery_key(fixture("app_mention.json")) == "event:Ev0MENTION01"
    assert delivery_key(fixture("slash_command.json")) == (
        "command:5872004513441.4402216103.2f1c3e8d0a9b7c6d5e4f3a2b1c0d9e8f"
    )
    assert delivery_key(click) == (
        f"block_actions:{click['trigger_id']}:{click['actions'][0]['action_ts']}"
    )
    assert delivery_key(fixture("url_verification.json")) is None  # answered every time
