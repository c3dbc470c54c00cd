"""`dispute-bot serve` in a real process, driven from an async test: Slack in HTTP mode against
the fake Slack, its log read as it comes, its health server asked, signals sent to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from bot.config import PROJECT_ROOT
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.slack.conftest import SlackSender


class BotProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.log: list[str] = []
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read_log())
        self.health_port = 0
        self.slack_port = 0

    @classmethod
    async def start(cls, fake: FakeSlack, tmp_path: Path, **env: str) -> BotProcess:
        """Start it with Slack (HTTP mode) on free ports; returns once both servers listen."""
        slack = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "PORT": "0",
        }
        bot = await cls.spawn(tmp_path, **{**slack, **env})
        found = await bot.wait_for_log(r"slack: HTTP mode listening on port (\d+)")
        bot.slack_port = int(found.group(1))
        return bot

    @classmethod
    async def spawn(cls, tmp_path: Path, **env: str) -> BotProcess:
        """Start it with the platforms `env` configures; returns once its health server
        listens."""
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "DISPUTE_BOT_", "DATABASE_URL"))
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=PROJECT_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env={
                **base,
                "HEALTH_PORT": "0",
                "DISPUTE_BOT_HEALTH_HOST": "127.0.0.1",
                "DISPUTE_BOT_WATCH_SEEDS": "false",
                "DISPUTE_BOT_SNAPSHOT_DIR": "null",
                "DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / "state.sqlite3"),
                **env,
            },
        )
        bot = cls(process)
        found = await bot.wait_for_log(r"health server on http://127\.0\.0\.1:(\d+)")
        bot.health_port = int(found.group(1))
        return bot

    async def _read_log(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            async with self._changed:
                self.log.append(raw.decode("utf-8", "replace"))
                self._changed.notify_all()

    @property
    def text(self) -> str:
        return "".join(self.log)

    async def wait_for_log(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first log line matching `pattern`, waiting for it."""

        def found() -> re.Match[str] | None:
            for line in self.log:
                if match := re.search(pattern, line):
                    return match
            return None

        async def wait() -> re.Match[str]:
            async with self._changed:
                while (match := found()) is None:
                    await self._changed.wait()
                return match

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"no log line matched {pattern!r}:\n{self.text}") from None

    async def get(self, path: str) -> tuple[int, str]:
        url = f"http://127.0.0.1:{self.health_port}{path}"
        async with aiohttp.ClientSession() as http, http.get(url) as answer:
            return answer.status, await answer.text()

    @contextlib.asynccontextmanager
    async def slack(self, fake: FakeSlack) -> AsyncIterator[SlackSender]:
        """Send requests to its /slack/events as Slack does (signed)."""
        async with aiohttp.ClientSession() as http:
            yield SlackSender(http, f"http://127.0.0.1:{self.slack_port}/slack/events", fake)

    async def stop(self, timeout: float) -> float:
        """SIGTERM, then the seconds it took to exit; AssertionError if it did not in time."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"still running {timeout} s after SIGTERM:\n{self.text}") from None
        await self._reader
        return time.monotonic() - started

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
