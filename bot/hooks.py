"""What the composition root hands a platform shell or a service besides the core: how to say
whether it is ready, and how to count a reply in flight (both kept by bot.ops).

Protocols, so the shells depend on the shape and never import the operations layer.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol


class ReportReadiness(Protocol):
    """Tell `/readyz` whether `name` (a platform, the digest) can do its work now."""

    def __call__(self, name: str, ok: bool, detail: str = "") -> None: ...


class RepliesInFlight(Protocol):
    """Counts the replies being composed or delivered, so a shutdown finishes them first."""

    def reply(self) -> AbstractAsyncContextManager[None]:
        """`async with in_flight.reply():` around one reply's work, request to delivery."""
        ...
