"""Posts replies to Slack channels unprompted (the digest); tells lasting from passing failures."""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import weakref
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import DIGEST_EVENT, Mark, Pacer, Team, network_failure
from bot.errors import DeliveryError
from bot.platforms.slack.client import TIMEOUT_SECONDS, api_error_code, make_web_client
from bot.platforms.slack.render import render_message
from bot.reply import Reply

# Slack errors that retrying cannot fix: the channel, the token or the app must change first.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "restricted_action",
        "team_access_not_granted",
        "ekm_access_denied",
        "invalid_blocks",
        "msg_too_long",
    }
)


def slack_error(exc: SlackApiError, doing: str) -> DeliveryError:
    """Our DeliveryError for a refused Slack call (`doing`: "posting to C1", "reading the
    history of C1"): rate limited (wait as Slack says, then try again), permanent (a refusal
    that the same call would get again), or worth another try later."""
    status = getattr(exc.response, "status_code", 0) or 0
    code = api_error_code(exc)
    if status == 429 or code == "ratelimited":
        return DeliveryError(
            f"slack: rate limited {doing}", permanent=False, retry_after=_retry_after(exc)
        )
    if status >= 500 or not code:
        return DeliveryError(f"slack: HTTP {status} {doing}", permanent=False)
    return DeliveryError(f"slack: {code} {doing}", permanent=code in PERMANENT_ERRORS)


def _marked(message: Any, mark: Mark) -> bool:
    """Whether a history message is a bot's digest post marked `mark`."""
    if not isinstance(message, dict) or not message.get("bot_id"):
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != DIGEST_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload == _payload(mark)


def _payload(mark: Mark) -> dict[str, str]:
    return {"dossier": mark.dossier, "date": mark.day.isoformat()}


def _retry_after(exc: SlackApiError) -> float | None:
    """The seconds Slack's Retry-After header asks for, if it says."""
    headers = getattr(exc.response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


class WorkspaceTokens(Protocol):
    """Where a post finds its token when the app is installed in many workspaces (OAuth)."""

    async def token_for_post(self, team: Team | None) -> str:
        """The workspace's bot token, renewed if due; DeliveryError when there is none."""
        ...


# Slack allows about one post a second in a channel (short bursts pass) and "several hundred
# a minute" in a workspace: the digest posts a workspace's channels a burst at a time, then
# four a second (240 a minute), and a 429 holds the whole workspace for its Retry-After.
WORKSPACE_BURST = 5
WORKSPACE_POSTS_PER_SECOND = 4.0
# conversations.history is a Tier 3 method (50+ calls a minute per workspace): the digest
# reads a channel's history only to settle a dead replica's post, paced apart from posts.
HISTORY_BURST = 3
HISTORY_CALLS_PER_SECOND = 50 / 60
HISTORY_PAGE = 200  # messages a page (Slack's advice: no more than 200)
# Connections kept open to Slack for the digest's posts (one session, reused).
CONNECTIONS = 64


def _shut(session: aiohttp.ClientSession) -> None:
    """Close a session's connections without awaiting (its loop may be gone already)."""
    connector = session.connector
    if connector is None:
        return
    closing = connector.close()
    if inspect.iscoroutine(closing):
        with contextlib.suppress(BaseException):
            closing.send(None)  # its first step closes every connection at once
        closing.close()


class SlackPoster:
    """`bot.delivery.Poster` for Slack: chat.postMessage with the rendered Block Kit reply, one
    request per post: with the one bot token, or (OAuth) with the token of the workspace the
    channel is in, looked up for each post. Posts are paced per workspace (`ready`), over one
    keep-alive HTTP session opened on the first post (`close` closes it)."""

    platform = "slack"

    def __init__(
        self,
        *,
        token: str | None = None,
        tokens: WorkspaceTokens | None = None,
        api_url: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        if (token is None) == (tokens is None):
            raise ValueError("a SlackPoster posts with one token or with each workspace's")
        self._token = token
        self._tokens = tokens
        self._api_url = api_url
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._dropped: weakref.finalize[[aiohttp.ClientSession], SlackPoster] | None = None
        self._client: AsyncWebClient | None = None
        self.pacer = Pacer(rate=WORKSPACE_POSTS_PER_SECOND, burst=WORKSPACE_BURST)
        self.answer_within = dt.timedelta(seconds=timeout)
        self.history_pacer = Pacer(rate=HISTORY_CALLS_PER_SECOND, burst=HISTORY_BURST)

    def _web(self) -> AsyncWebClient:
        """The client, on a session opened in the running loop at the first post."""
        if self._client is None or self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CONNECTIONS),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            )
            # A poster dropped without `close` (a tool, a test) shuts its connections then.
            self._dropped = weakref.finalize(self, _shut, self._session)
            # One request per post: the caller retries (bot.delivery's policy), never twice a
            # post that may have arrived.
            self._client = make_web_client(
                token=self._token,
                api_url=self._api_url,
                session=self._session,
                timeout=self._timeout,
                retries=False,
            )
        return self._client

    async def close(self) -> None:
        if self._session is not None:
            if self._dropped is not None:
                self._dropped.detach()
            await self._session.close()
            self._session = self._client = None

    @staticmethod
    def _lane(team: Team | None) -> str:
        """The workspace a post counts against: its subscription's team id."""
        return team.workspace if team is not None else ""

    async def ready(self, channel: str, *, team: Team | None = None) -> None:
        """Wait for the workspace's next slot (see WORKSPACE_POSTS_PER_SECOND), and have its
        token at hand (kept a minute), so `post` goes out at once."""
        await self.pacer.slot(self._lane(team))
        if self._tokens is not None:
            with contextlib.suppress(DeliveryError):  # `post` says it, and how to retry
                await self._tokens.token_for_post(team)

    async def post(
        self, channel: str, reply: Reply, *, team: Team | None = None, mark: Mark | None = None
    ) -> str:
        """Post `reply` to `channel` (in workspace `team`), with `mark` as the message's
        metadata; returns the message ts. Raises DeliveryError."""
        per_workspace: dict[str, Any] = {}
        if self._tokens is not None:
            per_workspace["token"] = await self._tokens.token_for_post(team)
        if mark is not None:
            per_workspace["metadata"] = {
                "event_type": DIGEST_EVENT,
                "event_payload": _payload(mark),
            }
        try:
            response = await self._web().chat_postMessage(
                channel=channel,
                unfurl_links=False,
                unfurl_media=False,
                **render_message(reply),
                **per_workspace,
            )
        except SlackApiError as exc:
            error = slack_error(exc, f"posting to {channel}")
            if error.retry_after:  # the whole workspace waits, not only this channel
                self.pacer.hold(self._lane(team), error.retry_after)
            if self._tokens is not None and api_error_code(exc) == "token_expired":
                # The next attempt looks the token up again, and renews it: not for ever.
                error = DeliveryError(str(error), permanent=False)
            raise error from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            message = "slack: {what} posting to " + channel
            raise network_failure(exc, platform="Slack", message=message) from exc
        return str(response["ts"])

    async def find_post(
        self, channel: str, mark: Mark, *, since: dt.datetime, team: Team | None = None
    ) -> str | None:
        """The ts of the bot's message marked `mark` in `channel` since `since`, read from
        conversations.history (newest first, a page at a time, with every message's
        metadata); None when there is none. Needs `channels:history` (`groups:history` in a
        private channel). Raises DeliveryError (see `slack_error`)."""
        per_workspace: dict[str, Any] = {}
        if self._tokens is not None:
            per_workspace["token"] = await self._tokens.token_for_post(team)
        cursor: str | None = None
        while True:
            await self.history_pacer.slot(self._lane(team))
            try:
                page = await self._web().conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                    **per_workspace,
                )
            except SlackApiError as exc:
                error = slack_error(exc, f"reading the history of {channel}")
                if error.retry_after:
                    self.history_pacer.hold(self._lane(team), error.retry_after)
                raise error from exc
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                message = "slack: {what} reading the history of " + channel
                raise network_failure(exc, platform="Slack", message=message) from exc
            for message in page.get("messages") or ():
                if _marked(message, mark):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return None
