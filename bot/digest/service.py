"""Posts each subscribed channel's digest once a day: cron jobs on time, a sweep to catch up.

Every replica runs one of these against the shared database. A cron trigger per subscription
(APScheduler, in the channel's zone) fires on time; a sweep every `digest_sync_seconds`
re-reads subscriptions, reschedules them, posts a digest missed within the catch-up window,
takes over claims left by dead replicas and records older misses. Whoever fires, the digest
is posted by the replica that claims its (platform, channel, local date) row.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
import zoneinfo
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.core import Core
from bot.delivery import Poster, Team
from bot.digest.posting import Deliverer, DeliveryPolicy, channel_name
from bot.digest.records import Delivery, Key, Subscription
from bot.digest.store import DigestStore
from bot.digest.when import (
    Occurrence,
    config_entry_schedule,
    config_entry_team,
    default_schedule,
)
from bot.errors import DatabaseUnavailable
from bot.hooks import DigestCounts, NoCounts

log = logging.getLogger("dispute_bot.digest")

# How far back the sweep looks for digests to post or record as missed.
LOOKBACK = dt.timedelta(days=8)


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
        self.policy = DeliveryPolicy.from_settings(settings)
        self.clock = clock or core.clock
        self.replica = replica or _replica_name()
        self._scheduler: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deliveries: dict[Key, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()  # sweeps
        self._asked: set[asyncio.Task[None]] = set()  # posts asked for with /digest now
        self._jobs: dict[str, tuple[str, str, str, str, str]] = {}
        self._sweep_lock = asyncio.Lock()
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
        await self.sweep()
        self._spawn(self._sweep_forever())

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

    async def settled(self) -> None:
        """Wait until the deliveries in progress have ended (posted, skipped or failed)."""
        while self._deliveries or self._asked:
            tasks = [*self._deliveries.values(), *self._asked]
            await asyncio.gather(*tasks, return_exceptions=True)

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
        self, *, platform: str, channel: str, locale: str, day: dt.date, team: Team | None = None
    ) -> None:
        """Post a digest in a channel now (/digest now), whatever its schedule."""
        if self._loop is None or self._loop.is_closed():
            raise RuntimeError("the digest service is not running")
        asked = self._deliverer.post_now(
            platform=platform, channel=channel, locale=locale, day=day, team=team
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
                horizon = (now - LOOKBACK - dt.timedelta(days=2)).date()
                rows = await self.store.run(self.store.deliveries_since, horizon)
                for sub in subs:
                    await self._catch_up(sub, rows, now)
            except DatabaseUnavailable as exc:  # the database logs its outage, once
                log.debug("digest sweep: %s; retrying at the next sweep", exc)
            except Exception:
                log.exception("digest sweep failed; retrying at the next sweep")

    async def _on_time(self, platform: str, channel: str) -> None:
        """A subscription's cron trigger fired."""
        try:
            sub = await self.store.run(self.store.subscription, platform, channel)
            if sub is None:
                return
            now = self.clock()
            rows = await self.store.run(
                self.store.deliveries_since, (now - dt.timedelta(days=2)).date()
            )
            await self._catch_up(sub, rows, now)
        except DatabaseUnavailable as exc:  # the next sweep catches up
            log.debug(
                "digest of %s waits for the database: %s", channel_name(platform, channel), exc
            )
        except Exception:
            log.exception("digest of %s could not start", channel_name(platform, channel))

    def _reschedule(self, subs: list[Subscription]) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        wanted: dict[str, tuple[str, str, str, str, str]] = {}
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
            schedule = sub.schedule
            wanted[f"digest:{sub.platform}:{sub.channel}"] = (
                sub.platform,
                sub.channel,
                schedule.time_text,
                schedule.zone,
                schedule.weekdays_code,
            )
        for job_id in set(self._jobs) - set(wanted):
            self._unschedule_job(job_id)
        for job_id, spec in wanted.items():
            if self._jobs.get(job_id) == spec:
                continue
            platform, channel, time_text, zone, days = spec
            hour, minute = time_text.split(":")
            scheduler.add_job(
                self._on_time,
                CronTrigger(
                    hour=int(hour),
                    minute=int(minute),
                    day_of_week=days,
                    timezone=zoneinfo.ZoneInfo(zone),
                ),
                args=(platform, channel),
                id=job_id,
                name=f"digest {channel_name(platform, channel)}",
                replace_existing=True,
            )
            self._jobs[job_id] = spec
            log.info(
                "digest of %s scheduled at %s %s on %s",
                channel_name(platform, channel),
                time_text,
                zone,
                days,
            )

    def _unschedule_job(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        if self._scheduler is not None and self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

    def _stale(self, row: Delivery, now: dt.datetime) -> bool:
        return row.status == "claimed" and row.claimed_at < now - self.policy.claim_timeout

    def _interrupted(self, row: Delivery) -> bool:
        """This replica's claim with no delivery running: the database cut it short; resume."""
        key = (row.platform, row.channel, row.local_date)
        return (
            row.status == "claimed" and row.replica == self.replica and key not in self._deliveries
        )

    async def _catch_up(
        self, sub: Subscription, rows: Mapping[Key, Delivery], now: dt.datetime
    ) -> None:
        """Post the latest due digest if within the window; record older ones as missed."""
        if sub.paused or sub.platform not in self.posters:
            return
        due = sub.schedule.between(max(sub.effective_from, now - LOOKBACK), now)
        if not due:
            return
        latest = due[-1]
        in_window = now - latest.at <= self.policy.window
        for occurrence in due[:-1] if in_window else due:
            row = rows.get((sub.platform, sub.channel, occurrence.local_date))
            if row is not None and not self._stale(row, now):
                continue
            recorded = await self.store.run(
                self.store.mark_missed,
                platform=sub.platform,
                channel=sub.channel,
                local_date=occurrence.local_date,
                scheduled_at=occurrence.at,
                replica=self.replica,
                now=now,
                stale_after=self.policy.claim_timeout,
            )
            if recorded:
                self.counts.digest_skipped(sub.platform, "missed")
                log.warning(
                    "digest of %s for %s skipped: due %s, %s ago, beyond the %s catch-up window "
                    "(or superseded by a later one)",
                    channel_name(sub.platform, sub.channel),
                    occurrence.local_date,
                    occurrence.at.isoformat(timespec="minutes"),
                    now - occurrence.at,
                    self.policy.window,
                )
        if in_window:
            row = rows.get((sub.platform, sub.channel, latest.local_date))
            if row is None or self._stale(row, now) or self._interrupted(row):
                self._start_delivery(sub, latest)

    def _start_delivery(self, sub: Subscription, occurrence: Occurrence) -> None:
        key = (sub.platform, sub.channel, occurrence.local_date)
        if key in self._deliveries:
            return
        task = asyncio.create_task(
            self._deliverer.deliver(sub, occurrence),
            name=f"digest {channel_name(sub.platform, sub.channel)} {occurrence.local_date}",
        )
        self._deliveries[key] = task
        task.add_done_callback(lambda _: self._deliveries.pop(key, None))
