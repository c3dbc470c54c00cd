"""Whether the configured database answers: `SELECT 1`, reported beside readiness in `/readyz`
and as the `dispute_bot_database_up` metric.

The bot answers commands without it, so it never makes the bot unready (one blip of a shared
database would take every replica out of a load balancer). The answer is kept a few seconds
so frequent probes do not hammer the database; its text never carries the URL or password.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.ops.readiness import Check

if TYPE_CHECKING:
    from bot.database.bounded import Database

CACHE_SECONDS = 5.0


class DatabaseProbe:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._database: Database | None = None
        self._last: Check | None = None
        self._checked_at = 0.0

    def _ping(self) -> None:
        import sqlalchemy as sa

        assert self._database is not None
        with self._database.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def check(self) -> Check:
        if self._last is not None and time.monotonic() - self._checked_at < CACHE_SECONDS:
            return self._last
        from bot.database.bounded import Database
        from bot.errors import DatabaseUnavailable

        try:
            if self._database is None:  # its own pool: a probe never waits behind the digest
                self._database = Database.from_settings(
                    self._settings, name="database", report_outages=False
                )
            await self._database.run(self._ping)
            found = Check(name="database", ok=True, detail="reachable", needed=False)
        except DatabaseUnavailable as exc:
            cause = "no answer" if "no answer" in str(exc) else "unreachable"
            found = Check(name="database", ok=False, detail=cause, needed=False)
        self._last, self._checked_at = found, time.monotonic()
        return found

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None
