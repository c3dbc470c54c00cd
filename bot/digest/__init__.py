"""The daily digest: per-channel subscriptions, posted once a day on time, across replicas.

`run_digests` is what the runtime starts beside the platforms. Importing this package is
cheap (no SQLAlchemy, no APScheduler) so the /digest command can use `bot.digest.when`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from bot.config import Settings
    from bot.core import Core
    from bot.delivery import Poster


async def run_digests(
    core: Core,
    settings: Settings,
    posters: Mapping[str, Poster],
    stop: asyncio.Event,
    *,
    started: asyncio.Event | None = None,
) -> None:
    """Schedule every subscription, catch up what was missed, and run until `stop` is set.

    `posters` maps a platform name ("slack", "discord") to its Poster; subscriptions of a
    platform without one are left to the replicas that have it. `started` is set once the
    scheduler runs and the first catch-up was made. Raises DigestStoreError if the database
    cannot be opened.
    """
    import asyncio

    from bot.digest.service import DigestService

    hub = core.digest
    store = await asyncio.to_thread(lambda: hub.store)
    service = DigestService(core=core, settings=settings, store=store, posters=posters)
    hub.attach(service)
    try:
        await service.start()
        if started is not None:
            started.set()
        await stop.wait()
    finally:
        await service.shutdown()
        hub.detach(service)
