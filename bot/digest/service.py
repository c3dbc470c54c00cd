"""Posts each subscribed channel's digest once a day: cron jobs on time, a sweep to catch up.

Every replica runs one of these against the shared database. A cron trigger per schedule
(APScheduler, in its zone, for every channel on it) fires on time; a sweep every
`digest_sync_seconds` re-reads subscriptions, reschedules them, posts a digest missed within
the catch-up window, takes over claims left by dead replicas and records older misses. What
is due is queued; the replica claims it a batch at a time while it has room, and posts what
it won (bot.digest.posting). Whoever fires, a digest is posted by the replica that claims its
(platform, channel, dossier, local date) row. A subscription's row carries its dossier and
team, so a due digest needs no other lookup.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
import secrets
import socket
import zoneinfo
from collections import deque
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.core import Core
from bot.delivery import Finder, Poster, Repeatable, Team
from bot.digest.posting import Deliverer, DeliveryPolicy, digest_name
from bot.digest.records import Deliveries, Delivery, Key, Subscription
from bot.digest.store import HELD, DigestStore
from bot.digest.when import (
    Occurrence,
    Schedule,
    config_entry_schedule,
    config_entry_team,
    default_schedule,
)
from bot.errors import DatabaseUnavailable
from bot.hooks import DigestCounts, NoCounts

log = logging.getLogger("dispute_bot.digest")

# How far back the sweep looks for digests to post or record as missed: on start and every
# FULL_SWEEP; the sweeps between look back over the catch-up window and a day (what can have
# come due since), reading a day or two of deliveries rather than ten.
LOOKBACK = dt.timedelta(days=8)
FULL_SWEEP = dt.timedelta(hours=1)
# Digests a replica holds at most (claimed and not yet posted and recorded), and claims at
# once: thousands due at the same minute are shared by the replicas a batch at a time, so a
# replica that dies holds few, and a faster one takes more.
MAX_IN_FLIGHT = 100
CLAIM_BATCH = 25

Spec = tuple[str, str, str]  # a schedule: HH:MM, zone, weekdays; one cron job each


def _replica_name() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}"


class DigestService:
    """One replica's scheduler of digests: when each is due; `Deliverer` posts it."""

    def __init__(
        self,
        *,
        core: Core,
        settings: Settings,
        store: DigestStore,
        posters: Mapping[str, Poster],
        clock: Callable[[], dt.datetime] | None = None,
        replica: str | None = None,
        counts: DigestCounts | None = None,
    ) -> None:
        self.core = core
        self.settings = settings
        self.store = store
        self.posters = dict(posters)
        # The platforms where a dead replica's post on its way is settled: its channel's
        # history says whether it arrived (Slack), once a request of its could no longer be
        # out; or it is sent again, the same (Discord: a late arrival is the same message).
        self._settles = {
            p: poster.answer_within if isinstance(poster, Finder) else dt.timedelta(0)
            for p, poster in self.posters.items()
            if isinstance(poster, Finder | Repeatable)
        }
        self.policy = DeliveryPolicy.from_settings(settings)
        self.clock = clock or core.clock
        self.replica = replica or _replica_name()
        self._scheduler: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deliveries: dict[Key, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()  # sweeps
        self._asked: set[asyncio.Task[None]] = set()  # posts asked for with /digest now
        self._jobs: dict[str, Spec] = {}
        self._sweep_lock = asyncio.Lock()
        # Digests due, waiting for a claim: in this replica's order of lanes (workspaces),
        # not the other replicas', so that each takes whole workspaces of its own.
        self._pending: dict[Key, tuple[Subscription, Occurrence]] = {}
        self._order: deque[Key] = deque()
        self._reorder = False
        self._claiming = 0
        self._wanted = asyncio.Event()  # something was queued, or room was made
        self._reading: asyncio.Task[list[Subscription]] | None = None
        self._full_sweep: dt.datetime | None = None  # when the sweep last looked back LOOKBACK
        self._warned_platforms: set[str] = set()
        self.counts = counts or NoCounts()
        self._deliverer = Deliverer(
            core=core,
            store=store,
            posters=self.posters,
            policy=self.policy,
            clock=self.clock,
            replica=self.replica,
            counts=self.counts,
        )

    # Life cycle

    async def start(self) -> None:
        """Apply the config's subscriptions, start the scheduler and catch up at once."""
        self._loop = asyncio.get_running_loop()
        await self.store.run(self._apply_config)
        await self._first_seen()
        scheduler = AsyncIOScheduler(
            timezone=dt.UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(self.policy.window.total_seconds())),
            },
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info(
            "digest service started as replica %s, posting to %s",
            self.replica,
            ", ".join(sorted(self.posters)) or "no platform",
        )
        self._spawn(self._dispatch_forever())
        self._spawn(self._deliverer.keep_claims())
        await self.sweep()
        self._spawn(self._sweep_forever())

    async def _first_seen(self) -> None:
        """Record the day this replica first sees each record no replica had seen (a dossier
        new to the database keeps its own days), so that what a later reload adds is news
        to every replica alike (bot.digest.first_seen)."""
        today = self.clock().date()
        for name, dossier in self.core.library.served().items():
            try:
                await self._deliverer.news(name, dossier, today)
            except DatabaseUnavailable as exc:  # read again by its first digest
                log.debug("records of %s first seen: %s", name, exc)

    async def _sweep_forever(self) -> None:
        """The periodic sweep, on the loop's monotonic clock so wall-clock jumps cannot bunch it."""
        while True:
            await asyncio.sleep(self.policy.sync_seconds)
            await self.sweep()

    async def shutdown(self) -> None:
        """Stop scheduling; deliveries in progress give their claims back."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        tasks = [*self._deliveries.values(), *self._background, *self._asked]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for _ in range(2):  # let the scheduler's own shutdown callback run
            await asyncio.sleep(0)
        self._jobs.clear()
        self._pending.clear()
        self._order.clear()

    async def settled(self) -> None:
        """Wait until the digests due have been claimed or left to others, and the deliveries
        in progress have ended (posted, skipped or failed)."""
        while self._deliveries or self._asked or self._pending or self._claiming:
            tasks = [*self._deliveries.values(), *self._asked]
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            else:
                await asyncio.sleep(0.01)

    def wake(self) -> None:
        """Make the scheduler look at the clock again (after a clock jump, in tests)."""
        if self._scheduler is not None:
            self._scheduler.wakeup()

    def can_post(self, platform: str) -> bool:
        return platform in self.posters

    def subscriptions_changed(self) -> None:
        """Reschedule soon; callable from any thread (handlers may run outside the loop)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._spawn, self.sweep())

    def post_now(
        self,
        *,
        platform: str,
        channel: str,
        dossier: str,
        locale: str,
        day: dt.date,
        team: Team | None = None,
    ) -> None:
        """Post a dossier's digest in a channel now (/digest now), whatever its schedule."""
        if self._loop is None or self._loop.is_closed():
            raise RuntimeError("the digest service is not running")
        asked = self._deliverer.post_now(
            platform=platform, channel=channel, dossier=dossier, locale=locale, day=day, team=team
        )
        self._loop.call_soon_threadsafe(self._spawn, asked, self._asked)

    def _spawn(
        self, coroutine: Coroutine[Any, Any, None], into: set[asyncio.Task[None]] | None = None
    ) -> None:
        tasks = self._background if into is None else into
        task = asyncio.create_task(coroutine)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def _apply_config(self) -> None:
        entries = self.settings.digest_subscriptions
        default = default_schedule(self.settings)
        now = self.clock()
        declared = [
            Subscription(
                platform=str(entry["platform"]),
                channel=str(entry["channel"]),
                dossier=str(entry.get("dossier") or self.core.library.default),
                schedule=config_entry_schedule(entry, default),
                locale=str(entry.get("locale", self.settings.locale)),
                source="config",
                changed_by="config",
                effective_from=now,
                team=config_entry_team(entry),
            )
            for entry in entries
        ]
        changed, removed = self.store.apply_config(declared)
        if changed or removed:
            log.info(
                "digest subscriptions from config: %d added or changed, %d removed",
                changed,
                removed,
            )

    # Scheduling

    async def sweep(self) -> None:
        """Re-read subscriptions, reschedule them, and post or record what is due."""
        async with self._sweep_lock:
            try:
                subs = await self.store.run(self.store.subscriptions)
                self._reschedule(subs)
                now = self.clock()
                full = self._full_sweep is None or now - self._full_sweep >= FULL_SWEEP
                since = now - (LOOKBACK if full else self.policy.window + dt.timedelta(days=1))
                # A day more: an occurrence's local date may be a day behind UTC's.
                horizon = (since - dt.timedelta(days=1)).date()
                rows = await self.store.run(self.store.deliveries_since, horizon)
                occurrences: dict[Schedule, list[Occurrence]] = {}
                for sub in subs:
                    await self._catch_up(sub, rows, now, since, occurrences)
                if full:
                    self._full_sweep = now
            except DatabaseUnavailable as exc:  # the database logs its outage, once
                log.debug("digest sweep: %s; retrying at the next sweep", exc)
            except Exception:
                log.exception("digest sweep failed; retrying at the next sweep")

    async def _on_time(self, time_text: str, zone: str, days: str) -> None:
        """A schedule's cron trigger fired: post the digests of its channels now due."""
        spec = (time_text, zone, days)
        try:
            subs = [s for s in await self._subscriptions() if _spec(s.schedule) == spec]
            now = self.clock()
            due: dict[Key, tuple[Subscription, Occurrence]] = {}
            occurrences: dict[Schedule, list[Occurrence]] = {}
            for sub in subs:
                if sub.paused or sub.platform not in self.posters:
                    continue
                found = self._due(sub, now, occurrences, since=now - self.policy.window)
                if found and now - found[-1].at <= self.policy.window:
                    due[(*sub.key, found[-1].local_date)] = (sub, found[-1])
            rows = await self.store.run(self.store.deliveries_for, list(due))
            for key, (sub, occurrence) in due.items():
                row = rows.get(key)
                if row is None or self._stale(row, now) or self._interrupted(row):
                    self._start_delivery(sub, occurrence)
        except DatabaseUnavailable as exc:  # the next sweep catches up
            log.debug("digests at %s %s wait for the database: %s", time_text, zone, exc)
        except Exception:
            log.exception("digests at %s %s could not start", time_text, zone)

    async def _subscriptions(self) -> list[Subscription]:
        """The subscriptions as they are now, read once for every trigger firing together."""
        if self._reading is None:
            self._reading = asyncio.create_task(self.store.run(self.store.subscriptions))
            self._reading.add_done_callback(self._read)
        return await asyncio.shield(self._reading)

    def _read(self, task: asyncio.Task[list[Subscription]]) -> None:
        self._reading = None
        if not task.cancelled():
            task.exception()  # retrieved: its waiters may all have been cancelled

    def _reschedule(self, subs: list[Subscription]) -> None:
        """One cron trigger per schedule (time, zone, weekdays), for all its channels and
        dossiers: ten thousand channels at 08:00 in Paris are one job, not ten thousand."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        wanted: dict[str, Spec] = {}
        channels: dict[str, int] = {}
        for sub in subs:
            if sub.platform not in self.posters:
                if sub.platform not in self._warned_platforms:
                    self._warned_platforms.add(sub.platform)
                    log.warning(
                        "digest subscriptions on %s are left to other replicas: this one has "
                        "no %s poster",
                        sub.platform,
                        sub.platform,
                    )
                continue
            if sub.paused:
                continue
            spec = _spec(sub.schedule)
            job_id = "digest:" + ":".join(spec)
            wanted[job_id] = spec
            channels[job_id] = channels.get(job_id, 0) + 1
        for job_id in set(self._jobs) - set(wanted):
            self._unschedule_job(job_id)
        for job_id, spec in wanted.items():
            if self._jobs.get(job_id) == spec:
                continue
            time_text, zone, days = spec
            hour, minute = time_text.split(":")
            scheduler.add_job(
                self._on_time,
                CronTrigger(
                    hour=int(hour),
                    minute=int(minute),
                    day_of_week=days,
                    timezone=zoneinfo.ZoneInfo(zone),
                ),
                args=spec,
                id=job_id,
                name=f"digests at {time_text} {zone} on {days}",
                replace_existing=True,
            )
            self._jobs[job_id] = spec
            log.info(
                "digests at %s %s on %s scheduled (%d channels)",
                time_text,
                zone,
                days,
                channels[job_id],
            )

    def _unschedule_job(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        if self._scheduler is not None and self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

    def _stale(self, row: Delivery, now: dt.datetime) -> bool:
        return row.status in HELD and row.claimed_at < now - self.policy.claim_timeout

    def _interrupted(self, row: Delivery) -> bool:
        """This replica's claim with no delivery running: the database cut it short; resume."""
        return (
            row.status in HELD and row.replica == self.replica and row.key not in self._deliveries
        )

    def _due(
        self,
        sub: Subscription,
        now: dt.datetime,
        known: dict[Schedule, list[Occurrence]],
        *,
        since: dt.datetime,
    ) -> list[Occurrence]:
        """The subscription's occurrences since `since`, oldest first; computed once per
        schedule (`known`) for every channel that shares it."""
        every = known.get(sub.schedule)
        if every is None:
            every = known[sub.schedule] = sub.schedule.between(since, now)
        start = max(sub.effective_from, since)
        return [o for o in every if o.at >= start]

    async def _catch_up(
        self,
        sub: Subscription,
        rows: Deliveries,
        now: dt.datetime,
        since: dt.datetime,
        occurrences: dict[Schedule, list[Occurrence]],
    ) -> None:
        """Post the latest digest due since `since` if within the window; record older ones
        as missed."""
        if sub.paused or sub.platform not in self.posters:
            return
        due = self._due(sub, now, occurrences, since=since)
        if not due:
            return
        latest = due[-1]
        in_window = now - latest.at <= self.policy.window
        for occurrence in due[:-1] if in_window else due:
            key = (*sub.key, occurrence.local_date)
            row = rows.held.get(key)
            if key in rows.ended or (row is not None and not self._stale(row, now)):
                continue
            recorded = await self.store.run(
                self.store.mark_missed,
                platform=sub.platform,
                channel=sub.channel,
                dossier=sub.dossier,
                local_date=occurrence.local_date,
                scheduled_at=occurrence.at,
                replica=self.replica,
                now=now,
                stale_after=self.policy.claim_timeout,
            )
            if recorded == "unknown":
                self.counts.digest_unknown(sub.platform, "replica_silent")
                log.warning(
                    "digest of %s for %s: its replica fell silent while its post was on its "
                    "way; it may have arrived, so it is not posted again",
                    digest_name(*sub.key),
                    occurrence.local_date,
                )
            elif recorded:
                self.counts.digest_skipped(sub.platform, "missed")
                log.warning(
                    "digest of %s for %s skipped: due %s, %s ago, beyond the %s catch-up window "
                    "(or superseded by a later one)",
                    digest_name(*sub.key),
                    occurrence.local_date,
                    occurrence.at.isoformat(timespec="minutes"),
                    now - occurrence.at,
                    self.policy.window,
                )
        key = (*sub.key, latest.local_date)
        if in_window and key not in rows.ended:
            row = rows.held.get(key)
            if row is None or self._stale(row, now) or self._interrupted(row):
                self._start_delivery(sub, latest)

    def _start_delivery(self, sub: Subscription, occurrence: Occurrence) -> None:
        """Queue a due digest for the dispatcher, which claims it with others."""
        key = (*sub.key, occurrence.local_date)
        if key in self._deliveries or key in self._pending:
            return
        self._pending[key] = (sub, occurrence)
        self._order.append(key)
        self._reorder = True
        self._wanted.set()

    def _lane_rank(self, key: Key) -> bytes:
        """Where a digest's lane (its workspace, else its channel) comes in this replica's
        order: a keyed hash, so each replica walks the workspaces in an order of its own."""
        sub, _ = self._pending[key]
        workspace = sub.team.workspace if sub.team is not None else ""
        lane = f"{sub.platform}|{workspace}" if workspace else "|".join(key[:2])
        seed = f"{self.replica}|{lane}".encode()
        return hashlib.blake2b(seed, digest_size=8).digest()

    def _next_batch(self, size: int) -> list[Key]:
        if self._reorder:
            ranked = sorted(
                (k for k in set(self._order) if k in self._pending),
                key=lambda k: (self._lane_rank(k), k),
            )
            self._order = deque(ranked)
            self._reorder = False
        batch: list[Key] = []
        while self._order and len(batch) < size:
            key = self._order.popleft()
            if key in self._pending and key not in batch:
                batch.append(key)
        return batch

    async def _dispatch_forever(self) -> None:
        """Claim the queued digests a batch at a time while this replica has room, and start
        each one won; the ones lost are another replica's."""
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            while self._pending:
                room = MAX_IN_FLIGHT - len(self._deliveries)
                if room < min(CLAIM_BATCH, len(self._pending)):
                    break  # a delivery ending makes room and wakes this loop
                batch = self._next_batch(min(room, CLAIM_BATCH))
                items = [self._pending[key] for key in batch]
                self._claiming += 1
                try:
                    await self._claim(items)
                finally:
                    self._claiming -= 1
                    for key in batch:
                        self._pending.pop(key, None)

    async def _claim(self, items: Iterable[tuple[Subscription, Occurrence]]) -> None:
        due = {(*s.key, o.local_date): (s, o) for s, o in items}
        try:
            claims = await self.store.run(
                self.store.claim_deliveries,
                [(key, occurrence.at) for key, (_, occurrence) in due.items()],
                replica=self.replica,
                now=self.clock(),
                stale_after=self.policy.claim_timeout,
                history=True,
                reconcile=self._settles,
            )
        except DatabaseUnavailable as exc:  # logged once by the database; the sweep retries
            log.debug("%d digests wait for the database: %s", len(due), exc)
            return
        for key, holder in claims.unknown.items():
            self.counts.digest_unknown(key[0], "replica_silent")
            log.warning(
                "digest of %s for %s: replica %s fell silent while its post was on its way; it "
                "may have arrived, so it is not posted again (/digest now posts it if missing)",
                digest_name(*key[:3]),
                key[3],
                holder,
            )
        for key, claim in claims.won.items():
            sub, occurrence = due[key]
            history = claims.history[sub.key]
            task = asyncio.create_task(
                self._deliverer.deliver(sub, occurrence, claim, history),
                name=f"digest {digest_name(*sub.key)} {occurrence.local_date}",
            )
            self._deliveries[key] = task
            task.add_done_callback(lambda _, key=key: self._ended(key))  # type: ignore[misc]

    def _ended(self, key: Key) -> None:
        self._deliveries.pop(key, None)
        if self._pending:
            self._wanted.set()


def _spec(schedule: Schedule) -> Spec:
    return (schedule.time_text, schedule.zone, schedule.weekdays_code)
