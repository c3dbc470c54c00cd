"""The /digest preview in a channel: what is new since that channel's last digest, and an
answer even when the state database cannot say when that was."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from pathlib import Path

import pytest

from bot.app import DisputeBot
from bot.config import load_settings
from bot.reply import ReplyKind

MORNING = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_the_preview_lists_what_the_channel_has_not_seen(tmp_path: Path) -> None:
    settings = load_settings(environ={"DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / "d.sqlite3")})
    bot = DisputeBot(settings, clock=lambda: MORNING)
    try:
        bot.digest.store.record_post(
            platform="discord",
            channel="42",
            local_date=dt.date(2026, 2, 26),
            kind="daily",
            message_id="1",
            quote_id=None,
            rotation_round=0,
            now=MORNING - dt.timedelta(days=3),
        )
        seen = bot.core.handle_line("/digest", platform="discord", channel="42")
        fresh = bot.core.handle_line("/digest", platform="discord", channel="43")
    finally:
        bot.digest.close()
    # Its last digest was on 26 Feb: the 28 Feb dispatch is news, decisive events first.
    assert seen.items[0].title == "New since 26 February 2026"
    assert seen.items[0].refs[:3] == (
        "event:anthropic-refuses",
        "event:trump-orders-stop",
        "event:supply-risk-listing",
    )
    # A channel that never had one reads what is new since yesterday: nothing, on 1 March.
    assert fresh.items[0].title == "New since 28 February 2026"
    assert fresh.items[0].body == "Nothing new since 28 February 2026."


def test_the_preview_answers_when_the_database_is_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as closed:  # a port nothing listens on: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = load_settings(
        environ={
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere",
            "DISPUTE_BOT_DATABASE_CONNECT_TIMEOUT_SECONDS": "1",
        }
    )
    bot = DisputeBot(settings, clock=lambda: MORNING)
    try:
        with caplog.at_level(logging.INFO, logger="dispute_bot.digest"):
            reply = bot.core.handle_line("/digest", platform="slack", channel="C1")
    finally:
        bot.digest.close()
    assert reply.kind is ReplyKind.OK
    assert reply.items[0].title == "New since 28 February 2026"  # yesterday, as a fallback
    assert any("without the channel's last digest" in r.getMessage() for r in caplog.records)
