"""OAuth mode's installations: each workspace's bot token, kept in the bot's state database
by slack_sdk's SQLAlchemy stores, and renewed before it expires.

Bolt finds a workspace's token here for every request (`.oauth.WorkspaceAuthorize`), and the
digest for every post (`SlackPoster`): Bolt authorizes no background work itself, and a post
made with another workspace's token is refused. The stores run on the one state database
the root builds (`bot.database.bounded.Database`, its engine shared with the digest and the
preferences), each call awaited on its threads and bounded; their tables are a `Part` of
`bot.database.schema`. A workspace's bot is kept in memory for `CACHE_SECONDS`, so a
burst of commands or digests into one workspace reads the database once; a token stays valid
for hours after it was renewed, so a copy that old is safe, and an uninstall seen here drops
it at once. A request's lookup (Bolt authorizing it, before the 3-second acknowledgement) waits
for the database `LOOKUP_SECONDS` at most: when it does not answer in time, the last copy read
in the past `STALE_SECONDS` serves, if its token has not expired; else DatabaseUnavailable, at
once (the user gets the apology, acknowledged in time).

Renewing a token (token rotation) spends a refresh token that Slack accepts once. It happens
under a lock on the workspace's row (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on
SQLite) and the row is read again under it, so two replicas never both spend the same
refresh token: the second finds the token already renewed.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import sqlalchemy as sa
from cachetools import TTLCache
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.database.schema import Part, prepare_part, version_table
from bot.delivery import Team
from bot.errors import DatabaseUnavailable, DeliveryError
from bot.platforms.slack.client import SDK_LOGGER, api_error_code, make_web_client

if TYPE_CHECKING:
    from bot.database.bounded import Database

log = logging.getLogger("dispute_bot.slack")

# Renew a token with this much or less left (Bolt's default; Slack's tokens last 12 hours).
ROTATE_BEFORE_MINUTES = 120
# Seconds a workspace's bot is kept in memory, and how many workspaces at most.
CACHE_SECONDS = 60.0
CACHE_SIZE = 10_000
# Seconds a request's lookup waits for the database, well within Slack's 3 s to acknowledge;
# and how old a copy may be to serve when the database does not answer in that time.
LOOKUP_SECONDS = 2.0
STALE_SECONDS = 3600.0
# Seconds oauth.v2.access may take to renew a token (the row stays locked meanwhile).
ROTATION_SECONDS = 10.0
# How long an install link's state is valid (Bolt's default), and how often expired ones go.
STATE_SECONDS = 600
PURGE_EVERY = 60.0
_TABLES_LOCK = 0x53_6C_61_63_6B  # "Slack", for pg_advisory_xact_lock


# Slack's answers to a renewal that mean the installation is gone or the app misconfigured.
REFUSED_RENEWALS = frozenset(
    {"invalid_refresh_token", "invalid_client_id", "bad_client_secret", "invalid_grant_type"}
)


class NotInstalled(Exception):
    """The app has no working installation in that workspace (never installed, or removed)."""


CacheKey = tuple[str | None, str | None]


def _key(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool) -> CacheKey:
    """The store's own reading of the ids: an org-wide install is found by the org alone."""
    return (enterprise_id, None if is_enterprise_install or team_id is None else team_id)


class Installations(AsyncInstallationStore):
    """Bolt's installation store in OAuth mode, and where the digest finds a workspace's token.

    Wraps slack_sdk's `SQLAlchemyInstallationStore` on the state database: each call run on
    its threads and bounded, a bot cached a minute, tokens renewed (serialised across
    replicas) before they expire.
    """

    def __init__(
        self,
        database: Database,
        *,
        client_id: str,
        client_secret: str,
        client: AsyncWebClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.client_id = client_id
        self.store = SQLAlchemyInstallationStore(
            client_id=client_id, engine=database.engine, logger=logging.getLogger(SDK_LOGGER)
        )
        self.states = BoundedStates(
            SQLAlchemyOAuthStateStore(
                expiration_seconds=STATE_SECONDS,
                engine=database.engine,
                logger=logging.getLogger(SDK_LOGGER),
            ),
            database,
        )
        # oauth.v2.access through SLACK_API_URL, as every Web API call (`client`'s base URL).
        self.rotator = AsyncTokenRotator(
            client_id=client_id, client_secret=client_secret, client=client
        )
        self.clock = clock
        self._bots: TTLCache[CacheKey, Bot] = TTLCache(maxsize=CACHE_SIZE, ttl=CACHE_SECONDS)
        # The last copy of each bot read, for when the database does not answer a request.
        self._known: TTLCache[CacheKey, Bot] = TTLCache(maxsize=CACHE_SIZE, ttl=STALE_SECONDS)
        self._told_stale = False
        self._renewing: weakref.WeakValueDictionary[CacheKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._finding: dict[CacheKey, asyncio.Future[Bot | None]] = {}
        self.lookups = 0  # database reads of a bot, for the benchmark and the tests

    @property
    def logger(self) -> logging.Logger:
        return logging.getLogger(SDK_LOGGER)

    def schema(self) -> Part:
        """The stores' tables as a part of the state database (its version in a table of its
        own), created once even when replicas start together."""
        metadata = (self.store.metadata, self.states.inner.metadata)

        def create(conn: sa.Connection) -> None:
            for tables in metadata:
                tables.create_all(conn)

        return Part(
            name="Slack installations",
            version_table=version_table("slack_oauth_schema", sa.MetaData()),
            lock_key=_TABLES_LOCK,
            create=create,
        )

    # What the digest and the authorization ask

    async def bot(
        self, team: Team, *, is_enterprise_install: bool = False, wait: float | None = None
    ) -> Bot | None:
        """The workspace's bot (its token renewed if due), or None when the app is not
        installed there. Raises DatabaseUnavailable, or SlackTokenRotationError when Slack
        refused to renew the token. With `wait` (a request's lookup), the database is waited
        for that many seconds at most, a recent copy serving if it does not answer."""
        key = _key(team.enterprise_id, team.team_id, is_enterprise_install)
        bot = self._bots.get(key)
        if bot is None:
            try:
                bot = await self._find(key, wait)
            except DatabaseUnavailable:
                if wait is None or (known := self._recent(key)) is None:
                    raise
                return known  # not renewed: that needs the database
            if bot is None:
                self._known.pop(key, None)
                return None
        if self._due(bot):
            bot = await self._renewed(key)
            if bot is None:
                self._bots.pop(key, None)
                self._known.pop(key, None)
                return None
        self._bots[key] = self._known[key] = bot
        return bot

    def _recent(self, key: CacheKey) -> Bot | None:
        """The last copy read of the workspace's bot, if recent and its token not expired."""
        known = self._known.get(key)
        expires = known.bot_token_expires_at if known is not None else None
        if known is None or (expires is not None and expires <= self.clock()):
            return None
        if not self._told_stale:
            self._told_stale = True
            log.warning(
                "slack: the database did not answer within %.0f s: requests are authorized "
                "with the installations read in the past hour",
                LOOKUP_SECONDS,
            )
        return known

    async def _find(self, key: CacheKey, wait: float | None = None) -> Bot | None:
        """The workspace's bot from the database, read once however many ask at once (a
        digest round posts into a workspace's channels together: one read, not ten); a
        caller that may `wait` that long only gets DatabaseUnavailable after it, while the
        read goes on (bounded) for the others and the cache."""
        finding = self._finding.get(key)
        if finding is None:
            self.lookups += 1
            finding = asyncio.ensure_future(
                self.database.run(
                    self.store.find_bot,
                    enterprise_id=key[0],
                    team_id=key[1],
                    is_enterprise_install=False,
                )
            )
            self._finding[key] = finding

            def ended(done: asyncio.Future[Bot | None]) -> None:
                self._finding.pop(key, None)
                if not done.cancelled():
                    done.exception()  # retrieved: every waiter may have been cancelled

            finding.add_done_callback(ended)
        try:
            bot: Bot | None = await asyncio.wait_for(asyncio.shield(finding), wait)
        except TimeoutError:
            raise DatabaseUnavailable(
                f"the installations' database did not answer within {wait:.0f} s"
            ) from None
        if bot is not None:
            self._known[key] = bot
        return bot

    async def token(self, team: Team) -> str:
        """The workspace's bot token; NotInstalled when the app has none there."""
        bot = await self.bot(team)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"the app is not installed in workspace {team}")
        return str(bot.bot_token)

    async def token_for_post(self, team: Team | None) -> str:
        """`SlackPoster`'s token for a post in `team`: DeliveryError, permanent when the app
        is not installed there (the digest pauses), temporary when the database or Slack
        could not answer."""
        if team is None or not (team.team_id or team.enterprise_id):
            raise DeliveryError(
                "slack: the channel's workspace is not known (subscribed before the bot kept "
                "it): /digest resume in the channel records it",
                permanent=True,
            )
        try:
            return await self.token(team)
        except NotInstalled as exc:
            raise DeliveryError(f"slack: {exc}", permanent=True) from exc
        except DatabaseUnavailable as exc:
            raise DeliveryError(f"slack: {exc}", permanent=False) from exc
        except SlackTokenRotationError as exc:
            code = api_error_code(exc.api_error)
            raise DeliveryError(
                f"slack: renewing the token of workspace {team} failed ({code or 'no answer'})",
                permanent=code in REFUSED_RENEWALS,
            ) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DeliveryError(
                f"slack: cannot reach Slack to renew the token of {team} ({type(exc).__name__})",
                permanent=False,
            ) from exc

    def forget(self, team: Team) -> None:
        """Drop what is cached of a workspace (installed again, uninstalled, tokens revoked);
        an org named alone (an org-wide install) drops every workspace of the org."""
        for enterprise_id, team_id in list(self._bots):
            if team_id == team.team_id if team.team_id else enterprise_id == team.enterprise_id:
                self._bots.pop((enterprise_id, team_id), None)
        for enterprise_id, team_id in list(self._known):
            if team_id == team.team_id if team.team_id else enterprise_id == team.enterprise_id:
                self._known.pop((enterprise_id, team_id), None)

    # Renewing a token

    def _due(self, bot: Bot) -> bool:
        expires = bot.bot_token_expires_at
        if expires is None or bot.bot_refresh_token is None:
            return False
        return bool(expires <= self.clock() + ROTATE_BEFORE_MINUTES * 60)

    async def _renewed(self, key: CacheKey) -> Bot | None:
        """The workspace's bot with a fresh token, renewed by this replica or another."""
        lock = self._renewing.setdefault(key, asyncio.Lock())
        async with lock:  # one renewal at a time in this process; the row lock for the others
            seconds = self.database.bound + ROTATION_SECONDS
            loop = asyncio.get_running_loop()
            return await self.database.run_within(seconds, self._renew_locked, key, loop)

    def _renew_locked(self, key: CacheKey, loop: asyncio.AbstractEventLoop) -> Bot | None:
        """On the database's threads: lock the bot's row, read it again, and renew its token
        through the loop's Slack client while the row stays locked."""
        bots, installations = self.store.bots, self.store.installations
        newest = (
            sa.select(bots)
            .where(
                bots.c.client_id == self.client_id,
                bots.c.enterprise_id == key[0],
                bots.c.team_id == key[1],
                bots.c.bot_token.is_not(None),
            )
            .order_by(bots.c.installed_at.desc())
            .limit(1)
            .with_for_update()  # SQLite has no FOR UPDATE: its transaction holds the lock
        )
        try:
            with self.database.engine.begin() as conn:
                row = conn.execute(newest).mappings().first()
                if row is None:
                    return None  # uninstalled meanwhile
                bot = SQLAlchemyInstallationStore.build_bot_entity(row)
                if not self._due(bot):
                    return bot  # another replica renewed it while this one waited
                rotation = asyncio.run_coroutine_threadsafe(
                    self.rotator.perform_bot_token_rotation(
                        bot=bot, minutes_before_expiration=_minutes_left(bot, self.clock())
                    ),
                    loop,
                )
                try:
                    renewed = rotation.result(ROTATION_SECONDS)
                except TimeoutError:
                    rotation.cancel()
                    raise
                if renewed is None:
                    return bot
                fresh = _token_values(renewed)
                conn.execute(sa.update(bots).where(bots.c.id == row["id"]).values(**fresh))
                conn.execute(
                    sa.update(installations)
                    .where(
                        installations.c.client_id == self.client_id,
                        installations.c.enterprise_id == key[0],
                        installations.c.team_id == key[1],
                        installations.c.bot_token == bot.bot_token,
                    )
                    .values(**fresh)
                )
        except SlackTokenRotationError:
            log.error("slack: Slack refused to renew the token of workspace %s", key[1] or key[0])
            raise
        log.info("slack: renewed the bot token of workspace %s", key[1] or key[0])
        return renewed

    # The store Bolt uses: saved on install, deleted on uninstall, each call bounded

    async def async_save(self, installation: Installation) -> None:
        await self.database.run(self.store.save, installation)
        self.forget(Team(team_id=installation.team_id, enterprise_id=installation.enterprise_id))

    async def async_save_bot(self, bot: Bot) -> None:
        await self.database.run(self.store.save_bot, bot)
        self.forget(Team(team_id=bot.team_id, enterprise_id=bot.enterprise_id))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await self.bot(
            Team(team_id=team_id, enterprise_id=enterprise_id),
            is_enterprise_install=bool(is_enterprise_install),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found: Installation | None = await self.database.run(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return found

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.forget(Team(team_id=team_id, enterprise_id=enterprise_id))
        await self.database.run(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self.database.run(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )


def _minutes_left(bot: Bot, now: float) -> int:
    """What the rotator is told, so that it renews a token this module found due."""
    left = (bot.bot_token_expires_at or now) - now
    return max(ROTATE_BEFORE_MINUTES, int(left // 60) + 1)


def _token_values(bot: Bot) -> dict[str, Any]:
    """The columns a renewal changes, as the store writes them (naive UTC)."""
    from datetime import UTC, datetime

    expires = bot.bot_token_expires_at
    return {
        "bot_token": bot.bot_token,
        "bot_refresh_token": bot.bot_refresh_token,
        "bot_token_expires_at": None
        if expires is None
        else datetime.fromtimestamp(expires, tz=UTC).replace(tzinfo=None),
    }


class BoundedStates(AsyncOAuthStateStore):
    """The OAuth states of install links, shared by replicas (the browser may come back to
    another one), with every call bounded. Anyone can ask for the install page, which makes
    a state: their number is held by `PageRate` at the receiver, and expired ones are
    deleted as new ones are made, so the table cannot grow without end."""

    def __init__(self, inner: SQLAlchemyOAuthStateStore, database: Database) -> None:
        self.inner = inner
        self.database = database
        self._purged = 0.0

    @property
    def logger(self) -> logging.Logger:
        return logging.getLogger(SDK_LOGGER)

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        now = time.monotonic()
        if now - self._purged >= PURGE_EVERY:
            self._purged = now
            await self.database.run(self._purge)
        state: str = await self.database.run(self.inner.issue)
        return state

    async def async_consume(self, state: str) -> bool:
        consumed: bool = await self.database.run(self.inner.consume, state)
        return consumed

    def _purge(self) -> None:
        from datetime import UTC, datetime

        table = self.inner.oauth_states
        now = datetime.now(tz=UTC).replace(tzinfo=None)
        with self.database.engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.expire_at < now))


async def open_installations(settings: Settings, database: Database) -> Installations:
    """OAuth mode's installations on the state database `database` (the root's), their
    tables created or upgraded. Raises DatabaseUnavailable when that cannot be done (bounded)."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    # Renewals go to oauth.v2.access through SLACK_API_URL, as every Web API call does.
    client = make_web_client(token=None, api_url=settings.slack_api_url, timeout=ROTATION_SECONDS)
    installations = Installations(
        database,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.reveal(),
        client=client,
    )
    await database.run(prepare_part, database, installations.schema())
    return installations
