"""Discord's idempotent message creation, for the fakes of Discord: a create-message body
with a `nonce` and `enforce_nonce: true`, whose author made a message with that nonce in the
past few minutes, is answered with that message (200) and nothing new is posted. A nonce is
a string of up to 25 characters or an integer; Discord echoes it in the message object.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

# Discord says "the past few minutes"; the bot repeats a post within two (REPEAT_WINDOW).
NONCE_WINDOW = 5 * 60.0
NONCE_LENGTH = 25


def nonce_problems(body: dict[str, Any]) -> list[str]:
    """Discord's form errors for a body's nonce, as `path: message` lines."""
    nonce = body.get("nonce")
    if nonce is None or (isinstance(nonce, int) and not isinstance(nonce, bool)):
        return []
    if not isinstance(nonce, str):
        return ["nonce: Must be a string or an integer."]
    if len(nonce) > NONCE_LENGTH:
        return [f"nonce: Must be {NONCE_LENGTH} or fewer in length."]
    enforce = body.get("enforce_nonce")
    if enforce is not None and not isinstance(enforce, bool):
        return ["enforce_nonce: Must be either true or false."]
    return []


@dataclass(slots=True)
class Nonces:
    """The messages made with a nonce, by author, for `window` seconds (by `time.time`, which
    a test's time travel moves)."""

    window: float = NONCE_WINDOW
    _made: dict[tuple[str, str], tuple[float, dict[str, Any]]] = field(default_factory=dict)

    def earlier(self, author: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The message `author` made with this body's nonce within the window, when the body
        enforces it: what Discord answers instead of posting."""
        if body.get("enforce_nonce") is not True or body.get("nonce") is None:
            return None
        made = self._made.get((author, str(body["nonce"])))
        if made is None or time.time() - made[0] > self.window:
            return None
        return copy.deepcopy(made[1])

    def remember(self, author: str, body: dict[str, Any], message: dict[str, Any]) -> None:
        """A message made: its nonce, if it has one, names it for the window."""
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
            self._made[(author, str(body["nonce"]))] = (time.time(), copy.deepcopy(message))
