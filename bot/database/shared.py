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
    that does not answer once, not twice."""

    def __init__(self, settings: Settings, *, name: str = "state database") -> None:
        self.settings = settings
        self.name = name
        self._database: Database | None = None
        self._lock = threading.Lock()

    def get(self) -> Database:
        with self._lock:
            if self._database is None:
                from bot.database.bounded import Database

                self._database = Database.from_settings(self.settings, name=self.name)
            return self._database

    def close(self) -> None:
        with self._lock:
            database, self._database = self._database, None
        if database is not None:
            database.close()
