"""Whether the configured database answers, for `/readyz`: a fresh connection and `SELECT 1`.

The answer is kept a few seconds so that frequent probes do not hammer the database, and
its text never carries the URL or its password.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.config import Secret
from bot.ops.readiness import Check

CACHE_SECONDS = 5.0
TIMEOUT_SECONDS = 3.0


def sqlalchemy_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3, the driver this project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class DatabaseProbe:
    def __init__(self, url: Secret) -> None:
        self._url = url
        self._engine: Any = None
        self._last: Check | None = None
        self._checked_at = 0.0

    def _connect_once(self) -> None:
        import sqlalchemy as sa
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            url = sqlalchemy_url(self._url.reveal())
            args = {"connect_timeout": int(TIMEOUT_SECONDS)} if url.startswith("postgres") else {}
            self._engine = sa.create_engine(url, poolclass=NullPool, connect_args=args)
        with self._engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def check(self) -> Check:
        if self._last is not None and time.monotonic() - self._checked_at < CACHE_SECONDS:
            return self._last
        try:
            await asyncio.wait_for(asyncio.to_thread(self._connect_once), TIMEOUT_SECONDS + 1)
            found = Check(name="database", ok=True, detail="reachable")
        except Exception as exc:  # any failure means "not reachable"; say which kind
            found = Check(name="database", ok=False, detail=f"unreachable ({type(exc).__name__})")
        self._last, self._checked_at = found, time.monotonic()
        return found

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
