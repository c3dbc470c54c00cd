"""Replies in flight: counted so that a shutdown finishes them before closing connections.

A platform wraps the work of one reply, from the request to its delivery:

    async with reply_in_flight():
        reply = await asyncio.to_thread(core.handle, request)
        await post(reply)
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from bot.ops.metrics import REPLIES_IN_FLIGHT


class InFlight:
    """A thread-safe counter that can be waited on until it falls to zero."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

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
            REPLIES_IN_FLIGHT.dec()

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no reply is in flight; False if some still are after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self._count > 0:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.02)
        return True


REPLIES = InFlight()


def reply_in_flight() -> AbstractAsyncContextManager[None]:
    """`async with reply_in_flight():` around one reply's work, request to delivery."""
    return REPLIES.reply()
