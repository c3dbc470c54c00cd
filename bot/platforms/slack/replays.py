"""Each Slack request is served once: a replay, or a retry of one already seen, is only acked.

Keys are what Slack gives each delivery: an event's `event_id` (its retries, marked
`X-Slack-Retry-Num`, carry the same one), a slash command's `trigger_id`, an interaction's
`trigger_id` and `action_ts`. Requests are remembered in this process only, for longer than
the five-minute signature window and Slack's last retry, in a cache of fixed size, so a
flood cannot grow memory: replicas behind a load balancer each remember their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cachetools import TTLCache

# Slack retries an event after about one and five minutes; a replayed signature is good for
# five minutes. Ten covers both.
REMEMBER_SECONDS = 10 * 60
CAPACITY = 50_000  # keys of ~80 characters: a few megabytes at most


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery of `body`, or None when Slack gives nothing to key on."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    trigger = body.get("trigger_id")
    if not trigger:
        return None
    if body.get("command"):
        return f"command:{trigger}"
    actions = body.get("actions") or [{}]
    return f"{kind}:{trigger}:{actions[0].get('action_ts', '')}"


class Served:
    """The deliveries served lately, forgotten after REMEMBER_SECONDS or when full (oldest)."""

    def __init__(
        self,
        *,
        remember: float = REMEMBER_SECONDS,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=capacity, ttl=remember, timer=clock)

    def __len__(self) -> int:
        return len(self._seen)

    def first_time(self, body: dict[str, Any]) -> bool:
        """True (and remembered) the first time a delivery comes; False for its repeats."""
        key = delivery_key(body)
        if key is None:
            return True
        if key in self._seen:
            return False
        self._seen[key] = True
        return True
