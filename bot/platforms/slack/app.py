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
import contextlib
import logging
import os
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from msgspec import structs
from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core, Request
from bot.errors import DatabaseUnavailable
from bot.hooks import RepliesInFlight
from bot.i18n import t
from bot.platforms.slack.admins import WorkspaceAdmins
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
from bot.platforms.slack.home_tab import HomeTab
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

if TYPE_CHECKING:  # OAuth mode's modules load slack_sdk's SQLAlchemy stores: only in that mode
    from bot.platforms.slack.installations import Installations
    from bot.platforms.slack.oauth import PauseTeam

log = logging.getLogger("dispute_bot.slack")
# Bolt logs request bodies at DEBUG and INFO: it logs here, kept at WARNING by bot.ops.logs.
BOLT_LOGGER = "dispute_bot.slack.bolt"

# The most an apology waits for the workspace's language before using the deployment's.
LOCALE_SECONDS = 1.0
RERUN_ACTIONS = re.compile(rf"^(?:{PAGE_PREVIOUS}|{PAGE_NEXT}|{re.escape(SUGGEST_PREFIX)}\d+)$")


def _line(request: Request) -> str:
    return f"/{request.command} {request.args}".strip()


def _channel_of(body: dict[str, Any]) -> str:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return str(channel.get("id") or container.get("channel_id") or body.get("channel_id") or "")


class SlackListeners:
    """The app's listeners, bound to one core and one HTTP session. Each Web API call goes
    through the request's own client (Bolt's `client`), which holds the token of the
    workspace the request came from."""

    def __init__(
        self,
        *,
        core: Core,
        settings: Settings,
        slashes: tuple[SlashCommand, ...],
        in_flight: RepliesInFlight,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.core = core
        self.in_flight = in_flight  # the root's count of replies a shutdown waits for
        self.settings = settings
        self.session = session  # response_url posts reuse its connections; None: one each
        self.slashes = {s.slash: s for s in slashes}
        self._in_flight: set[asyncio.Task[Any]] = set()
        self.served = Served()
        self._repeats = RefusalLog()
        self.admins = WorkspaceAdmins(settings)  # slack_admins, and the workspace's own

    def drafts_with(self, client: AsyncWebClient, locale: str) -> SlackDrafts:
        """Drafting from a message, with the request's client: the token of its workspace
        fetches the file and posts the draft, in the workspace's language."""
        return SlackDrafts(client=client, session=self.session, locale=locale, answer=self.answer)

    async def locale_of(self, request: Request) -> str:
        """The language of the request's workspace (its settings, a recent copy will do),
        for what the platform says itself: "drafting…", an apology."""
        place = await asyncio.to_thread(self.core.place, request, fresh=False)
        return self.core.locale_for(request, place)

    async def respond(self, url: str, message: dict[str, Any]) -> bool:
        """Post to a response_url over the shared session; False if Slack refused it."""
        return await post_to_response_url(url, message, session=self.session)

    async def answer(self, request: Request) -> Reply:
        """The core's reply, computed off the event loop so other users are not kept waiting."""
        return await asyncio.to_thread(self.core.handle, request)

    async def on_command(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        slash = self.slashes[str(body.get("command", "")).lower()]
        request = from_slash_command(body, slash, settings=self.settings)
        if request.command == DRAFT:  # a slash command carries no file: say how to send one
            request = structs.replace(request, args="")
        self._spawn(body, request.command, self._answer_command(body, request, client), client)

    async def _answer_command(
        self, body: dict[str, Any], request: Request, client: AsyncWebClient
    ) -> None:
        request = await self.admins.promote(request, client)
        reply = await self.answer(request)
        ephemeral = reply.visibility == "ephemeral"  # the team's choice, else the config's
        message = build_message(reply, share_line=_line(request) if ephemeral else None)
        message["response_type"] = "ephemeral" if ephemeral else "in_channel"
        await self.respond(str(body["response_url"]), message)

    async def on_mention(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await self._answer_event(event, context, client)

    async def on_message(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """Direct messages only (a file shared there too): channel chatter reaches the bot
        through mentions instead."""
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") not in (None, "file_share"):
            return
        await self._answer_event(event, context, client)

    async def _answer_event(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        request = from_line(
            mention_text(str(event.get("text") or "")),
            settings=self.settings,
            user=str(event.get("user") or ""),
            channel=str(event["channel"]),
            team=context.team_id,
            enterprise=context.enterprise_id,
        )
        if wants_draft(event):
            request = draft_request(event, request)
            if request.is_operator and (request.args or files_of(event)):
                drafts = self.drafts_with(client, await self.locale_of(request))
                drafting = drafts.reply(event, request)
                self._spawn({"event": event}, DRAFT, drafting, client)
                return
        work = self._reply_in_thread(event, request, client)
        self._spawn({"event": event}, request.command, work, client)

    async def _reply_in_thread(
        self, event: dict[str, Any], request: Request, client: AsyncWebClient
    ) -> None:
        request = await self.admins.promote(request, client)
        reply = await self.answer(request)
        await client.chat_postMessage(
            channel=str(event["channel"]),
            thread_ts=str(event.get("thread_ts") or event["ts"]),
            unfurl_links=False,
            unfurl_media=False,
            **build_message(reply, share_line=None),
        )

    async def on_button(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        """Share posts the private answer for everyone and removes the private copy;
        Previous/Next and "did you mean" run their line and update the message in place."""
        await ack()
        request = self._button_request(body, action, context)
        deliver = self._share if action.get("action_id") == SHARE else self._update_in_place
        self._spawn(body, request.command, deliver(body, request, client), client)

    async def _update_in_place(
        self, body: dict[str, Any], request: Request, client: AsyncWebClient
    ) -> None:
        reply = await self.answer(request)
        container = body.get("container") or {}
        was_private = bool(container.get("is_ephemeral"))
        message = build_message(reply, share_line=_line(request) if was_private else None)
        if body.get("response_url"):
            await self.respond(str(body["response_url"]), {**message, "replace_original": True})
        else:
            await client.chat_update(
                channel=_channel_of(body), ts=str(container.get("message_ts")), **message
            )

    async def _share(self, body: dict[str, Any], request: Request, client: AsyncWebClient) -> None:
        reply = await self.answer(request)
        message = build_message(reply, share_line=None)
        url = body.get("response_url")
        if not url:
            await client.chat_postMessage(channel=_channel_of(body), **message)
            return
        public = {**message, "response_type": "in_channel", "replace_original": False}
        if await self.respond(str(url), public):
            await self.respond(str(url), {"delete_original": True})

    def _button_request(
        self, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> Request:
        return from_line(
            str(action.get("value") or ""),
            settings=self.settings,
            user=str((body.get("user") or {}).get("id") or ""),
            channel=_channel_of(body),
            team=context.team_id,
            enterprise=context.enterprise_id,
        )

    def _spawn(
        self,
        body: dict[str, Any],
        command: str,
        work: Coroutine[Any, Any, None],
        client: AsyncWebClient,
    ) -> None:
        """Deliver in a task of our own, kept until done (for `drain`), so the listener returns.
        `command` is as typed: the task and the log know only the names of ours."""
        guarded = self._guarded(body, command, work, client)
        task = asyncio.create_task(guarded, name=f"slack-{self.core.log_name(command)}")
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _guarded(
        self, body: dict[str, Any], command: str, work: Awaitable[None], client: AsyncWebClient
    ) -> None:
        """Run the delivery; if anything fails, log the traceback and apologise briefly (the
        apology counted in flight too: a shutdown waits for it)."""
        async with self.in_flight.reply():
            try:
                await work
            except Exception:
                log.exception("slack: answering /%s failed", self.core.log_name(command))
                await self.apologise(body, command, client)

    async def drain(self, timeout: float) -> None:
        """Let replies already acknowledged reach the user before the bot stops: wait for the
        process's one count of replies in flight (every platform's) to fall to zero."""
        if self._in_flight:
            log.info("slack: finishing %d reply(ies) in flight", len(self._in_flight))
        await asyncio.sleep(0)  # the replies just acknowledged start, and are counted
        if not await self.in_flight.wait_idle(timeout):
            log.warning("slack: reply(ies) cut short by the shutdown")

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
    ) -> BoltResponse | None:
        """Bolt's last resort, for failures outside our listeners' own guard.

        It answers only a request known to come from Slack: an unverified body must never
        choose where the bot posts. A database that did not answer while authorizing (OAuth
        mode) is not a bug: a command or click gets the apology and its acknowledgement (so
        Slack shows no error of its own); an event is left unacknowledged, for Slack to
        deliver again a little later.
        """
        unavailable = isinstance(error, DatabaseUnavailable)
        if unavailable:
            log.warning("slack: request not served: %s", error)
        else:
            log.error("slack: unhandled error in a listener", exc_info=error)
        if request.mode == "socket_mode" or request.context.get(VERIFIED) is True:
            command = str(body.get("command") or "").lstrip("/") or "dispute"
            await self.apologise(body, command, request.context.client, database=not unavailable)
            if unavailable and body.get("response_url"):
                return BoltResponse(status=200, body="")
        return None

    async def apologise(
        self,
        body: dict[str, Any],
        command: str,
        client: AsyncWebClient,
        *,
        database: bool = True,
    ) -> None:
        """The short apology, where the user will see it, in the workspace's language (the
        deployment's when the `database` did not answer, or not within LOCALE_SECONDS);
        never raises."""
        event = body.get("event") or {}
        team = body.get("team_id") or (body.get("team") or {}).get("id") or event.get("team")
        where = Request(
            command=command,
            platform="slack",
            team=str(team or ""),
            channel=str(event.get("channel") or body.get("channel_id") or _channel_of(body)),
        )
        locale = self.settings.locale
        if database:
            with contextlib.suppress(Exception):
                locale = await asyncio.wait_for(self.locale_of(where), LOCALE_SECONDS)
        reply = Reply(
            command=command,
            kind=ReplyKind.ERROR,
            title=f"/{command}",
            text=t(locale, "error", command=command),
            locale=locale,
        )
        message = build_message(reply, share_line=None)
        try:
            if body.get("response_url"):
                message["response_type"] = "ephemeral"
                await self.respond(str(body["response_url"]), message)
            elif event.get("channel") and client.token:
                await client.chat_postMessage(
                    channel=str(event["channel"]),
                    thread_ts=str(event.get("thread_ts") or event.get("ts") or "") or None,
                    **message,
                )
        except Exception:
            log.exception("slack: could not deliver the apology either")


# What Bolt reads from the process environment as it is built. The bot reads its settings
# (bot.config, given the environment as an argument) and passes Bolt every value, so Bolt is
# built with these hidden: a SLACK_CLIENT_ID and SLACK_CLIENT_SECRET left in the environment
# would otherwise switch the single-token mode to OAuth with file stores in the home folder,
# and a SLACK_REDIRECT_URI there would change the install link.
BOLT_VARIABLES = (
    "SLACK_APP_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_INSTALL_PATH",
    "SLACK_REDIRECT_URI",
    "SLACK_REDIRECT_URI_PATH",
    "SLACK_SCOPES",
    "SLACK_SIGNING_SECRET",
    "SLACK_USER_SCOPES",
    "SLACK_VERIFICATION_TOKEN",
)


@contextlib.contextmanager
def unseen_by_bolt() -> Iterator[None]:
    """Hide Bolt's variables while it is built (on the loop's thread, no await inside)."""
    hidden = {name: os.environ.pop(name) for name in BOLT_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(hidden)


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuthMode:
    """What the app needs to serve many workspaces: their installations, and how to pause a
    workspace's digests when it removes the app (None: no digest running)."""

    installations: Installations
    pause: PauseTeam | None = None


def build_app(
    core: Core,
    settings: Settings,
    client: AsyncWebClient,
    *,
    in_flight: RepliesInFlight,
    session: aiohttp.ClientSession | None = None,
    oauth: OAuthMode | None = None,
    home: HomeTab | None = None,
) -> tuple[AsyncApp, SlackListeners]:
    """The Bolt app answering every configured slash command, mentions, DMs and buttons; with
    `oauth`, in every workspace that installed it, each with its own token (`client` then has
    none); with `home`, publishing the App Home tab."""
    slashes = slash_commands(core.commands, settings)
    listeners = SlackListeners(
        core=core,
        settings=settings,
        slashes=slashes,
        in_flight=in_flight,
        session=session,
    )
    shared: dict[str, Any] = {
        "client": client,
        "logger": logging.getLogger(BOLT_LOGGER),
        "name": "dispute-bot",
        "process_before_response": True,  # our listeners return at once (see the module's doc)
        "request_verification_enabled": False,  # the receiver verifies first (module's doc)
    }
    with unseen_by_bolt():
        if oauth is None:
            app = AsyncApp(**shared)
        else:
            from bot.platforms.slack.oauth import WorkspaceAuthorize, oauth_flow

            app = AsyncApp(
                **shared,
                installation_store=oauth.installations,
                # Bolt's annotation says AuthorizeResult, its code takes None (not installed)
                authorize=WorkspaceAuthorize(oauth.installations),  # type: ignore[arg-type]
                oauth_flow=oauth_flow(settings, oauth.installations, client),
                user_facing_authorize_error_message=t(settings.locale, "slack.reinstall"),
            )
    app.middleware(listeners.once)
    register: list[tuple[Callable[..., Any], Callable[..., Awaitable[None]]]] = [
        (app.command(s.slash), listeners.on_command) for s in slashes
    ]
    register += [
        (app.event("app_mention"), listeners.on_mention),
        (app.event("message"), listeners.on_message),
        (app.action(RERUN_ACTIONS), listeners.on_button),
        (app.action(SHARE), listeners.on_button),
    ]
    if oauth is not None:
        from bot.platforms.slack.oauth import Departures

        departures = Departures(
            installations=oauth.installations,
            uninstalled=app.default_app_uninstalled_event_listener(),
            revoked=app.default_tokens_revoked_event_listener(),
            pause=oauth.pause,
        )
        register += [
            (app.event("app_uninstalled"), departures.on_app_uninstalled),
            (app.event("tokens_revoked"), departures.on_tokens_revoked),
        ]
    if home is not None:
        register.append((app.event("app_home_opened"), home.on_home_opened))
    for decorator, listener in register:
        decorator(listener)
    app.error(listeners.on_error)
    return app, listeners
