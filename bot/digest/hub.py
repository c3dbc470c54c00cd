"""What the Core holds for the digest: the state, opened on first use, and the running service.

Creating a hub touches nothing, so `dispute-bot ask "/quote trump"` never opens a database
(nor imports SQLAlchemy); `/digest subscribe` opens the store when it first needs it. A
command's handler, on a thread, reads `store`; what runs on the event loop (the scheduler,
the Home tab, an uninstall) awaits `open()`, which opens it on the database's own threads:
never on the loop's default threads, which answer the commands, and bounded like any call.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.database.shared import SharedDatabase
    from bot.digest.service import DigestService
    from bot.digest.store import DigestStore

# The digest's database calls at once, at most, while thousands of digests go out: a claim of
# a batch, a batch of "sending" marks, a batch of posts recorded, the heartbeat and the sweep
# (bot.digest.service and bot.digest.posting run one of each at a time). A shared state
# database has room for them beside the commands' (bot.app).
DATABASE_CALLS = 5


class DigestHub:
    def __init__(
        self,
        *,
        clock: Callable[[], dt.datetime],
        default_dossier: str,
        database: SharedDatabase,
    ) -> None:
        self.clock = clock
        self.database = database  # the root's shared state database
        # The dossier of the config's subscriptions that name none, and of the rows of a
        # database older than the dossiers.
        self.default_dossier = default_dossier
        self.service: DigestService | None = None
        self._store: DigestStore | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> DigestStore:
        """The state database, created or upgraded on first use (DigestStoreError if it fails)."""
        with self._lock:
            if self._store is None:
                from bot.digest.store import DigestStore

                self._store = DigestStore.open(
                    self.database.get(), default_dossier=self.default_dossier
                )
            return self._store

    async def open(self) -> DigestStore:
        """`store` from the event loop: DigestStoreError (DatabaseUnavailable) if it cannot
        be opened within the database's bound."""
        store = self._store
        if store is not None:
            return store
        return await self.database.get().run(lambda: self.store)

    def attach(self, service: DigestService) -> None:
        self.service = service

    def detach(self, service: DigestService) -> None:
        if self.service is service:
            self.service = None

    def subscriptions_changed(self) -> None:
        """Let the running scheduler pick up a change now rather than at its next sync."""
        if self.service is not None:
            self.service.subscriptions_changed()

    def close(self) -> None:
        """Forget the store: the root closes its database (a later use opens both again)."""
        with self._lock:
            self._store = None
