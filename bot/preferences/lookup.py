"""A request's Place (its channel's dossier, its team's settings), as the core asks for it on
every command: the database's word, kept a little while for what cannot wait for it.

A command asks afresh (`fresh`), so a change made through another replica shows at once;
an autocomplete, which Discord wants within three seconds and sends at every key, takes an
answer younger than `keep_seconds`. When the database does not answer, the last answer
known stands in, else the deployment's defaults (`Place(known=False)`). The database is
opened on the first request from a channel: `dispute-bot ask` never opens it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core import Place, Request
from bot.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from bot.database.shared import SharedDatabase
    from bot.preferences.store import PreferencesStore, TeamSettings

log = logging.getLogger("dispute_bot.preferences")

KEEP_SECONDS = 30.0
CAPACITY = 10_000  # places kept, the least recently used dropped first
# Commands looking their Place up at once, at most, before one waits for another (each takes
# a millisecond or two); a shared state database has room for them beside the digest's.
DATABASE_CALLS = 3

_Key = tuple[str, str, str]  # platform, team, channel


class Preferences:
    """The root's lookup of Places, and the changes /use and /settings make."""

    def __init__(
        self,
        settings: Settings,
        *,
        database: SharedDatabase,
        keep_seconds: float = KEEP_SECONDS,
        capacity: int = CAPACITY,
        monotonic: Callable[[], float] = time.monotonic,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.settings = settings
        self.database = database  # the root's shared state database
        self.keep_seconds = keep_seconds
        self.capacity = capacity
        self.monotonic = monotonic
        self.clock = clock
        self._store: PreferencesStore | None = None
        self._ready = False
        self._lock = threading.Lock()
        self._kept: OrderedDict[_Key, tuple[Place, float]] = OrderedDict()

    @property
    def store(self) -> PreferencesStore:
        """The store, its tables made on first use; DatabaseUnavailable while it cannot be."""
        with self._lock:
            if self._store is None:
                from bot.preferences.store import PreferencesStore

                self._store = PreferencesStore.later(self.database.get())
            store = self._store
        if not self._ready:
            store.ready()
            self._ready = True
        return store

    def prepare(self) -> bool:
        """Make the tables now (on start), so the first command does not; False when the
        database cannot be used yet (the first command tries again)."""
        try:
            self.store  # noqa: B018 (made on first use)
        except DatabaseUnavailable as exc:
            log.warning("channel preferences not ready: %s; commands answer as configured", exc)
            return False
        return True

    def __call__(self, request: Request, *, fresh: bool) -> Place:
        key = (request.platform, request.team, request.channel)
        kept = self._recall(key)
        if kept is not None and not fresh and self.monotonic() - kept[1] < self.keep_seconds:
            return kept[0]
        try:
            place = self.store.place(*key)
        except DatabaseUnavailable as exc:
            log.debug("preferences of %s:%s: %s", request.platform, request.channel, exc)
            return kept[0] if kept is not None else Place(known=False)
        self._keep(key, place)
        return place

    def _recall(self, key: _Key) -> tuple[Place, float] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def _keep(self, key: _Key, place: Place) -> None:
        with self._lock:
            self._kept[key] = (place, self.monotonic())
            self._kept.move_to_end(key)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)

    def _forget_team(self, platform: str, team: str) -> None:
        with self._lock:
            for key in [k for k in self._kept if k[0] == platform and k[1] == team]:
                del self._kept[key]

    # Changes (DatabaseUnavailable when the database cannot take them)

    def follow(self, request: Request, dossier: str) -> None:
        """Make the request's channel follow `dossier`."""
        self.store.follow(
            platform=request.platform,
            team=request.team,
            channel=request.channel,
            dossier=dossier,
            by=request.user,
            now=self.clock(),
        )
        with self._lock:
            self._kept.pop((request.platform, request.team, request.channel), None)

    def followed(self, platform: str, team: str) -> list[str]:
        """The dossiers the team's channels chose ([] when the database cannot say)."""
        if not team:
            return []
        try:
            return self.store.chosen_in(platform, team)
        except DatabaseUnavailable as exc:
            log.debug("dossiers followed in %s:%s: %s", platform, team, exc)
            return []

    def team(self, request: Request) -> TeamSettings:
        return self.store.team(request.platform, request.team)

    def change_team(self, request: Request, setting: str, value: str | None) -> TeamSettings:
        """Set one of the request's team's settings (None: back to the config's)."""
        changed = self.store.change_team(
            platform=request.platform,
            team=request.team,
            setting=setting,
            value=value,
            by=request.user,
            now=self.clock(),
        )
        self._forget_team(request.platform, request.team)
        return changed

    def close(self) -> None:
        """Forget the store: the root closes its database (a later use opens both again)."""
        with self._lock:
            self._store = None
