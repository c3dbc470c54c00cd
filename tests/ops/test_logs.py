"""Logs an operator reads: one line per event, plain or JSON, without secrets or user text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_core
from bot.config import Settings
from bot.ops.logs import setup_logging
from tests.ops.conftest import Clock, ops_settings

TOKEN = "xoxb-999-888-verysecrettoken"
PASSWORD = "p@ss:w0rd!"


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def secret_settings(seeds: Path, log_format: str) -> Settings:
    return ops_settings(
        seeds,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_APP_TOKEN="xapp-1-A0-another-secret",
        DATABASE_URL="postgresql://bot:p%40ss%3Aw0rd%21@db.internal:5432/bot",
        DISPUTE_BOT_LOG_FORMAT=log_format,
    )


@pytest.mark.usefixtures("restore_root_logger")
def test_json_logs_one_event_a_line_with_platform_command_and_latency(seeds_copy: Path) -> None:
    settings = secret_settings(seeds_copy, "json")
    stream = io.StringIO()
    setup_logging(settings, stream)
    core = build_core(settings, clock=Clock())
    core.handle_line("/quote trump woke", platform="slack", user="U123", channel="C9")
    core.handle_line("/launchcodes 0000", platform="discord")

    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    served = [e for e in events if e["message"].startswith("served")]
    assert [(e["platform"], e["command"], e["outcome"]) for e in served] == [
        ("slack", "quote", "ok"),
        ("discord", "unknown", "usage"),
    ]
    assert all(isinstance(e["latency_ms"], float) and e["latency_ms"] >= 0 for e in served)
    assert served[0]["level"] == "INFO" and served[0]["time"].endswith("Z")
    text = stream.getvalue()
    for private in ("woke", "launchcodes", "0000", "U123", "C9"):
        assert private not in text


@pytest.mark.usefixtures("restore_root_logger")
def test_plain_logs_keep_a_traceback_on_one_line(seeds_copy: Path) -> None:
    stream = io.StringIO()
    setup_logging(secret_settings(seeds_copy, "plain"), stream)
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logging.getLogger("dispute_bot.test").exception("handler failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert " ERROR dispute_bot.test: handler failed | Traceback" in lines[0]
    assert "ValueError: first line\\nsecond line" in lines[0]


@pytest.mark.parametrize("log_format", ["plain", "json"])
@pytest.mark.usefixtures("restore_root_logger")
def test_secrets_never_reach_a_log_line_whoever_logs_them(
    seeds_copy: Path, log_format: str
) -> None:
    stream = io.StringIO()
    setup_logging(secret_settings(seeds_copy, log_format), stream)
    library = logging.getLogger("slack_sdk.web.base_client")
    library.warning("Sending a request with token %s", TOKEN)
    library.warning("connecting to postgresql://bot:%s@db.internal/bot", PASSWORD)
    try:
        raise RuntimeError(f"auth failed for {TOKEN}")
    except RuntimeError:
        library.exception("call failed")
    text = stream.getvalue()
    assert TOKEN not in text
    assert PASSWORD not in text
    assert "p%40ss%3Aw0rd%21" not in text
    assert text.count("<SECRET>") >= 3
    assert len(text.splitlines()) == 3
