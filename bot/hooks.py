"""What the composition root hands a platform shell or a service besides the core: how to say
whether it is ready, how to count a reply in flight, how to count digests (kept by bot.ops),
how to hear of a reload.

Protocols, so the shells depend on the shape and never import the operations layer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class ReportReadiness(Protocol):
    """Tell `/readyz` whether `name` (a platform, the digest) can do its work now."""

    def __call__(self, name: str, ok: bool, detail: str = "") -> None: ...


class RepliesInFlight(Protocol):
    """Counts the replies being composed or delivered, so a shutdown finishes them first.

    One counter for the whole process: on stop, each platform stops accepting, then waits
    for it to fall to zero before closing its connections, so every platform's replies are
    drained together, within one grace period, whichever platform they came from."""

    def reply(self) -> AbstractAsyncContextManager[None]:
        """`async with in_flight.reply():` around one reply's work, request to delivery."""
        ...

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no reply is in flight (False if some still are after `timeout`)."""
        ...


class DossierReloads(Protocol):
    """Tells whoever listens that the dossier was reloaded (the Slack Home tab republishes)."""

    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after each reload that swapped a dossier in, from whichever
        thread reloaded; returns what stops it."""
        ...


class DigestCounts(Protocol):
    """Counts each scheduled digest's outcome (bot.ops.metrics implements it: /metrics)."""

    def digest_posted(self, platform: str) -> None: ...

    def digest_skipped(self, platform: str, reason: str) -> None: ...

    def digest_failed(self, platform: str, *, permanent: bool) -> None: ...

    def digest_unknown(self, platform: str, reason: str) -> None: ...

    def digest_reconciled(self, platform: str, outcome: str) -> None:
        """A post on its way when its replica died (or, on Discord, that got no answer),
        settled from the channel's history or by sending it again with its nonce: `found` (it
        had arrived), `posted` (it had not: posted now) or `unknown` (the history unreadable,
        or past the window in which Discord recognises a repeat)."""
        ...


class NoCounts:
    """Counts nothing: a digest service run without metrics (tests, a replica's tools)."""

    def digest_posted(self, platform: str) -> None:
        pass

    def digest_skipped(self, platform: str, reason: str) -> None:
        pass

    def digest_failed(self, platform: str, *, permanent: bool) -> None:
        pass

    def digest_unknown(self, platform: str, reason: str) -> None:
        pass

    def digest_reconciled(self, platform: str, outcome: str) -> None:
        pass


class Reloads:
    """A `DossierReloads` the root keeps: the listeners, told after each reload."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(callback)

        def stop() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return stop

    def notify(self) -> None:
        for callback in list(self._listeners):
            callback()
