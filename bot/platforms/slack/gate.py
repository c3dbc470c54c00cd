"""What an HTTP request must pass before Bolt reads a byte of it: Slack's signature, then a body.

The signature comes first, over the raw bytes, so nothing in an unverified body is ever
parsed, logged or acted on (Bolt's own check crashed on a timestamp such as `1e3`, and its
error handler then answered the forger's response_url). A signed body that is not UTF-8,
form or JSON of the shapes Slack sends is refused next. Refusals are logged as one short
line at most every `LOG_EVERY` seconds, with a count, never with the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

log = logging.getLogger("dispute_bot.slack")

# Slack's rule: a request more than five minutes from our clock is refused (replays, too,
# are remembered that long: bot.platforms.slack.replays).
WINDOW_SECONDS = 5 * 60
LOG_EVERY = 10.0
_MAX_TIMESTAMP_DIGITS = 12  # seconds since 1970 fit in 10 digits until the year 2286


class Refused(Exception):
    """A request answered with `status` and nothing else; `reason` is safe to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verify_signature(
    secret: str,
    raw: bytes,
    headers: Mapping[str, str],
    *,
    now: Callable[[], float] = time.time,
) -> None:
    """Raise Refused(401) unless `raw` carries Slack's signature made with `secret`.

    `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`, the timestamp whole seconds within
    WINDOW_SECONDS of now, compared in constant time.
    """
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= _MAX_TIMESTAMP_DIGITS):
        raise Refused(401, "no valid signature timestamp")
    if abs(now() - int(stamp)) > WINDOW_SECONDS:
        raise Refused(401, "signature timestamp outside the five-minute window")
    base = b"v0:" + stamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise Refused(401, "bad signature")


# Where Slack's payloads hold an object, a list of objects, or an id that may also be an
# object, Bolt reads them as such: a signed body with anything else there is refused here
# rather than failing inside Bolt with a 500.
_OBJECTS = frozenset(
    "event container item message previous_message view assistant_thread function_data".split()
)
# Bolt reads these without a None check: `event`, and `view` as it logs a request no listener
# matched (slack_bolt 1.30's warning_unhandled_request); Slack never sends either as null.
_NEVER_NULL = frozenset(("event", "view"))
_LISTS = frozenset(("authorizations", "actions", "response_urls"))
_IDS = frozenset(("channel", "team", "user", "enterprise"))
_TEXTS = frozenset(("type", "command", "text", "response_url", "trigger_id", "event_id"))


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """A signed body as Bolt will read it; Refused(400) if it is not what Slack sends."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    try:
        body = _decode(text, content_type)
    except (ValueError, RecursionError):
        raise Refused(400, "body is neither form nor JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "body is not an object")
    _check_shape(body)
    event = body.get("event")
    if isinstance(event, dict):
        _check_shape(event)
    return body


def _decode(text: str, content_type: str) -> Any:
    """The same reading as Bolt's (slack_bolt.request.internals.parse_body), but strict."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    form = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    return json.loads(form["payload"]) if "payload" in form else form


def _check_shape(body: dict[str, Any]) -> None:
    for key, value in body.items():
        if key in _TEXTS:
            fits = isinstance(value, str)
        elif key in _OBJECTS:
            fits = isinstance(value, dict) or (value is None and key not in _NEVER_NULL)
        elif key in _LISTS:
            fits = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        elif key in _IDS:
            fits = value is None or isinstance(value, str | dict)
        else:
            continue
        if not fits:
            raise Refused(400, f"body field {key!r} has the wrong shape")


class RefusalLog:
    """One short line per refusal, at most one every `every` seconds, counting the rest.

    A flood of forged requests must not fill the disk: 10,000 refusals a second still
    write one line every ten seconds.
    """

    def __init__(self, *, every: float = LOG_EVERY, clock: Callable[[], float] = time.monotonic):
        self.every = every
        self.clock = clock
        self._last: float | None = None
        self._unlogged = 0

    def note(self, reason: str) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            self._unlogged += 1
            return
        more = f" ({self._unlogged} more refused since the last line)" if self._unlogged else ""
        log.warning("slack: refused a request: %s%s", reason, more)
        self._last, self._unlogged = now, 0


class PageRate:
    """How often anyone may open the OAuth pages, which are not signed (a browser opens
    them): a bucket of `burst` requests refilled at `per_minute`. Each install page writes a
    state to the database, so a flood is answered 429 before it costs anything; installs are
    rare, a person opens a page or two."""

    def __init__(
        self,
        *,
        per_minute: float = 30.0,
        burst: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self._tokens = burst
        self._at = clock()

    def wait(self) -> float:
        """0 and one request counted if one may go now, else the seconds until one may."""
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate
