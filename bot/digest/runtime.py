"""The digest as one of the runtime's services: `serve(core, settings, stop)` beside the
platforms, posting through each platform whose credentials are set.

The platform posters are imported here, when the bot runs, never by the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.config import Settings
from bot.core import Core
from bot.digest import run_digests
from bot.errors import DatabaseUnavailable
from bot.ops.readiness import report
from bot.platforms import posters_for

log = logging.getLogger("dispute_bot.digest")

NAME = "digest"
RETRY_OPEN_SECONDS = 30.0


async def serve(core: Core, settings: Settings, stop: asyncio.Event) -> None:
    """Run the digest until `stop`; while its database cannot be opened, say so and retry."""
    posters = posters_for(settings)
    while not stop.is_set():
        started = asyncio.Event()
        running = asyncio.create_task(run_digests(core, settings, posters, stop, started=started))
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
