"""HTTP mode's gate: no valid signature, no action; bad bodies get 400; refusals log briefly."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.ops.inflight import REPLIES
from bot.ops.logs import setup_logging
from bot.platforms.slack.app import build_app
from bot.platforms.slack.client import make_web_client
from bot.platforms.slack.gate import RefusalLog
from tests.fakes.slack import BOT_TOKEN, FakeSlack, fixture
from tests.slack.conftest import MakeSettings, RunBot, make_core

FORGED = "v0=" + "0" * 64
# Timestamps Bolt's own check crashed on (int() of them raised), and others Slack never sends.
BAD_STAMPS = ["x", "", "1e3", "0x10", "1772197405.5", "9" * 40, " 1772197405", "-1"]


class Recorder:
    """Any URL an attacker may write into a body (an internal service, say): counts hits."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> Recorder:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._hit)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/internal/admin"
        return self

    async def _hit(self, request: web.Request) -> web.Response:
        self.hits.append(f"{request.method} {request.path}")
        return web.Response(text="ok")

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    server = await Recorder().start()
    yield server
    await server.close()


def attacks(response_url: str) -> list[tuple[str, str]]:
    """A slash command, a mention naming a channel, and a click: (body, content type)."""
    command = fixture("slash_command.json")
    command.update(command="/quote", text="trump", response_url=response_url)
    mention = fixture("app_mention.json")
    mention["event"]["channel"] = "C0VICTIM"
    click = fixture("block_actions_ephemeral.json")
    click["response_url"] = response_url
    return [
        (urllib.parse.urlencode(command), "application/x-www-form-urlencoded"),
        (json.dumps(mention), "application/json"),
        (
            urllib.parse.urlencode({"payload": json.dumps(click)}),
            "application/x-www-form-urlencoded",
        ),
    ]


@pytest.mark.parametrize("stamp", BAD_STAMPS)
async def test_a_forged_request_with_a_bad_timestamp_gets_401_and_makes_no_call(
    run_http_bot: RunBot, fake: FakeSlack, recorder: Recorder, stamp: str
) -> None:
    async with run_http_bot() as slack:
        answers = [
            await slack.post(body, content_type=kind, timestamp=stamp, signature=FORGED)
            for body, kind in attacks(recorder.url)
        ]
        await asyncio.sleep(0.3)  # time for any reply or apology to go out
    assert [a.status for a in answers] == [401, 401, 401]
    assert recorder.hits == []
    assert fake.hook_posts == []
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []


async def test_bolts_error_handler_never_answers_an_unverified_body(
    make_settings: MakeSettings, dossier: Any, recorder: Recorder
) -> None:
    settings = make_settings()
    client = make_web_client(token=BOT_TOKEN, api_url=settings.slack_api_url)
    _, listeners = build_app(make_core(settings, dossier), settings, client, in_flight=REPLIES)
    body, _ = attacks(recorder.url)[0]
    unverified = AsyncBoltRequest(body=body, headers={})  # as if something skipped the gate
    await listeners.on_error(RuntimeError("boom"), unverified.body, unverified)
    assert recorder.hits == []


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.parametrize("log_format", ["plain", "json"])
@pytest.mark.usefixtures("restore_logging")
async def test_at_debug_the_log_holds_no_body_response_url_or_user_text(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, log_format: str
) -> None:
    stream = io.StringIO()
    setup_logging(make_settings(log_level="DEBUG", log_format=log_format), stream)
    flood = urllib.parse.urlencode(
        {**fixture("slash_command.json"), "text": "PRIVATE-FLOOD " + "x" * 100_000}
    )
    async with run_http_bot(log_level="DEBUG", log_format=log_format) as slack:
        before = len(stream.getvalue())
        refused = [(await slack.post(flood, signature=FORGED)).status for _ in range(200)]
        grown = len(stream.getvalue()) - before
        body, url = slack.command_body("/quote", "trump PRIVATE-COMMAND")
        await slack.post(body)
        await fake.hook_post()
        mention = fixture("app_mention.json")
        mention["event"]["text"] = "<@U0DISPUTEBOT> quote PRIVATE-MENTION"
        await slack.event(mention)
        await fake.api_call("chat.postMessage")
    assert refused == [401] * 200
    assert grown < 500, stream.getvalue()[before : before + 2000]  # 20 MB refused
    logged = stream.getvalue()
    assert "refused a request: HTTP 401, bad signature" in logged
    assert "served /quote on slack" in logged  # DEBUG is on, and the bot did log
    for private in ("PRIVATE", url, "/hooks/", "Bc1xLp6TnGjd2wX3", "U0REPORTER", "C0DESK42"):
        assert private not in logged


def test_refusals_are_logged_once_per_interval_with_a_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    refusals = RefusalLog(every=10.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger="dispute_bot.slack")
    for second in range(25):
        now[0] = float(second)
        refusals.note("HTTP 401, bad signature")
    assert [r.getMessage() for r in caplog.records] == [
        "slack: refused a request: HTTP 401, bad signature",
        "slack: refused a request: HTTP 401, bad signature (9 more refused since the last line)",
        "slack: refused a request: HTTP 401, bad signature (9 more refused since the last line)",
    ]


# -- bodies ----------------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
GARBAGE: list[tuple[bytes, str]] = [
    (b"command=%2Fquote&text=caf\xe9", FORM),  # Latin-1, not UTF-8
    (b"\xff\xfe{\x00}\x00", "application/json"),
    (b"{not json", "application/json"),
    (b'{"type": "event_callback", "event": ', "application/json"),
    (b"payload=%7Bnot-json", FORM),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (b"payload=%5B%5D", FORM),  # payload=[]
    (b"a=1&&b", FORM),
    (b'{"type": "event_callback", "event": "app_mention"}', "application/json"),
    (b'{"type": "block_actions", "actions": ["dispute_share"]}', "application/json"),
    (b'{"type": "event_callback", "event": {"type": "message", "user": 5}}', "application/json"),
    (b'{"command": ["/quote"], "text": "trump"}', "application/json"),
    (b'{"authorizations": [null]}', "application/json"),
]


async def test_signed_bodies_that_are_not_slacks_get_400_one_log_line_no_traceback(
    run_http_bot: RunBot, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with run_http_bot() as slack:
        signed = [(await slack.post(body, content_type=kind)).status for body, kind in GARBAGE]
        unsigned = [
            (await slack.post(body, content_type=kind, signature=FORGED)).status
            for body, kind in GARBAGE
        ]
        await asyncio.sleep(0.2)
    assert signed == [400] * len(GARBAGE)
    assert unsigned == [401] * len(GARBAGE)  # the signature is checked before the body
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    refusals = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 1  # one line, the rest counted for the next one
    assert refusals[0].getMessage().startswith("slack: refused a request: HTTP 400, body ")
    assert fake.hook_posts == []
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []
