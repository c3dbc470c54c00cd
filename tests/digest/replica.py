"""One bot replica in its own OS process, for the multi-replica tests.

`python -m tests.digest.replica '<json spec>'` builds production settings (state in
DATABASE_URL or a SQLite file), the real Slack and Discord posters pointed at the test's fake
chat, and runs `bot.digest.supervisor.run_digests`, the digest service's own loop. It
prints `ready`, waits for a line on stdin (so replicas start together), then lives through
`instants`: the clock (time-machine, ticking) jumps to each in turn, `period` seconds apart,
each jump once it printed `settled` and got a line back (the test releases all replicas
together). With `hold`, it then waits to be killed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import signal
import sys
from typing import Any

import time_machine
from msgspec import structs

from bot.app import DisputeBot
from bot.config import Secret, load_settings
from bot.delivery import Poster
from bot.digest.hub import DigestHub
from bot.digest.supervisor import run_digests
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.slack.poster import SlackPoster
from tests.digest.fake_chat import DISCORD_TOKEN, SLACK_TOKEN


async def settle(hub: DigestHub) -> None:
    if hub.service is not None:
        await hub.service.settled()


async def live(spec: dict[str, Any]) -> None:
    overrides: dict[str, Any] = {
        "digest_sync_seconds": spec.get("sync_seconds", 0.5),
        "digest_claim_timeout_seconds": spec.get("claim_timeout", 60.0),
        "digest_retry_backoff_seconds": tuple(spec.get("backoff", (0.05, 0.1))),
        "digest_subscriptions": tuple(spec.get("config_subscriptions", ())),
    }
    if spec.get("database_url"):
        overrides["database_url"] = Secret(spec["database_url"])
    else:
        overrides["digest_database"] = spec["database"]
    settings = structs.replace(load_settings(environ={}), **overrides)
    bot = DisputeBot(settings)
    posters: dict[str, Poster] = {
        "slack": SlackPoster(token=SLACK_TOKEN, api_url=spec["slack_api_url"]),
        "discord": DiscordPoster(token=DISCORD_TOKEN, api_url=spec["discord_api_url"]),
    }
    instants = [dt.datetime.fromisoformat(i) for i in spec["instants"]]
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with time_machine.travel(instants[0], tick=True) as traveller:
        # A ticking traveller starts its clock at the first reading, not at the jump: read it
        # now, or a slow start-up would shift this replica's day against the event loop's.
        dt.datetime.now()
        started = asyncio.Event()
        running = asyncio.create_task(
            run_digests(bot.core, bot.digest, settings, posters, stop, started=started)
        )
        for instant in instants[1:]:
            await asyncio.sleep(spec["period"])
            await started.wait()
            await settle(bot.digest)
            # Jump only when every replica is done with the day: a post in flight across a
            # jump of a whole day would look like a dead replica's claim to the others.
            print("settled", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            traveller.move_to(instant)
            dt.datetime.now()
            if bot.digest.service is not None:
                bot.digest.service.wake()
        if spec.get("hold"):
            await stop.wait()
        else:
            await asyncio.sleep(spec["period"])
            await settle(bot.digest)
            stop.set()
        await running
    print("done", flush=True)


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.DEBUG)
    asyncio.run(live(json.loads(sys.argv[1])))


if __name__ == "__main__":
    main()
