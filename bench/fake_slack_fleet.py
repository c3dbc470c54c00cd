"""A standalone fake Slack for the fan-out benchmark: many workspaces, their channels, limits.

Run `python -m bench.fake_slack_fleet [--workspaces 1000] [--channels 10]`: listens on a free
loopback port, prints `{"port": N}`, and stops when stdin closes. Each workspace has its own
bot token and channels (`fleet()` says which, `GET /workspaces` too); `auth.test` and
`chat.postMessage` are answered for the token's workspace, with Slack's rate limits
(tests/fakes/slack_limits.py: about one post a second per channel with a short burst, and a
burst limit per workspace; beyond them 429 with `Retry-After`), unless `--no-limits`.

`POST /round {"hour": <unix seconds>, "digests": N}` starts a round (counts cleared, lags
measured from that hour, N digests expected: one per channel unless said). A digest is told
apart from the channel's others by its headline, the second line of its `text` (the dossier's
title: a channel that follows two dossiers gets two digests, neither a duplicate of the other).
`GET /stats` reports the round as JSON: the digests and channels served and missing,
duplicates (a digest posted twice), the delivery lag of each digest's first post, every 429
and every post made before its Retry-After had elapsed, and posts refused (a token posting
into another workspace's channel gets `channel_not_found`, as Slack answers).
`GET /stats?channels=1` adds each channel's arrival lags, and each digest's.
`conversations.history` lists a channel's posts (tests/fakes/slack_history.py: newest first,
metadata with `include_all_metadata`, a cursor a page), within its own Tier 3 limit (50 calls
a minute per workspace, 429 with `Retry-After` beyond); `/stats` counts the calls and their 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bench.stats import percentile
from tests.fakes.slack_history import Message, history, metadata_of
from tests.fakes.slack_limits import RateLimiter, SlackLimits, ratelimited

APP_ID = "A0DISPUTE1"


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetWorkspace:
    """One workspace of the fleet: the app's token there and the channels it posts to."""

    team_id: str
    name: str
    bot_token: str
    bot_user_id: str
    channels: tuple[str, ...]


def fleet(workspaces: int, channels: int) -> list[FleetWorkspace]:
    """The fleet's workspaces, the same in the fake and in the benchmark that drives it."""
    return [
        FleetWorkspace(
            team_id=f"T0F{n:06d}",
            name=f"Fleet Newsroom {n}",
            bot_token=f"xoxb-{n:06d}-fleet-{n * 7919 % 1000003:07d}",
            bot_user_id=f"U0B{n:06d}",
            channels=tuple(f"C0F{n:06d}{c:02d}" for c in range(channels)),
        )
        for n in range(1, workspaces + 1)
    ]


class FleetSlack:
    """The Web API of every workspace, and the round's counts."""

    def __init__(
        self, workspaces: list[FleetWorkspace], limits: SlackLimits | None, latency: float
    ) -> None:
        self.workspaces = workspaces
        self.by_token = {w.bot_token: w for w in workspaces}
        self.channel_team = {c: w.team_id for w in workspaces for c in w.channels}
        self.limits = limits
        self.latency = latency
        self.hour = time.time()
        # Every channel's messages, oldest first: its history, kept from round to round.
        self.messages: dict[str, list[Message]] = {}
        self._reset()

    def _reset(self, digests: int | None = None) -> None:
        self.limiter = RateLimiter(self.limits) if self.limits is not None else None
        self.expected = len(self.channel_team) if digests is None else digests
        self.arrivals: dict[tuple[str, str], list[float]] = {}  # (channel, headline): when
        self.refused: Counter[str] = Counter()
        self.requests = 0
        self.history_calls = 0
        self.serial = 0

    async def round(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.hour = float(body.get("hour", time.time()))
        self._reset(int(body["digests"]) if "digests" in body else None)
        return web.json_response({"ok": True, "hour": self.hour})

    async def web_api(self, request: web.Request) -> web.Response:
        self.requests += 1
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = urllib.parse.parse_qs(await request.text())
            params = {key: values[-1] for key, values in form.items()}
        authorization = request.headers.get("Authorization", "")
        workspace = self.by_token.get(authorization.removeprefix("Bearer "))
        if self.latency:
            await asyncio.sleep(self.latency)
        if workspace is None:
            self.refused["invalid_auth"] += 1
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": f"https://fleet-{workspace.team_id.lower()}.slack.com/",
                    "team": workspace.name,
                    "user": "dispute-bot",
                    "team_id": workspace.team_id,
                    "user_id": workspace.bot_user_id,
                    "bot_id": "B" + workspace.bot_user_id[1:],
                    "is_enterprise_install": False,
                }
            )
        if method not in ("chat.postMessage", "conversations.history"):
            return web.json_response({"ok": False, "error": "unknown_method"})
        params = {**request.query, **params}
        channel = str(params.get("channel", ""))
        if self.channel_team.get(channel) != workspace.team_id:
            self.refused["channel_not_found"] += 1
            return web.json_response({"ok": False, "error": "channel_not_found"})
        if method == "conversations.history":
            self.history_calls += 1
            throttle = self.limiter.check_history(workspace.team_id) if self.limiter else None
            if throttle is not None:
                return ratelimited(throttle)
            return web.json_response(history(self.messages.get(channel, []), params))
        throttle = self.limiter.check(workspace.team_id, channel) if self.limiter else None
        if throttle is not None:
            return ratelimited(throttle)
        headline = str(params.get("text", "")).split("\n")[1:2]
        self.arrivals.setdefault((channel, "".join(headline)), []).append(time.time())
        self.serial += 1
        ts = f"{int(time.time())}.{self.serial:06d}"
        self.messages.setdefault(channel, []).append(
            Message(
                ts=ts,
                text=str(params.get("text", "")),
                bot_id="B" + workspace.bot_user_id[1:],
                app_id=APP_ID,
                metadata=metadata_of(params),
            )
        )
        return web.json_response(
            {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {
                    "type": "message",
                    "subtype": "bot_message",
                    "ts": ts,
                    "app_id": APP_ID,
                    "bot_id": "B" + workspace.bot_user_id[1:],
                },
            }
        )

    async def list_workspaces(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "team_id": w.team_id,
                    "name": w.name,
                    "bot_token": w.bot_token,
                    "bot_user_id": w.bot_user_id,
                    "channels": list(w.channels),
                }
                for w in self.workspaces
            ]
        )

    def stats(self, *, per_channel: bool = False) -> dict[str, Any]:
        expected = len(self.channel_team)
        firsts = sorted(times[0] - self.hour for times in self.arrivals.values())
        channels: dict[str, list[float]] = {}
        for (channel, _), times in self.arrivals.items():
            channels.setdefault(channel, []).extend(t - self.hour for t in times)
        throttled = self.limiter.throttled if self.limiter else []
        reasons = Counter(t.reason for t in throttled)
        answer: dict[str, Any] = {
            "hour": self.hour,
            "workspaces": len(self.workspaces),
            "channels": expected,
            "requests": self.requests,
            "posts": sum(len(times) for times in self.arrivals.values()),
            "digests": self.expected,
            "delivered": len(self.arrivals),
            "missing": self.expected - len(self.arrivals),
            "delivered_channels": len(channels),
            "missing_channels": expected - len(channels),
            "duplicates": sum(len(times) - 1 for times in self.arrivals.values()),
            "ratelimited": len(throttled),
            "ratelimited_by": dict(reasons),
            # Calls (posts, history reads) made before their Retry-After had elapsed.
            "unhonoured": len(self.limiter.unhonoured) if self.limiter else 0,
            "refused": dict(self.refused),
            "history_calls": self.history_calls,
            "history_ratelimited": len(self.limiter.history_throttled) if self.limiter else 0,
            # Each digest's first post, seconds after the hour (none yet: no figures).
            "lag_seconds": {
                "first": firsts[0],
                "p50": percentile(firsts, 0.50),
                "p99": percentile(firsts, 0.99),
                "max": firsts[-1],
            }
            if firsts
            else {},
        }
        if per_channel:
            answer["per_channel"] = {channel: sorted(lags) for channel, lags in channels.items()}
            answer["per_digest"] = [
                [channel, headline, [t - self.hour for t in times]]
                for (channel, headline), times in self.arrivals.items()
            ]
        return answer

    async def get_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats(per_channel=request.query.get("channels") == "1"))


def build_app(fake: FleetSlack) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_post("/api/{method}", fake.web_api)
    app.router.add_get("/api/{method}", fake.web_api)  # conversations.history: GET
    app.router.add_post("/round", fake.round)
    app.router.add_get("/workspaces", fake.list_workspaces)
    app.router.add_get("/stats", fake.get_stats)
    return app


async def serve(args: argparse.Namespace) -> None:
    limits = None
    if not args.no_limits:
        limits = SlackLimits(
            channel_rate=args.channel_rate,
            channel_burst=args.channel_burst,
            workspace_rate=args.workspace_rate,
            workspace_burst=args.workspace_burst,
        )
    fake = FleetSlack(fleet(args.workspaces, args.channels), limits, args.latency_ms / 1000)
    runner = web.AppRunner(build_app(fake), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port, backlog=1024).start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


def main() -> None:
    defaults = SlackLimits()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=10, help="channels per workspace")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-limits", action="store_true", help="never answer 429")
    parser.add_argument("--channel-rate", type=float, default=defaults.channel_rate)
    parser.add_argument("--channel-burst", type=int, default=defaults.channel_burst)
    parser.add_argument("--workspace-rate", type=float, default=defaults.workspace_rate)
    parser.add_argument("--workspace-burst", type=int, default=defaults.workspace_burst)
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="time Slack takes to answer each call"
    )
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
