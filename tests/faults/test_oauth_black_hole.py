"""Slack's OAuth mode on a PostgreSQL that accepts connections and never answers: the
installations, on the bot's one state database, are bounded like the rest of its access,
so the install page answers 503 and a command gets the apology, each within the bound."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest

from bot.dossier import Dossier
from bot.platforms.slack.installations import LOOKUP_SECONDS
from tests.fakes.slack import FakeSlack
from tests.faults.proxy import TcpProxy
from tests.slack.oauth_bot import Clock, oauth_settings, run_oauth_bot

CONNECT, STATEMENT = 2, 1  # seconds: a call is given up after 3
BOUND = CONNECT + STATEMENT


@pytest.mark.postgres
async def test_a_black_holed_database_gives_a_503_install_page_and_an_apology_in_time(
    postgres_url: str, proxy: TcpProxy, fake: FakeSlack, dossier: Dossier, tmp_path: Path
) -> None:
    settings = oauth_settings(
        fake,
        database_url=proxy.url(postgres_url),
        database_connect_timeout_seconds=float(CONNECT),
        database_statement_timeout_seconds=float(STATEMENT),
    )
    now = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(now)) as served:
        alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", channels=("C0ALPHA1",))
        status, _ = await served.install(alpha)
        assert status == 200

        proxy.black_hole()
        started = time.monotonic()
        async with served.browser() as browser:
            page = await asyncio.wait_for(browser.get(f"{served.base}/slack/install"), BOUND + 3)
            assert page.status == 503 and page.headers["Retry-After"] == "60"
        page_seconds = time.monotonic() - started

        started = time.monotonic()
        answer = await served.command(alpha, "/quote", "trump")
        assert answer.status == 200
        apology = await fake.hook_post(1, timeout=BOUND + 3)
        command_seconds = time.monotonic() - started
        proxy.pass_through()
    assert "went wrong" in str(apology) or "Sorry" in str(apology), apology
    assert page_seconds < BOUND + 1.5, page_seconds
    assert command_seconds < BOUND + 1.5, command_seconds


@pytest.mark.postgres
async def test_a_command_is_acknowledged_in_time_from_a_recent_copy_when_the_database_hangs(
    postgres_url: str, proxy: TcpProxy, fake: FakeSlack, dossier: Dossier, tmp_path: Path
) -> None:
    """The database's own bound (8 s here) is longer than Slack's 3 s to acknowledge: the
    lookup gives up after LOOKUP_SECONDS, and a workspace read in the past hour is answered
    with that copy; one never read gets the apology, acknowledged in time."""
    settings = oauth_settings(
        fake,
        database_url=proxy.url(postgres_url),
        database_connect_timeout_seconds=5.0,
        database_statement_timeout_seconds=3.0,
    )
    now = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(now)) as served:
        alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", channels=("C0ALPHA1",))
        beta = fake.add_workspace("T0003BETA", "Beta Desk", channels=("C0BETA1",))
        for workspace in (alpha, beta):
            status, _ = await served.install(workspace)
            assert status == 200
        assert (await served.command(alpha, "/quote", "trump")).status == 200
        assert "Trump" in str(await fake.hook_post(1))
        served.installations._bots.clear()  # the minute's copies expire (beta: never read)

        proxy.black_hole()
        answer = await served.command(alpha, "/quote", "trump")
        apologised = await served.command(beta, "/quote", "trump")
        # The answer itself may wait for the channel's preferences (the same database,
        # bounded at 8 s) before answering from the defaults.
        replies = [await fake.hook_post(n, timeout=8 + 3) for n in (2, 3)]
        proxy.pass_through()
    assert answer.status == 200 and answer.seconds < LOOKUP_SECONDS + 0.5, answer
    assert apologised.status == 200 and apologised.seconds < LOOKUP_SECONDS + 0.5, apologised
    assert sorted("Sorry" in str(r) for r in replies) == [False, True]
    assert any("Trump" in str(r) for r in replies)
