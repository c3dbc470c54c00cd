"""The servers the Slack load test sends to: the bot's own Slack platform, or bare aiohttp.

`python -m bench.slack_server bot --api-url URL --secret S` starts the real thing:
`bot.platforms.slack.startup.start_slack` in HTTP mode (the receiver verifying signatures
and bodies, then Bolt's AsyncApp acking, and the reply through the response_url), on the
shipped dossier.
`python -m bench.slack_server bare` is the yardstick: aiohttp answering the same POSTs
with an empty 200. `python -m bench.slack_server bolt --secret S` is Bolt's own share: an
`AsyncApp` behind the same aiohttp adapter, verifying the signature and acking each command
with nothing else to do (no core, no reply). Each prints `{"port": N}` and stops when stdin
closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from aiohttp import web
from msgspec import structs

from bot.app import build_core

EVENTS_PATH = "/slack/events"


async def _until_stdin_closes() -> None:
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def serve_bare() -> None:
    async def ack(request: web.Request) -> web.Response:
        await request.read()
        return web.Response()

    app = web.Application()
    app.router.add_post(EVENTS_PATH, ack)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    await _until_stdin_closes()
    await runner.cleanup()


async def serve_bolt(secret: str) -> None:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_bolt.authorization import AuthorizeResult

    async def authorize(**_: object) -> AuthorizeResult:  # no auth.test: nothing but Bolt
        return AuthorizeResult(
            enterprise_id=None, team_id="T0001", bot_token="xoxb-bench", bot_user_id="U0BOT"
        )

    bolt = AsyncApp(signing_secret=secret, authorize=authorize, process_before_response=True)

    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    for command in ("/quote", "/timeline"):
        bolt.command(command)(ack_only)

    async def dispatch(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post(EVENTS_PATH, dispatch)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    await _until_stdin_closes()
    await runner.cleanup()


async def serve_bot(api_url: str, secret: str) -> None:
    from bot.config import load_settings
    from bot.ops.inflight import REPLIES
    from bot.platforms.slack.startup import start_slack

    environ = {
        "SLACK_BOT_TOKEN": "xoxb-bench-0000-fakebottoken",
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": api_url,
    }
    settings = structs.replace(load_settings(environ=environ), port=0)
    running = await start_slack(build_core(settings), settings, in_flight=REPLIES, host="127.0.0.1")
    print(json.dumps({"port": running.port}), flush=True)
    await _until_stdin_closes()
    await running.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("bot", "bare", "bolt"))
    parser.add_argument("--api-url", default="")
    parser.add_argument("--secret", default="")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.mode == "bare":
        asyncio.run(serve_bare())
    elif args.mode == "bolt":
        asyncio.run(serve_bolt(args.secret))
    else:
        asyncio.run(serve_bot(args.api_url, args.secret))


if __name__ == "__main__":
    main()
