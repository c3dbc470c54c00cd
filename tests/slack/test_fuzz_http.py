"""Fuzzing the real /slack/events endpoint: any body, any headers, never a 500 or a stray call.

The bot runs on a loop of its own in a thread, so Hypothesis drives it with plain blocking
HTTP requests, one per example, against the real aiohttp server, gate and Bolt app.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import http.client
import json
import string
import threading
import time
import urllib.parse
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.app import build_core
from bot.config import load_settings
from bot.dossier import Dossier
from bot.ops.inflight import REPLIES
from bot.platforms.slack.startup import RunningSlack, start_slack
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, sign

T = TypeVar("T")
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
ANSWERS = {200, 400, 401, 404}  # 404: a signed body no listener takes, as Bolt answers it


@dataclasses.dataclass
class Endpoint:
    port: int
    fake: FakeSlack

    def outbound(self) -> int:
        """Calls the bot made to Slack, but its start-up auth.test."""
        calls = [c for c in self.fake.calls if c.method != "auth.test"]
        return len(calls) + len(self.fake.hook_posts)

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()


@pytest.fixture(scope="module")
def endpoint(dossier: Dossier) -> Iterator[Endpoint]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fuzzed-bot", daemon=True)
    thread.start()

    def run(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, loop).result(30)

    fake = run(FakeSlack().start())
    environ = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake.api_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PORT": "0",
    }
    bot_settings = load_settings(environ=environ)
    core = build_core(bot_settings, dossier=dossier, clock=lambda: NOW)
    running: RunningSlack = run(
        start_slack(core, bot_settings, in_flight=REPLIES, host="127.0.0.1")
    )
    assert running.port
    try:
        yield Endpoint(port=running.port, fake=fake)
    finally:
        run(running.close())
        run(fake.close())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


HEADER_TEXT = st.text(alphabet=string.printable.strip() + " ", max_size=40)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
# Keys Slack's payloads use, so bodies reach past the first checks; no response_url: a
# signed body may make the bot post, and only to the fake Slack.
KEYS = st.sampled_from(
    "type command text trigger_id event_id event user channel team enterprise actions "
    "authorizations container view message api_app_id token subtype ts channel_type".split()
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=20,
)
SLACKISH = st.dictionaries(KEYS, JSON, max_size=6)


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "form", "payload"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    data = draw(SLACKISH)
    if kind == "json":
        return json.dumps(data).encode()
    if kind == "payload":
        return urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
    flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    return urllib.parse.urlencode(flat).encode()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies(), content_type=CONTENT_TYPES, stamp=HEADER_TEXT, signature=HEADER_TEXT)
def test_unsigned_requests_get_401_and_make_no_call(
    endpoint: Endpoint, body: bytes, content_type: str, stamp: str, signature: str
) -> None:
    before = endpoint.outbound()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    assert endpoint.post(body, headers) == 401
    time.sleep(0.005)
    assert endpoint.outbound() == before


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies(), content_type=CONTENT_TYPES)
@example(body=b'{"view": null}', content_type="application/json")  # crashed Bolt's unhandled log
def test_signed_requests_of_any_shape_never_get_a_500(
    endpoint: Endpoint, body: bytes, content_type: str
) -> None:
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(SIGNING_SECRET, stamp, body),
    }
    assert endpoint.post(body, headers) in ANSWERS
