"""Events API payloads as Slack sends them: the event_callback body, signed for HTTP mode or
wrapped in a Socket Mode envelope.

app_uninstalled, tokens_revoked and app_home_opened are shaped as Slack documents them (and as
Bolt's built-in revocation listeners and its authorization middleware read them: the team
from `authorizations`, the tokens in `event.tokens`).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from typing import Any

from tests.fakes.slack_workspaces import APP_ID, Workspace

VERIFICATION_TOKEN = "gIkuvaNzQIHg97ATvDxqgjtO"  # the deprecated token every payload carries
_EVENT_IDS = itertools.count(1)


def sign(secret: str, timestamp: str, body: str | bytes) -> str:
    """X-Slack-Signature, computed the way Slack documents it."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, *, content_type: str, timestamp: str | None = None
) -> dict[str, str]:
    """The headers of a request Slack sends to the app's Request URL."""
    stamp = str(int(time.time())) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(secret, stamp, body),
    }


def event_callback(workspace: Workspace, event: dict[str, Any]) -> dict[str, Any]:
    """The outer Events API body around `event`, from `workspace`."""
    now = int(time.time())
    body: dict[str, Any] = {
        "token": VERIFICATION_TOKEN,
        "team_id": workspace.team_id,
        "api_app_id": APP_ID,
        "event": {"event_ts": f"{now}.{next(_EVENT_IDS):06d}", **event},
        "type": "event_callback",
        "event_id": f"Ev{next(_EVENT_IDS):010d}",
        "event_time": now,
        "authorizations": [workspace.authorization()],
        "is_ext_shared_channel": False,
    }
    if workspace.enterprise_id is not None:
        body["enterprise_id"] = workspace.enterprise_id
    return body


def app_uninstalled(workspace: Workspace) -> dict[str, Any]:
    return event_callback(workspace, {"type": "app_uninstalled"})


def tokens_revoked(
    workspace: Workspace, *, bot: bool = True, users: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`tokens.bot` lists the bot user whose token went; `tokens.oauth` the users' tokens."""
    tokens: dict[str, list[str]] = {
        "oauth": list(users),
        "bot": [workspace.bot_user_id] if bot else [],
    }
    return event_callback(workspace, {"type": "tokens_revoked", "tokens": tokens})


def app_home_opened(
    workspace: Workspace, user: str, *, view: dict[str, Any] | None, channel: str | None = None
) -> dict[str, Any]:
    """A user opening the Home tab; `view` is what was last published for them, if anything."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel or f"D0{user[1:]}",
        "tab": "home",
    }
    if view is not None:
        event["view"] = view
    return event_callback(workspace, event)


def socket_envelope(body: dict[str, Any], *, retry_attempt: int = 0) -> dict[str, Any]:
    """An Events API body as Socket Mode delivers it; the app acks with the envelope_id."""
    return {
        "envelope_id": str(uuid.uuid4()),
        "payload": body,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": retry_attempt,
        "retry_reason": "",
    }


def json_body(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()
