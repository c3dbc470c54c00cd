"""Replies to response_urls share one keep-alive connection, closed when the bot stops.

A connection per reply cost more than the reply itself under load (docs/PERFORMANCE.md);
these tests hold the running platform to one session: many replies over one connection,
a connection Slack dropped while idle replaced without losing a reply, nothing left open.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from tests.fakes.slack import fixture
from tests.slack.conftest import RunBot, SlackSender, trigger_id


class Hooks:
    """Slack's response_url endpoint on loopback, noting which connection each POST used."""

    def __init__(self, *, keepalive_timeout: float = 75.0) -> None:
        self.keepalive_timeout = keepalive_timeout
        self.posts: list[dict[str, Any]] = []
        self.connections: list[asyncio.BaseTransport] = []  # one per POST, in order
        self.arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> Hooks:
        app = web.Application()
        app.router.add_post("/hooks/commands/{team}/{id}/{secret}", self._hook)
        self._runner = web.AppRunner(
            app, access_log=None, keepalive_timeout=self.keepalive_timeout, shutdown_timeout=1
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/commands/T0001DOSSIER/{number}/Bc1xLp6T"

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.json()
        assert request.transport is not None
        async with self.arrived:
            self.posts.append(body)
            self.connections.append(request.transport)
            self.arrived.notify_all()
        return web.Response(text="ok")  # what Slack answers a good response_url POST

    async def wait_for(self, count: int) -> None:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.posts) >= count), 5)

    def distinct_connections(self) -> int:
        return len({id(c) for c in self.connections})


@pytest.fixture
async def hooks() -> AsyncIterator[Hooks]:
    server = await Hooks().start()
    yield server
    await server.close()


async def slash(slack: SlackSender, command: str, text: str, response_url: str) -> None:
    form = fixture("slash_command.json")
    form.update(command=command, text=text, response_url=response_url, trigger_id=trigger_id())
    answer = await slack.post(urllib.parse.urlencode(form))
    assert answer.status == 200


def header(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


async def test_many_replies_share_one_connection_closed_on_stop(
    run_http_bot: RunBot, hooks: Hooks
) -> None:
    async with run_http_bot() as slack:
        for number in range(12):
            await slash(slack, "/quote", "trump" if number % 2 else "amodei", hooks.url(number))
            await hooks.wait_for(number + 1)
        open_while_running = [c for c in hooks.connections if not c.is_closing()]
    assert [header(p) for p in hooks.posts[:2]] == [
        "Quotes by Dario Amodei",
        "Quotes by Donald Trump",
    ]
    assert len(hooks.posts) == 12  # every user got their answer...
    assert hooks.distinct_connections() == 1  # ...over one connection
    assert open_while_running  # kept alive between replies
    for _ in range(100):  # the bot has stopped: its end of the connection is closed
        if all(c.is_closing() for c in hooks.connections):
            break
        await asyncio.sleep(0.01)
    assert all(c.is_closing() for c in hooks.connections)


async def test_a_connection_dropped_while_idle_loses_no_reply(run_http_bot: RunBot) -> None:
    hooks = await Hooks(keepalive_timeout=0.05).start()  # Slack closing idle connections
    try:
        async with run_http_bot() as slack:
            for number in range(3):
                await slash(slack, "/quote", "hegseth", hooks.url(number))
                await hooks.wait_for(number + 1)
                await asyncio.sleep(0.2)  # idle long enough for the server to hang up
    finally:
        await hooks.close()
    assert [header(p) for p in hooks.posts] == ["Quotes by Pete Hegseth"] * 3
    assert hooks.distinct_connections() == 3


async def test_the_ack_does_not_wait_for_bolts_10_ms_poll(
    run_http_bot: RunBot, hooks: Hooks
) -> None:
    """Bolt polls every 10 ms for an ack made in a background listener; ours return at once."""
    async with run_http_bot() as slack:
        seconds = []
        for number in range(10):
            form = fixture("slash_command.json")
            form.update(
                command="/quote",
                text="trump",
                response_url=hooks.url(number),
                trigger_id=trigger_id(),
            )
            answer = await slack.post(urllib.parse.urlencode(form))
            assert answer.status == 200
            seconds.append(answer.seconds)
        await hooks.wait_for(10)
    assert min(seconds) < 0.009  # with the poll, never under 10 ms
    assert len(hooks.posts) == 10
