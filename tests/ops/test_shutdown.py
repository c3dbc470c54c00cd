"""Stopping cleanly: SIGTERM during a reply in a real `dispute-bot serve` process, and failures."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.app import DisputeBot
from bot.config import PROJECT_ROOT, Settings
from bot.errors import ConfigError
from bot.ops.inflight import InFlight
from bot.ops.service_runner import ServiceFailed
from tests.ops.conftest import ops_settings

LINES = 400  # far more replies than the pipe holds, so the bot blocks mid-reply


class Bot:
    """`dispute-bot serve` in a subprocess, with its log read as it comes."""

    def __init__(self, seeds: Path, *args: str, **env: str) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=PROJECT_ROOT,
            env={
                **base,
                "DISPUTE_BOT_SEEDS": str(seeds),
                "HEALTH_PORT": "0",
                "DISPUTE_BOT_HEALTH_HOST": "127.0.0.1",
                "DISPUTE_BOT_WATCH_SEEDS": "false",
                **env,
            },
        )
        self.log: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        self.port = int(self.wait_for_log(r"health server on http://127\.0\.0\.1:(\d+)").group(1))

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace")
            self.log.append(line)
            self._lines.put(line)

    def wait_for_log(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no log line matched {pattern!r}:\n{''.join(self.log)}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def metric(self, name: str) -> float:
        text = self.get("/metrics")[1]
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith(name) and not line.startswith("#")
        )

    def finish(self, timeout: float = 60) -> bytes:
        """Read what is left of stdout, wait for the exit, and the whole log."""
        assert self.process.stdout is not None
        if self.process.stdin is not None:
            self.process.stdin.close()
        output = self.process.stdout.read()
        self.process.wait(timeout)
        self._reader.join(timeout)
        return output

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_until(check: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_sigterm_during_a_reply_finishes_it_takes_no_more_and_exits_0(seeds_copy: Path) -> None:
    bot = Bot(seeds_copy, "--stdin", DISPUTE_BOT_SHUTDOWN_GRACE="30")
    try:
        assert bot.process.stdin is not None and bot.process.stdout is not None
        bot.process.stdin.write(b"/help\n" * LINES)
        bot.process.stdin.flush()

        # Nobody reads stdout: the pipe fills and a reply stays in flight, blocked.
        def blocked_mid_reply() -> bool:
            served = bot.metric('dispute_bot_commands_total{command="help"')
            time.sleep(0.3)
            return (
                served > 0
                and bot.metric("dispute_bot_replies_in_flight") == 1
                and bot.metric('dispute_bot_commands_total{command="help"') == served
            )

        wait_until(blocked_mid_reply)
        served = int(bot.metric('dispute_bot_commands_total{command="help"'))
        assert 0 < served < LINES

        bot.process.send_signal(signal.SIGTERM)
        wait_until(lambda: bot.get("/readyz")[0] == 503)  # no new work routed here
        assert '"shutdown"' in bot.get("/readyz")[1]

        output = bot.finish()  # the client reads at last
        assert bot.process.returncode == 0, "".join(bot.log)
    finally:
        bot.kill()

    replies = [json.loads(line) for line in output.decode().splitlines()]
    assert len(replies) == served  # the reply in flight was delivered whole, no other began
    assert all(r["command"] == "help" and r["kind"] == "ok" for r in replies)
    log = "".join(bot.log)
    assert "SIGTERM: stopping" in log
    assert "stopping: no new work; finishing replies in flight" in log
    assert log.rstrip().endswith("dispute_bot.runtime: stopped")


def test_serve_without_platforms_answers_health_and_stops_on_sigint(seeds_copy: Path) -> None:
    bot = Bot(seeds_copy, DISPUTE_BOT_LOG_FORMAT="json")
    try:
        assert bot.get("/healthz") == (200, "ok\n")
        status, body = bot.get("/readyz")
        assert status == 200 and json.loads(body)["checks"]["corpus"]["ok"] is True
        bot.process.send_signal(signal.SIGINT)
        bot.finish()
        assert bot.process.returncode == 0
    finally:
        bot.kill()
    events = [json.loads(line) for line in bot.log]
    assert events[0]["message"] == (
        "no platform credentials set: serving health, metrics and reload only"
    )
    assert [e["message"] for e in events][-1] == "stopped"


def test_the_health_command_asks_the_running_bot(seeds_copy: Path) -> None:
    bot = Bot(seeds_copy)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        ask = [sys.executable, "-m", "bot", "health", "--port", str(bot.port)]
        alive = subprocess.run(ask, capture_output=True, text=True, env=env, timeout=30)
        ready = subprocess.run([*ask, "--ready"], capture_output=True, text=True, timeout=30)
        bot.process.send_signal(signal.SIGTERM)
        bot.finish()
        gone = subprocess.run(ask, capture_output=True, text=True, env=env, timeout=30)
    finally:
        bot.kill()
    assert (alive.returncode, alive.stdout) == (0, "ok\n")
    assert ready.returncode == 0 and '"ready": true' in ready.stdout
    assert gone.returncode == 1 and "Connection refused" in gone.stderr


async def test_a_failing_platform_stops_the_others_cleanly(settings: Settings) -> None:
    stopped: list[str] = []

    async def discord(stop: asyncio.Event) -> None:
        await stop.wait()
        stopped.append("discord")

    async def slack(stop: asyncio.Event) -> None:
        await asyncio.sleep(0.05)
        raise OSError("Slack's websocket closed")

    runtime = DisputeBot(settings).service_runner(asyncio.Event())
    await runtime.start()
    try:
        with pytest.raises(ServiceFailed, match="OSError: Slack's websocket closed"):
            await runtime.run({"discord": discord, "slack": slack})
    finally:
        await runtime.close()
    assert stopped == ["discord"]


async def test_a_platform_refusing_its_credentials_is_a_config_error(settings: Settings) -> None:
    async def slack(stop: asyncio.Event) -> None:
        raise ConfigError("SLACK_BOT_TOKEN was refused by Slack: invalid_auth")

    runtime = DisputeBot(settings).service_runner(asyncio.Event())
    await runtime.start()
    try:
        with pytest.raises(ConfigError, match="invalid_auth"):
            await runtime.run({"slack": slack})
    finally:
        await runtime.close()


async def test_a_service_ignoring_stop_is_cancelled_after_the_grace_period(
    seeds_copy: Path,
) -> None:
    settings = ops_settings(seeds_copy, DISPUTE_BOT_SHUTDOWN_GRACE="0.2")
    cancelled = asyncio.Event()

    async def stubborn(stop: asyncio.Event) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    stop = asyncio.Event()
    runtime = DisputeBot(settings).service_runner(stop)
    await runtime.start()
    started = time.monotonic()
    try:
        asyncio.get_running_loop().call_later(0.05, stop.set)
        await runtime.run({"stubborn": stubborn})
    finally:
        await runtime.close()
    assert cancelled.is_set()
    assert time.monotonic() - started < 2


async def test_waiting_for_replies_in_flight_ends_when_the_last_one_is_delivered() -> None:
    counter = InFlight()
    delivered = asyncio.Event()

    async def one_reply() -> None:
        async with counter.reply():
            await delivered.wait()

    replies = [asyncio.create_task(one_reply()) for _ in range(2)]
    await asyncio.sleep(0)
    assert counter.count == 2
    assert not await counter.wait_idle(0.05)  # still in flight when the wait runs out
    waiting = asyncio.create_task(counter.wait_idle(30))
    asyncio.get_running_loop().call_later(0.05, delivered.set)
    started = time.monotonic()
    assert await waiting
    assert time.monotonic() - started < 1.0  # woken by the last reply, not a poll or the timeout
    await asyncio.gather(*replies)
    assert counter.count == 0 and await counter.wait_idle(0)
