"""The health server over real HTTP, as an orchestrator and Prometheus read it."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import DisputeBot
from bot.config import Settings
from bot.core import Command, Core
from bot.ops.inflight import REPLIES
from bot.ops.readiness import report
from bot.ops.service_runner import Service
from tests.ops.conftest import Clock, add_new_records, ops_settings


async def idle_platform(stop: asyncio.Event) -> None:
    """A platform that never connects: the runtime must not call the bot ready."""
    await stop.wait()


async def connected_platform(stop: asyncio.Event) -> None:
    report("slack", True, "socket mode connected")
    await stop.wait()


@asynccontextmanager
async def running(
    bot: DisputeBot, services: Mapping[str, Service]
) -> AsyncIterator[tuple[str, aiohttp.ClientSession, asyncio.Event]]:
    stop = asyncio.Event()
    runtime = bot.service_runner(stop)
    await runtime.start()
    assert runtime.health is not None
    task = asyncio.create_task(runtime.run(services))
    await asyncio.sleep(0.05)  # let the services start
    try:
        async with aiohttp.ClientSession() as http:
            yield f"http://127.0.0.1:{runtime.health.port}", http, stop
    finally:
        stop.set()
        await task
        await runtime.close()


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as answer:
        return answer.status, await answer.text()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


async def test_healthz_answers_and_readyz_waits_for_the_platforms(
    core: Core, settings: Settings, bot: DisputeBot
) -> None:
    async with running(bot, {"slack": idle_platform}) as (base, http, _):
        assert await get(http, f"{base}/healthz") == (200, "ok\n")
        async with http.get(f"{base}/readyz") as answer:
            assert answer.status == 503
            body = await answer.json()
        assert body["ready"] is False
        assert body["checks"]["slack"] == {"ok": False, "detail": "starting"}
        assert body["checks"]["corpus"]["ok"] is True
        assert body["checks"]["corpus"]["detail"].startswith(
            f"{len(core.dossier.corpus.quotes)} quotes"
        )

        report("slack", True, "socket mode connected")
        async with http.get(f"{base}/readyz") as answer:
            assert answer.status == 200
            assert (await answer.json())["ready"] is True

        report("slack", False, "reconnecting")
        status, text = await get(http, f"{base}/readyz")
        assert status == 503 and "reconnecting" in text


@pytest.mark.postgres
async def test_readyz_checks_the_database_when_one_is_configured(seeds_copy: Path) -> None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    settings = ops_settings(seeds_copy, DATABASE_URL=url)
    async with running(DisputeBot(settings), {"slack": connected_platform}) as (
        base,
        http,
        _,
    ):
        async with http.get(f"{base}/readyz") as answer:
            body = await answer.json()
            assert answer.status == 200, body
        assert body["reported"]["database"] == {"ok": True, "detail": "reachable"}
        metrics_text = (await get(http, f"{base}/metrics"))[1]
    assert value(metrics_text, "dispute_bot_database_up") == 1


async def test_an_unreachable_database_is_reported_but_leaves_the_bot_ready(
    seeds_copy: Path,
) -> None:
    """Commands do not need the database: one blip of it must not take every replica out of
    the load balancer. It is reported on its own, without the URL or its password."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"postgresql://bot:hunter2secret@127.0.0.1:{closed_port}/bot"
    settings = ops_settings(seeds_copy, DATABASE_URL=url)
    async with running(DisputeBot(settings), {"slack": connected_platform}) as (
        base,
        http,
        _,
    ):
        async with http.get(f"{base}/readyz") as answer:
            status, text = answer.status, await answer.text()
        metrics_text = (await get(http, f"{base}/metrics"))[1]
    assert status == 200, text
    body = json.loads(text)
    assert body["ready"] is True and "database" not in body["checks"]
    assert body["reported"]["database"] == {"ok": False, "detail": "unreachable"}
    assert value(metrics_text, "dispute_bot_database_up") == 0
    assert "hunter2secret" not in text and str(closed_port) not in text


async def test_without_a_database_the_database_metric_is_absent_not_down(
    seeds_copy: Path,
) -> None:
    """A dashboard must not read a bot without DATABASE_URL as one whose database is down,
    even in a process where a bot with a database reported it before."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with_database = ops_settings(
        seeds_copy, DATABASE_URL=f"postgresql://bot@127.0.0.1:{closed_port}/bot"
    )
    async with running(DisputeBot(with_database), {"slack": connected_platform}) as (base, http, _):
        before = (await get(http, f"{base}/metrics"))[1]
    assert samples(before)[("dispute_bot_database_up", frozenset())] == 0
    async with running(DisputeBot(ops_settings(seeds_copy)), {"slack": connected_platform}) as (
        base,
        http,
        _,
    ):
        metrics_text = (await get(http, f"{base}/metrics"))[1]
        body = json.loads((await get(http, f"{base}/readyz"))[1])
    assert "dispute_bot_commands_total" in metrics_text  # the metrics are there...
    assert "dispute_bot_database_up" not in metrics_text  # ...but not this one
    assert "database" not in body["reported"]


async def test_shutdown_turns_readyz_off_while_replies_in_flight_finish(
    core: Core, settings: Settings, bot: DisputeBot
) -> None:
    release = asyncio.Event()
    delivered: list[str] = []

    async def platform_mid_reply(stop: asyncio.Event) -> None:
        report("slack", True, "connected")
        async with REPLIES.reply():
            reply = core.handle_line("/quote amodei", platform="slack")
            await release.wait()  # Slack is slow to accept the reply
            delivered.append(reply.title)
        await stop.wait()

    async with running(bot, {"slack": platform_mid_reply}) as (base, http, stop):
        assert (await get(http, f"{base}/readyz"))[0] == 200
        stop.set()
        await asyncio.sleep(0.05)
        status, text = await get(http, f"{base}/readyz")
        assert status == 503 and '"shutdown"' in text
        assert await get(http, f"{base}/healthz") == (200, "ok\n")
        assert delivered == []
        release.set()
    assert delivered == ["Quotes by Dario Amodei"]


async def test_metrics_count_commands_latency_errors_corpus_and_reloads(
    core: Core, settings: Settings, seeds_copy: Path, bot: DisputeBot
) -> None:
    async with running(bot, {"slack": connected_platform}) as (base, http, _):
        before = (await get(http, f"{base}/metrics"))[1]
        core.handle_line("/quote trump", platform="slack")
        core.handle_line("/quote trump", platform="slack")
        core.handle_line("/timeline", platform="discord")
        core.handle_line("/drop table users", platform="discord")
        add_new_records(seeds_copy)
        assert bot.reload(trigger="command").ok
        status, after = await get(http, f"{base}/metrics")
    assert status == 200

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok_quote = {"command": "quote", "platform": "slack", "outcome": "ok"}
    assert grew("dispute_bot_commands_total", **ok_quote) == 2
    assert grew("dispute_bot_commands_total", command="timeline", platform="discord", outcome="ok")
    assert grew(
        "dispute_bot_commands_total", command="unknown", platform="discord", outcome="usage"
    )
    assert "users" not in after and 'command="drop"' not in after  # user text is no label
    assert grew("dispute_bot_command_latency_seconds_count", command="quote", platform="slack") == 2
    assert (
        grew(
            "dispute_bot_command_latency_seconds_bucket",
            command="quote",
            platform="slack",
            le="+Inf",
        )
        == 2
    )
    dossier = core.library.default
    reloads = {"outcome": "ok", "trigger": "command", "dossier": dossier}
    assert grew("dispute_bot_corpus_reloads_total", **reloads) == 1
    assert value(after, "dispute_bot_corpus_records", kind="quotes", dossier=dossier) == len(
        core.dossier.corpus.quotes
    )
    assert value(after, "dispute_bot_corpus_records", kind="articles", dossier=dossier) == 3
    assert value(after, "dispute_bot_dossiers_refused", dossier=dossier) == 0
    assert "process_resident_memory_bytes" in after


async def test_a_handler_error_is_counted(core: Core, settings: Settings, bot: DisputeBot) -> None:
    def broken(ctx: object, args: object) -> object:
        raise RuntimeError("a bug in a handler")

    core.commands["broken"] = Command(
        name="broken", summary={"en": "", "fr": ""}, usage="", examples=(), run=broken
    )
    async with running(bot, {"slack": connected_platform}) as (base, http, _):
        before = (await get(http, f"{base}/metrics"))[1]
        reply = core.handle_line("/broken", platform="slack")
        after = (await get(http, f"{base}/metrics"))[1]
    assert reply.kind.value == "error"
    labels = {"command": "broken", "platform": "slack"}
    assert (
        value(after, "dispute_bot_command_errors_total", **labels)
        - value(before, "dispute_bot_command_errors_total", **labels)
        == 1
    )


async def test_health_port_null_means_no_server(seeds_copy: Path) -> None:
    settings = ops_settings(seeds_copy, HEALTH_PORT="null")
    runtime = DisputeBot(settings, clock=Clock()).service_runner(asyncio.Event())
    await runtime.start()
    try:
        assert runtime.health is None
    finally:
        await runtime.close()
