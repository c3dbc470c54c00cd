"""Slack Web API and response_url clients that retry rate limits and dropped connections.

One place decides the retry policy: 429s wait out `Retry-After`, connection errors and
500/503 are retried once after a short backoff. `SLACK_API_URL` points every call elsewhere.
The running platform shares one keep-alive HTTP session (`make_session`) between all its
calls: a connection per reply cost more than the reply itself under load.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger("dispute_bot.slack")

DEFAULT_API_URL = "https://slack.com/api/"
# API errors saying the token itself is wrong: start-up stops with a clear message.
REFUSED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}
)
# slack_sdk's own default for one call, retries included.
TIMEOUT_SECONDS = 30
# slack_sdk's clients log whole requests (response_urls, user text) at DEBUG: they log here,
# and bot.ops.logs keeps this logger at INFO and above whatever the bot's level.
SDK_LOGGER = "dispute_bot.slack.sdk"


def api_error_code(exc: SlackApiError) -> str:
    """Slack's error code ("channel_not_found"), or "" when the answer was not JSON."""
    data = getattr(exc.response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def retry_handlers() -> list[AsyncRetryHandler]:
    """The SDK's own retries for answering users (429, 500, 503, dropped connections): the
    one policy of interactive replies. What the bot posts unprompted retries through
    bot.delivery's policy instead, one request per attempt."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def api_base_url(api_url: str | None) -> str:
    """The Web API base URL, with the trailing slash slack_sdk joins method names onto."""
    base = (api_url or DEFAULT_API_URL).strip()
    return base if base.endswith("/") else base + "/"


def make_session() -> aiohttp.ClientSession:
    """One keep-alive HTTP session for every call of a running platform; the caller closes it.

    Needs the running loop. A connection Slack closed while idle fails the next call with a
    disconnect, which the connection-error retry handler retries once on a fresh one.
    """
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))


def make_web_client(
    *,
    token: str | None,
    api_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
    timeout: float = TIMEOUT_SECONDS,
    retries: bool = True,
) -> AsyncWebClient:
    """A Web API client; with `session`, its calls reuse that session's connections. Without
    `retries`, each call is one request (the caller retries). Without `token`, each call
    names its own (OAuth mode: the token of the workspace it is for)."""
    return AsyncWebClient(
        token=token,
        base_url=api_base_url(api_url),
        session=session,
        timeout=round(timeout),
        retry_handlers=retry_handlers() if retries else [],
        logger=logging.getLogger(SDK_LOGGER),
    )


async def post_to_response_url(
    url: str, body: dict[str, Any], *, session: aiohttp.ClientSession | None = None
) -> bool:
    """POST a message to a response_url; False (logged, URL withheld) if Slack refused it.

    With `session`, the post reuses its keep-alive connections; without, it opens and closes
    a session of its own.
    """
    client = AsyncWebhookClient(
        url=url,
        session=session,
        retry_handlers=retry_handlers(),
        logger=logging.getLogger(SDK_LOGGER),
    )
    response = await client.send_dict(body)
    if response.status_code != 200:
        # The URL is a short-lived credential: log the status and Slack's word, never the URL.
        log.warning(
            "response_url refused the reply: HTTP %s %s",
            response.status_code,
            (response.body or "")[:200],
        )
        return False
    return True
