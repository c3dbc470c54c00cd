"""Watches the seeds folder and reloads the dossiers whose files change (watchfiles).

Changes are grouped until the folder has been quiet for a moment, so a `git pull` that
touches ten files costs one reload, of the dossiers it touched; a half-copied folder is
refused and the next change reloads again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

log = logging.getLogger("dispute_bot.watch")


async def watch_seeds(
    seeds: Path,
    reload: Callable[[Iterable[Path]], Awaitable[object]],
    stop: asyncio.Event,
    *,
    quiet_ms: int = 300,
    longest_ms: int = 1600,
) -> None:
    """Call `reload` with the changed paths after each burst of changes under `seeds`, until
    `stop` is set."""
    from watchfiles import awatch

    log.info("watching %s for changes", seeds)
    try:
        async for changes in awatch(
            seeds, stop_event=stop, step=quiet_ms, debounce=longest_ms, recursive=True
        ):
            if stop.is_set():
                break
            log.info("seeds folder changed (%d paths): reloading", len(changes))
            await reload({Path(path) for _, path in changes})
    except Exception:
        log.exception("watching %s failed; SIGHUP and /reload still reload", seeds)
