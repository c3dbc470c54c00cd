"""The health server an orchestrator reads: `/healthz`, `/readyz` and `/metrics` over HTTP.

It runs on its own port (settings.health_port), beside Slack's HTTP server when that runs.
`/healthz` answers while the event loop turns; `/readyz` only when the bot can answer commands:
the corpus is loaded, every started platform is connected and no shutdown has begun. What it
does not need for that (the digest, the database) is reported beside, under `reported`.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.ops import metrics
from bot.ops.database import DatabaseProbe
from bot.ops.readiness import Check, Readiness

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger("dispute_bot.health")


class HealthServer:
    def __init__(
        self,
        *,
        core: Core,
        readiness: Readiness,
        database: DatabaseProbe | None = None,
        host: str = "0.0.0.0",
        port: int = 8080,
    ) -> None:
        self.core = core
        self.readiness = readiness
        self.database = database
        self.host = host
        self.port = port
        self.last_reload_problems = 0  # problems of the last refused reload, 0 after a good one
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)
        return app

    async def start(self) -> int:
        """Listen; returns the bound port (useful when `port` is 0)."""
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        bound = self._runner.addresses[0][1] if self._runner.addresses else self.port
        self.port = int(bound)
        log.info(
            "health server on http://%s:%d (/healthz, /readyz, /metrics)",
            self.host,
            self.port,
            extra={"event": "listening", "port": self.port},
        )
        return self.port

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def checks(self) -> list[Check]:
        library = self.core.library
        corpus = self.core.dossier.corpus
        detail = f"{len(corpus.quotes)} quotes, {len(corpus.events)} events"
        if len(library.names()) > 1:
            refused = sum(1 for name in library.names() if library.problems(name))
            detail += f" in {library.default}; {len(library.names())} dossiers"
            detail += f" ({refused} refused)" if refused else ""
        if self.last_reload_problems:
            detail += f"; last reload refused ({self.last_reload_problems} problems)"
        found = [Check(name="corpus", ok=bool(corpus.articles), detail=detail)]
        found += self.readiness.checks()
        if self.database is not None:
            found.append(await self.database.check())
        return found

    async def readyz(self, request: web.Request) -> web.Response:
        found = await self.checks()
        ready = all(check.ok for check in found if check.needed)
        body = {
            "ready": ready,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in found if c.needed},
            "reported": {c.name: {"ok": c.ok, "detail": c.detail} for c in found if not c.needed},
        }
        return web.Response(
            text=json.dumps(body, indent=2) + "\n",
            status=200 if ready else 503,
            content_type="application/json",
        )

    async def metrics(self, request: web.Request) -> web.Response:
        probe = self.database
        metrics.database_up((await probe.check()).ok if probe is not None else None)
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
