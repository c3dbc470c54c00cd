"""A slow PostgreSQL (a proxy delaying every packet): answers wait for it within the bound,
then say it is unavailable; once it is quick again, so are the answers."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.reply import ReplyKind
from tests.digest.conftest import MakeReplica, postgres_settings
from tests.faults.proxy import TcpProxy

CONNECT, STATEMENT = 2.0, 1.0
UNAVAILABLE = "The digest's database is unavailable right now; try again later."


@pytest.mark.postgres
async def test_a_slow_database_is_waited_for_within_the_bound_only(
    postgres_url: str, proxy: TcpProxy, make_replica: MakeReplica
) -> None:
    bot = make_replica(
        settings=postgres_settings(
            proxy.url(postgres_url),
            database_connect_timeout_seconds=CONNECT,
            database_statement_timeout_seconds=STATEMENT,
        )
    )

    async def ask(line: str) -> tuple[ReplyKind, str, float]:
        started = time.monotonic()
        reply = await asyncio.to_thread(bot.ask, line)  # off the loop, where the proxy runs
        return reply.kind, reply.text, time.monotonic() - started

    kind, text, _ = await ask("/digest subscribe 08:00 paris")
    assert kind is ReplyKind.OK, text

    proxy.delay(0.05)  # slow, within the bound: answered, a little later
    kind, _, seconds = await ask("/digest status")
    assert kind is ReplyKind.OK and seconds >= 0.05

    proxy.delay(5)  # slower than the bound: given up in time
    kind, text, seconds = await ask("/digest status")
    assert (kind, text) == (ReplyKind.ERROR, UNAVAILABLE)
    assert seconds < CONNECT + STATEMENT + 1, seconds
    kind, text, seconds = await ask("/digest status")  # meanwhile, at once
    assert (kind, text) == (ReplyKind.ERROR, UNAVAILABLE) and seconds < 0.5, seconds

    proxy.pass_through()
    await asyncio.sleep(CONNECT + STATEMENT + 0.5)  # then one call tries the database again
    kind, text, _ = await ask("/digest status")
    assert kind is ReplyKind.OK, text
