"""OAuth mode: one Slack app for many workspaces, each installed from `/slack/install`.

Bolt's own flow (`AsyncOAuthFlow`) serves the install page and the redirect, checks the state
(browser cookie and the shared state store) and exchanges the code at oauth.v2.access through
the app's client, so through SLACK_API_URL; the installation lands in `.installations`. Each
request is then authorized by `WorkspaceAuthorize`: the workspace's bot from the store (its
token renewed if due), with no auth.test round trip (Bolt's default makes one per request:
the store already holds the bot's ids). `app_uninstalled` and `tokens_revoked` run Bolt's
own listeners (the tokens deleted), then pause that workspace's digests, and only its.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.delivery import Team
from bot.digest.hub import DigestHub
from bot.platforms.slack.installations import (
    LOOKUP_SECONDS,
    ROTATE_BEFORE_MINUTES,
    STATE_SECONDS,
    Installations,
)
from bot.platforms.slack.manifest import BOT_SCOPES
from bot.platforms.slack.paths import INSTALL_PATH, REDIRECT_PATH

log = logging.getLogger("dispute_bot.slack")

# Bolt's OAuth flow logs here; a refused exchange is logged with its code, which is cut out.
OAUTH_LOGGER = "dispute_bot.slack.oauth"
UNINSTALLED = "slack: the app was uninstalled from this workspace"
BOT_TOKEN_REVOKED = "slack: the bot's token was revoked in this workspace"

PauseTeam = Callable[[Team, str], Awaitable[int]]


class _NoCodes(logging.Filter):
    """Bolt logs a refused oauth.v2.access with its code: keep the line, not the code."""

    _CODE = re.compile(r"(code: )\S+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "code: " in message:
            record.msg, record.args = self._CODE.sub(r"\1<withheld>", message), None
        return True


def oauth_flow(
    settings: Settings, installations: Installations, client: AsyncWebClient
) -> AsyncOAuthFlow:
    """Bolt's install flow, every value passed from the settings: Bolt would read
    SLACK_REDIRECT_URI, SLACK_SCOPES and others from the process environment otherwise."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    logger = logging.getLogger(OAUTH_LOGGER)
    if not any(isinstance(f, _NoCodes) for f in logger.filters):
        logger.addFilter(_NoCodes())
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.reveal(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=installations.states,
        state_expiration_seconds=STATE_SECONDS,
        logger=logger,
    )
    return AsyncOAuthFlow(client=client, logger=logger, settings=oauth)


class WorkspaceAuthorize(AsyncAuthorize):
    """Each request runs with its workspace's bot token, from the installations."""

    def __init__(self, installations: Installations) -> None:
        self.installations = installations

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        """The workspace's bot, or None (Bolt then tells the user to reinstall the app).
        The database is waited for LOOKUP_SECONDS at most (a recent copy serves after that);
        DatabaseUnavailable goes up to the app's error handler: the user gets the apology,
        acknowledged within Slack's 3 seconds."""
        team = Team(team_id=team_id, enterprise_id=enterprise_id)
        try:
            bot = await self.installations.bot(
                team,
                is_enterprise_install=bool(context.is_enterprise_install),
                wait=LOOKUP_SECONDS,
            )
        except SlackTokenRotationError:  # logged where it happened; only a reinstall helps
            return None
        if bot is None or not bot.bot_token:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def pause_team_digests(hub: DigestHub) -> PauseTeam:
    """Pausing a workspace's digest subscriptions, through the digest's state."""

    async def pause(team: Team, reason: str) -> int:
        store = await hub.open()  # opened on first use
        paused = await store.run(store.pause_team, "slack", team, reason=reason, now=hub.clock())
        if paused:
            hub.subscriptions_changed()
        return paused

    return pause


class Departures:
    """When a workspace removes the app (or its bot token): Bolt's own listeners delete its
    tokens, then its digest subscriptions are paused, and no other workspace's.

    Bolt runs only the first listener matching an event, so one listener of ours per event
    calls Bolt's and then pauses.
    """

    def __init__(
        self,
        *,
        installations: Installations,
        uninstalled: Callable[..., Awaitable[Any]],
        revoked: Callable[..., Awaitable[Any]],
        pause: PauseTeam | None,
    ) -> None:
        self.installations = installations
        self._uninstalled = uninstalled  # app.default_app_uninstalled_event_listener()
        self._revoked = revoked  # app.default_tokens_revoked_event_listener()
        self._pause = pause

    async def on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        team = Team(team_id=context.team_id, enterprise_id=context.enterprise_id)
        self.installations.forget(team)
        await self._uninstalled(context=context)
        await self._stop_digests(team, UNINSTALLED, "the app was uninstalled")

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        team = Team(team_id=context.team_id, enterprise_id=context.enterprise_id)
        self.installations.forget(team)
        await self._revoked(event=event, context=context)
        if (event.get("tokens") or {}).get("bot"):
            await self._stop_digests(team, BOT_TOKEN_REVOKED, "its bot token was revoked")

    async def _stop_digests(self, team: Team, reason: str, what: str) -> None:
        paused = await self._pause(team, reason) if self._pause is not None else 0
        log.info(
            "slack: workspace %s: %s; its tokens are deleted and %d digest subscription(s) paused",
            team,
            what,
            paused,
        )
