"""The Slack HTTP endpoint under load, against a bare aiohttp server answering the same POSTs.

Signed slash commands (the recorded sample in tests/fixtures/slack, signed as Slack signs
them) are sent over 16 keep-alive connections on loopback for a fixed time; each request's
time to the acknowledgement is kept. The bot, the bare server and the fake Slack (which
takes the replies posted to response_url) each run in their own process, and the load comes
from this one, so no two share an event loop. A third server, Bolt alone (an `AsyncApp`
acking each command, no core, no reply), shows what Bolt's own dispatch costs, so the bot's
figure can be read against what any Bolt app could do here. Runs alternate bare, Bolt, bot.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.stats import median, percentile

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
SECRET = "8f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c"
COMMANDS = (
    ("/quote", "trump"),
    ("/quote", "trump woke"),
    ("/quote", "amodei surveillance"),
    ("/quote", "hegseth"),
    ("/timeline", ""),
    ("/quote", "pentagone"),
)


class Process:
    """A helper process that prints `{"port": N}` first and stops when its stdin closes."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.popen = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.popen.stdout is not None
        line = self.popen.stdout.readline()
        if not line:
            raise RuntimeError(f"{' '.join(args)} did not start")
        self.port = int(json.loads(line)["port"])

    def stop(self) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.close()
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


def _requests(port: int, fake_port: int) -> Iterator[bytes]:
    """Signed slash-command POSTs, as raw HTTP/1.1 with keep-alive, each with a trigger_id of
    its own as Slack gives them (the bot acks a repeated one without answering it)."""
    sample = json.loads((ROOT / "tests/fixtures/slack/slash_command.json").read_text())
    for number in itertools.count():
        command, text = COMMANDS[number % len(COMMANDS)]
        timestamp = str(int(time.time()))
        form = {
            **sample,
            "command": command,
            "text": text,
            "response_url": f"http://127.0.0.1:{fake_port}/commands/T0001/{number}/bench",
            "trigger_id": f"{number}.4402216103.bench",
        }
        body = urllib.parse.urlencode(form)
        base = f"v0:{timestamp}:{body}".encode()
        signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n"
            f"Content-Length: {len(body.encode())}\r\n\r\n"
        )
        yield head.encode() + body.encode()


async def _connection(
    port: int, requests: Iterator[bytes], deadline: float, spent: list[float], errors: list[str]
) -> None:
    """One keep-alive connection sending requests back to back until the deadline."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            request = next(requests)
            started = time.perf_counter()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError) as exc:
                errors.append(type(exc).__name__)
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            spent.append(time.perf_counter() - started)
            status = head[9:12]
            if status != b"200":
                errors.append(f"HTTP {status.decode()}")
    finally:
        writer.close()


async def _load(
    port: int, requests: Iterator[bytes], seconds: float
) -> tuple[list[float], list[str]]:
    spent: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_connection(port, requests, deadline, spent, errors) for _ in range(CONNECTIONS))
    )
    return spent, errors


def _delivered(fake_port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{fake_port}/stats", timeout=10) as answer:
        return int(json.loads(answer.read())["delivered"])


def _one_run(mode: str, fake_port: int, seconds: float) -> dict[str, Any]:
    args = ["bench.slack_server", mode]
    if mode == "bot":
        args += [f"--api-url=http://127.0.0.1:{fake_port}/api/", f"--secret={SECRET}"]
    elif mode == "bolt":
        args += [f"--secret={SECRET}"]
    server = Process(*args)
    try:
        requests = _requests(server.port, fake_port)
        asyncio.run(_load(server.port, requests, min(1.0, seconds / 5)))  # warm up
        before = _delivered(fake_port)
        spent, errors = asyncio.run(_load(server.port, requests, seconds))
    finally:
        server.stop()
    time.sleep(0.5)
    return {
        "requests": len(spent),
        "rps": len(spent) / seconds,
        "p50_ms": percentile(spent, 0.5) * 1000,
        "p99_ms": percentile(spent, 0.99) * 1000,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "delivered": _delivered(fake_port) - before,
    }


def measure(seconds: float, runs: int) -> dict[str, Any]:
    if importlib.util.find_spec("bot.platforms.slack.startup") is None:
        return {"blocked": "bot.platforms.slack.startup is not there yet"}
    fake = Process("bench.fake_slack")
    try:
        samples: dict[str, list[dict[str, Any]]] = {"bare": [], "bolt": [], "bot": []}
        for _ in range(runs):
            for mode in ("bare", "bolt", "bot"):
                samples[mode].append(_one_run(mode, fake.port, seconds))
    finally:
        fake.stop()

    def summary(mode: str) -> dict[str, Any]:
        runs_of = samples[mode]
        return {
            "runs": len(runs_of),
            "seconds_each": seconds,
            "connections": CONNECTIONS,
            "rps": median([r["rps"] for r in runs_of]),
            "p50_ms": median([r["p50_ms"] for r in runs_of]),
            "p99_ms": median([r["p99_ms"] for r in runs_of]),
            "errors": sum(r["errors"] for r in runs_of),
            "delivered": sum(r["delivered"] for r in runs_of),
            "samples": runs_of,
        }

    bot, bare, bolt = summary("bot"), summary("bare"), summary("bolt")
    return {
        "bot": bot,
        "bare": bare,
        "bolt": bolt,
        "throughput_share": bot["rps"] / bare["rps"],
        "bolt_share": bolt["rps"] / bare["rps"],
        "bot_share_of_bolt": bot["rps"] / bolt["rps"],
    }


if __name__ == "__main__":
    print(json.dumps(measure(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0, 1)))
