"""Socket Mode and `serve` end to end: apps.connections.open, hello, envelopes, acks, stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.config import Secret, Settings
from bot.dossier import Dossier
from bot.errors import ConfigError
from bot.platforms.slack import serve
from tests.fakes.slack import APP_TOKEN, WAIT, FakeSlack, fixture
from tests.slack.conftest import MakeSettings, SlackSender, make_core
from tests.wiring import WIRING


@contextlib.asynccontextmanager
async def serving(settings: Settings, dossier: Dossier) -> AsyncIterator[asyncio.Task[None]]:
    """`serve` running as `dispute-bot run` runs it, stopped (and awaited) on the way out."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(make_core(settings, dossier), settings, stop, **WIRING))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)


def envelope(name: str, fake: FakeSlack, **payload: Any) -> dict[str, Any]:
    """A recorded Socket Mode envelope, its response_url pointed at the fake."""
    message: dict[str, Any] = fixture(name)
    message["payload"].update(payload)
    if "response_url" in message["payload"]:
        message["payload"]["response_url"] = fake.response_url()
    return message


async def test_slash_command_envelope_is_acked_and_answered(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    settings = make_settings(socket_mode=True)
    async with serving(settings, dossier):
        sent = envelope("socket_slash_commands.json", fake)
        await fake.send_envelope(sent)
        ack = await asyncio.wait_for(fake.acks.get(), WAIT)
        reply = await fake.hook_post()
    assert ack == {"envelope_id": "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545"}
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"] == "Timeline: Pete Hegseth"
    opened = fake.calls_to("apps.connections.open")
    assert [c.authorization for c in opened] == [f"Bearer {APP_TOKEN}"]


async def test_interactive_and_event_envelopes_are_acked_and_handled(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    settings = make_settings(socket_mode=True)
    click = {
        "envelope_id": "4b0e6e5c-7a3d-4f0e-9e52-6f1c2d3e4a5b",
        "type": "interactive",
        "accepts_response_payload": False,
        "payload": fixture("block_actions_ephemeral.json"),
    }
    click["payload"]["response_url"] = fake.response_url("actions")
    mention = {
        "envelope_id": "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": fixture("app_mention.json"),
    }
    async with serving(settings, dossier):
        await fake.send_envelope(click)
        await fake.send_envelope(mention)
        acks = {(await asyncio.wait_for(fake.acks.get(), WAIT))["envelope_id"] for _ in range(2)}
        page_two = await fake.hook_post()
        thread_reply = await fake.api_call("chat.postMessage")
    assert acks == {click["envelope_id"], mention["envelope_id"]}
    assert page_two["replace_original"] is True
    assert thread_reply.params["thread_ts"] == "1772197405.000200"


async def test_serve_returns_when_stopped_and_closes_the_socket(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    settings = make_settings(socket_mode=True)
    async with serving(settings, dossier) as task:
        await fake.send_envelope(envelope("socket_slash_commands.json", fake))
        await asyncio.wait_for(fake.acks.get(), WAIT)
        await fake.hook_post()
        assert fake.open_sockets == 1
    assert task.done() and task.exception() is None
    await asyncio.sleep(0.1)
    assert fake.open_sockets == 0


async def test_serve_in_http_mode_answers_then_frees_the_port(
    fake: FakeSlack,
    make_settings: MakeSettings,
    dossier: Dossier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="dispute_bot.slack")
    settings = make_settings()  # SLACK_SIGNING_SECRET and PORT=0 from the environment
    async with serving(settings, dossier):
        for _ in range(100):
            found = re.search(r"listening on port (\d+)", caplog.text)
            if found:
                break
            await asyncio.sleep(0.02)
        assert found, caplog.text
        url = f"http://127.0.0.1:{found.group(1)}/slack/events"
        async with aiohttp.ClientSession() as session:
            answer = await SlackSender(session, url, fake).command("/sources")
            reply = await fake.hook_post()
    assert answer.status == 200
    assert reply["blocks"][0]["text"]["text"] == "Sources"
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.post(url, data=b"")


async def test_a_refused_bot_token_stops_start_up_with_a_clear_message(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    settings = make_settings(socket_mode=True, slack_bot_token=Secret("xoxb-0000-revoked"))
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN was refused by Slack: invalid_auth"):
        await asyncio.wait_for(
            serve(make_core(settings, dossier), settings, asyncio.Event(), **WIRING), WAIT
        )
    assert fake.calls_to("apps.connections.open") == []


async def test_a_refused_app_token_stops_start_up_with_a_clear_message(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    settings = make_settings(socket_mode=True, slack_app_token=Secret("xapp-1-revoked"))
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN was refused by Slack: invalid_auth"):
        await asyncio.wait_for(
            serve(make_core(settings, dossier), settings, asyncio.Event(), **WIRING), WAIT
        )
    assert fake.connections == 0
