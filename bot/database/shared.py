"""The process's one state database, made on first use: importing this loads no SQLAlchemy,
so a console answer, which never needs the database, never pays for it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.database.bounded import Database


class SharedDatabase:
    """One state database shared by whatever keeps state (the digest, the preferences): one
    pool, and one outage known to all, so a command that needs both waits for a database
    that does not answer once, not twice. `workers`: the calls it runs at once (a thread and
    a connection each), enough for all its users' at their busiest: a digest round's must
    not make a command wait."""

    def __init__(self, settings: Settings, *, workers: int, name: str = "state database") -> None:
        self.settings = settings
        self.workers = workers
        self.name = name
        self._database: Database | None = None
        self._lock = threading.Lock()

    def get(self) -> Database:
        with self._lock:
            if self._database is None:
                from bot.database.bounded import Database

                self._database = Database.from_settings(
                    self.settings, name=self.name, workers=self.workers
                )
            return self._database

    def close(self) -> None:
        with self._lock:
            database, self._database = self._database, None
        if database is not None:
            database.close()
