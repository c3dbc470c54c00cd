"""A PostgreSQL that accepts connections and never answers, under a real `dispute-bot serve`:
`/digest status` says the database is unavailable within the bound, every other command is
still answered, the bot stays ready, and SIGTERM ends it within the grace."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.fakes.slack import FakeSlack
from tests.faults.bot_process import BotProcess
from tests.faults.proxy import TcpProxy

# Seconds: a call is given up after BOUND. What the test proves is "one bound at most, never
# two" (a command queued behind another's wait would take two or more) and "stopped within
# the grace, not hung": the bound and the grace are long enough that a loaded machine's
# overhead (processes, HTTP, the fake Slack; up to a bound) cannot be mistaken for either.
CONNECT, STATEMENT = 4, 2
BOUND = CONNECT + STATEMENT
GRACE = 4
UNAVAILABLE = "The digest's database is unavailable right now; try again later."


def said(post: dict[str, object]) -> str:
    return json.dumps(post, ensure_ascii=False)


@pytest.mark.postgres
async def test_a_black_holed_database_answers_quickly_starves_nothing_and_stops_in_time(
    postgres_url: str, proxy: TcpProxy, fake: FakeSlack, tmp_path: Path
) -> None:
    bot = await BotProcess.start(
        fake,
        tmp_path,
        DATABASE_URL=proxy.url(postgres_url),
        DISPUTE_BOT_DATABASE_CONNECT_TIMEOUT_SECONDS=str(CONNECT),
        DISPUTE_BOT_DATABASE_STATEMENT_TIMEOUT_SECONDS=str(STATEMENT),
        DISPUTE_BOT_SHUTDOWN_GRACE=str(GRACE),
    )
    try:
        await bot.wait_for_log("digest service started")
        async with bot.slack(fake) as slack:
            assert (await slack.command("/digest", "subscribe 08:00 paris")).status == 200
            first = await fake.hook_post(1, timeout=10)
            assert "Subscribed: this channel gets the daily digest" in said(first)

            proxy.black_hole()
            started = time.monotonic()
            # More than the default thread pool holds, then commands that need no database.
            for _ in range(24):
                assert (await slack.command("/digest", "status")).status == 200
            for _ in range(8):
                assert (await slack.command("/quote", "trump")).status == 200

            def quotes() -> int:
                return sum("Quotes by Donald Trump" in said(p) for p in fake.hook_posts)

            # Waited for long enough to measure a failure, not to cause one.
            await fake.wait_until(lambda: quotes() == 8, timeout=4 * BOUND)
            quotes_answered = time.monotonic() - started
            await fake.wait_until(lambda: len(fake.hook_posts) == 1 + 24 + 8, timeout=4 * BOUND)
            statuses_answered = time.monotonic() - started

            status, body = await bot.get("/readyz")  # commands work: the bot stays ready
        statuses = [p for p in fake.hook_posts[1:] if "Quotes by" not in said(p)]
        assert len(statuses) == 24 and all(UNAVAILABLE in said(p) for p in statuses)
        # Within one bound (the first statuses' wait), never two: the 24 statuses, more than
        # the default thread pool holds, do not queue behind each other's waits, and the
        # quotes, which need no database, do not wait for all of them.
        assert quotes_answered < 2 * BOUND, quotes_answered
        assert statuses_answered < 2 * BOUND, statuses_answered
        assert status == 200, body
        assert json.loads(body)["reported"]["database"]["ok"] is False

        seconds = await bot.stop(timeout=4 * GRACE)
        assert bot.process.returncode == 0, bot.text
        assert seconds < 2 * GRACE, seconds  # the grace, and the interpreter's exit: no hang
    finally:
        await bot.kill()
    assert "Traceback" not in bot.text
    assert f"state database unavailable (no answer within {BOUND} s)" in bot.text
