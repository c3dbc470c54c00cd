"""Publishes the App Home tab: when a user opens it, and again for those who opened it lately
when the dossier is reloaded.

Which digests a user sees: those of the channels they are a member of, as Slack lists them to
the bot (users.conversations with the workspace's token; a private channel only if the bot is
in it too). A workspace's other subscriptions stay private to its channels; if Slack will not
say (the app was installed without `channels:read` and `groups:read`), the tab lists none and
says why. Each viewer's channels are kept with them (at most `MAX_VIEWERS`, for
`RECENT_SECONDS`; listed again when they open the tab after `CHANNELS_SECONDS`), so a refresh
after a reload costs one views.publish per viewer, paced under
Slack's limit for the method (Tier 4, 100 a minute per workspace), a few workspaces at a time;
the client waits out a 429's Retry-After.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Context, Core, Request
from bot.delivery import Team
from bot.digest.hub import DigestHub
from bot.digest.records import Subscription
from bot.dossier import Dossier
from bot.errors import DatabaseUnavailable
from bot.platforms.slack.client import api_error_code
from bot.platforms.slack.commands import SlashCommand
from bot.platforms.slack.home import home_view

log = logging.getLogger("dispute_bot.slack")

RECENT_SECONDS = 30 * 60  # viewers refreshed after a reload: those who opened it this lately
MAX_VIEWERS = 2_000
PUBLISH_GAP = 0.6  # seconds between two publishes in one workspace (100 a minute)
WORKSPACES_AT_ONCE = 4
MAX_CHANNEL_PAGES = 10  # users.conversations pages of 200 channels read per viewer
CHANNELS_SECONDS = 5 * 60  # a viewer's channels are listed again after this
PLATFORM = "slack"

TokenFor = Callable[[Team], Awaitable[str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewer:
    """Someone who opened the Home tab: where, who, and the channels they are in (None:
    Slack would not say)."""

    team: Team
    user: str
    channels: frozenset[str] | None
    listed_at: float = 0.0  # time.monotonic() when Slack listed the channels


class HomeTab:
    """The Home tab of every workspace the app runs in."""

    def __init__(
        self,
        *,
        core: Core,
        commands: Sequence[SlashCommand],
        client: AsyncWebClient,
        token_for: TokenFor,
        digest: DigestHub | None,
        followed: Callable[[Team], Sequence[Dossier]] | None = None,
    ) -> None:
        self.core = core
        self.commands = tuple(commands)
        self.client = client  # base URL, session and retries; each call names its token
        self.token_for = token_for
        self.digest = digest
        # The dossiers a workspace follows: the default and those its channels chose
        # (blocking: asked off the loop).
        self.followed = followed or (
            lambda team: core.dossiers_followed(PLATFORM, team.team_id or "")
        )
        self.viewers: TTLCache[tuple[str, str, str], Viewer] = TTLCache(
            maxsize=MAX_VIEWERS, ttl=RECENT_SECONDS
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._refreshing: asyncio.Task[int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # Opening the tab

    async def on_home_opened(
        self, event: dict[str, Any], context: Any, client: AsyncWebClient
    ) -> None:
        """Bolt's listener: publish in a task of our own, so Slack's event is acked at once."""
        if event.get("tab") not in (None, "home"):
            return  # the Messages tab
        user = str(event.get("user") or "")
        token = getattr(client, "token", None) or context.get("bot_token")
        if not user or not token:
            return
        team = Team(team_id=context.team_id, enterprise_id=context.enterprise_id)
        self._spawn(self._opened(team, user, str(token)))

    async def _opened(self, team: Team, user: str, token: str) -> None:
        """Publish for someone who opened the tab; the channels they are in are asked again
        after `CHANNELS_SECONDS` (users.conversations allows about 50 calls a minute)."""
        known = self.viewers.get(_key(Viewer(team=team, user=user, channels=None)))
        if known is not None and time.monotonic() - known.listed_at < CHANNELS_SECONDS:
            viewer = known
        else:
            channels = await self._channels_of(user, token)
            viewer = Viewer(team=team, user=user, channels=channels, listed_at=time.monotonic())
        self.viewers[_key(viewer)] = viewer
        await self.publish(viewer, token=token)

    async def _channels_of(self, user: str, token: str) -> frozenset[str] | None:
        """The channels the user is in, as far as the bot may know; None if Slack refuses."""
        found: set[str] = set()
        cursor = ""
        try:
            for _ in range(MAX_CHANNEL_PAGES):
                answer = await self.client.users_conversations(
                    token=token,
                    user=user,
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=200,
                    cursor=cursor or None,
                )
                found.update(str(c.get("id")) for c in answer.get("channels") or [])
                cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
                if not cursor:
                    break
        except SlackApiError as exc:
            log.info("slack: Home tab without digests: users.conversations %s", api_error_code(exc))
            return None
        return frozenset(found)

    # Publishing

    async def publish(self, viewer: Viewer, *, token: str | None = None) -> None:
        """Publish the viewer's Home tab; logged, never raised."""
        try:
            token = token or await self.token_for(viewer.team)
            view = await self.view_for(viewer)
            await self.client.views_publish(token=token, user_id=viewer.user, view=view)
        except Exception as exc:
            if isinstance(exc, SlackApiError):
                log.warning("slack: Home tab not published: %s", api_error_code(exc))
            else:
                log.warning("slack: Home tab not published (%s)", type(exc).__name__, exc_info=exc)

    async def view_for(self, viewer: Viewer) -> dict[str, Any]:
        digests = await self._digests(viewer)
        request = Request(
            command="home",
            platform=PLATFORM,
            user=viewer.user,
            team=viewer.team.team_id or "",
            enterprise=viewer.team.enterprise_id or "",
        )
        ctx = await asyncio.to_thread(self._context, request)
        return home_view(
            ctx,
            dossiers=list(await asyncio.to_thread(self.followed, viewer.team)),
            digests=digests,
            commands=self.commands,
            now=self.core.clock(),
        )

    def _context(self, request: Request) -> Context:
        """The workspace's context: its language (its settings, a recent copy will do)."""
        return self.core.context(request, self.core.answering(request, fresh=False))

    async def _digests(self, viewer: Viewer) -> list[Subscription] | None:
        if viewer.channels is None:
            return None
        if self.digest is None or not (viewer.team.team_id or viewer.team.enterprise_id):
            return []
        hub = self.digest
        try:
            store = await hub.open()
            subs = await store.run(store.team_subscriptions, PLATFORM, viewer.team)
        except DatabaseUnavailable as exc:
            log.info("slack: Home tab without digests: %s", exc)
            return []
        return [sub for sub in subs if sub.channel in viewer.channels]

    # Refreshing after a reload

    def dossier_reloaded(self) -> None:
        """Called by the root after a reload, from any thread: refresh the recent viewers."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._refresh_soon)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def _refresh_soon(self) -> None:
        if self._refreshing is not None:
            self._refreshing.cancel()  # the newest dossier is the one to show
        self._refreshing = asyncio.get_running_loop().create_task(self.refresh())

    async def refresh(self) -> int:
        """Publish again for everyone who opened the tab lately; returns how many."""
        by_team: dict[Team, list[Viewer]] = {}
        for viewer in list(self.viewers.values()):
            by_team.setdefault(viewer.team, []).append(viewer)
        gate = asyncio.Semaphore(WORKSPACES_AT_ONCE)

        async def one_workspace(team: Team, viewers: list[Viewer]) -> None:
            async with gate:
                try:
                    token = await self.token_for(team)
                except Exception as exc:  # uninstalled, database down: skip this workspace
                    log.info("slack: Home tabs of %s not refreshed (%s)", team, exc)
                    return
                for number, viewer in enumerate(viewers):
                    if number:
                        await asyncio.sleep(PUBLISH_GAP)
                    await self.publish(viewer, token=token)

        await asyncio.gather(*(one_workspace(team, v) for team, v in by_team.items()))
        count = sum(len(v) for v in by_team.values())
        if count:
            log.info("slack: refreshed %d Home tab(s) after the dossier reloaded", count)
        return count

    # Tasks

    def _spawn(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            await work

        task = asyncio.create_task(run(), name="slack-home")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        self._loop = None
        tasks = [*self._tasks, *([self._refreshing] if self._refreshing else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _key(viewer: Viewer) -> tuple[str, str, str]:
    return (viewer.team.enterprise_id or "", viewer.team.team_id or "", viewer.user)
