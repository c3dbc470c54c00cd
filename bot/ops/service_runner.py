"""Runs the services the composition root gives it, then stops them cleanly.

Start: metrics, the health server, the seeds watcher and the signal handlers, then every
service (platforms, the digest scheduler, stdin), each a coroutine function of `stop` that
bot/app.py has wired. Stop, on SIGTERM/SIGINT or when `stop` is set: report unready, let
each service finish its replies in flight and close (they all see `stop`), wait for the
replies counted in flight, then close what the root asked to close (the state database)
and the health server. A second signal cuts the wait short.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.core import Core
from bot.database.shared import SharedDatabase
from bot.errors import BotError
from bot.ops import metrics
from bot.ops.database import DatabaseProbe
from bot.ops.health import HealthServer
from bot.ops.inflight import REPLIES
from bot.ops.readiness import READINESS
from bot.ops.watch import watch_seeds
from bot.reload import ReloadReport

log = logging.getLogger("dispute_bot.runtime")

# A platform or a service, wired by the root: runs until `stop` is set, then returns.
Service = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
# Told of a reload nobody asked for (file watch, SIGHUP) that was refused.
RefusedReload = Callable[[ReloadReport], Awaitable[None]]
# The root's reload: a trigger, and the paths that changed (None: all of the seeds).
Reload = Callable[[str, Iterable[Path] | None], ReloadReport]


class ServiceFailed(BotError):
    """A platform or service stopped with an error; the others were stopped cleanly."""


class ServiceRunner:
    def __init__(
        self,
        core: Core,
        settings: Settings,
        stop: asyncio.Event,
        *,
        reload: Reload,
        on_refused: RefusedReload | None = None,
        closing: Sequence[Callable[[], None]] = (),
        beside: frozenset[str] = frozenset(),
        database: SharedDatabase | None = None,
    ) -> None:
        """`database`: the root's state database, probed for /readyz and /metrics (None: no
        database is configured, and the metric is left out)."""
        self.core = core
        self.database = database
        self._reload = reload  # the root's: reads the seeds again (blocking: run off the loop)
        self.on_refused = on_refused
        self.closing = closing  # blocking, run off the loop once every service has stopped
        # Services the bot does not need to answer commands (the digest): shown in /readyz,
        # never making the bot unready.
        self.beside = beside
        self.settings = settings
        self.stop = stop
        self.hurry = asyncio.Event()  # a second signal: stop waiting for replies
        self.health: HealthServer | None = None
        self._reloads: set[asyncio.Task[ReloadReport]] = set()
        self._signals: list[signal.Signals] = []

    async def reload(self, trigger: str, changed: Iterable[Path] | None = None) -> ReloadReport:
        """Reload off the loop, so replies keep flowing while the new dossiers are checked."""
        result = await asyncio.to_thread(self._reload, trigger, changed)
        if self.health is not None:
            self.health.last_reload_problems = len(result.problems)
        if not result.ok and self.on_refused is not None:
            try:
                await self.on_refused(result)
            except Exception:
                log.exception("telling the admins about a refused reload failed")
        return result

    def _reload_soon(self, trigger: str) -> None:
        task = asyncio.get_running_loop().create_task(self.reload(trigger))
        self._reloads.add(task)
        task.add_done_callback(self._reloads.discard)

    def _on_stop_signal(self, sig: signal.Signals) -> None:
        if self.stop.is_set():
            log.warning("%s again: not waiting for replies in flight", sig.name)
            self.hurry.set()
            return
        log.info("%s: stopping", sig.name, extra={"event": "signal"})
        self.stop.set()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        handlers: dict[signal.Signals, Callable[[], None]] = {
            signal.SIGTERM: lambda: self._on_stop_signal(signal.SIGTERM),
            signal.SIGINT: lambda: self._on_stop_signal(signal.SIGINT),
            signal.SIGHUP: lambda: self._reload_soon("signal"),
        }
        for sig, handler in handlers.items():
            try:
                loop.add_signal_handler(sig, handler)
            except (RuntimeError, NotImplementedError, ValueError):
                continue  # not the main thread, or no such signal here: the caller sets `stop`
            self._signals.append(sig)

    def _remove_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._signals:
            loop.remove_signal_handler(sig)
        self._signals.clear()

    async def start(self) -> None:
        READINESS.reset()
        metrics.instrument(self.core)
        self._install_signals()
        if self.settings.health_port is not None:
            database = DatabaseProbe(self.database) if self.database is not None else None
            self.health = HealthServer(
                core=self.core,
                readiness=READINESS,
                database=database,
                host=self.settings.health_host,
                port=self.settings.health_port,
            )
            await self.health.start()

    async def run(self, services: Mapping[str, Service]) -> None:
        """Run `services` until `stop` is set, then shut down; raises if one of them failed."""
        tasks: dict[asyncio.Task[None], str] = {}
        for name, serve in services.items():
            READINESS.expect(name, needed=name not in self.beside)
            log.info("starting %s", name, extra={"event": "start", "platform": name})
            task = asyncio.create_task(serve(self.stop), name=name)
            tasks[task] = name
        watcher: asyncio.Task[None] | None = None
        if self.settings.watch_seeds:
            watcher = asyncio.create_task(
                watch_seeds(
                    self.core.library.seeds or self.core.settings.seeds,
                    lambda changed: self.reload("watch", changed),
                    self.stop,
                )
            )
        failures: list[BaseException] = []
        stopping: asyncio.Future[Any] = asyncio.ensure_future(self.stop.wait())
        running = set(tasks)
        while not self.stop.is_set():
            waiting: set[asyncio.Future[Any]] = {*running, stopping}
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in running & done:
                running.discard(task)
                failures += self._ended(tasks[task], task)
        stopping.cancel()

        READINESS.stopping()
        grace = self.settings.shutdown_grace
        log.info(
            "stopping: no new work; finishing replies in flight (up to %.0f s)",
            grace,
            extra={"event": "stopping", "in_flight": REPLIES.count},
        )
        finished = await self._drain(running, grace)
        for task in running - finished:
            task.cancel()
        for task in running:
            try:
                await task
            except asyncio.CancelledError:
                log.warning("%s did not stop within the grace period: cancelled", tasks[task])
            except BaseException as exc:
                failures += self._ended(tasks[task], task, exc)
        if watcher is not None:
            await self._finish(watcher, 3.0)
        for reload in list(self._reloads):
            await self._finish(reload, 10.0)
        if failures:
            first = failures[0]
            if isinstance(first, BotError):
                raise first
            raise ServiceFailed(f"{first.__class__.__name__}: {first}") from first

    async def _drain(
        self, running: set[asyncio.Task[None]], grace: float
    ) -> set[asyncio.Task[None]]:
        """Wait (at most `grace` seconds, less after a second signal) for services to end and
        replies in flight to be delivered; returns the services that ended."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        hurry = asyncio.ensure_future(self.hurry.wait())
        all_ended = asyncio.ensure_future(asyncio.wait(running)) if running else None
        try:
            if all_ended is not None:
                await asyncio.wait(
                    {hurry, all_ended}, timeout=grace, return_when=asyncio.FIRST_COMPLETED
                )
            remaining = max(0.0, deadline - loop.time())
            if not self.hurry.is_set() and not await REPLIES.wait_idle(remaining):
                log.warning("%d replies still in flight after %.0f s", REPLIES.count, grace)
        finally:
            hurry.cancel()
            if all_ended is not None:
                all_ended.cancel()
        return {task for task in running if task.done()}

    def _ended(
        self, name: str, task: asyncio.Task[None], error: BaseException | None = None
    ) -> list[BaseException]:
        if error is None and not task.cancelled():
            error = task.exception()
        if error is None:
            if not self.stop.is_set():
                log.warning("%s ended on its own", name)
                READINESS.report(name, False, "ended")
            return []
        log.error(
            "%s failed: %s: stopping the bot",
            name,
            error,
            exc_info=error,
            extra={"event": "failed", "platform": name},
        )
        self.stop.set()
        return [error]

    @staticmethod
    async def _finish(task: asyncio.Task[object], timeout: float) -> None:
        try:
            await asyncio.wait_for(task, timeout)
        except (TimeoutError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("background task failed while stopping")

    async def serve(self, services: Mapping[str, Service]) -> None:
        """Start everything, serve until `stop` (or a signal), stop cleanly."""
        try:
            await self.start()
            await self.run(services)
        finally:
            await self.close()

    async def close(self) -> None:
        # The state database last: replies in flight may have needed it. Closing fails any
        # call still waiting on it, so no thread outlives the shutdown.
        for close in self.closing:
            await asyncio.to_thread(close)
        self._remove_signals()
        if self.health is not None:
            await self.health.close()
        log.info("stopped", extra={"event": "stopped"})
