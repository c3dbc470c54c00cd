"""The digest as one of the bot's services: the scheduler runs until `stop`, beside the
platforms, posting through the posters the composition root gives it; while its database
cannot be opened, it says so to /readyz and tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from bot.config import Settings
from bot.core import Core
from bot.delivery import Poster
from bot.digest.hub import DigestHub
from bot.digest.service import DigestService
from bot.errors import DatabaseUnavailable
from bot.hooks import DigestCounts, ReportReadiness

log = logging.getLogger("dispute_bot.digest")

NAME = "digest"
RETRY_OPEN_SECONDS = 30.0


async def run_digests(
    core: Core,
    hub: DigestHub,
    settings: Settings,
    posters: Mapping[str, Poster],
    stop: asyncio.Event,
    *,
    started: asyncio.Event | None = None,
    counts: DigestCounts | None = None,
) -> None:
    """Schedule every subscription, catch up what was missed, and run until `stop` is set.

    `posters` maps a platform name ("slack", "discord") to its Poster; subscriptions of a
    platform without one are left to the replicas that have it. `started` is set once the
    scheduler runs and the first catch-up was made. Raises DigestStoreError if the database
    cannot be opened.
    """
    store = await hub.open()
    service = DigestService(
        core=core, settings=settings, store=store, posters=posters, counts=counts
    )
    hub.attach(service)
    try:
        await service.start()
        if started is not None:
            started.set()
        await stop.wait()
    finally:
        await service.shutdown()
        hub.detach(service)


async def serve_digests(
    core: Core,
    hub: DigestHub,
    settings: Settings,
    posters: Mapping[str, Poster],
    stop: asyncio.Event,
    *,
    report: ReportReadiness,
    counts: DigestCounts | None = None,
) -> None:
    """Run the digest until `stop`; while its database cannot be opened, say so and retry.
    `counts` hears of each digest posted, skipped or failed (the root gives /metrics)."""
    while not stop.is_set():
        started = asyncio.Event()
        running = asyncio.create_task(
            run_digests(core, hub, settings, posters, stop, started=started, counts=counts)
        )
        waiting = asyncio.create_task(started.wait())
        await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if started.is_set():
            report(NAME, True, f"posting to {', '.join(sorted(posters)) or 'no platform'}")
            await running
            return
        try:
            await running
            return  # stopped before it started
        except DatabaseUnavailable as exc:
            report(NAME, False, "database unreachable")
            log.warning("digest not running: %s; retrying in %.0f s", exc, RETRY_OPEN_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_OPEN_SECONDS)
