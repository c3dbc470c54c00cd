"""A fake chat platform on loopback for digest tests: Slack's chat.postMessage, Discord's
channel messages, and a plain JSON endpoint for the test-side poster.

Only the remote service is faked. Answers follow each platform's wire format (Slack's
`{"ok": false, "error": ...}`, Discord's `{"code", "message"}` with 404), taken from the
recorded fixtures. A channel can be made gone (permanent), flaky (temporary errors first),
held (the request waits, as when a replica dies mid-post, until `release`) or mute (the post
is accepted and its answer lost: the sender cannot know it arrived). Slack's
conversations.history lists a channel's posts (tests/fakes/slack_history.py), with their
metadata; `unreadable` channels refuse it with an error code (missing_scope...). Discord's
messages have snowflake ids (their time), and a post with an enforced nonce the bot used in
the past few minutes is answered with that message, posting nothing
(tests/fakes/discord_nonces.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.discord_nonces import Nonces, nonce_problems
from tests.fakes.slack_history import Message, history, metadata_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SLACK_TOKEN = "xoxb-1111-2222-digesttoken"
DISCORD_TOKEN = "MTM2MDg3MTcyODc3MDg0NjczMw.digest.token"
SLACK_BOT_ID = "B0DIGEST01"
SLACK_APP_ID = "A0DISPUTE1"
DISCORD_EPOCH = 1420070400000
_DIGEST_DATE = re.compile(r"(?:Daily digest|Résumé du jour), (\d{1,2}(?:er)? \w+ \d{4})")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Posted:
    """A message the platform accepted."""

    platform: str
    channel: str
    message_id: str
    body: dict[str, Any]
    at: dt.datetime  # when it arrived, by the test process's (possibly travelled) clock
    ts: str = ""  # Slack's message ts (its time), for a Slack post

    @property
    def text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)

    @property
    def digest_date(self) -> str | None:
        """The date in the digest's title, as the channel reads it ("2 March 2026")."""
        found = _DIGEST_DATE.search(self.text)
        return found[1] if found else None


@dataclass(slots=True, kw_only=True)
class FakeChat:
    gone: set[str] = field(default_factory=set)  # channels that no longer exist
    flaky: dict[str, int] = field(default_factory=dict)  # channel -> temporary errors to give
    held: set[str] = field(default_factory=set)  # channels whose posts wait for `release`
    # Channels whose posts are accepted (they appear) but whose answer never comes back.
    mute: set[str] = field(default_factory=set)
    # Channels whose conversations.history is refused, with Slack's error code.
    unreadable: dict[str, str] = field(default_factory=dict)
    history_calls: list[dict[str, Any]] = field(default_factory=list)  # their params
    posts: list[Posted] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (platform, channel), all
    discord_bodies: list[dict[str, Any]] = field(default_factory=list)  # every request's
    port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    nonces: Nonces = field(default_factory=Nonces)  # Discord's, the bot's
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    async def start(self) -> FakeChat:
        app = web.Application()
        app.router.add_post("/slack/api/{method}", self._slack)
        app.router.add_get("/slack/api/{method}", self._slack)  # conversations.history: GET
        app.router.add_post("/discord/api/v10/channels/{channel}/messages", self._discord)
        app.router.add_post("/test/{platform}/{channel}", self._plain)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def slack_api_url(self) -> str:
        return f"{self.base}/slack/api/"

    @property
    def discord_api_url(self) -> str:
        return f"{self.base}/discord/api/v10"

    # -- reading what happened ---------------------------------------------------------------

    def posts_to(self, channel: str) -> list[Posted]:
        return [p for p in self.posts if p.channel == channel]

    def requests_to(self, channel: str) -> int:
        return sum(1 for _, c in self.requests if c == channel)

    def per_channel_day(self) -> dict[tuple[str, str, str | None], int]:
        counts: dict[tuple[str, str, str | None], int] = {}
        for post in self.posts:
            key = (post.platform, post.channel, post.digest_date)
            counts[key] = counts.get(key, 0) + 1
        return counts

    async def wait_for(self, count: int, *, timeout: float = 5.0) -> list[Posted]:
        """Wait until `count` posts were accepted in all; the posts."""

        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.posts) >= count)

        await asyncio.wait_for(reached(), timeout)
        return list(self.posts)

    async def wait_for_request(self, channel: str, *, timeout: float = 5.0) -> None:
        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self.requests_to(channel) > 0)

        await asyncio.wait_for(reached(), timeout)

    def release(self) -> None:
        """Answer the posts held so far, and hold no more."""
        self.held.clear()
        self._released.set()

    # -- serving -------------------------------------------------------------------------------

    async def _arrived(self, platform: str, channel: str) -> str | None:
        """Record a request; the failure to give for it ("gone", "flaky"), if any."""
        async with self._changed:
            self.requests.append((platform, channel))
            self._changed.notify_all()
        if channel in self.held:
            await self._released.wait()  # or until the server shuts down or the client leaves
        if channel in self.gone:
            return "gone"
        if self.flaky.get(channel, 0) > 0:
            self.flaky[channel] -= 1
            return "flaky"
        return None

    async def _accept(self, platform: str, channel: str, body: dict[str, Any]) -> str:
        number = next(self._ids)
        message_id = f"{number}"
        at = dt.datetime.now(dt.UTC)
        if platform == "discord":  # a snowflake: its time, a worker, a sequence
            millis = int(time.time() * 1000) - DISCORD_EPOCH
            message_id = str((millis << 22) | (1 << 17) | (number & 0xFFF))
        post = Posted(
            platform=platform,
            channel=channel,
            message_id=message_id,
            body=body,
            at=at,
            ts=f"{int(at.timestamp())}.{number:06d}" if platform == "slack" else "",
        )
        async with self._changed:
            self.posts.append(post)
            self._changed.notify_all()
        return message_id

    def slack_post(self, message_id: str) -> Posted:
        return next(p for p in self.posts if p.platform == "slack" and p.message_id == message_id)

    def _history(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel", ""))
        self.history_calls.append(params)
        if channel in self.unreadable:
            error = self.unreadable[channel]
            return web.json_response({"ok": False, "error": error, "needed": "channels:history"})
        if channel in self.gone:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        messages = [
            Message(
                ts=p.ts,
                text=str(p.body.get("text", "")),
                bot_id=SLACK_BOT_ID,
                app_id=SLACK_APP_ID,
                metadata=metadata_of(p.body),
            )
            for p in self.posts
            if p.platform == "slack" and p.channel == channel
        ]
        return web.json_response(history(messages, params))

    async def _slack(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            form = urllib.parse.parse_qs(await request.text())
            params.update({k: v[-1] for k, v in form.items()})
        if request.headers.get("Authorization") != f"Bearer {SLACK_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if request.match_info["method"] == "conversations.history":
            return self._history(params)
        if request.match_info["method"] != "chat.postMessage":
            return web.json_response({"ok": False, "error": "unknown_method"})
        channel = str(params.get("channel", ""))
        failure = await self._arrived("slack", channel)
        if failure == "gone":
            return web.json_response({"ok": False, "error": "channel_not_found"})
        if failure == "flaky":
            return web.json_response({"ok": False, "error": "internal_error"})
        number = await self._accept("slack", channel, params)
        if channel in self.mute:
            await asyncio.Event().wait()  # posted, but the answer is lost on the way back
        answer = fixture("slack/chat_post_message.json")
        answer["channel"] = channel
        answer["ts"] = answer["message"]["ts"] = self.slack_post(number).ts
        answer["message"]["text"] = params.get("text", "")
        return web.json_response(answer)

    async def _discord(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        body = dict(await request.json())
        if request.headers.get("Authorization") != f"Bot {DISCORD_TOKEN}":
            return web.json_response(fixture("discord/error_unauthorized.json"), status=401)
        self.discord_bodies.append(body)
        failure = await self._arrived("discord", channel)
        if failure == "gone":
            return web.json_response(fixture("discord/error_unknown_channel.json"), status=404)
        if failure == "flaky":
            return web.json_response({"message": "upstream connect error", "code": 0}, status=503)
        problems = nonce_problems(body)
        if problems:
            refusal = fixture("discord/error_invalid_form_body.json")
            path, text = problems[0].split(": ", 1)
            code = "BASE_TYPE_MAX_LENGTH" if "fewer in length" in text else "BASE_TYPE_INVALID"
            refusal["errors"] = {path: {"_errors": [{"code": code, "message": text}]}}
            return web.json_response(refusal, status=400)
        message = fixture("discord/message.json")
        author = message["author"]["id"]  # the bot's user: its token's
        earlier = self.nonces.earlier(author, body)
        if earlier is not None:
            return web.json_response(earlier)
        message_id = await self._accept("discord", channel, body)
        message.update(id=message_id, channel_id=channel, timestamp=_iso(message_id))
        message.update({k: body[k] for k in ("content", "embeds") if k in body})
        self.nonces.remember(author, body, message)
        if channel in self.mute:
            await asyncio.Event().wait()  # posted, but the answer is lost on the way back
        return web.json_response(message)

    async def _plain(self, request: web.Request) -> web.Response:
        platform, channel = request.match_info["platform"], request.match_info["channel"]
        body = dict(await request.json())
        failure = await self._arrived(platform, channel)
        if failure == "gone":
            return web.json_response({"error": "channel_not_found"}, status=404)
        if failure == "flaky":
            return web.json_response({"error": "service_unavailable"}, status=503)
        return web.json_response({"id": await self._accept(platform, channel, body)})


def _iso(snowflake: str) -> str:
    """A Discord message's `timestamp`: its snowflake's time."""
    millis = (int(snowflake) >> 22) + DISCORD_EPOCH
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC).isoformat(timespec="microseconds")
