"""Replies in flight: counted so that a shutdown finishes them before closing connections.

A platform, given this counter by the composition root (as `bot.hooks.RepliesInFlight`),
wraps the work of one reply, from the request to its delivery:

    async with in_flight.reply():
        reply = await asyncio.to_thread(core.handle, request)
        await post(reply)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.ops.metrics import REPLIES_IN_FLIGHT


class InFlight:
    """A thread-safe counter that can be waited on until it falls to zero, without polling:
    whoever brings it to zero wakes the waiters, on whichever event loop they wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    @property
    def count(self) -> int:
        return self._count

    @asynccontextmanager
    async def reply(self) -> AsyncIterator[None]:
        with self._lock:
            self._count += 1
        REPLIES_IN_FLIGHT.inc()
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1
                idle = self._count == 0
                woken, self._waiters = (self._waiters, []) if idle else ([], self._waiters)
            REPLIES_IN_FLIGHT.dec()
            for loop, waiter in woken:
                with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
                    loop.call_soon_threadsafe(_wake, waiter)

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no reply is in flight; False if some still are after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if self._count == 0:
                return True
            self._waiters.append((loop, waiter))
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            with self._lock:
                if (loop, waiter) in self._waiters:
                    self._waiters.remove((loop, waiter))
                return self._count == 0
        return True


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


REPLIES = InFlight()
