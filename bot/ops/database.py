"""Whether the configured database answers: `SELECT 1`, reported beside readiness in `/readyz`
and as the `dispute_bot_database_up` metric.

The bot answers commands without it, so it never makes the bot unready (one blip of a shared
database would take every replica out of a load balancer). The answer is kept a few seconds
so frequent probes do not hammer the database; its text never carries the URL or password.
The probe asks the root's one state database (`bot.database.shared`), which has a thread and
a connection for it (`DATABASE_CALLS`): it builds no engine of its own.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.ops.readiness import Check

if TYPE_CHECKING:
    from bot.database.bounded import Database
    from bot.database.shared import SharedDatabase

CACHE_SECONDS = 5.0
DATABASE_CALLS = 1  # a probe at a time (answers are kept CACHE_SECONDS)


class DatabaseProbe:
    def __init__(self, database: SharedDatabase) -> None:
        self._database = database
        self._last: Check | None = None
        self._checked_at = 0.0

    @staticmethod
    def _ping(database: Database) -> None:
        import sqlalchemy as sa

        with database.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def check(self) -> Check:
        if self._last is not None and time.monotonic() - self._checked_at < CACHE_SECONDS:
            return self._last
        from bot.errors import DatabaseUnavailable

        try:
            database = self._database.get()
            await database.run(self._ping, database)
            found = Check(name="database", ok=True, detail="reachable", needed=False)
        except DatabaseUnavailable as exc:
            cause = "no answer" if "no answer" in str(exc) else "unreachable"
            found = Check(name="database", ok=False, detail=cause, needed=False)
        self._last, self._checked_at = found, time.monotonic()
        return found
