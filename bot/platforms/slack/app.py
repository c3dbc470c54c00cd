"""The Bolt app: every listener acknowledges at once, asks the core, then delivers the reply.

Acknowledging first keeps Slack's 3-second limit whatever a command costs; the reply follows
through the response_url (slash commands, buttons) or chat.postMessage (mentions, DMs).
Each listener hands the reply to a task of its own and returns, and the app runs with
`process_before_response`, so Bolt answers Slack as soon as the listener returns: without
it, Bolt polls for the ack every 10 ms, which alone kept each acknowledgement >= 10 ms.
Bolt checks no signature itself: the HTTP receiver does it before Bolt reads the body
(`bot.platforms.slack.gate`), and a Socket Mode connection is opened with the app token.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core, Request
from bot.hooks import RepliesInFlight
from bot.i18n import t
from bot.platforms.slack.client import post_to_response_url
from bot.platforms.slack.commands import SlashCommand, slash_commands
from bot.platforms.slack.drafts import (
    DRAFT,
    SlackDrafts,
    draft_request,
    files_of,
    wants_draft,
)
from bot.platforms.slack.gate import RefusalLog
from bot.platforms.slack.inbound import from_line, from_slash_command, mention_text
from bot.platforms.slack.receivers import VERIFIED
from bot.platforms.slack.render import (
    PAGE_NEXT,
    PAGE_PREVIOUS,
    SHARE,
    SUGGEST_PREFIX,
    build_message,
)
from bot.platforms.slack.replays import Served
from bot.reply import Reply, ReplyKind

log = logging.getLogger("dispute_bot.slack")
# Bolt logs request bodies at DEBUG and INFO: it logs here, kept at WARNING by bot.ops.logs.
BOLT_LOGGER = "dispute_bot.slack.bolt"

RERUN_ACTIONS = re.compile(rf"^(?:{PAGE_PREVIOUS}|{PAGE_NEXT}|{re.escape(SUGGEST_PREFIX)}\d+)$")


def _line(request: Request) -> str:
    return f"/{request.command} {request.args}".strip()


def _channel_of(body: dict[str, Any]) -> str:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return str(channel.get("id") or container.get("channel_id") or body.get("channel_id") or "")


class SlackListeners:
    """The app's listeners, bound to one core, one Web API client and one HTTP session."""

    def __init__(
        self,
        *,
        core: Core,
        settings: Settings,
        client: AsyncWebClient,
        slashes: tuple[SlashCommand, ...],
        in_flight: RepliesInFlight,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.core = core
        self.in_flight = in_flight  # the root's count of replies a shutdown waits for
        self.settings = settings
        self.client = client
        self.session = session  # response_url posts reuse its connections; None: one each
        self.slashes = {s.slash: s for s in slashes}
        self._in_flight: set[asyncio.Task[Any]] = set()
        self.served = Served()
        self._repeats = RefusalLog()
        self.drafts = SlackDrafts(
            client=client, session=session, locale=settings.locale, answer=self.answer
        )

    @property
    def ephemeral(self) -> bool:
        return self.settings.reply_visibility == "ephemeral"

    async def respond(self, url: str, message: dict[str, Any]) -> bool:
        """Post to a response_url over the shared session; False if Slack refused it."""
        return await post_to_response_url(url, message, session=self.session)

    async def answer(self, request: Request) -> Reply:
        """The core's reply, computed off the event loop so other users are not kept waiting."""
        return await asyncio.to_thread(self.core.handle, request)

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        slash = self.slashes[str(body.get("command", "")).lower()]
        request = from_slash_command(body, slash, settings=self.settings)
        if request.command == DRAFT:  # a slash command carries no file: say how to send one
            request = dataclasses.replace(request, args="")
        self._spawn(body, request.command, self._answer_command(body, request))

    async def _answer_command(self, body: dict[str, Any], request: Request) -> None:
        reply = await self.answer(request)
        message = build_message(reply, share_line=_line(request) if self.ephemeral else None)
        message["response_type"] = "ephemeral" if self.ephemeral else "in_channel"
        await self.respond(str(body["response_url"]), message)

    async def on_mention(self, event: dict[str, Any]) -> None:
        await self._answer_event(event)

    async def on_message(self, event: dict[str, Any]) -> None:
        """Direct messages only (a file shared there too): channel chatter reaches the bot
        through mentions instead."""
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") not in (None, "file_share"):
            return
        await self._answer_event(event)

    async def _answer_event(self, event: dict[str, Any]) -> None:
        request = from_line(
            mention_text(str(event.get("text") or "")),
            settings=self.settings,
            user=str(event.get("user") or ""),
            channel=str(event["channel"]),
        )
        if wants_draft(event):
            request = draft_request(event, request)
            if request.can_manage and (request.args or files_of(event)):
                self._spawn({"event": event}, DRAFT, self.drafts.reply(event, request))
                return
        self._spawn({"event": event}, request.command, self._reply_in_thread(event, request))

    async def _reply_in_thread(self, event: dict[str, Any], request: Request) -> None:
        reply = await self.answer(request)
        await self.client.chat_postMessage(
            channel=str(event["channel"]),
            thread_ts=str(event.get("thread_ts") or event["ts"]),
            unfurl_links=False,
            unfurl_media=False,
            **build_message(reply, share_line=None),
        )

    async def on_rerun(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Previous/Next and "did you mean" buttons: run the line, update the message in place."""
        await ack()
        request = self._button_request(body, action)
        self._spawn(body, request.command, self._update_in_place(body, request))

    async def _update_in_place(self, body: dict[str, Any], request: Request) -> None:
        reply = await self.answer(request)
        container = body.get("container") or {}
        was_private = bool(container.get("is_ephemeral"))
        message = build_message(reply, share_line=_line(request) if was_private else None)
        if body.get("response_url"):
            await self.respond(str(body["response_url"]), {**message, "replace_original": True})
        else:
            await self.client.chat_update(
                channel=_channel_of(body), ts=str(container.get("message_ts")), **message
            )

    async def on_share(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Post the private answer for everyone in the channel, then remove the private copy."""
        await ack()
        request = self._button_request(body, action)
        self._spawn(body, request.command, self._share(body, request))

    async def _share(self, body: dict[str, Any], request: Request) -> None:
        reply = await self.answer(request)
        message = build_message(reply, share_line=None)
        url = body.get("response_url")
        if not url:
            await self.client.chat_postMessage(channel=_channel_of(body), **message)
            return
        public = {**message, "response_type": "in_channel", "replace_original": False}
        if await self.respond(str(url), public):
            await self.respond(str(url), {"delete_original": True})

    def _button_request(self, body: dict[str, Any], action: dict[str, Any]) -> Request:
        return from_line(
            str(action.get("value") or ""),
            settings=self.settings,
            user=str((body.get("user") or {}).get("id") or ""),
            channel=_channel_of(body),
        )

    def _spawn(self, body: dict[str, Any], command: str, work: Coroutine[Any, Any, None]) -> None:
        """Deliver in a task of our own, kept until done (for `drain`), so the listener returns."""
        task = asyncio.create_task(self._guarded(body, command, work), name=f"slack-{command}")
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _guarded(self, body: dict[str, Any], command: str, work: Awaitable[None]) -> None:
        """Run the delivery; if anything fails, log the traceback and apologise briefly."""
        try:
            async with self.in_flight.reply():
                await work
        except Exception:
            log.exception("slack: answering /%s failed", command)
            await self.apologise(body, command)

    async def drain(self, timeout: float) -> None:
        """Let replies already acknowledged reach the user before the bot stops, including
        those acknowledged while draining (a request already being read when stopping began)."""
        deadline = asyncio.get_running_loop().time() + timeout
        told = False
        while pending := {t for t in self._in_flight if t is not asyncio.current_task()}:
            if not told:
                log.info("slack: finishing %d reply(ies) in flight", len(pending))
                told = True
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("slack: %d reply(ies) cut short by the shutdown", len(pending))
                return
            await asyncio.wait(pending, timeout=left)

    async def once(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Bolt middleware: a delivery already served (a replay, a retry) is acked, not run."""
        if self.served.first_time(body):
            await next()
            return None
        self._repeats.note("already served (a Slack retry or a replay); acknowledged only")
        return BoltResponse(status=200, body="")

    async def on_error(
        self, error: Exception, body: dict[str, Any], request: AsyncBoltRequest
    ) -> None:
        """Bolt's last resort, for failures outside our listeners' own guard.

        It answers only a request known to come from Slack: an unverified body must never
        choose where the bot posts.
        """
        log.error("slack: unhandled error in a listener", exc_info=error)
        if request.mode == "socket_mode" or request.context.get(VERIFIED) is True:
            await self.apologise(body, str(body.get("command") or "").lstrip("/") or "dispute")

    async def apologise(self, body: dict[str, Any], command: str) -> None:
        """The short apology, where the user will see it; never raises."""
        locale = self.settings.locale
        reply = Reply(
            command=command,
            kind=ReplyKind.ERROR,
            title=f"/{command}",
            text=t(locale, "error", command=command),
            locale=locale,
        )
        message = build_message(reply, share_line=None)
        event = body.get("event") or {}
        try:
            if body.get("response_url"):
                message["response_type"] = "ephemeral"
                await self.respond(str(body["response_url"]), message)
            elif event.get("channel"):
                await self.client.chat_postMessage(
                    channel=str(event["channel"]),
                    thread_ts=str(event.get("thread_ts") or event.get("ts") or "") or None,
                    **message,
                )
        except Exception:
            log.exception("slack: could not deliver the apology either")


def build_app(
    core: Core,
    settings: Settings,
    client: AsyncWebClient,
    *,
    in_flight: RepliesInFlight,
    session: aiohttp.ClientSession | None = None,
) -> tuple[AsyncApp, SlackListeners]:
    """The Bolt app answering every configured slash command, mentions, DMs and buttons."""
    slashes = slash_commands(core.commands, settings)
    listeners = SlackListeners(
        core=core,
        settings=settings,
        client=client,
        slashes=slashes,
        in_flight=in_flight,
        session=session,
    )
    app = AsyncApp(
        client=client,
        logger=logging.getLogger(BOLT_LOGGER),
        name="dispute-bot",
        process_before_response=True,  # our listeners return at once (see the module's doc)
        request_verification_enabled=False,  # the receiver verifies first (see the module's doc)
    )
    app.middleware(listeners.once)
    register: list[tuple[Callable[..., Any], Callable[..., Awaitable[None]]]] = [
        (app.command(s.slash), listeners.on_command) for s in slashes
    ]
    register += [
        (app.event("app_mention"), listeners.on_mention),
        (app.event("message"), listeners.on_message),
        (app.action(RERUN_ACTIONS), listeners.on_rerun),
        (app.action(SHARE), listeners.on_share),
    ]
    for decorator, listener in register:
        decorator(listener)
    app.error(listeners.on_error)
    return app, listeners
