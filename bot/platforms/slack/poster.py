"""Posts replies to Slack channels unprompted (the digest); tells lasting from passing failures."""

from __future__ import annotations

from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.delivery import Team, network_failure
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


def delivery_error(exc: SlackApiError, channel: str) -> DeliveryError:
    """Our DeliveryError for a Slack API refusal: permanent or worth another try later."""
    status = getattr(exc.response, "status_code", 0) or 0
    code = api_error_code(exc)
    if status == 429 or code == "ratelimited":
        return DeliveryError(
            f"slack: rate limited posting to {channel}",
            permanent=False,
            retry_after=_retry_after(exc),
        )
    if status >= 500:
        return DeliveryError(f"slack: HTTP {status} posting to {channel}", permanent=False)
    if code in PERMANENT_ERRORS:
        return DeliveryError(f"slack: {code} posting to {channel}", permanent=True)
    return DeliveryError(f"slack: {code or f'HTTP {status}'} posting to {channel}", permanent=False)


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


class SlackPoster:
    """`bot.delivery.Poster` for Slack: chat.postMessage with the rendered Block Kit reply, one
    request per post: with the one bot token, or (OAuth) with the token of the workspace the
    channel is in, looked up for each post."""

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
        self._tokens = tokens
        # One request per post: the caller retries (bot.delivery's policy), never twice a
        # post that may have arrived.
        self._client = make_web_client(token=token, api_url=api_url, timeout=timeout, retries=False)

    async def post(self, channel: str, reply: Reply, *, team: Team | None = None) -> str:
        """Post `reply` to `channel` (in workspace `team`); returns the message ts. Raises
        DeliveryError."""
        per_workspace: dict[str, Any] = {}
        if self._tokens is not None:
            per_workspace["token"] = await self._tokens.token_for_post(team)
        try:
            response = await self._client.chat_postMessage(
                channel=channel,
                unfurl_links=False,
                unfurl_media=False,
                **render_message(reply),
                **per_workspace,
            )
        except SlackApiError as exc:
            error = delivery_error(exc, channel)
            if self._tokens is not None and api_error_code(exc) == "token_expired":
                # The next attempt looks the token up again, and renews it: not for ever.
                error = DeliveryError(str(error), permanent=False)
            raise error from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            message = "slack: {what} posting to " + channel
            raise network_failure(exc, platform="Slack", message=message) from exc
        return str(response["ts"])
