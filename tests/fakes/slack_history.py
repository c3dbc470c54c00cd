"""Slack's conversations.history, for the fakes: a channel's messages in its wire format.

Slack answers newest first, each message with its `ts` (and `bot_id`, `app_id` for an app's
post), its `metadata` only when asked with `include_all_metadata`, `has_more` and a cursor in
`response_metadata.next_cursor` for the next (older) page; `oldest`/`latest` bound the ts
(exclusive unless `inclusive`), `limit` is 100 unless said (at most 999). Both fakes (the
tests' and the benchmark's fleet) answer with this one function, so they agree.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """A message as the channel's history keeps it."""

    ts: str
    text: str
    bot_id: str | None = None
    app_id: str | None = None
    user: str | None = None
    metadata: dict[str, Any] | None = None


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _cursor(offset: int) -> str:
    return base64.b64encode(f"next_offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int | None:
    try:
        name, _, value = base64.b64decode(cursor.encode()).decode().partition(":")
        return int(value) if name == "next_offset" else None
    except (ValueError, UnicodeDecodeError):
        return None


def history(messages: Sequence[Message], params: dict[str, Any]) -> dict[str, Any]:
    """conversations.history's answer over `messages` (oldest first) for the call's params."""
    inclusive = _truthy(params.get("inclusive", ""))
    try:
        oldest = float(params.get("oldest") or 0)
        latest = float(params["latest"]) if params.get("latest") else float("inf")
        limit = int(params.get("limit") or 100)
    except ValueError:
        return {"ok": False, "error": "invalid_arguments"}
    limit = max(1, min(limit, 999))
    start = 0
    if params.get("cursor"):
        found = _offset(str(params["cursor"]))
        if found is None:
            return {"ok": False, "error": "invalid_cursor"}
        start = found

    def within(ts: float) -> bool:
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    matching = [m for m in reversed(messages) if within(float(m.ts))]
    page = matching[start : start + limit]
    more = start + limit < len(matching)
    metadata = _truthy(params.get("include_all_metadata", ""))
    answer: dict[str, Any] = {
        "ok": True,
        "messages": [_wire(m, metadata=metadata) for m in page],
        "has_more": more,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
    }
    if more:
        answer["response_metadata"] = {"next_cursor": _cursor(start + limit)}
    return answer


def _wire(message: Message, *, metadata: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "message", "text": message.text, "ts": message.ts}
    if message.bot_id:
        found.update(bot_id=message.bot_id, app_id=message.app_id)
    if message.user:
        found["user"] = message.user
    if metadata and message.metadata is not None:
        found["metadata"] = message.metadata
    return found


def metadata_of(params: dict[str, Any]) -> dict[str, Any] | None:
    """The `metadata` a chat.postMessage carried (a JSON object, or a form's JSON string)."""
    import json

    value = params.get("metadata")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None
