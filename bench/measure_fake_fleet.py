"""What the fan-out benchmark's fake Slack holds on its own, so it is never the bottleneck.

`python -m bench.measure_fake_fleet [--posts 10000] [--concurrency 64] [--no-limits]` starts
`bench.fake_slack_fleet` in its own process (1,000 workspaces x 10 channels), posts one
digest-sized chat.postMessage into each channel from this process, honouring every
Retry-After (a refused post is queued again for when it is due, so no sender sits idle), and
prints the wall time, the posts a second, the CPU seconds the fake spent (its process's
utime + stime) and the fake's own /stats. `--order workspace` posts a workspace's channels one
after another, as a replica does at the hour (its bursts meet the workspace limit);
`--order channel` spreads them out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.stats import emit_json

ROOT = Path(__file__).resolve().parent.parent


def digest_body(channel: str) -> dict[str, Any]:
    """A chat.postMessage body shaped and sized like a daily digest (about 1.5 kB)."""
    item = "• 2 March 2026: the ultimatum expired; the company said it would not move. " * 3
    return {
        "channel": channel,
        "text": "Daily digest, 1 March 2026: Anthropic vs the US Department of Defense (2026)",
        "unfurl_links": False,
        "unfurl_media": False,
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "Daily digest, 1 March 2026"},
            },
            *(
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*Key dates*\n{item}"}}
                for _ in range(4)
            ),
        ],
    }


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(
    base: str, workspaces: list[dict[str, Any]], *, posts: int, concurrency: int, order: str
) -> dict[str, Any]:
    pairs = [(w["bot_token"], c) for w in workspaces for c in w["channels"]]
    if order == "channel":
        pairs.sort(key=lambda pair: (pair[1][-2:], pair[1]))
    pairs = pairs[:posts]
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for pair in pairs:
        queue.put_nowait(pair)
    left = len(pairs)
    done = asyncio.Event()
    seen_429 = 0
    loop = asyncio.get_running_loop()

    async def sender(session: aiohttp.ClientSession) -> None:
        nonlocal left, seen_429
        while True:
            token, channel = await queue.get()
            headers = {"Authorization": f"Bearer {token}"}
            async with session.post(
                f"{base}/api/chat.postMessage", json=digest_body(channel), headers=headers
            ) as response:
                answer = await response.json()
                if response.status == 429:
                    seen_429 += 1
                    wait = int(response.headers["Retry-After"])
                    loop.call_later(wait, queue.put_nowait, (token, channel))
                    continue
            if not answer.get("ok"):
                raise RuntimeError(f"fake refused {channel}: {answer}")
            left -= 1
            if not left:
                done.set()

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        senders = [asyncio.create_task(sender(session)) for _ in range(concurrency)]
        try:
            await done.wait()
        finally:
            for task in senders:
                task.cancel()
            await asyncio.gather(*senders, return_exceptions=True)
        elapsed = time.perf_counter() - started
    return {"posts": len(pairs), "seconds": elapsed, "answers_429": seen_429}


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.fake_slack_fleet"]
    command += ["--workspaces", str(args.workspaces), "--channels", str(args.channels)]
    if args.no_limits:
        command.append("--no-limits")
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = json.loads(process.stdout.readline())["port"]
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/workspaces") as response:
                workspaces = await response.json()
            async with session.post(f"{base}/round", json={"hour": time.time()}) as response:
                await response.read()
            cpu_before = cpu_seconds(process.pid)
            driven = await drive(
                base,
                workspaces,
                posts=args.posts,
                concurrency=args.concurrency,
                order=args.order,
            )
            cpu = cpu_seconds(process.pid) - cpu_before
            async with session.get(f"{base}/stats") as response:
                stats = await response.json()
    finally:
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        process.wait(timeout=10)
    return {
        "limits": not args.no_limits,
        "order": args.order,
        "concurrency": args.concurrency,
        **driven,
        "posts_per_second": driven["posts"] / driven["seconds"],
        "fake_cpu_seconds": cpu,
        "fake_requests_per_cpu_second": (stats["requests"] / cpu) if cpu else None,
        "fake_stats": stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--order", choices=("workspace", "channel"), default="workspace")
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    result = asyncio.run(measure(args))
    emit_json(result, args.json)


if __name__ == "__main__":
    main()
