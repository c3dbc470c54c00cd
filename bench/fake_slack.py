"""A fake of the Slack service for the HTTP load test: auth.test and the response_url hooks.

Run as `python -m bench.fake_slack`: listens on a free loopback port, prints
`{"port": N}`, answers `auth.test` with the recorded payload and every response_url POST
with Slack's `ok`, counts those deliveries (`GET /stats`), and stops when stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "slack"


class FakeSlack:
    def __init__(self) -> None:
        self.delivered = 0
        self.auth = json.loads((FIXTURES / "auth_test.json").read_text(encoding="utf-8"))

    async def auth_test(self, request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(self.auth)

    async def hook(self, request: web.Request) -> web.Response:
        await request.read()
        self.delivered += 1
        return web.Response(text="ok")

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response({"delivered": self.delivered})


async def serve() -> None:
    fake = FakeSlack()
    app = web.Application()
    app.router.add_post("/api/auth.test", fake.auth_test)
    app.router.add_post("/commands/{path:.*}", fake.hook)
    app.router.add_get("/stats", fake.stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
